"""Percentiles next to cosines (issue 11): a score's share of a fixed genome-wide reference
scoring lower against the same trait, in [0, 1], monotone in the score, independent of the call."""

import numpy as np
import pytest

from pygenerel.annotation import annotate
from pygenerel.genome import GRCH38_LENGTHS
from pygenerel.runtime import load_model
from pygenerel.runtime.percentile import REFERENCE_LOCI, genome_grid

UC = "topr_UC_UKBB_p1e-3_hg38.tsv.gz"


def test_the_genome_grid_is_even_and_on_chromosomes():
    chroms, positions = genome_grid()
    assert len(chroms) == REFERENCE_LOCI and set(chroms) == {str(c) for c in range(1, 23)} | {"X"}
    assert (positions > 0).all()
    lengths = [GRCH38_LENGTHS[c] for c in set(chroms)]
    assert abs((chroms == "1").sum() / REFERENCE_LOCI - GRCH38_LENGTHS["1"] / sum(lengths)) < 0.001


@pytest.fixture(scope="module")
def result(tiny_bundle_dir, sumstats_dir):
    model = load_model(tiny_bundle_dir)
    return annotate(sumstats_dir / UC, traits=["ulcerative colitis", "height"], model=model)


def test_percentiles_are_in_0_1_and_monotone_in_the_score(result):
    for trait in ("generel_ulcerative_colitis", "generel_height"):
        scored = result[[trait, f"{trait}_pct"]].dropna()
        assert len(scored) > 1000
        assert scored[f"{trait}_pct"].between(0, 1).all()
        ordered = scored.sort_values(trait)[f"{trait}_pct"].to_numpy()
        assert (np.diff(ordered) >= 0).all()
        assert result[trait].isna().equals(result[f"{trait}_pct"].isna())


def test_a_percentile_does_not_depend_on_the_table(result, tiny_bundle_dir, sumstats_dir):
    model = load_model(tiny_bundle_dir)
    alone = annotate(sumstats_dir / UC, traits=["ulcerative colitis"], model=model, chunk_rows=997)
    a, b = alone["generel_ulcerative_colitis_pct"], result["generel_ulcerative_colitis_pct"]
    assert a.isna().equals(b.isna())
    # a locus batched differently moves its cosine by ~1e-7, which can cross a reference score
    assert (a - b).abs().max() <= 5 / REFERENCE_LOCI
    cosine = "generel_ulcerative_colitis"
    assert (alone[cosine] - result[cosine]).abs().max() <= 1e-5


def test_similarity_percentiles_use_loci_for_snps_and_concepts_for_texts(tiny_bundle_dir):
    model = load_model(tiny_bundle_dir)
    items = ["rs7903146", "chr10:112998590", "insulin resistance", "not-a-snp:x"]
    scores, pct = model.similarity(items, ["type 2 diabetes", "asthma"], percentile=True)
    np.testing.assert_array_equal(scores, model.similarity(items, ["type 2 diabetes", "asthma"]))
    assert np.isfinite(pct[:3]).all() and ((pct[:3] >= 0) & (pct[:3] <= 1)).all()
    snp_side = model.reference("snp").against(model.embed(["type 2 diabetes", "asthma"]))
    np.testing.assert_array_equal(pct[:2], snp_side(scores[:2]))
    text_side = model.reference("text").against(model.embed(["type 2 diabetes", "asthma"]))
    np.testing.assert_array_equal(pct[2:3], text_side(scores[2:3]))
    pairs, pair_pct = model.similarity(
        items[:3], ["type 2 diabetes"] * 3, pairwise=True, percentile=True
    )
    # the same pair gives the same bits in a matrix and a pairwise call (runtime/cosine.py)
    np.testing.assert_array_equal(pairs, scores[:3, 0])
    np.testing.assert_array_equal(pair_pct, pct[:3, 0])


def test_cli_similarity_prints_the_percentile(tiny_bundle_dir):
    from click.testing import CliRunner

    from pygenerel.cli import main

    args = ["similarity", "rs7903146", "--to", "type 2 diabetes", "--percentile"]
    result = CliRunner().invoke(main, [*args, "--model", str(tiny_bundle_dir)])
    assert result.exit_code == 0, result.output
    header, row = result.stdout.splitlines()
    assert header == "a\tb\tsimilarity\tpercentile"
    a, b, score, pct = row.split("\t")
    assert (a, b) == ("rs7903146", "type 2 diabetes") and 0 <= float(pct) <= 1
    assert -1 <= float(score) <= 1
