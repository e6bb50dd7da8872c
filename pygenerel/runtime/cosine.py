"""Cosines whose value never depends on the call they came in.

A float32 matrix product sums in an order set by the shapes and threads of the call, so one pair
can differ in its last bits between a matrix and a pairwise call, or between one trait and two.
The percentile is a step function of the score, so such a bit can move it by a reference step
(CI saw 0.6808 against 0.6807). Summing in float64 and rounding to float32 gives the same float32
whatever the order, but for a sum within 1e-16 of a float32 rounding edge.
"""

from __future__ import annotations

import numpy as np


def cosine_matrix(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """[len(a), len(b)] dot products of unit vectors (NaN rows stay NaN), as float32."""
    return (np.asarray(a, np.float64) @ np.asarray(b, np.float64).T).astype(np.float32)


def cosine_pairs(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """[len(a)] dot products of a[i] with b[i], equal to the diagonal of cosine_matrix(a, b)."""
    a, b = np.asarray(a, np.float64), np.asarray(b, np.float64)
    return np.einsum("ij,ij->i", a, b).astype(np.float32)
