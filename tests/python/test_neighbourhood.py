"""Nearby vocabulary SNPs (pygenerel.neighbourhood), on the real SNP vocabulary's positions."""

import numpy as np
import pandas as pd
import pytest

from pygenerel.neighbourhood import RADIUS, SnpNeighbourhood


@pytest.fixture(scope="module")
def vocabulary(corpus_dir):
    snps = pd.read_parquet(corpus_dir / "snps.parquet", columns=["rsid", "chr", "pos_grch38"])
    rng = np.random.default_rng(0)
    emb = rng.normal(size=(len(snps), 16)).astype(np.float32)
    return snps, emb / np.linalg.norm(emb, axis=1, keepdims=True)


def test_a_snp_borrows_from_its_neighbours_never_from_itself(vocabulary):
    snps, emb = vocabulary
    hood = SnpNeighbourhood(snps["chr"], snps["pos_grch38"], emb)
    i = int(np.flatnonzero(snps["rsid"] == "rs7903146")[0])  # TCF7L2: a dense GWAS region
    chrom, pos = snps["chr"].iloc[i], int(snps["pos_grch38"].iloc[i])
    mean = hood.mean([chrom], [pos], 16)[0]
    same_chrom = (snps["chr"] == chrom).to_numpy()
    distance = np.abs(snps["pos_grch38"].to_numpy() - pos)
    near = np.flatnonzero(same_chrom & (distance > 0) & (distance <= RADIUS))
    assert len(near) > 0
    weights = np.exp(-distance[near] / hood.decay)
    order = np.argsort(distance[near])[:16]  # at most 8 a side are read; the nearest dominate
    expected = (weights[order, None] * emb[near[order]]).sum(axis=0) / max(weights[order].sum(), 1)
    assert np.allclose(mean, expected, atol=0.05)
    smoothed = hood.smooth([chrom], [pos], emb[i : i + 1])[0]
    assert np.isclose(np.linalg.norm(smoothed), 1)
    assert smoothed @ emb[i] < 1  # moved towards its neighbours


def test_a_locus_far_from_every_vocabulary_snp_keeps_its_embedding(vocabulary):
    snps, emb = vocabulary
    hood = SnpNeighbourhood(snps["chr"], snps["pos_grch38"], emb)
    # the middle of the widest gap between chr1 vocabulary SNPs (the centromere); a bad chromosome
    known = np.sort(snps.loc[snps["chr"] == "1", "pos_grch38"].to_numpy())
    widest = int(np.argmax(np.diff(known)))
    assert known[widest + 1] - known[widest] > 2 * RADIUS
    far = int((known[widest] + known[widest + 1]) // 2)
    assert (hood.mean(["1", "nope"], [far, 5], 16) == 0).all()
    own = emb[:2]
    assert np.allclose(hood.smooth(["1", "nope"], [far, 5], own), own, atol=1e-6)
