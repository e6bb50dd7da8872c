library(testthat)
library(generel)

test_check("generel")
