#' Relatedness of SNPs and concepts
#'
#' Cosine similarity between the GENEREL embeddings of `x` and `y`. Items are rsids (`"rs7903146"`),
#' variants written as `"chr:pos"` (GRCh38), or free-text concepts (`"type 2 diabetes"`, `"insulin"`,
#' `"TCF7L2"`); the kind of each item is detected by the runtime.
#'
#' @param x Character vector of items, without `NA`.
#' @param y Character vector of items, without `NA`, or `NULL` to compare `x` with itself.
#' @param pairwise `TRUE` to compare `x[i]` with `y[i]` only (`x` and `y` of equal length), else
#'   `FALSE`.
#' @param percentile `TRUE` to also return each score's percentile: the share of a fixed reference
#'   scoring lower against the same `y` item. The reference is 10,000 loci spread evenly over the
#'   genome where the `x` item is a SNP, and 5,000 catalog concepts where it is a text, so 0.99 means
#'   "more related to this `y` than 99% of the genome's loci (or of the catalog) are".
#' @return A numeric matrix with `x` as rownames and `y` as colnames, or with `pairwise = TRUE` a
#'   numeric vector. Items the model cannot place (an rsid it does not know, or a typo of one such
#'   as `"rs7903146x"`) give `NA`, with a warning (class `generel_warning`) naming them. A GWAS
#'   abbreviation (`"T2D"`) stands for its concept, with a message (class `generel_message`). With
#'   `percentile = TRUE`, a list of two such values: `similarity` and `percentile`.
#' @examples
#' if (generel_available()) {
#'   generel_similarity(c("rs7903146", "type 2 diabetes"), "insulin resistance")
#' }
#' @export
generel_similarity <- function(x, y = NULL, pairwise = FALSE, percentile = FALSE) {
  x <- check_strings(x, "x", blank = TRUE)
  y <- check_strings(y, "y", blank = TRUE, null = TRUE)
  pairwise <- check_flag(pairwise, "pairwise")
  percentile <- check_flag(percentile, "percentile")
  if (pairwise && (is.null(y) || length(x) != length(y))) {
    stop(generel_condition(sprintf(
      "`pairwise = TRUE` needs `x` and `y` of the same length, not %d and %s",
      length(x), if (is.null(y)) "NULL" else length(y)), call = sys.call()))
  }
  result <- call_bridge("similarity", as.list(x), if (!is.null(y)) as.list(y), pairwise, percentile)
  label <- function(values) {
    if (!pairwise) dimnames(values) <- list(x, if (is.null(y)) x else y)
    values
  }
  if (!percentile) return(label(decode_matrix(result)))
  list(similarity = label(decode_matrix(result$similarity)),
       percentile = label(decode_matrix(result$percentile)))
}
