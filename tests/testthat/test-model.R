test_that("generel_model() describes the model in use", {
  skip_if_no_python()
  info <- generel_model()
  expect_s3_class(info, "generel_model")
  expect_true(is.numeric(info$dim) && info$dim > 0)
  expect_true(info$snps > 0)
  expect_true(dir.exists(info$path))
  expect_output(print(info), "<generel model>")
})

test_that("generel_model(path) selects a bundle and rejects a directory that is not one", {
  skip_if_no_python()
  path <- generel_model()$path
  expect_equal(normalizePath(generel_model(path)$path), normalizePath(path))
  expect_error(generel_model(tempdir()), class = "generel_error")
  # a failed load keeps the model that was in use
  expect_equal(normalizePath(generel_model()$path), normalizePath(path))
})
