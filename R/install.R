#' Install the Python runtime pygenerel
#'
#' Creates (or reuses) a Python virtual environment and installs pygenerel into it with pip, with
#' its default model. The default location, under `tools::R_user_dir("generel", "data")`, is where
#' [generel_python()] looks when neither `GENEREL_PYTHON` nor `RETICULATE_PYTHON` is set, so no
#' further set-up is needed. Restart R afterwards if Python was already started in this session.
#'
#' generel and pygenerel share one source checkout, so when generel was installed from a checkout
#' (`install.packages("path/to/checkout", repos = NULL, type = "source")`), pygenerel is installed
#' from that same checkout, model included: no network is needed beyond the package index for
#' pygenerel's Python dependencies.
#'
#' @param package What pip installs (a single string): a path to a pygenerel source checkout, an
#'   sdist or a wheel. The default is the checkout generel was installed from.
#' @param envdir Directory of the virtual environment (a single string).
#' @param python Path of the Python used to create the environment, or `NULL` for reticulate's choice.
#' @return The path of the environment's Python, invisibly.
#' @examples
#' \dontrun{
#' install_pygenerel()
#' install_pygenerel("~/src/pygenerel")   # from another source checkout
#' }
#' @export
install_pygenerel <- function(package = pygenerel_checkout(), envdir = default_envdir(),
                              python = NULL) {
  if (!is.null(package)) package <- check_string(package, "package")
  envdir <- check_string(envdir, "envdir")
  python <- check_string(python, "python", null = TRUE)
  if (is.null(package)) {
    stop(generel_condition(paste(
      "generel was not installed from a pygenerel source checkout: give `package`, the path of a",
      "checkout, an sdist or a wheel"
    )))
  }
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

# The directory generel was installed from: R CMD INSTALL runs the package code there when it builds
# the namespace, so the value is kept from installation time.
install_dir <- getwd()

# The pygenerel checkout generel was installed from (the R package lives at its root), else NULL, as
# when it was installed from a built tarball.
pygenerel_checkout <- function(dir = install_dir) {
  project <- file.path(dir, "pyproject.toml")
  if (file.exists(project) && any(readLines(project, warn = FALSE) == 'name = "pygenerel"')) dir
  else NULL
}
