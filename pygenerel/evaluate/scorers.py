"""Scorers turn benchmark items into vectors; every method is scored on the same pairs by cosine.

A scorer embeds SNPs by rsid and text items by (concept id, text); it returns NaN rows for items
it cannot represent, which the evaluator scores as cosine 0 (no information).
"""
from __future__ import annotations

import numpy as np
import torch


def normalise(x: np.ndarray) -> np.ndarray:
    return x / np.linalg.norm(x, axis=1, keepdims=True).clip(min=1e-12)


class TextCache:
    """Text embeddings computed once and shared by scorers that use the same text tower."""

    def __init__(self, encode):
        self.encode, self.cache = encode, {}

    def __call__(self, texts) -> np.ndarray:
        missing = sorted({t for t in texts if t not in self.cache})
        if missing:
            self.cache.update(zip(missing, self.encode(missing)))
        return np.stack([self.cache[t] for t in texts]) if len(texts) else np.zeros((0, 0), dtype=np.float32)


class ModelScorer:
    """A trained GenerelModel; `tower` "main" (its configured SNP tower) or "aux" (id-only baseline)."""

    uses_text = True

    def __init__(self, name: str, model, tower: str = "main", texts: TextCache | None = None):
        self.name, self.model, self.tower = name, model, tower
        self.texts = texts or TextCache(lambda t: model.encode_texts(t).numpy())

    def embed_texts(self, ids, texts) -> np.ndarray:
        return self.texts(list(texts))

    @torch.no_grad()
    def embed_snps(self, rsids) -> np.ndarray:
        return self.model.encode_snps(list(rsids), tower=self.tower).numpy()
