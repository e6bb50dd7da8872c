"""The error classes every entry point shares: bad input or a bad model, reported in one line.

They are click exceptions, so the CLI prints `Error: <message>` with exit code 2 and no
traceback; for Python callers they are plain exceptions (the R bridge turns them into R
conditions of class `generel_error`). SignalExit is the one that is not a user's error: a
SystemExit carrying a signal's exit code, which the CLI ends on without interpreter teardown.
"""

import click


class GenerelError(click.ClickException):
    """Anything a user can fix: a bad table, option, model bundle or cache."""

    exit_code = 2


class InputError(GenerelError, ValueError):
    """A table, option or argument that cannot be used as given (a ValueError to Python code)."""


class BundleError(GenerelError):
    """A directory that is not a usable model bundle."""


class SignalExit(SystemExit):
    """SIGTERM or SIGHUP arrived while a table was written; the code is the shell's 128 + signal."""


def shown(value, limit: int = 60) -> str:
    """A value for an error message: repr, cut to `limit` characters so one line stays short."""
    text = repr(value)
    return text if len(text) <= limit else f"{text[: limit - 5]}...{text[-2:]}"
