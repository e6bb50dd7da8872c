#' GENEREL embeddings
#'
#' The unit-length embedding of each item (rsid, `"chr:pos"` or concept text) in the shared space;
#' the dot product of two rows is the similarity [generel_similarity()] reports.
#'
#' @param x Character vector of items, without `NA`.
#' @return A numeric matrix, one row per item (rownames `x`), one column per dimension. Rows of items
#'   the model cannot place are `NA`, with a warning (class `generel_warning`) naming them.
#' @examples
#' if (generel_available()) {
#'   e <- generel_embed(c("rs7903146", "type 2 diabetes"))
#'   dim(e)
#' }
#' @export
generel_embed <- function(x) {
  x <- check_strings(x, "x", blank = TRUE)
  values <- decode_matrix(call_bridge("embed", as.list(x)))
  rownames(values) <- x
  values
}
