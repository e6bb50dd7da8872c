"""Top concepts from the bundle's compact index (issue 11, item 6): the first search embeds no
catalog, the index finds the exact top concepts of real loci, and a damaged or stale index is
refused, never trusted; export.add_concept_index rebuilds it in place."""

import gzip
import json
import shutil

import numpy as np
import pandas as pd
import pytest

from pygenerel.errors import BundleError
from pygenerel.export import add_concept_index
from pygenerel.runtime import load_model
from pygenerel.runtime.bundle import CONCEPT_INDEX, sha256_file

UC = "topr_UC_UKBB_p1e-3_hg38.tsv.gz"
SUBSET = 8_000  # catalog rows the exact reference is computed over (each name encoded once)
K = 5


@pytest.fixture(scope="module")
def shipped(default_bundle_dir):
    return load_model(default_bundle_dir)


def uc_loci(model, sumstats_dir) -> np.ndarray:
    """The distinct embeddings of the UC file's rows placed from their locus."""
    table = pd.read_csv(sumstats_dir / UC, sep="\t", dtype=str)
    placed = model.place(table["ID"], table["CHROM"], table["POS"], build="GRCh38")
    return placed.vectors[np.unique(placed.which[placed.how == "locus"])]


def recall(found: np.ndarray, reference: np.ndarray) -> float:
    hits = [len(set(a[a >= 0]) & set(b[b >= 0])) for a, b in zip(found, reference)]
    return sum(hits) / (reference >= 0).sum()


def test_the_shipped_index_finds_the_exact_top_concepts_of_real_loci(shipped, sumstats_dir):
    loci = uc_loci(shipped, sumstats_dir)
    assert len(loci) > 1000
    catalog = shipped.catalog
    assert catalog.index is not None
    rng = np.random.default_rng(0)
    rows = np.sort(rng.choice(catalog.candidates(snp_query=True), SUBSET, replace=False))
    found, scores = catalog.top(loci, K, rows)
    exact, exact_scores = catalog.top(loci, K, rows, exact=True)
    assert recall(found, exact) >= 0.98  # 0.985 over the whole catalog: bench/concept_index.py
    same = found == exact
    assert np.array_equal(scores[same], exact_scores[same])  # a score is the real cosine


def test_loci_share_proposals_yet_each_keeps_its_own_exact_top(shipped, sumstats_dir):
    """annotate ranks a locus among candidates shared with the loci around it (Model.proposals):
    far fewer index scans, as good a top as each locus's own scan, and a row's top concepts are
    the same alone as inside the whole table."""
    table = pd.read_csv(sumstats_dir / UC, sep="\t", dtype=str)
    placed = shipped.place(table["ID"], table["CHROM"], table["POS"], build="GRCh38")
    loci = np.unique(placed.which[placed.how == "locus"])
    proposals = shipped.proposals(placed, loci)
    assert len(proposals[0]) < len(loci) / 2
    catalog = shipped.catalog
    rows = np.sort(
        np.random.default_rng(0).choice(catalog.candidates(snp_query=True), SUBSET, replace=False)
    )
    found, scores = catalog.top(placed.vectors[loci], K, rows, proposals=proposals)
    own, _ = catalog.top(placed.vectors[loci], K, rows)
    exact, exact_scores = catalog.top(placed.vectors[loci], K, rows, exact=True)
    assert recall(found, exact) >= max(0.98, recall(own, exact) - 0.005)
    same = found == exact
    np.testing.assert_allclose(scores[same], exact_scores[same], atol=1e-6)  # the real cosine
    for row in np.flatnonzero(placed.how == "locus")[::2000]:
        alone = shipped.place(table["ID"][[row]], table["CHROM"][[row]], table["POS"][[row]])
        top, _ = catalog.top(alone.vectors, K, rows, proposals=shipped.proposals(alone, [0]))
        assert np.array_equal(top[0], found[np.searchsorted(loci, placed.which[row])])


def test_the_index_scan_returns_each_querys_integer_top_alone_or_in_a_batch(shipped):
    """The scan graph's candidates are the `room` best by the exact integer products of the
    8-bit query with the 4-bit levels, whatever else is in the batch."""
    index = shipped.catalog.index
    rows = shipped.catalog.candidates(snp_query=True)
    queries = shipped.embed(["type 2 diabetes", "asthma", "rs7903146", "chr6:32600000"])
    room = 288
    found = index.scan(queries, rows, room)
    products = index.project(queries).astype(np.int64) - 128
    products = products @ index.levels[rows].T.astype(np.int64)
    for query, columns in zip(products, found):
        assert len(set(columns)) == room
        assert query[columns].min() >= np.delete(query, columns).max()
    batch = np.concatenate([queries, shipped.embed([f"trait {i}" for i in range(300)])])
    in_batch = index.scan(batch, rows, room)[: len(queries)]
    assert all(set(a) == set(b) for a, b in zip(found, in_batch))


def test_the_committed_search_graphs_are_those_export_builds():
    from pygenerel.export.search_graphs import GRAPHS

    for path, build in GRAPHS.items():
        assert path.read_bytes() == build(), (
            f"{path.name}: python -m pygenerel.export.search_graphs"
        )


def test_rescoring_gives_each_querys_cosines_alone_or_in_a_block(shipped):
    """The rescore graph's scores are the queries' cosines with the candidates' int8 vectors,
    the same for a query alone as among other proposals' queries."""
    catalog = shipped.catalog
    rng = np.random.default_rng(1)
    candidates = rng.choice(catalog.candidates(snp_query=True), (3, 288))
    catalog.vectors.ensure(candidates.ravel())
    queries = shipped.embed(["type 2 diabetes", "asthma", "rs7903146", "chr6:32600000"])
    members = np.array([[0, 1, 2], [3, -1, -1], [1, 3, -1]])
    block = catalog._scores(queries, members, candidates)
    vectors = catalog.vectors.table.rows(candidates.ravel()).reshape(3, 288, -1)
    for b, row in zip(*np.nonzero(members >= 0)):
        expected = vectors[b].astype(np.float64) @ queries[members[b, row]]
        assert np.abs(block[b, row] - expected).max() < 1e-6
        alone = catalog._scores(queries, members[b : b + 1, row : row + 1], candidates[b : b + 1])
        assert np.abs(alone[0, 0] - block[b, row]).max() <= 1e-6


def test_names_picked_from_a_shortlist_are_those_of_all_candidates(shipped):
    """catalog._best_per_concept ranks each query's SHORTLIST * k best and falls back to all its
    candidates where those do not settle it: the same rows and scores, ties included."""
    from pygenerel.runtime import catalog as catalog_module

    catalog = shipped.catalog
    rng = np.random.default_rng(0)
    candidates = rng.choice(catalog.candidates(snp_query=True), (2000, 288))
    scores = np.round(rng.normal(size=candidates.shape), 1).astype(np.float32)  # many ties
    scores[::7, 100:] = -np.inf
    for k in (1, 5, 40):
        shortlisted = catalog._best_per_concept(scores, candidates, k)
        full = catalog._ranked_per_concept(scores, candidates, k)
        assert np.array_equal(shortlisted[0], full[0])
        assert np.array_equal(shortlisted[1], full[1], equal_nan=True)
    assert catalog_module.SHORTLIST * 5 < candidates.shape[1]  # the shortlist was used


def test_a_first_search_encodes_candidates_not_the_catalog(tiny_bundle_dir):
    model = load_model(tiny_bundle_dir)
    table = model.neighbors(["type 2 diabetes", "asthma"], k=10)
    assert len(table) == 20 and table["score"].between(-1, 1).all()
    encoded = model.catalog.vectors.known.sum()
    assert 0 < encoded <= 2 * 224 < len(model.catalog) / 100  # two queries' candidates at most


def test_index_and_exact_ranking_agree_on_texts(tiny_bundle_dir):
    model = load_model(tiny_bundle_dir)
    names = model.catalog.table["name"].sample(200, random_state=0).tolist()
    queries = model.embed(names, kind="text")
    rows = model.catalog.candidates()[:SUBSET]
    found, _ = model.catalog.top(queries, K, rows)
    exact, _ = model.catalog.top(queries, K, rows, exact=True)
    assert recall(found, exact) >= 0.98


@pytest.fixture
def bundle_copy(tiny_bundle_dir, tmp_path):
    return shutil.copytree(tiny_bundle_dir, tmp_path / "bundle")


def test_a_corrupted_index_is_refused(bundle_copy):
    data = bytearray((bundle_copy / CONCEPT_INDEX).read_bytes())
    data[len(data) // 2] ^= 0xFF
    (bundle_copy / CONCEPT_INDEX).write_bytes(bytes(data))
    with pytest.raises(BundleError, match=f"{CONCEPT_INDEX} is corrupt or modified"):
        load_model(bundle_copy).neighbors("asthma")


def test_a_stale_index_is_refused_and_add_concept_index_rebuilds_it(bundle_copy):
    """A new catalog (here: one concept fewer) without a new index must not borrow the old one."""
    path = bundle_copy / "concepts.tsv.gz"
    with gzip.open(path, "rt") as handle:
        lines = handle.readlines()
    with gzip.open(path, "wt") as handle:
        handle.writelines(lines[:-1])
    manifest = json.loads((bundle_copy / "manifest.json").read_text())
    manifest["files"]["concepts.tsv.gz"] = sha256_file(path)
    (bundle_copy / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(BundleError, match="another concept catalog"):
        load_model(bundle_copy).neighbors("asthma")
    add_concept_index(bundle_copy)
    rebuilt = json.loads((bundle_copy / "manifest.json").read_text())["concept_index"]
    assert rebuilt["concepts"] == len(lines) - 2  # the header and the dropped line
    assert len(load_model(bundle_copy).neighbors("asthma", k=3)) == 3
