"""Distinct rows of a key table: what the runtime computes once and spreads back (loci, placed
variants, top-concept proposals)."""

from __future__ import annotations

import numpy as np
import pandas as pd


def first_of_each(group: np.ndarray) -> np.ndarray:
    """The first index of each group id 0..max in `group`."""
    first = np.zeros(group.max() + 1 if len(group) else 0, dtype=np.int64)
    first[group[::-1]] = np.arange(len(group) - 1, -1, -1)
    return first


def distinct_rows(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(each row's group id, numbered in order of first appearance; each group's first row) for
    the rows of a 2-d key array."""
    group = pd.DataFrame(keys).groupby(list(range(keys.shape[1])), sort=False).ngroup()
    group = group.to_numpy(dtype=np.int64)
    return group, first_of_each(group)
