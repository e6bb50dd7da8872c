test_that("loci gives one row per independent locus, strongest first, with the lead's scores", {
  skip_if_no_python()
  gwas <- example_gwas()
  out <- generel_loci(gwas, trait = "type 2 diabetes", p_threshold = 1e-6, window = 500000)
  expect_s3_class(out, "data.frame")
  expect_equal(names(out)[1:6], c("locus", "lead", "chr", "pos", "p", "snps"))
  expect_true(nrow(out) >= 1 && !is.unsorted(out$p))
  expect_equal(sum(out$snps), sum(gwas$P <= 1e-6))
  for (chrom in unique(out$chr)) {
    expect_true(all(diff(sort(out$pos[out$chr == chrom])) > 500000))
  }
  expect_true(all(out$generel_type_2_diabetes_pct >= 0 & out$generel_type_2_diabetes_pct <= 1))
  expect_true(is.character(out$generel_genes) && is.character(out$generel_top1_name))
})

test_that("loci checks its arguments in R", {
  expect_error(generel_loci(example_gwas(), window = 0), "window", class = "generel_error")
  expect_error(generel_loci(example_gwas(), top_k = 1.5), "top_k", class = "generel_error")
})
