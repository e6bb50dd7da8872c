"""Nearby vocabulary SNPs: a locus borrows what the model learned about the known SNPs around it.

A lead SNP that the vocabulary lacks (or that never had a training link) usually sits in LD with
SNPs that did: the random split's unseen SNPs and most loci in a user's table are such SNPs. Its
embedding e becomes normalise(e + strength * m), m the distance-weighted mean of the embeddings of
the vocabulary SNPs within RADIUS (weights exp(-d / DECAY), scaled down where their total is
below 1, so one far neighbour counts little). A SNP is never its own neighbour. Numpy only: the
evaluator and the torch-free runtime use the same code.
"""

from __future__ import annotations

import numpy as np

from pygenerel.genome import normalize_chroms

RADIUS = 250_000
DECAY = 25_000
STRENGTH = 1.0
PER_SIDE = 8  # nearest vocabulary SNPs looked at on each side
CHUNK = 4096


def manifest_entry() -> dict:
    """The bundle manifest's `neighbours`: the runtime smooths every placed SNP and locus so."""
    return {"strength": STRENGTH, "radius": RADIUS, "decay": DECAY}


class SnpNeighbourhood:
    def __init__(
        self,
        chroms,
        pos38,
        embeddings,
        strength: float = STRENGTH,
        radius: int = RADIUS,
        decay: float = DECAY,
    ):
        """`embeddings` [n, dim]: anything that numpy fancy indexing with a row array turns into
        float rows (an array, or the runtime's int8 rows)."""
        chroms = normalize_chroms(chroms)
        pos = np.asarray(pos38, dtype=np.int64)
        self.embeddings, self.strength = embeddings, strength
        self.radius, self.decay = radius, decay
        self._by_chrom = {}
        for chrom in np.unique(chroms[(chroms != None) & (pos > 0)]):
            rows = np.flatnonzero((chroms == chrom) & (pos > 0))
            rows = rows[np.argsort(pos[rows], kind="stable")]
            self._by_chrom[chrom] = (pos[rows], rows)

    def mean(self, chroms, pos38, dim: int) -> np.ndarray:
        """float32 [n, dim]: each position's weighted neighbour mean (zeros where none)."""
        chroms = normalize_chroms(chroms)
        pos = np.asarray(pos38, dtype=np.int64)
        out = np.zeros((len(pos), dim), dtype=np.float32)
        for chrom, (known, rows) in self._by_chrom.items():
            found = np.flatnonzero((chroms == chrom) & (pos > 0))
            for lo in range(0, len(found), CHUNK):
                at = found[lo : lo + CHUNK]
                out[at] = self._mean_on_chrom(known, rows, pos[at])
        return out

    def _mean_on_chrom(self, known, rows, pos) -> np.ndarray:
        near = np.searchsorted(known, pos)
        window = near[:, None] + np.arange(-PER_SIDE, PER_SIDE)[None, :]
        valid = (window >= 0) & (window < len(known))
        window = np.clip(window, 0, len(known) - 1)
        distance = np.abs(known[window] - pos[:, None])
        use = valid & (distance > 0) & (distance <= self.radius)
        weight = np.where(use, np.exp(-distance / self.decay), 0.0).astype(np.float32)
        scale = 1.0 / np.maximum(weight.sum(axis=1, keepdims=True), 1.0)
        neighbours = np.asarray(self.embeddings[rows[window].ravel()], dtype=np.float32)
        neighbours = neighbours.reshape(*window.shape, -1)
        return np.einsum("nk,nkd->nd", weight * scale, neighbours)

    def smooth(self, chroms, pos38, embeddings: np.ndarray) -> np.ndarray:
        """normalise(embeddings + strength * neighbour mean), row by row."""
        embeddings = np.asarray(embeddings, dtype=np.float32)
        mixed = embeddings + self.strength * self.mean(chroms, pos38, embeddings.shape[1])
        norm = np.linalg.norm(mixed, axis=1, keepdims=True)
        return mixed / np.maximum(norm, 1e-12)
