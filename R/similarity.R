#' Relatedness of SNPs and concepts
#'
#' Cosine similarity between the GENEREL embeddings of `x` and `y`. Items are rsids (`"rs7903146"`),
#' variants written as `"chr:pos"` (GRCh38), or free-text concepts (`"type 2 diabetes"`, `"insulin"`,
#' `"TCF7L2"`); the kind of each item is detected by the runtime.
#'
#' @param x Character vector of items.
#' @param y Character vector of items, or `NULL` to compare `x` with itself.
#' @param pairwise If `TRUE`, compare `x[i]` with `y[i]` only (`x` and `y` of equal length).
#' @return A numeric matrix with `x` as rownames and `y` as colnames, or with `pairwise = TRUE` a
#'   numeric vector. Items the model cannot place (an rsid it does not know, say) give `NA`.
#' @examples
#' if (generel_available()) {
#'   generel_similarity(c("rs7903146", "type 2 diabetes"), "insulin resistance")
#' }
#' @export
generel_similarity <- function(x, y = NULL, pairwise = FALSE) {
  x <- as_items(x)
  if (!is.null(y)) y <- as_items(y)
  if (pairwise && (is.null(y) || length(x) != length(y))) {
    stop(generel_condition("pairwise = TRUE needs x and y of the same length", call = sys.call()))
  }
  values <- decode_matrix(call_bridge("similarity", as.list(x), if (!is.null(y)) as.list(y), pairwise))
  if (pairwise) return(values)
  dimnames(values) <- list(x, if (is.null(y)) x else y)
  values
}

# Items as a character vector; as.list() on the way out so that one item still reaches Python as a list.
as_items <- function(x) {
  if (is.factor(x)) x <- as.character(x)
  if (!is.character(x) || anyNA(x)) {
    stop(generel_condition("items must be a character vector without NA",
                           call = sys.call(sys.parent())))
  }
  x
}
