#' Annotate GWAS results with relatedness to traits and concepts
#'
#' Places every variant of a GWAS table in the GENEREL space (by rsid, else by chromosome and position,
#' else by its locus) and scores it against the given traits, and/or lists its most related concepts.
#' Column names are recognised from common aliases (`SNP`, `rsid`, `CHR`, `BP`, `POS`, `P`, ...); name
#' the rsid column with `snp_col` when it is not recognised.
#'
#' @param data_or_path A data.frame, or the path of a table file (TSV, CSV, optionally gzipped, or
#'   Parquet) read by the Python runtime in chunks.
#' @param trait Character vector of trait or concept texts; each gives a column of similarities.
#' @param top_k Number of most related concepts to list per variant, or `NULL` for none.
#' @param types Concept types for the `top_k` concepts (see [generel_neighbors()]).
#' @param p_threshold Only variants with P at or below this value are scored; the others are kept with
#'   `NA` scores.
#' @param snp_col Name of the rsid column, if not recognised from its name.
#' @param ... Further options of the Python `pygenerel.annotate()`, for example `build = "GRCh37"`.
#' @return A data.frame with every input row, in input order: the input columns (unchanged for a
#'   data.frame; for a file, typed as [utils::read.delim()] would) followed by the annotation columns:
#'   `generel_match` (`"rsid"`, `"chrpos"`, `"locus"` or `"none"`: how the variant was placed), one
#'   `generel_<trait>` similarity column per trait (the trait lower-cased, other characters replaced by
#'   `_`), and for `top_k` the columns `generel_top<r>_id`, `_name`, `_type` and `_score`.
#' @examples
#' if (generel_available()) {
#'   gwas <- read.delim(system.file("extdata", "example_gwas.tsv", package = "generel"))
#'   head(generel_annotate(gwas, trait = "type 2 diabetes", p_threshold = 5e-8))
#' }
#' @export
generel_annotate <- function(data_or_path, trait = NULL, top_k = NULL, types = NULL,
                             p_threshold = NULL, snp_col = NULL, ...) {
  is_path <- is.character(data_or_path) && length(data_or_path) == 1L
  if (!is_path && !is.data.frame(data_or_path)) {
    stop(generel_condition("data_or_path must be a data.frame or a file path", call = sys.call()))
  }
  input <- if (is_path) normalizePath(data_or_path, mustWork = TRUE) else encode_table(data_or_path)
  result <- decode_table(call_bridge(
    "annotate", input,
    traits = as.list(as.character(trait)),
    top_k = if (!is.null(top_k)) as.integer(top_k),
    types = if (!is.null(types)) as.list(as.character(types)),
    p_threshold = p_threshold,
    snp_col = snp_col,
    ...
  ))
  if (is_path) {
    # Python hands a file's own columns back as the text it read; give them R types as read.delim
    # would. The annotation columns start at generel_match.
    own <- seq_len(match("generel_match", names(result)) - 1L)
    result[own] <- lapply(result[own], utils::type.convert, as.is = TRUE, na.strings = c("NA", ""))
    return(result)
  }
  # The caller's columns come back exactly as given (factors, dates, integer types); only the
  # annotation columns are taken from Python.
  added <- setdiff(names(result), names(data_or_path))
  out <- data_or_path
  out[added] <- result[added]
  out
}
