"""Evaluation of the tiny model and all baselines on the real corpus benchmarks."""

import json

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner
from scipy.stats import spearmanr

from pygenerel.cli import main
from pygenerel.evaluate import METHOD_NAMES
from pygenerel.evaluate.metrics import auc, retrieval_accuracy, spearman


def test_auc_equals_the_share_of_correctly_ordered_pairs():
    rng = np.random.default_rng(0)
    scores = rng.integers(0, 5, 200).astype(float)  # many ties
    labels = rng.integers(0, 2, 200)
    pos, neg = scores[labels == 1], scores[labels == 0]
    brute = ((pos[:, None] > neg[None, :]).sum() + 0.5 * (pos[:, None] == neg[None, :]).sum()) / (
        len(pos) * len(neg)
    )
    assert auc(scores, labels) == pytest.approx(brute)
    assert np.isnan(auc([0.1, 0.2], [1, 1]))


def test_spearman_and_retrieval_accuracy():
    rng = np.random.default_rng(1)
    x, y = rng.normal(size=50), rng.normal(size=50)
    assert spearman(x, y) == pytest.approx(spearmanr(x, y).statistic)
    candidates = np.eye(4)
    queries = np.array([[1, 0, 0, 0], [0, 0.6, 0.8, 0], [0.5, 0.5, 0.5, 0.5]])
    got = retrieval_accuracy(queries, candidates, np.array([0, 1, 3]), ks=(1, 2))
    assert got == {"acc@1": pytest.approx(1 / 3), "acc@2": pytest.approx(2 / 3)}


@pytest.fixture(scope="module")
def evaluation(tiny_model_dir, corpus_dir, tmp_path_factory):
    out = tmp_path_factory.mktemp("evaluation")
    result = CliRunner().invoke(
        main,
        [
            "evaluate",
            "--model",
            str(tiny_model_dir),
            "--corpus",
            str(corpus_dir),
            "--out",
            str(out),
        ],
    )
    assert result.exit_code == 0, result.output
    return json.loads((out / "evaluation.json").read_text()), result.output, out


def test_every_benchmark_is_scored_for_the_model_and_every_baseline(evaluation, corpus_dir):
    report, _, out = evaluation
    benchmarks = set(
        pd.read_parquet(corpus_dir / "benchmarks.parquet", columns=["benchmark"])["benchmark"]
    )
    order = ("base", "graph", "region", "id", "locus", "neighbours")
    assert report["methods"] == [METHOD_NAMES[k] for k in order]
    for method, results in report["results"].items():
        expected = (
            benchmarks - {"synonym_heldout"} if method == METHOD_NAMES["graph"] else benchmarks
        )
        if method == METHOD_NAMES["region"]:
            expected = {"gwas_heldout", "gwas_temporal", "pgrm_ukbb"}
        assert set(results) == expected, method
    assert (out / "evaluation.md").read_text() == report["markdown"]


def test_metrics_cover_the_pairs_the_corpus_defines(evaluation, corpus_dir):
    report, _, _ = evaluation
    bench = pd.read_parquet(corpus_dir / "benchmarks.parquet")
    for results in report["results"].values():
        for name, metrics in results.items():
            rows = bench[bench["benchmark"] == name]
            if rows["label"].nunique() == 2:
                assert 0 <= metrics["auc"] <= 1
                assert metrics["n_pos"] + metrics["n_neg"] == rows["label"].notna().sum()
            if rows["value"].notna().sum() >= 3:
                assert (
                    -1 <= metrics["spearman"] <= 1
                    and metrics["n_value"] == rows["value"].notna().sum()
                )
        gwas = results["gwas_heldout"]
        assert gwas["n_seen"] + gwas["n_unseen"] == gwas["n_pos"] + gwas["n_neg"]
        temporal = results["gwas_temporal"]
        assert (
            temporal["n_vocabulary"] + temporal["n_locus_only"]
            == temporal["n_pos"] + temporal["n_neg"]
        )
        if "acc@1" in results.get("synonym_heldout", {}):
            assert results["synonym_heldout"]["acc@1"] <= results["synonym_heldout"]["acc@10"]


def test_graph_baseline_knows_training_links_but_not_unseen_snps(evaluation):
    gwas = evaluation[0]["results"][METHOD_NAMES["graph"]]["gwas_heldout"]
    assert gwas["auc_seen"] > 0.7  # held-out traits of a SNP sit near its training traits
    assert gwas["auc_unseen"] == pytest.approx(0.5)  # no node, no information


def test_cli_prints_the_table(evaluation):
    _, output, _ = evaluation
    assert "| gwas_heldout | AUC, unseen SNPs |" in output
    assert all(name in output for name in METHOD_NAMES.values())


def test_region_lookup_reads_the_traits_known_around_a_snp(evaluation):
    """The region-lookup baseline is what a catalog lookup gives: a held-out trait of a training
    SNP is usually reported near it already; a temporal locus with no training GWAS SNP within
    250 kb has nothing to say (coverage below 1)."""
    results = evaluation[0]["results"][METHOD_NAMES["region"]]
    assert results["gwas_heldout"]["auc_seen"] > 0.7
    assert 0.5 < results["gwas_temporal"]["auc"] < results["gwas_heldout"]["auc_seen"]
    assert 0.5 < results["gwas_temporal"]["coverage"] < 1


def test_locus_only_scores_need_the_locus_tower(evaluation):
    results = evaluation[0]["results"]
    assert results[METHOD_NAMES["id"]]["gwas_temporal"]["auc_locus_only"] == pytest.approx(0.5)
    assert results[METHOD_NAMES["locus"]]["gwas_temporal"]["coverage"] == 1.0
