"""The one error type of the annotator: bad input, reported in one line with exit code 2.

It is a click exception so the CLI prints `Error: <message>` without a traceback, and a plain
Exception for Python callers.
"""
import click


class AnnotateError(click.ClickException):
    exit_code = 2
