# Bad arguments fail in R, before Python is asked, with a generel_error naming the argument and
# showing the value; so these run without Python (except the last tests, which call it).
expect_arg_error <- function(object, regexp) {
  expect_error(object, regexp = regexp, class = "generel_error")
}
gwas <- data.frame(SNP = "rs7903146", P = 1e-9)

test_that("k and top_k must be single whole numbers >= 1 (top_k at most 100)", {
  expect_arg_error(generel_neighbors("rs7903146", k = -1),
                   "^`k` must be a single whole number >= 1, not -1$")
  expect_arg_error(generel_neighbors("rs7903146", k = NA), "`k` .* not NA$")
  expect_arg_error(generel_neighbors("rs7903146", k = 0), "`k` .* not 0$")
  expect_arg_error(generel_neighbors("rs7903146", k = 2.5), "`k` .* not 2.5$")
  expect_arg_error(generel_neighbors("rs7903146", k = c(5, 10)), "`k` .* not c\\(5, 10\\)$")
  expect_arg_error(generel_neighbors("rs7903146", k = TRUE), "`k` .* not TRUE$")
  expect_arg_error(generel_neighbors("rs7903146", k = "5"), "`k` .* not \"5\"$")
  expect_arg_error(generel_neighbors("rs7903146", k = Inf), "`k` .* not Inf$")
  expect_arg_error(generel_annotate(gwas, top_k = 0),
                   "^`top_k` must be a single whole number from 1 to 100 \\(or NULL\\), not 0$")
  expect_arg_error(generel_annotate(gwas, top_k = 1e12), "`top_k` .* not 1e\\+12$")
  expect_arg_error(generel_annotate(gwas, top_k = NA), "`top_k` .* not NA$")
  expect_arg_error(generel_annotate(gwas, top_k = 1:2), "`top_k` .* not 1:2$")
  # a huge k is capped, never NA: more than the catalogue holds means the whole catalogue
  expect_identical(check_count(1e12, "k"), .Machine$integer.max)
  expect_identical(check_count(5, "k"), 5L)
})

test_that("p_threshold must be a single number from 0 to 1", {
  for (bad in list(NA, NA_real_, -0.1, 1.5, Inf, NaN, c(0.01, 0.05), "0.05", TRUE)) {
    expect_arg_error(generel_annotate(gwas, p_threshold = bad),
                     "^`p_threshold` must be a single number from 0 to 1 \\(or NULL\\), not ")
  }
  expect_arg_error(generel_annotate(gwas, p_threshold = NA), "not NA$")
  expect_identical(check_probability(0L, "p"), 0)
  expect_identical(check_probability(1, "p"), 1)
})

test_that("trait, types, snp_col and the options in ... must be text without NA or blanks", {
  expect_arg_error(generel_annotate(gwas, trait = NA),
                   "^`trait` must be a character vector without NA or blank strings; NA at position 1$")
  expect_arg_error(generel_annotate(gwas, trait = c("obesity", "", " ")),
                   "`trait` .*; blank at positions 2, 3$")
  expect_arg_error(generel_annotate(gwas, trait = 1), "`trait` .* not 1$")
  expect_arg_error(generel_annotate(gwas, types = c("disease", NA)), "`types` .*; NA at position 2$")
  expect_arg_error(generel_annotate(gwas, trait = "asthma", types = "disease"),
                   "^`types` needs `top_k`")
  expect_arg_error(generel_neighbors("rs7903146", types = NA), "`types` .*; NA at position 1$")
  expect_arg_error(generel_neighbors("rs7903146", types = list("disease")),
                   "`types` must be a character vector")
  expect_arg_error(generel_annotate(gwas, snp_col = c("SNP", "rsid")),
                   "^`snp_col` must be a single non-empty string \\(or NULL\\), not c\\(\"SNP\", \"rsid\"\\)$")
  expect_arg_error(generel_annotate(gwas, snp_col = NA), "`snp_col` .* not NA$")
  expect_arg_error(generel_annotate(gwas, build = NA),
                   "^`build` must be a single value that is not NA, not NA$")
  expect_arg_error(generel_annotate(gwas, "obesity", NULL, NULL, NULL, NULL, "GRCh37"),
                   "options in `...` must be named")
  expect_arg_error(generel_annotate(gwas, out = "x.tsv"), "`out` is not an option in R")
  expect_identical(check_strings(factor(c("b", "a")), "types"), c("b", "a"))
})

test_that("items must be character vectors without NA, and the position of an NA is given", {
  expect_arg_error(generel_embed(c("rs7903146", NA, "TCF7L2")),
                   "^`x` must be a character vector without NA; NA at position 2$")
  expect_arg_error(generel_embed(7903146), "`x` .* not 7903146$")
  expect_arg_error(generel_embed(NULL), "`x` .* not NULL$")
  expect_arg_error(generel_similarity("rs7903146", c(NA, NA)), "`y` .*; NA at positions 1, 2$")
  expect_arg_error(generel_similarity(list("a")), "`x` must be a character vector")
  expect_arg_error(generel_similarity("a", "b", pairwise = NA),
                   "^`pairwise` must be TRUE or FALSE, not NA$")
  expect_arg_error(generel_similarity("a", "b", pairwise = "yes"), "`pairwise` .* not \"yes\"$")
  expect_arg_error(generel_similarity(c("a", "b"), "b", pairwise = TRUE), "same length, not 2 and 1$")
  expect_arg_error(generel_neighbors(NA), "`query` .*; NA at position 1$")
})

test_that("paths must name an existing file or directory", {
  expect_arg_error(generel_annotate("no/such/file.tsv"),
                   "^`data_or_path` \"no/such/file.tsv\" does not exist$")
  expect_arg_error(generel_annotate(tempdir()), "`data_or_path` .* is a directory, not a file$")
  expect_arg_error(generel_annotate(c("a.tsv", "b.tsv")),
                   "^`data_or_path` must be a data.frame or a file path, not c\\(\"a.tsv\", \"b.tsv\"\\)$")
  expect_arg_error(generel_annotate(NA), "`data_or_path` .* not NA$")
  expect_arg_error(generel_model("no/such/bundle"), "^`path` \"no/such/bundle\" does not exist$")
  expect_arg_error(generel_model(c("a", "b")),
                   "^`path` must be a directory path or NULL, not c\\(\"a\", \"b\"\\)$")
  expect_arg_error(install_pygenerel(package = NA),
                   "^`package` must be a single non-empty string, not NA$")
  expect_arg_error(install_pygenerel(envdir = c("a", "b")), "`envdir` must be a single non-empty string")
  expect_arg_error(install_pygenerel(python = 3), "`python` .* \\(or NULL\\), not 3$")
})

test_that("the error is raised by the exported function, in one line", {
  e <- tryCatch(generel_neighbors("rs7903146", k = -1), error = identity)
  expect_equal(deparse(conditionCall(e)[[1]]), "generel_neighbors")
  e <- tryCatch(generel_annotate(gwas, top_k = 0), error = identity)
  expect_equal(deparse(conditionCall(e)[[1]]), "generel_annotate")
  expect_false(grepl("\n", conditionMessage(e)))
})

test_that("valid arguments still work: whole doubles, integers, factors, a huge k", {
  skip_if_no_python()
  n <- generel_neighbors(factor("rs7903146"), k = 3L, types = factor("disease"))
  expect_equal(nrow(n), 3L)
  expect_true(all(n$type == "disease"))
  all <- generel_neighbors("rs7903146", k = 1e12, types = "disease")
  expect_gt(nrow(all), 3L)
  expect_equal(all$rank, seq_len(nrow(all)))
  out <- generel_annotate(example_gwas()[1:20, ], trait = factor("obesity"), top_k = 2,
                          p_threshold = 1L, snp_col = "SNP", build = "GRCh37")
  expect_equal(nrow(out), 20L)
  expect_true(all(c("generel_obesity", "generel_top2_score") %in% names(out)))
  expect_equal(dim(generel_similarity("rs7903146", c("obesity", "TCF7L2"), pairwise = FALSE)),
               c(1L, 2L))
})

test_that("an error Python reports (pygenerel.errors.GenerelError) is a one-line generel_error", {
  skip_if_no_python()
  e <- tryCatch(generel_annotate(data.frame(rsid = "rs7903146", P = 1e-9), snp_col = "nope"),
                error = identity)
  expect_s3_class(e, "generel_error")
  expect_match(conditionMessage(e), "nope", fixed = TRUE)
  expect_equal(e$python_type, "InputError")
  expect_false(grepl("\n|Traceback", conditionMessage(e)))
  e <- tryCatch(generel_model(tempdir()), error = identity)
  expect_s3_class(e, "generel_error")
  expect_equal(e$python_type, "BundleError")
  expect_false(grepl("\n|Traceback", conditionMessage(e)))
})
