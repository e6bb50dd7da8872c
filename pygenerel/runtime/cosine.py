"""Cosines whose value never depends on the call they came in.

A BLAS matrix product sums in an order set by the shapes and threads of the call, so one pair
can differ in its last bits between a matrix and a pairwise call, or between one trait and two.
The percentile is a step function of the score, so such a bit can move it by a reference step
(CI saw 0.6808 against 0.6807). numpy's einsum sums each dot product of two contiguous rows with
one kernel whose order depends only on the length, so every route here gives the same bits.
"""

from __future__ import annotations

import numpy as np


def _rows(x: np.ndarray) -> np.ndarray:
    return np.ascontiguousarray(x, dtype=np.float32)


def cosine_matrix(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """float32 [len(a), len(b)]: dot products of unit vectors (NaN rows stay NaN), one column
    per row of b (as fast as a BLAS product when b is short, as for traits)."""
    a, b = _rows(a), _rows(b)
    out = np.empty((len(a), len(b)), dtype=np.float32)
    for j, column in enumerate(b):
        out[:, j] = np.einsum("ij,j->i", a, column)
    return out


def cosine_pairs(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """float32 [len(a)]: a[i] with b[i], the same bits as the diagonal of cosine_matrix(a, b)."""
    return np.einsum("ij,ij->i", _rows(a), _rows(b))
