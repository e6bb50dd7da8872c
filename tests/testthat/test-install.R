test_that("pygenerel_checkout() recognises a pygenerel checkout and nothing else", {
  dir <- tempfile("checkout")
  dir.create(dir)
  expect_null(pygenerel_checkout(dir))
  writeLines(c("[project]", 'name = "other"'), file.path(dir, "pyproject.toml"))
  expect_null(pygenerel_checkout(dir))
  writeLines(c("[project]", 'name = "pygenerel"'), file.path(dir, "pyproject.toml"))
  expect_equal(pygenerel_checkout(dir), dir)
})

test_that("install_pygenerel() without a checkout asks for one before creating anything", {
  envdir <- tempfile("venv")
  e <- tryCatch(install_pygenerel(package = NULL, envdir = envdir), error = identity)
  expect_s3_class(e, "generel_error")
  expect_match(conditionMessage(e), "give `package`, the path of a checkout", fixed = TRUE)
  expect_false(dir.exists(envdir))
})
