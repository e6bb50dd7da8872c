test_that("similarity is a matrix with dimnames, equal to the dot products of the embeddings", {
  skip_if_no_python()
  x <- c("rs7903146", "type 2 diabetes")
  s <- generel_similarity(x, "insulin resistance")
  expect_true(is.matrix(s) && is.double(s))
  expect_equal(dimnames(s), list(x, "insulin resistance"))
  e <- generel_embed(c(x, "insulin resistance"))
  expected <- e[1:2, ] %*% e[3, ]
  dimnames(expected) <- dimnames(s)
  expect_equal(s, expected, tolerance = 1e-5)
  expect_true(all(s >= -1 - 1e-6 & s <= 1 + 1e-6))
})

test_that("y = NULL compares x with itself and pairwise gives the diagonal", {
  skip_if_no_python()
  x <- c("rs7903146", "rs4977574", "coronary artery disease", "TCF7L2")
  s <- generel_similarity(x)
  expect_equal(dim(s), c(4L, 4L))
  expect_equal(s, t(s), tolerance = 1e-6)
  expect_equal(unname(diag(s)), rep(1, 4), tolerance = 1e-5)
  y <- c("type 2 diabetes", "myocardial infarction", "heart disease", "insulin")
  p <- generel_similarity(x, y, pairwise = TRUE)
  expect_equal(p, diag(generel_similarity(x, y)), tolerance = 1e-6)
  expect_error(generel_similarity(x, y[1:2], pairwise = TRUE), "same length", class = "generel_error")
})

test_that("one item works, and an rsid the model cannot place gives NA", {
  skip_if_no_python()
  expect_equal(dim(generel_similarity("rs7903146", "type 2 diabetes")), c(1L, 1L))
  # NA with a warning naming the item, as as.numeric("x") warns; a typo of an rsid is no text
  expect_warning(s <- generel_similarity(c("rs7903146", "rs999999999", "rs7903146x"),
                                         "type 2 diabetes"),
                 "2 item\\(s\\) could not be resolved .*: 'rs999999999', 'rs7903146x'$",
                 class = "generel_warning")
  expect_false(is.na(s[1, 1]))
  expect_true(all(is.na(s[2:3, 1])))
  expect_warning(generel_neighbors("rs7903146x", k = 2), "'rs7903146x'$", class = "generel_warning")
  expect_silent(generel_similarity("rs7903146", "type 2 diabetes"))
  expect_error(generel_similarity(c("a", NA)), "without NA", class = "generel_error")
})

test_that("percentile = TRUE adds each score's percentile against the fixed reference", {
  skip_if_no_python()
  x <- c("rs7903146", "type 2 diabetes", "rs999999999")
  out <- suppressWarnings(generel_similarity(x, c("insulin resistance", "asthma"),
                                            percentile = TRUE))
  expect_named(out, c("similarity", "percentile"))
  expect_equal(out$similarity,
               suppressWarnings(generel_similarity(x, c("insulin resistance", "asthma"))))
  expect_equal(dimnames(out$percentile), dimnames(out$similarity))
  expect_true(all(out$percentile[1:2, ] >= 0 & out$percentile[1:2, ] <= 1))
  expect_true(all(is.na(out$percentile[3, ])))
  pairs <- generel_similarity(x[1:2], c("insulin resistance", "asthma"), pairwise = TRUE,
                              percentile = TRUE)
  expect_equal(pairs$percentile, diag(out$percentile[1:2, ]), tolerance = 1e-6)
  expect_error(generel_similarity(x, percentile = NA), "percentile", class = "generel_error")
})
