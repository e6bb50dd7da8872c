test_that("annotate keeps every row and column as given and appends the GENEREL columns", {
  skip_if_no_python()
  gwas <- example_gwas()
  gwas$CHR <- factor(gwas$CHR)                 # R types come back unchanged
  gwas$note <- ifelse(gwas$P < 1e-3, "low P", NA)
  gwas$m <- matrix(seq_len(2 * nrow(gwas)), ncol = 2)  # several values a row: they failed
  gwas$d <- data.frame(a = seq_len(nrow(gwas)), b = "x")
  gwas$z <- complex(real = seq_len(nrow(gwas)), imaginary = 1)  # warned "imaginary parts discarded"
  expect_no_warning(
    out <- generel_annotate(gwas, trait = c("type 2 diabetes", "Coronary artery disease"), top_k = 2)
  )
  expect_s3_class(out, "data.frame")
  expect_identical(out[names(gwas)], gwas)
  added <- setdiff(names(out), names(gwas))
  expect_equal(added[1:5], c("generel_match", "generel_type_2_diabetes",
                             "generel_type_2_diabetes_pct", "generel_coronary_artery_disease",
                             "generel_coronary_artery_disease_pct"))
  expect_equal(added[6:14], c("generel_genes", paste0("generel_top", rep(1:2, each = 4), "_",
                                                     c("id", "name", "type", "score"))))
  pct <- out$generel_type_2_diabetes_pct
  expect_true(all(pct >= 0 & pct <= 1, na.rm = TRUE) && any(!is.na(pct)))
  expect_true(all(out$generel_match %in% c("rsid", "chrpos", "locus", "rsid_locus", "none")))
  expect_true(is.double(out$generel_type_2_diabetes) && is.character(out$generel_top1_name))
  # the trait column is the similarity of each SNP with the trait
  rows <- which(out$generel_match == "rsid")[1:5]
  direct <- generel_similarity(out$SNP[rows], "type 2 diabetes")[, 1]
  expect_equal(unname(out$generel_type_2_diabetes[rows]), unname(direct), tolerance = 1e-6)
  expect_true(all(out$generel_top1_score >= out$generel_top2_score, na.rm = TRUE))
})

test_that("a file path gives the same annotation as the data.frame", {
  skip_if_no_python()
  path <- system.file("extdata", "example_gwas.tsv", package = "generel")
  from_file <- generel_annotate(path, trait = "type 2 diabetes")
  from_frame <- generel_annotate(example_gwas(), trait = "type 2 diabetes")
  expect_equal(from_file[names(example_gwas())], example_gwas())
  expect_equal(from_file$generel_type_2_diabetes, from_frame$generel_type_2_diabetes, tolerance = 1e-6)
})

test_that("p_threshold scores only significant rows, and snp_col and ... reach Python", {
  skip_if_no_python()
  gwas <- example_gwas()
  names(gwas)[names(gwas) == "SNP"] <- "marker_label"
  out <- generel_annotate(gwas, trait = "obesity", p_threshold = 5e-8, snp_col = "marker_label",
                          pos_col = "BP_GRCh38", build = "GRCh38")
  expect_equal(nrow(out), nrow(gwas))
  expect_equal(!is.na(out$generel_obesity), gwas$P <= 5e-8)
  expect_true(all(out$generel_match[gwas$P <= 5e-8] != "none"))
  expect_true(all(is.na(out$generel_match[gwas$P > 5e-8])))
  e <- tryCatch(generel_annotate(gwas, trait = "obesity", snp_col = "no_such_column"),
                error = identity)
  expect_s3_class(e, "generel_error")
  expect_match(conditionMessage(e), "no_such_column", fixed = TRUE)
  expect_error(generel_annotate(1:3), "data.frame or a file path", class = "generel_error")
  # a bad value is named as an R user counts rows: "data.frame row 3", not "DataFrame"
  bad <- example_gwas()
  bad$P[3] <- 2
  expect_error(generel_annotate(bad, trait = "obesity"),
               "data.frame row 3: column 'P' has a P value above 1", class = "generel_error")
  # and what to do is said in R's terms, not the command line's
  loci <- data.frame(CHR = c(1L, 2L), BP = c(1000000L, 2000000L), P = c(0.01, 0.02))
  e <- tryCatch(generel_annotate(loci, trait = "obesity"), error = identity)
  expect_match(conditionMessage(e), 'pass `build = "GRCh37"` or `build = "GRCh38"`', fixed = TRUE)
  expect_false(grepl("--", conditionMessage(e), fixed = TRUE))
})
