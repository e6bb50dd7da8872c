#' Find catalogue concepts by id or name
#'
#' Looks `text` up in the model's concept catalogue: the concept whose id it is first (ids are read in
#' common spellings: `"EFO:0000384"`, `"efo_0000384"`, `"MeSH:D003924"`), then the concepts whose
#' name contains every word of `text`, ignoring case (exact names first, then names starting with
#' `text`, then shorter names). It matches strings only, so it answers at once. An id it lists can be
#' given to [generel_similarity()], [generel_embed()], [generel_neighbors()] and [generel_annotate()]
#' wherever a concept text can, and stands for that concept.
#'
#' @param text A single string: a concept id or words of a concept's name.
#' @param types Concept types to keep (`"disease"`, `"phenotype"`, `"trait"`, `"gene"`, `"drug"`,
#'   `"pathway"`, `"anatomy"`), or `NULL` for all.
#' @param n The most concepts to return, a whole number >= 1.
#' @return A data.frame with columns `id`, `name` and `type`, best match first (no rows when nothing
#'   matches).
#' @examples
#' if (generel_available()) {
#'   generel_search("type 2 diabetes", types = "disease", n = 5)
#'   generel_search("EFO:0000384")
#' }
#' @export
generel_search <- function(text, types = NULL, n = 20) {
  text <- check_string(text, "text")
  types <- check_strings(types, "types", null = TRUE)
  n <- check_count(n, "n")
  decode_table(call_bridge("search", text, if (!is.null(types)) as.list(types), n))
}
