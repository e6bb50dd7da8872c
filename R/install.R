#' Install the Python runtime pygenerel
#'
#' Creates (or reuses) a Python virtual environment and installs pygenerel into it with pip. The default
#' location, under `tools::R_user_dir("generel", "data")`, is where [generel_python()] looks when
#' neither `GENEREL_PYTHON` nor `RETICULATE_PYTHON` is set, so no further set-up is needed. Restart R
#' afterwards if Python was already started in this session.
#'
#' @param package What pip installs (a single string): `"pygenerel"` from the package index, a path to
#'   a pygenerel source checkout, or a wheel file.
#' @param envdir Directory of the virtual environment (a single string).
#' @param python Path of the Python used to create the environment, or `NULL` for reticulate's choice.
#' @return The path of the environment's Python, invisibly.
#' @examples
#' \dontrun{
#' install_pygenerel()
#' install_pygenerel("~/src/pygenerel")   # from a source checkout
#' }
#' @export
install_pygenerel <- function(package = "pygenerel", envdir = default_envdir(), python = NULL) {
  package <- check_string(package, "package")
  envdir <- check_string(envdir, "envdir")
  python <- check_string(python, "python", null = TRUE)
  if (!reticulate::virtualenv_exists(envdir)) {
    dir.create(dirname(envdir), recursive = TRUE, showWarnings = FALSE)
    reticulate::virtualenv_create(envdir, python = python, packages = NULL)
  }
  if (file.exists(package)) package <- normalizePath(package)
  reticulate::virtualenv_install(envdir, package, ignore_installed = FALSE)
  python <- venv_python(envdir)
  if (normalizePath(envdir) == normalizePath(default_envdir(), mustWork = FALSE)) {
    message("pygenerel is installed in ", envdir, "; generel uses it unless GENEREL_PYTHON is set")
  } else {
    message("pygenerel is installed in ", envdir, "; set GENEREL_PYTHON=", python, " to use it")
  }
  invisible(python)
}
