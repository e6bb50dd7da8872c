#' Select a GENEREL model bundle and describe it
#'
#' Loads the model bundle at `path` and makes it the model used by [generel_similarity()],
#' [generel_embed()], [generel_neighbors()] and [generel_annotate()] for the rest of the session. Without
#' `path` it describes the model in use, loading the default first: the bundle named by the environment
#' variable `PYGENEREL_MODEL`, else the one shipped with pygenerel.
#'
#' @param path Directory of a model bundle (with a `manifest.json`), or `NULL` for the model in use.
#' @return A list of class `generel_model` with the bundle's name, version, embedding dimension,
#'   vocabulary sizes and evaluation summary, as reported by the Python runtime.
#' @examples
#' if (generel_available()) {
#'   generel_model()
#' }
#' @export
generel_model <- function(path = NULL) {
  if (!is.null(path)) path <- check_path(path, "path", dir = TRUE, must = "a directory path or NULL")
  info <- if (is.null(path)) call_bridge("info") else call_bridge("use_model", path)
  structure(info, class = "generel_model")
}

#' @export
print.generel_model <- function(x, ...) {
  cat("<generel model>", x$name %||% "", x$version %||% "", "\n")
  fields <- setdiff(names(x)[vapply(x, function(v) is.atomic(v) && length(v) == 1L, TRUE)],
                    c("name", "version"))
  for (field in fields) cat(sprintf("  %-18s %s\n", field, format(x[[field]])))
  invisible(x)
}

`%||%` <- function(x, y) if (is.null(x)) y else x
