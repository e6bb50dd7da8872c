#' generel: SNPs and biomedical concepts in one embedding space
#'
#' GENEREL places SNPs (rsids or chr:pos) and biomedical concepts (diseases, traits, genes, drugs,
#' phenotypes, written as free text) in one embedding space; the cosine similarity of two embeddings
#' scores how related they are. The package calls the Python runtime `pygenerel` through reticulate, so
#' R and Python give the same numbers from the same model bundle.
#'
#' Nothing happens when the package loads: Python is found and the runtime imported at the first call
#' (see [generel_python()]), so `library(generel)` works on a machine without Python.
#'
#' Main functions: [generel_similarity()], [generel_annotate()], [generel_neighbors()],
#' [generel_embed()], [generel_model()]; [install_pygenerel()] sets up Python.
#'
#' Every error these functions raise is a condition of class `generel_error` with a one-line message:
#' a bad argument (checked in R, before Python is asked, and named in the message with the value
#' given), a missing file, or a failure reported by Python, whose class is in the condition's
#' `python_type`.
#'
#' @keywords internal
"_PACKAGE"
