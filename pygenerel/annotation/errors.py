"""The annotator's error: bad input, reported in one line with exit code 2 (see pygenerel.errors)."""

from pygenerel.errors import InputError as AnnotateError

__all__ = ["AnnotateError"]
