test_that("generel_manhattan draws every placed variant, coloured by its relatedness rank", {
  skip_if_no_python()
  annotated <- generel_annotate(example_gwas(), trait = "type 2 diabetes")
  path <- tempfile(fileext = ".png")
  grDevices::png(path, width = 900, height = 400)
  drawn <- generel_manhattan(annotated, "type 2 diabetes", pos = "BP_GRCh38", label = "rs7903146")
  grDevices::dev.off()
  expect_true(file.exists(path) && file.size(path) > 5000)
  expect_equal(nrow(drawn), sum(!is.na(annotated$P) & !is.na(annotated$BP_GRCh38)))
  scored <- !is.na(drawn$rank)
  expect_true(all(drawn$rank[scored] > 0 & drawn$rank[scored] <= 1))
  # the most related variant is drawn last, in the darkest colour
  last <- drawn[nrow(drawn), ]
  expect_equal(last$generel_type_2_diabetes, max(annotated$generel_type_2_diabetes, na.rm = TRUE))
  expect_true(all(diff(drawn$x[drawn$chrom == "1"][order(drawn$BP_GRCh38[drawn$chrom == "1"])]) >= 0))
})

test_that("generel_manhattan names a missing column", {
  expect_error(generel_manhattan(example_gwas(), "type 2 diabetes", pos = "BP_GRCh38"),
               "generel_type_2_diabetes",
               class = "generel_error")
  expect_error(generel_manhattan(1:3, "x"), "data.frame", class = "generel_error")
})
