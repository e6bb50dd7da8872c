"""Checks of the arguments every entry point takes, written once (R repeats them in R/arguments.R
so that an R user hears of a bad argument before Python starts)."""

from __future__ import annotations

import math
import numbers
import os

from pygenerel.errors import InputError, shown


def whole_number(value, name: str, high: int | None = None) -> int:
    """value as an int from 1 to high (no bound without one); a whole float passes, as R hands
    every number over as a double, but not a bool, NaN or 2.5."""
    whole = isinstance(value, numbers.Integral) or (
        isinstance(value, numbers.Real) and math.isfinite(value) and float(value).is_integer()
    )
    if isinstance(value, bool) or not whole or value < 1 or (high is not None and value > high):
        must = "a positive whole number" if high is None else f"a whole number from 1 to {high}"
        raise InputError(f"{name} must be {must}, got {shown(value)}")
    return int(value)


def user_path(value):
    """A path as users write it: '~/gwas.tsv' lies in the home folder, as in the shell, R and
    pandas; '-' (standard input or output) and anything not a path pass unchanged."""
    if isinstance(value, (str, os.PathLike)) and str(value) != "-":
        return os.path.expanduser(value)
    return value
