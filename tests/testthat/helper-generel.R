# The tests run against the real Python runtime and a real model bundle (PYGENEREL_MODEL, else the
# bundle shipped with pygenerel). They skip only when no Python is configured; scripts/r_check.sh
# fails when they do.
skip_if_no_python <- function() {
  if (!nzchar(generel_python())) {
    skip("no Python configured: set GENEREL_PYTHON to a Python with pygenerel installed")
  }
}

example_gwas <- function() {
  utils::read.delim(system.file("extdata", "example_gwas.tsv", package = "generel"),
                    stringsAsFactors = FALSE)
}

# A fresh R process with the given environment, for what must hold before Python starts.
run_r <- function(code, env = character()) {
  out <- suppressWarnings(system2(file.path(R.home("bin"), "Rscript"), c("-e", shQuote(code)),
                                  stdout = TRUE, stderr = TRUE, env = env))
  paste(out, collapse = "\n")
}
