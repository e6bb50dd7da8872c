#' Annotate GWAS results with relatedness to traits and concepts
#'
#' Places every variant of a GWAS table in the GENEREL space (by rsid, else by chromosome and position,
#' else by its locus) and scores it against the given traits, and/or lists its most related concepts.
#' Column names are recognised from common aliases (`SNP`, `rsid`, `CHR`, `BP`, `POS`, `P`, ...); name
#' the rsid column with `snp_col` when it is not recognised.
#'
#' @param data_or_path A data.frame, or the path of an existing table file (TSV, CSV, optionally
#'   gzipped, or Parquet) read by the Python runtime in chunks.
#' @param trait Character vector of trait or concept texts, without `NA` or blank strings; each gives a
#'   column of similarities. `NULL` for none. A catalog id (`"EFO:0000384"`) or a common GWAS
#'   abbreviation (`"T2D"`, `"SCZ"`, `"BMI"`) stands for its concept.
#' @param top_k Number of most related concepts to list per variant, a whole number from 1 to 100, or
#'   `NULL` for none.
#' @param types Concept types for the `top_k` concepts (see [generel_neighbors()]), or `NULL` for all.
#' @param p_threshold A number from 0 to 1, or `NULL`: only variants with P at or below it are scored;
#'   the others are kept with `NA` scores.
#' @param snp_col Name of the rsid column (a single string), if not recognised from its name.
#' @param ... Further options of the Python `pygenerel.annotate()` (but not `out`), each named and a
#'   single value, for example `build = "GRCh37"` or `pos_col = "BP_GRCh38"`.
#' @return A data.frame with every input row, in input order: the input columns (unchanged for a
#'   data.frame; for a file, typed as [utils::read.delim()] would) followed by the annotation columns:
#'   `generel_match` (`"rsid"`, `"chrpos"`, `"locus"`, `"rsid_locus"` or `"none"`: how the variant
#'   was placed); per trait a `generel_<trait>` similarity column (the trait lower-cased, other
#'   characters replaced by `_`) and `generel_<trait>_pct`, its percentile against 10,000 loci spread
#'   over the genome (0.99: more related to the trait than 99% of the genome); and for `top_k` the
#'   nearest genes `generel_genes` and the columns `generel_top<r>_id`, `_name`, `_type` and
#'   `_score` (no genes or protein levels among them unless `types` asks). A bad argument or a missing file gives an
#'   error of class `generel_error`.
#' @examples
#' if (generel_available()) {
#'   gwas <- read.delim(system.file("extdata", "example_gwas.tsv", package = "generel"))
#'   head(generel_annotate(gwas, trait = "type 2 diabetes", p_threshold = 5e-8))
#' }
#' @export
generel_annotate <- function(data_or_path, trait = NULL, top_k = NULL, types = NULL,
                             p_threshold = NULL, snp_col = NULL, ...) {
  is_path <- !is.data.frame(data_or_path)
  input <- if (!is_path) encode_table(data_or_path)
           else check_path(data_or_path, "data_or_path", must = "a data.frame or a file path")
  trait <- check_strings(trait, "trait", null = TRUE)
  top_k <- check_count(top_k, "top_k", max = max_top_k, null = TRUE)
  types <- check_strings(types, "types", null = TRUE)
  p_threshold <- check_probability(p_threshold, "p_threshold", null = TRUE)
  snp_col <- check_string(snp_col, "snp_col", null = TRUE)
  options <- check_options(list(...))
  if (!is.null(types) && is.null(top_k)) {
    stop(generel_condition("`types` needs `top_k`: it picks the types of the top concepts",
                           call = sys.call()))
  }
  if ("out" %in% names(options)) {
    stop(generel_condition(paste("`out` is not an option in R: generel_annotate() returns the table;",
                                 "write it with utils::write.table()"), call = sys.call()))
  }
  result <- decode_table(do.call(call_bridge, c(list(
    "annotate", input,
    traits = as.list(trait),
    top_k = top_k,
    types = if (!is.null(types)) as.list(types),
    p_threshold = p_threshold,
    snp_col = snp_col
  ), options, call = list(sys.call())), quote = TRUE))
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
