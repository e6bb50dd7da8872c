"""Distinct rows (runtime/distinct.py): hashed grouping must equal grouping by the columns."""

import numpy as np
import pandas as pd
import pytest

from pygenerel.genome import chrom_codes
from pygenerel.runtime import distinct


def grouped_by_columns(keys):
    """The definition: groups numbered in order of first appearance, each with its first row."""
    group = pd.DataFrame(keys).groupby(list(range(keys.shape[1])), sort=False).ngroup()
    group = group.to_numpy(dtype=np.int64)
    return group, np.array([np.flatnonzero(group == g)[0] for g in range(group.max() + 1)])


@pytest.fixture(scope="module")
def keys(corpus_dir):
    """The vocabulary's chromosomes and positions rounded to 100 kb, in a shuffled order with
    repeats: most rows share their key with others, as the loci of a table do."""
    snps = pd.read_parquet(corpus_dir / "snps.parquet", columns=["chr", "pos_grch38"])
    rng = np.random.default_rng(0)
    rows = rng.choice(len(snps), 3_000)
    return np.column_stack(
        [
            chrom_codes(snps["chr"].to_numpy()[rows]),
            snps["pos_grch38"].to_numpy()[rows] // 100_000,
            rng.integers(-2, 2, len(rows)),  # negative keys too (unplaced: -1)
        ]
    )


def test_hashed_groups_are_the_column_groups(keys):
    group, first = distinct.distinct_rows(keys)
    expected_group, expected_first = grouped_by_columns(keys)
    assert 1 < group.max() + 1 < len(keys)
    np.testing.assert_array_equal(group, expected_group)
    np.testing.assert_array_equal(first, expected_first)


def test_a_hash_collision_falls_back_to_exact_grouping(keys, monkeypatch):
    monkeypatch.setattr(distinct, "row_hashes", lambda k: np.zeros(len(k), dtype=np.uint64))
    group, first = distinct.distinct_rows(keys)
    expected_group, expected_first = grouped_by_columns(keys)
    np.testing.assert_array_equal(group, expected_group)
    np.testing.assert_array_equal(first, expected_first)


def test_no_rows_no_groups():
    group, first = distinct.distinct_rows(np.empty((0, 3), dtype=np.int64))
    assert len(group) == 0 and len(first) == 0
