#' Most related concepts
#'
#' For each query (rsid, `"chr:pos"` or concept text), the `k` concepts of the model's catalogue with the
#' highest similarity.
#'
#' @param query Character vector of items.
#' @param k Number of neighbours per query.
#' @param types Concept types to keep (`"disease"`, `"phenotype"`, `"trait"`, `"gene"`, `"drug"`,
#'   `"pathway"`, `"anatomy"`), or `NULL` for all.
#' @return A data.frame with columns `query`, `rank`, `id`, `name`, `type` and `score`, `k` rows per
#'   query, best first.
#' @examples
#' if (generel_available()) {
#'   generel_neighbors("rs7903146", k = 5, types = "disease")
#' }
#' @export
generel_neighbors <- function(query, k = 10, types = NULL) {
  query <- as_items(query)
  if (!is.null(types)) types <- as.list(as.character(types))
  decode_table(call_bridge("neighbors", as.list(query), as.integer(k), types))
}
