"""How unusual is a score? Its percentile among the same query's scores with a fixed reference.

Raw cosines are not comparable across traits: one trait sits at 0.3 from most of the genome,
another at 0.0. So each score is also given as the share of a fixed reference that scores lower
against the same query (the trait, or the other side of a pair):
- SNP-side scores: REFERENCE_LOCI loci laid evenly over the genome (chromosomes 1-22 and X,
  GRCh38), embedded from their locus like any SNP outside the vocabulary (a model without a
  locus tower uses a fixed sample of its vocabulary SNPs). A percentile of 0.99
  means the SNP is more related to the query than 99% of the genome's loci are.
- concept-side scores: a fixed random sample of REFERENCE_CONCEPTS catalog concepts (seed 0).
The reference depends only on the model, so the percentile of a pair never depends on the call.
"""

from __future__ import annotations

import numpy as np

from pygenerel.genome import CHROMOSOMES, GRCH38_LENGTHS
from pygenerel.runtime.cache import cached_array, model_cache_dir
from pygenerel.runtime.cosine import cosine_matrix

REFERENCE_LOCI = 10_000
REFERENCE_CONCEPTS = 5_000


def genome_grid(n: int = REFERENCE_LOCI) -> tuple[np.ndarray, np.ndarray]:
    """(chromosomes, GRCh38 positions) of n loci spaced evenly along chromosomes 1-22 and X."""
    chroms = [c for c in CHROMOSOMES if c not in ("Y", "MT")]
    lengths = np.array([GRCH38_LENGTHS[c] for c in chroms], dtype=np.int64)
    starts = np.concatenate([[0], np.cumsum(lengths)[:-1]])
    offsets = (np.arange(n, dtype=np.int64) * 2 + 1) * (lengths.sum() // (2 * n))
    which = np.searchsorted(starts, offsets, side="right") - 1
    return np.array(chroms, dtype=object)[which], offsets - starts[which] + 1


class Reference:
    """Reference vectors; against(queries) ranks scores for those queries."""

    def __init__(self, vectors: np.ndarray):
        self.vectors = np.asarray(vectors, dtype=np.float32)

    def against(self, queries: np.ndarray) -> Percentiles:
        """The reference's scores with each query vector [m, dim], sorted once for all rows."""
        queries = np.nan_to_num(np.asarray(queries, dtype=np.float32), nan=0.0)
        return Percentiles(np.sort(cosine_matrix(self.vectors, queries), axis=0))


class Percentiles:
    def __init__(self, sorted_scores: np.ndarray):
        self.sorted = sorted_scores  # [n_reference, m]

    def __call__(self, scores: np.ndarray) -> np.ndarray:
        """scores [n, m], column j against query j -> the share of the reference scoring
        strictly lower, in [0, 1]; NaN stays NaN."""
        scores = np.asarray(scores, dtype=np.float32)
        out = np.full(scores.shape, np.nan, dtype=np.float32)
        for j in range(scores.shape[1]):
            finite = np.isfinite(scores[:, j])
            ranks = np.searchsorted(self.sorted[:, j], scores[finite, j], side="left")
            out[finite, j] = ranks / len(self.sorted)
        return out


def locus_reference(locus_encoder, snps, neighbourhood, bundle, encoder_name: str) -> Reference:
    """Genome loci (borrowing from their neighbours as a placed locus does, with a
    neighbourhood), embedded once per model and kept in the user cache; for a model without a
    locus tower, a fixed sample of its vocabulary SNPs."""
    if locus_encoder is None:
        rng = np.random.default_rng(0)
        rows = np.sort(rng.choice(len(snps), min(REFERENCE_LOCI, len(snps)), replace=False))
        return Reference(snps.embeddings.rows(rows))
    chroms, positions = genome_grid()
    keep = locus_encoder.locatable(chroms, positions)

    def embedded():
        loci = locus_encoder(chroms[keep], positions[keep])
        if neighbourhood is not None:
            loci = neighbourhood.smooth(chroms[keep], positions[keep], loci)
        return loci

    directory = model_cache_dir("reference", bundle, encoder_name)
    shape = (int(keep.sum()), locus_encoder.text_encoder.dim)
    return Reference(cached_array(directory, "loci", shape, np.float32, embedded))


def concept_reference(catalog, text_encoder, bundle, encoder_name: str) -> Reference:
    """A fixed sample of catalog names, embedded once per model and kept in the user cache."""
    rng = np.random.default_rng(0)
    rows = np.sort(rng.choice(len(catalog), min(REFERENCE_CONCEPTS, len(catalog)), replace=False))
    directory = model_cache_dir("reference", bundle, encoder_name)
    shape = (len(rows), text_encoder.dim)

    def embedded():
        return text_encoder.encode_uncached(catalog.texts[rows].tolist())

    return Reference(cached_array(directory, "concepts", shape, np.float32, embedded))
