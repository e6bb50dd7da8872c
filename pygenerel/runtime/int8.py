"""Row-wise int8 storage for unit vectors, shared by the exporter (writes) and the runtime (reads).

Each row keeps int8 codes and one float32 scale chosen so the decoded row has unit norm: a dot
product with a unit query is then a cosine, and scoring a whole table needs only int8 codes in
memory (a quarter of float32), decoded one chunk at a time.
"""

from __future__ import annotations

import numpy as np

CHUNK = 16_384


def quantize_rows(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """float [n, dim] -> (int8 codes [n, dim], float32 scales [n]); zero rows get scale 0."""
    x = np.asarray(x, dtype=np.float32)
    peak = np.abs(x).max(axis=1, keepdims=True)
    codes = np.round(x / np.where(peak > 0, peak, 1) * 127).astype(np.int8)
    norms = np.linalg.norm(codes.astype(np.float32), axis=1)
    scales = np.where(norms > 0, 1 / np.where(norms > 0, norms, 1), 0).astype(np.float32)
    return codes, scales


class Int8Rows:
    """A table of int8-coded unit rows: decode some rows, or score queries against all of them."""

    def __init__(self, codes: np.ndarray, scales: np.ndarray):
        if codes.ndim != 2 or codes.dtype != np.int8 or scales.shape != (codes.shape[0],):
            raise ValueError(
                f"int8 rows need int8 codes [n, dim] and scales [n], got {codes.dtype} "
                f"{codes.shape} and {scales.shape}"
            )
        self.codes = codes
        self.scales = np.asarray(scales, dtype=np.float32)

    def __len__(self) -> int:
        return self.codes.shape[0]

    @property
    def dim(self) -> int:
        return self.codes.shape[1]

    def rows(self, index: np.ndarray) -> np.ndarray:
        index = np.asarray(index, dtype=np.int64)
        return self.codes[index].astype(np.float32) * self.scales[index, None]

    __getitem__ = rows  # float rows by fancy indexing, like an array (neighbourhood.py)

    def scores(self, queries: np.ndarray, subset: np.ndarray | None = None) -> np.ndarray:
        """Cosine of each unit query [m, dim] with each row (or each row in `subset`) -> [m, n]."""
        queries = np.asarray(queries, dtype=np.float32)
        index = np.arange(len(self)) if subset is None else np.asarray(subset, dtype=np.int64)
        out = np.empty((queries.shape[0], len(index)), dtype=np.float32)
        for lo in range(0, len(index), CHUNK):
            part = index[lo : lo + CHUNK]
            codes = self.codes[lo : lo + len(part)] if subset is None else self.codes[part]
            out[:, lo : lo + len(part)] = (queries @ codes.astype(np.float32).T) * self.scales[part]
        return out
