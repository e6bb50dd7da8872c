test_that("generel_search finds concepts by name and by id, as a data.frame", {
  skip_if_no_python()
  found <- generel_search("type 2 diabetes", types = c("disease", "trait"), n = 5)
  expect_s3_class(found, "data.frame")
  expect_equal(names(found), c("id", "name", "type"))
  expect_equal(nrow(found), 5L)
  expect_true(all(grepl("type 2 diabetes", tolower(found$name), fixed = TRUE)))
  expect_true(all(found$type %in% c("disease", "trait")))
  by_id <- generel_search("mondo_0005148")
  expect_equal(by_id$id, "MONDO:0005148")
  expect_equal(nrow(generel_search("no such concept anywhere")), 0L)
  # an id it lists stands for its concept everywhere an item is read
  same <- generel_similarity("MONDO:0005148", by_id$name)
  expect_equal(unname(same[1, 1]), 1, tolerance = 1e-5)
  expect_error(generel_similarity("MONDO:9999999", "asthma"),
               "^unknown concept id 'MONDO:9999999'", class = "generel_error")
  # an id of a scheme the catalog lacks is refused, not scored as its letters
  expect_error(generel_similarity("rs7903146", "NCBIGene:6934"),
               "catalog has no NCBIGene ids", class = "generel_error")
  expect_equal(generel_search("D003924")$id[1], "MESH:D003924")
  # a GWAS abbreviation stands for its concept, and R is told so in a message
  expect_message(abbreviated <- generel_similarity("rs7903146", "T2D"),
                 "'T2D' read as 'type 2 diabetes mellitus'", class = "generel_message")
  expect_equal(unname(abbreviated),
               unname(generel_similarity("rs7903146", "type 2 diabetes mellitus")), tolerance = 1e-6)
  expect_message(generel_annotate(example_gwas()[1:3, ], trait = "SCZ"),
                 "trait 'SCZ' read as 'schizophrenia'", class = "generel_message")
  # a phenotype code is scored as its letters, and R is told so, in R's terms
  expect_message(generel_annotate(example_gwas()[1:3, ], trait = "T2D_WIDE"),
                 "looks like a phenotype code.*generel_search\\(\\) lists them",
                 class = "generel_message")
})

test_that("generel_search rejects bad arguments with a generel_error", {
  expect_error(generel_search(NA), "^`text` must be a single non-empty string, not NA$",
               class = "generel_error")
  expect_error(generel_search(c("a", "b")), "`text` must be", class = "generel_error")
  expect_error(generel_search(" "), "`text` must be", class = "generel_error")
  expect_error(generel_search("asthma", n = 0), "^`n` must be a single whole number >= 1, not 0$",
               class = "generel_error")
  expect_error(generel_search("asthma", types = NA), "`types` .*; NA at position 1$",
               class = "generel_error")
  skip_if_no_python()
  expect_error(generel_search("asthma", types = "organ"), "unknown types \\['organ'\\]",
               class = "generel_error")
})
