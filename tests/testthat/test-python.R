test_that("the package loads and reports a clear error without Python", {
  empty <- tempfile("generel-home")
  dir.create(empty)
  env <- c("GENEREL_PYTHON=", "RETICULATE_PYTHON=", paste0("R_USER_DATA_DIR=", empty))
  out <- run_r(paste(
    "library(generel)",
    "cat('python:[', generel_python(), ']\\n', sep = '')",
    "cat('available:', generel_available(), '\\n')",
    "e <- tryCatch(generel_similarity('rs7903146'), error = identity)",
    "cat('class:', class(e)[1], '\\n'); cat('message:', conditionMessage(e), '\\n')",
    sep = "; "
  ), env)
  expect_match(out, "python:[]", fixed = TRUE)
  expect_match(out, "available: FALSE", fixed = TRUE)
  expect_match(out, "class: generel_error", fixed = TRUE)
  expect_match(out, "install_pygenerel()", fixed = TRUE)
})

test_that("GENEREL_PYTHON takes precedence over RETICULATE_PYTHON", {
  out <- run_r("cat(generel::generel_python())",
               c("GENEREL_PYTHON=/opt/a/python", "RETICULATE_PYTHON=/opt/b/python"))
  expect_equal(out, "/opt/a/python")
  out <- run_r("cat(generel::generel_python())", c("GENEREL_PYTHON=", "RETICULATE_PYTHON=/opt/b/python"))
  expect_equal(out, "/opt/b/python")
})

test_that("a Python exception becomes a one-line generel_error", {
  skip_if_no_python()
  e <- tryCatch(generel_neighbors("type 2 diabetes", types = "planet"), error = identity)
  expect_s3_class(e, "generel_error")
  expect_match(conditionMessage(e), "unknown types", fixed = TRUE)
  expect_false(grepl("\n", conditionMessage(e)))
  expect_false(grepl("Traceback", conditionMessage(e)))
  expect_equal(deparse(conditionCall(e)[[1]]), "generel_neighbors")
})

test_that("a GENEREL_PYTHON that does not exist gives a generel_error naming it", {
  out <- run_r(paste(
    "e <- tryCatch(generel::generel_embed('TCF7L2'), error = identity)",
    "cat(class(e)[1], conditionMessage(e))",
    sep = "; "
  ), "GENEREL_PYTHON=/nonexistent/bin/python")
  expect_match(out, "^generel_error cannot start Python /nonexistent/bin/python")
})
