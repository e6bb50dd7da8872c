# Finding Python and calling pygenerel.r_bridge. Everything crossing the border is a plain list, a
# string or raw bytes (see pygenerel/r_bridge.py): reticulate 1.28 cannot convert numpy 2 or pandas 3.

.generel <- new.env(parent = emptyenv())

#' The Python used by generel
#'
#' Python is chosen in this order: the environment variable `GENEREL_PYTHON`, then
#' `RETICULATE_PYTHON`, then the virtual environment made by [install_pygenerel()] (under
#' `tools::R_user_dir("generel", "data")`). Python is started at the first call that needs it, and
#' reticulate cannot switch Python afterwards within an R session.
#'
#' @return `generel_python()`: the path of the Python executable, or `""` when none is configured.
#'   `generel_available()`: `TRUE` if that Python can import the pygenerel runtime.
#' @examples
#' generel_python()
#' generel_available()
#' @export
generel_python <- function() {
  for (var in c("GENEREL_PYTHON", "RETICULATE_PYTHON")) {
    python <- Sys.getenv(var)
    if (nzchar(python)) return(python)
  }
  python <- venv_python(default_envdir())
  if (file.exists(python)) python else ""
}

#' @rdname generel_python
#' @export
generel_available <- function() {
  !is.null(tryCatch(bridge(), error = function(e) NULL))
}

default_envdir <- function() file.path(tools::R_user_dir("generel", "data"), "venv")

venv_python <- function(envdir) {
  if (.Platform$OS.type == "windows") file.path(envdir, "Scripts", "python.exe")
  else file.path(envdir, "bin", "python")
}

# The pygenerel.r_bridge module, imported once per session.
bridge <- function() {
  if (!is.null(.generel$bridge)) return(.generel$bridge)
  python <- generel_python()
  if (!nzchar(python)) {
    stop(generel_condition(paste(
      "no Python configured for generel: set GENEREL_PYTHON to a Python with pygenerel installed,",
      "or run install_pygenerel()"
    )))
  }
  # Python may already run in this session (started by another package): then that one is used.
  if (!reticulate::py_available(initialize = FALSE)) start_python(python)
  .generel$bridge <- tryCatch(
    reticulate::import("pygenerel.r_bridge", convert = TRUE),
    error = function(e) stop(generel_condition(paste0(
      "cannot import pygenerel with Python ", reticulate::py_config()$python, ": ",
      one_line(conditionMessage(e))
    )))
  )
  .generel$bridge
}

# Start the chosen Python. It is named through RETICULATE_PYTHON, for this call only, because
# reticulate looks at that before a pyproject.toml in the working directory (which it would take for a
# Poetry project, with a warning, when R runs in a pygenerel checkout).
start_python <- function(python) {
  old <- Sys.getenv("RETICULATE_PYTHON", unset = NA)
  on.exit(if (is.na(old)) Sys.unsetenv("RETICULATE_PYTHON") else Sys.setenv(RETICULATE_PYTHON = old))
  Sys.setenv(RETICULATE_PYTHON = python)
  tryCatch(reticulate::py_config(), error = function(e) stop(generel_condition(paste0(
    "cannot start Python ", python, ": ", conditionMessage(e)
  ))))
}

# Call a bridge function. Python reports a failure as list(error = <one line>, type = <class>)
# rather than raising (see pygenerel/r_bridge.py); either way the caller gets a "generel_error".
call_bridge <- function(name, ..., call = sys.call(sys.parent())) {
  force(call)
  fun <- bridge_function(name)
  result <- tryCatch(fun(...), error = function(e) {
    stop(generel_condition(one_line(conditionMessage(e)), call = call))
  })
  if (!is.null(result$error)) {
    stop(generel_condition(result$error, call = call, python_type = result$type))
  }
  if (!is.null(result$warning)) {
    warning(structure(class = c("generel_warning", "warning", "condition"),
                      list(message = result$warning, call = call)))
  }
  if (!is.null(result$message)) {
    message(structure(class = c("generel_message", "message", "condition"),
                      list(message = paste0(result$message, "\n"), call = call)))
  }
  result$value
}

# Each Python function is looked up once: a fresh reference per call would only add work for R's
# garbage collector.
bridge_function <- function(name) {
  key <- paste0("fun_", name)
  if (is.null(.generel[[key]])) .generel[[key]] <- bridge()[[name]]
  .generel[[key]]
}

one_line <- function(message) {
  message <- sub("\\s*(Detailed traceback|Run `reticulate::py_last_error\\(\\)`).*$", "", message)
  gsub("\\s*\n\\s*", " ", trimws(message))
}

generel_condition <- function(message, call = NULL, python_type = NULL) {
  structure(class = c("generel_error", "error", "condition"),
            list(message = message, call = call, python_type = python_type))
}

# A float32 matrix (or vector) from the bridge: {"dim": [...], "data": bytes in column-major order}.
decode_matrix <- function(spec) {
  dim <- as.integer(unlist(spec$dim))
  values <- readBin(spec$data, what = "numeric", size = 4, n = prod(dim), endian = "little")
  values[is.nan(values)] <- NA  # NaN is how Python marks an item it could not place
  if (length(dim) == 2L) matrix(values, nrow = dim[1], ncol = dim[2]) else values
}

# A data.frame as a table spec for the bridge (see pygenerel/r_bridge.py).
encode_table <- function(data) {
  columns <- lapply(names(data), function(name) {
    x <- data[[name]]
    # a matrix or data.frame column holds several values a row: one text per row
    if (is.data.frame(x) || length(dim(x)) == 2) x <- do.call(paste, unname(as.data.frame(x)))
    if (is.factor(x) || !is.atomic(x) || is.object(x) || is.complex(x)) x <- as.character(x)
    if (is.character(x)) {
      na <- which(is.na(x)) - 1L
      x[is.na(x)] <- ""
      list(name = name, kind = "character", data = as.list(x), na = as.list(na))
    } else {
      kind <- if (is.logical(x)) "logical" else if (is.integer(x)) "integer" else "double"
      bytes <- if (kind == "double") writeBin(as.double(x), raw(), size = 8, endian = "little")
               else writeBin(as.integer(x), raw(), size = 4, endian = "little")
      list(name = name, kind = kind, data = bytes, na = list())
    }
  })
  list(nrow = nrow(data), columns = columns)
}

decode_table <- function(spec) {
  nrow <- as.integer(spec$nrow)
  columns <- lapply(spec$columns, function(column) {
    switch(column$kind,
      double = {
        x <- readBin(column$data, what = "double", size = 8, n = nrow, endian = "little")
        x[is.nan(x)] <- NA
        x
      },
      integer = readBin(column$data, what = "integer", size = 4, n = nrow, endian = "little"),
      logical = as.logical(
        readBin(column$data, what = "integer", size = 4, n = nrow, endian = "little")
      ),
      character = {
        x <- as.character(unlist(column$data))
        x[as.integer(unlist(column$na)) + 1L] <- NA_character_
        x
      }
    )
  })
  names(columns) <- vapply(spec$columns, function(column) column$name, "")
  as.data.frame(columns, stringsAsFactors = FALSE, optional = TRUE)
}
