#' Most related concepts
#'
#' For each query (rsid, `"chr:pos"` or concept text), the `k` concepts of the model's catalogue with the
#' highest similarity.
#'
#' @param query Character vector of items, without `NA`.
#' @param k Number of neighbours per query, a whole number >= 1 (more than the catalogue holds gives
#'   the whole catalogue).
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
  query <- check_strings(query, "query", blank = TRUE)
  k <- check_count(k, "k")
  types <- check_strings(types, "types", null = TRUE)
  decode_table(call_bridge("neighbors", as.list(query), k, if (!is.null(types)) as.list(types)))
}
