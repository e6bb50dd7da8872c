"""Nearby vocabulary SNPs (pygenerel.neighbourhood), on the real SNP vocabulary's positions."""

import numpy as np
import pandas as pd
import pytest

from pygenerel.neighbourhood import PER_SIDE, RADIUS, SnpNeighbourhood


@pytest.fixture(scope="module")
def vocabulary(corpus_dir):
    snps = pd.read_parquet(corpus_dir / "snps.parquet", columns=["rsid", "chr", "pos_grch38"])
    rng = np.random.default_rng(0)
    emb = rng.normal(size=(len(snps), 16)).astype(np.float32)
    return snps, emb / np.linalg.norm(emb, axis=1, keepdims=True)


def direct_mean(snps, emb, chrom, pos, radius, decay):
    """The neighbour mean by its definition, one position at a time: the PER_SIDE vocabulary
    SNPs before pos and the PER_SIDE at or after it, less any at pos itself and beyond radius."""
    on = np.flatnonzero((snps["chr"] == chrom).to_numpy())
    on = on[np.argsort(snps["pos_grch38"].to_numpy()[on], kind="stable")]
    known = snps["pos_grch38"].to_numpy()[on]
    near = np.searchsorted(known, pos)
    window = np.arange(max(near - PER_SIDE, 0), min(near + PER_SIDE, len(known)))
    distance = np.abs(known[window] - pos)
    window, distance = (
        window[(distance > 0) & (distance <= radius)],
        distance[(distance > 0) & (distance <= radius)],
    )
    weights = np.exp(-distance / decay)
    return (weights[:, None] * emb[on[window]]).sum(axis=0) / max(weights.sum(), 1.0)


def test_the_running_sums_give_the_neighbour_mean_by_its_definition(vocabulary):
    """Dense GWAS regions (8 a side are read), sparse ones (the radius cuts), vocabulary SNPs
    themselves (never their own neighbour) and positions between them."""
    snps, emb = vocabulary
    hood = SnpNeighbourhood(snps["chr"], snps["pos_grch38"], emb)
    rng = np.random.default_rng(1)
    picked = snps.iloc[rng.choice(len(snps), 300, replace=False)]
    chroms = np.concatenate([picked["chr"], picked["chr"], picked["chr"]])
    pos = np.concatenate(
        [
            picked["pos_grch38"],  # a vocabulary SNP's own position
            picked["pos_grch38"] + rng.integers(1, 3_000, 300),  # beside one
            picked["pos_grch38"] + rng.integers(100_000, 400_000, 300),  # further away
        ]
    )
    got = hood.mean(chroms, pos)
    expected = np.array(
        [direct_mean(snps, emb, c, p, RADIUS, hood.decay) for c, p in zip(chroms, pos)]
    )
    assert np.abs(got - expected).max() < 1e-5
    assert (np.abs(expected).sum(axis=1) > 0).mean() > 0.9  # nearly all have neighbours


def test_a_snp_borrows_from_its_neighbours_never_from_itself(vocabulary):
    snps, emb = vocabulary
    hood = SnpNeighbourhood(snps["chr"], snps["pos_grch38"], emb)
    i = int(np.flatnonzero(snps["rsid"] == "rs7903146")[0])  # TCF7L2: a dense GWAS region
    chrom, pos = snps["chr"].iloc[i], int(snps["pos_grch38"].iloc[i])
    mean = hood.mean([chrom], [pos])[0]
    assert np.abs(mean - direct_mean(snps, emb, chrom, pos, RADIUS, hood.decay)).max() < 1e-5
    alone = emb.copy()
    alone[i] = 0  # its own row does not enter: zeroing it changes nothing
    assert (
        np.abs(
            SnpNeighbourhood(snps["chr"], snps["pos_grch38"], alone).mean([chrom], [pos])[0] - mean
        ).max()
        < 1e-6
    )
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
    assert (hood.mean(["1", "nope"], [far, 5]) == 0).all()
    own = emb[:2]
    assert np.allclose(hood.smooth(["1", "nope"], [far, 5], own), own, atol=1e-6)


def test_smoothing_shared_rows_equals_smoothing_their_copies(vocabulary):
    """smooth(rows=...) reads each position's embedding from a shared table, chunk by chunk:
    the same as handing it a copy per position, on several chromosomes, in any order, for more
    positions than a chunk holds, and for a position on no chromosome."""
    snps, emb = vocabulary
    hood = SnpNeighbourhood(snps["chr"], snps["pos_grch38"], emb)
    rng = np.random.default_rng(2)
    picked = rng.choice(len(snps), 5_000)
    chroms = snps["chr"].to_numpy(dtype=object)[picked]
    chroms[7] = "nope"
    pos = snps["pos_grch38"].to_numpy()[picked] + rng.integers(-50_000, 50_000, len(picked))
    rows = rng.integers(0, 40, len(picked))  # 40 shared embeddings
    shared = hood.smooth(chroms, pos, emb[:40], rows=rows)
    np.testing.assert_array_equal(shared, hood.smooth(chroms, pos, emb[rows]))
    np.testing.assert_allclose(np.linalg.norm(shared, axis=1), 1, atol=1e-6)
    assert np.allclose(shared[7], emb[rows[7]], atol=1e-6)  # no chromosome: kept as it was
