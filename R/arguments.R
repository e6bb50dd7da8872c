# Argument checks shared by the exported functions, so that a bad argument fails in R, before Python
# is started, with a condition of class "generel_error" that names the argument and shows the value:
#   `k` must be a single whole number >= 1, not -1
# Each check returns the argument, normalised (factors to character, counts to integer). With
# null = TRUE, NULL is accepted and returned as is. `call` is the call of the exported function that
# checks its argument (a default argument's sys.call() counts from the checking function's frame).

# The largest top_k, as pygenerel.annotation.annotate.MAX_TOP_K: Python checks it too.
max_top_k <- 100L

# A single whole number from 1 to `max`. Without a `max`, a number above the largest R integer becomes
# .Machine$integer.max rather than NA (for k, more than the catalogue means the whole catalogue).
check_count <- function(x, arg, max = Inf, null = FALSE, call = sys.call(-1)) {
  if (null && is.null(x)) return(NULL)
  must <- if (is.finite(max)) sprintf("a single whole number from 1 to %d", as.integer(max))
          else "a single whole number >= 1"
  ok <- is_number(x) && x >= 1 && x <= max && x == round(x)
  if (!ok) arg_error(arg, must, x, null, call)
  as.integer(min(x, .Machine$integer.max))
}

# A single number from 0 to 1.
check_probability <- function(x, arg, null = FALSE, call = sys.call(-1)) {
  if (null && is.null(x)) return(NULL)
  if (!(is_number(x) && x >= 0 && x <= 1)) arg_error(arg, "a single number from 0 to 1", x, null, call)
  as.double(x)
}

# TRUE or FALSE.
check_flag <- function(x, arg, call = sys.call(-1)) {
  if (!(is.logical(x) && length(x) == 1L && !is.na(x))) arg_error(arg, "TRUE or FALSE", x, FALSE, call)
  x
}

# A single string that is not NA or blank.
check_string <- function(x, arg, null = FALSE, call = sys.call(-1)) {
  if (null && is.null(x)) return(NULL)
  if (!(is.character(x) && length(x) == 1L && !is.na(x) && nzchar(trimws(x)))) {
    arg_error(arg, "a single non-empty string", x, null, call)
  }
  x
}

# A character vector (or factor) without NA; with blank = FALSE also without "" or blank strings. The
# message gives the positions of the NA or blank strings.
# Items (rsids, "chr:pos", concept texts) may be blank: the model cannot place them and gives NA.
check_strings <- function(x, arg, blank = FALSE, null = FALSE, call = sys.call(-1)) {
  if (null && is.null(x)) return(NULL)
  # NA alone is logical: c(NA, NA) is reported like c("a", NA), by position
  if (is.factor(x) || (is.logical(x) && length(x) && all(is.na(x)))) x <- as.character(x)
  must <- if (blank) "a character vector without NA"
          else "a character vector without NA or blank strings"
  if (!is.character(x) || is.object(x)) arg_error(arg, must, x, null, call)
  bad <- if (blank) is.na(x) else is.na(x) | !nzchar(trimws(x))
  if (any(bad)) {
    where <- which(bad)
    shown <- paste(utils::head(where, 5), collapse = ", ")
    if (length(where) > 5) shown <- paste0(shown, ", ...")
    what <- if (all(is.na(x[where]))) "NA" else if (!any(is.na(x[where]))) "blank" else "NA or blank"
    stop(generel_condition(sprintf("`%s` must be %s; %s at position%s %s", arg, must, what,
                                   if (length(where) > 1) "s" else "", shown), call = call))
  }
  x
}

# The path of an existing file (dir = FALSE) or directory (dir = TRUE), made absolute for Python.
check_path <- function(x, arg, dir = FALSE, must = "a single file path", call = sys.call(-1)) {
  if (!(is.character(x) && length(x) == 1L && !is.na(x) && nzchar(trimws(x)))) {
    arg_error(arg, must, x, FALSE, call)
  }
  problem <- if (!file.exists(x)) "does not exist"
             else if (dir && !dir.exists(x)) "is a file, not a directory"
             else if (!dir && dir.exists(x)) "is a directory, not a file"
  if (!is.null(problem)) {
    stop(generel_condition(sprintf("`%s` %s %s", arg, encodeString(x, quote = "\""), problem),
                           call = call))
  }
  normalizePath(x, mustWork = TRUE)
}

# Options passed on to Python through `...`: named, each a single value that is not NA.
check_options <- function(options, call = sys.call(-1)) {
  named <- names(options)
  if (is.null(named)) named <- rep("", length(options))
  if (any(!nzchar(named))) {
    stop(generel_condition(sprintf(
      "options in `...` must be named (like build = \"GRCh37\"), not %s",
      show_value(options[!nzchar(named)][[1]])), call = call))
  }
  for (name in named) {
    value <- options[[name]]
    if (is.factor(value)) value <- as.character(value)
    if (!(is.atomic(value) && length(value) == 1L && !is.na(value) && !is.object(value))) {
      arg_error(name, "a single value that is not NA", value, FALSE, call)
    }
    options[[name]] <- value
  }
  options
}

is_number <- function(x) {
  is.numeric(x) && !is.object(x) && length(x) == 1L && is.finite(x)
}

arg_error <- function(arg, must, value, null, call) {
  if (null) must <- paste(must, "(or NULL)")
  message <- sprintf("`%s` must be %s, not %s", arg, must, show_value(value))
  stop(generel_condition(message, call = call))
}

# A value as it is shown in a message: 1e+12, NA, "text", c(5, 10), character(0), a data.frame.
show_value <- function(x) {
  if (is.null(x)) return("NULL")
  if (is.data.frame(x)) return("a data.frame")
  if (is.factor(x)) x <- as.character(x)
  if (!is.atomic(x) || is.object(x)) return(paste("an object of class", class(x)[1]))
  if (length(x) == 1L) {
    return(if (is.character(x) && !is.na(x)) encodeString(x, quote = "\"") else format(x))
  }
  shown <- paste(deparse(x, width.cutoff = 60L), collapse = " ")
  if (nchar(shown) > 60L) shown <- paste0(substr(shown, 1L, 56L), " ...")
  shown
}
