"""Distinct rows of a key table: what the runtime computes once and spreads back (loci, placed
variants, top-concept proposals)."""

from __future__ import annotations

import numpy as np
import pandas as pd

MIX = np.uint64(0x9E3779B97F4A7C15)  # odd 64-bit multiplier (golden ratio): spreads the bits


def first_of_each(group: np.ndarray) -> np.ndarray:
    """The first index of each group id 0..max in `group`."""
    first = np.zeros(group.max() + 1 if len(group) else 0, dtype=np.int64)
    first[group[::-1]] = np.arange(len(group) - 1, -1, -1)
    return first


def distinct_rows(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(each row's group id, numbered in order of first appearance; each group's first row) for
    the rows of a 2-d integer key array.

    Rows are grouped by a 64-bit hash (several times faster than grouping by columns), then
    checked against their group's first row: on a hash collision the rows are grouped exactly."""
    keys = np.ascontiguousarray(keys, dtype=np.int64)
    group = pd.factorize(row_hashes(keys))[0].astype(np.int64)
    first = first_of_each(group)
    if not (keys == keys[first[group]]).all():
        group = pd.DataFrame(keys).groupby(list(range(keys.shape[1])), sort=False).ngroup()
        group = group.to_numpy(dtype=np.int64)
        first = first_of_each(group)
    return group, first


def row_hashes(keys: np.ndarray) -> np.ndarray:
    """uint64 [n]: a multiply-xorshift hash of each int64 row."""
    columns = keys.view(np.uint64)
    hashes = np.zeros(len(keys), dtype=np.uint64)
    for j in range(keys.shape[1]):
        hashes ^= columns[:, j]
        hashes *= MIX
        hashes ^= hashes >> np.uint64(31)
    return hashes
