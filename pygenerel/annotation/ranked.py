"""The top concepts already ranked for a table, so a variant repeated across chunks (a table of
several traits, stacked) is ranked once. Keyed by Placed.identities(): what an embedding and its
proposal derive from, the same in every chunk. Sorted arrays rather than a dict: a genome-wide
table adds a million keys, and looking them up must stay vectorised."""

from __future__ import annotations

import numpy as np

MAX_RANKED = 1_000_000  # variants remembered (about 100 MB for a top 5); then it starts afresh


class RankedMemo:
    def __init__(self, k: int):
        self.k = k
        self.clear()

    def clear(self) -> None:
        self.keys = np.empty(0, dtype=np.int64)
        self.rows = np.empty((0, self.k), dtype=np.int64)
        self.scores = np.empty((0, self.k), dtype=np.float32)

    def find(self, keys: np.ndarray) -> np.ndarray:
        """Each key's index in the memo, -1 where it has not been ranked."""
        at = np.searchsorted(self.keys, keys)
        found = at < len(self.keys)
        found[found] = self.keys[at[found]] == keys[found]
        return np.where(found, at, -1)

    def add(self, keys: np.ndarray, rows: np.ndarray, scores: np.ndarray) -> None:
        """Remember these (distinct, new) keys' top concepts."""
        if len(self.keys) + len(keys) > MAX_RANKED:
            self.clear()
        keys = np.concatenate([self.keys, keys])
        order = np.argsort(keys, kind="stable")
        self.keys = keys[order]
        self.rows = np.concatenate([self.rows, rows])[order]
        self.scores = np.concatenate([self.scores, scores])[order]
