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
        return (
            np.stack([self.cache[t] for t in texts])
            if len(texts)
            else np.zeros((0, 0), dtype=np.float32)
        )


def parse_loci(ids) -> tuple[np.ndarray, np.ndarray]:
    """ "chr:pos" benchmark ids -> (chromosomes, GRCh38 positions)."""
    parts = [str(i).rsplit(":", 1) for i in ids]
    return np.array([c for c, _ in parts], dtype=object), np.array([int(p) for _, p in parts])


class ModelScorer:
    """A trained GenerelModel; `tower` "main" (its configured SNP tower) or "aux" (id-only baseline).

    A locus is scored as annotate scores a row: the vocabulary SNP at that position if there is
    one, else (locus tower only) its locus. With `neighbourhood` (neighbourhood.SnpNeighbourhood
    over the SNPs that had training links), every SNP and locus also borrows from its neighbours.
    """

    uses_text = True

    def __init__(
        self,
        name: str,
        model,
        tower: str = "main",
        texts: TextCache | None = None,
        neighbourhood=None,
    ):
        self.name, self.model, self.tower = name, model, tower
        self.texts = texts or TextCache(lambda t: model.encode_texts(t).numpy())
        self.neighbourhood = neighbourhood
        table = model.snp_vocab.table
        self.rsid_at = dict(
            zip(table["chr"].astype(str) + ":" + table["pos_grch38"].astype(str), table["rsid"])
        )
        self.locus_of = dict(zip(table["rsid"], zip(table["chr"].astype(str), table["pos_grch38"])))

    def embed_texts(self, ids, texts) -> np.ndarray:
        return self.texts(list(texts))

    @torch.no_grad()
    def embed_snps(self, rsids) -> np.ndarray:
        emb = self.model.encode_snps(list(rsids), tower=self.tower).numpy()
        if self.neighbourhood is None:
            return emb
        chroms, pos = zip(*(self.locus_of.get(r, ("", -1)) for r in rsids))
        return self.neighbourhood.smooth(np.array(chroms, dtype=object), np.array(pos), emb)

    @torch.no_grad()
    def embed_loci(self, ids) -> np.ndarray:
        chroms, pos = parse_loci(ids)
        rsids = [self.rsid_at.get(i) for i in ids]
        known = np.array([r is not None for r in rsids])
        emb = np.full((len(ids), self.model.config.dim), np.nan, dtype=np.float32)
        if known.any():
            emb[known] = self.model.encode_snps(
                [r for r in rsids if r is not None], tower=self.tower
            ).numpy()
        if (~known).any() and self.tower == "main" and self.model.config.snp_tower == "locus":
            emb[~known] = self.model.encode_loci(chroms[~known], pos[~known]).numpy()
        if self.neighbourhood is not None:
            ok = ~np.isnan(emb).any(axis=1)
            emb[ok] = self.neighbourhood.smooth(chroms[ok], pos[ok], emb[ok])
        return emb
