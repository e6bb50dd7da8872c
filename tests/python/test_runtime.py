"""The torch-free runtime on a real exported bundle: loading, resolution, scores, search, CLI."""

import json
import shutil
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from pygenerel import runtime
from pygenerel.runtime import BundleError, load_model
from pygenerel.runtime.concept_vectors import EMBED_MANY
from pygenerel.runtime.items import parse_items


@pytest.fixture(scope="module")
def model(tiny_bundle_dir):
    return load_model(tiny_bundle_dir)


@pytest.fixture(scope="module")
def snp(model):
    """A vocabulary SNP known in both builds."""
    table = model.snps.table
    return table[(table["pos_grch37"] > 0) & (table["pos_grch38"] > 0)].iloc[0]


def copy_bundle(src, dst):
    shutil.copytree(src, dst, ignore=shutil.ignore_patterns(".complete"))
    return dst


# ---- loading ------------------------------------------------------------------------------------


def test_refuses_a_modified_file(tiny_bundle_dir, tmp_path):
    bundle = copy_bundle(tiny_bundle_dir, tmp_path / "b")
    with open(bundle / "snp_scales.npy", "r+b") as handle:
        handle.seek(-1, 2)
        handle.write(b"\x01")
    with pytest.raises(BundleError, match="snp_scales.npy is corrupt or modified"):
        load_model(bundle)


def test_files_used_later_are_checked_when_first_used(tiny_bundle_dir, tmp_path):
    bundle = copy_bundle(tiny_bundle_dir, tmp_path / "b")
    with open(bundle / "concepts.tsv.gz", "ab") as handle:
        handle.write(b"\0")
    model = load_model(bundle)
    with pytest.raises(BundleError, match="concepts.tsv.gz is corrupt"):
        model.neighbors("asthma")
    with pytest.raises(BundleError, match="concepts.tsv.gz is corrupt"):
        model.info()


def test_refuses_another_format_version_and_missing_files(tiny_bundle_dir, tmp_path):
    bundle = copy_bundle(tiny_bundle_dir, tmp_path / "b")
    manifest = json.loads((bundle / "manifest.json").read_text())
    (bundle / "manifest.json").write_text(json.dumps(manifest | {"format_version": 2}))
    with pytest.raises(BundleError, match="format version 2"):
        load_model(bundle)
    (bundle / "manifest.json").write_text(json.dumps(manifest))
    (bundle / "tokenizer.json").unlink()
    with pytest.raises(BundleError, match="tokenizer.json is listed in the manifest but missing"):
        load_model(bundle)
    with pytest.raises(BundleError, match="no manifest.json"):
        load_model(tmp_path)


def test_default_model_comes_from_the_environment(tiny_bundle_dir, monkeypatch):
    monkeypatch.setenv("PYGENEREL_MODEL", str(tiny_bundle_dir))
    import pygenerel

    scores = pygenerel.similarity(["insulin", "diabetes"], pairwise=False)
    assert scores.shape == (2, 2)
    assert pygenerel.match(["insulin"])["how"].tolist() == ["text"]


# ---- items --------------------------------------------------------------------------------------


def test_item_detection_and_override():
    parsed = parse_items(
        [
            "rs123",
            "RS9",
            "chr1:1000",
            "X:5",
            "6_32600569_G_A",
            "chr7:12:A:G",
            "type 2 diabetes",
            "1:2:3",
            "",
            None,
            # typos of SNP ids: NaN, not texts that score (rs7903146x scored 0.56 for asthma)
            "rs7903146x",
            "chr10:11299859O",
            "chr10:abc",
            "1:12345:I:D",
            # texts that start alike stay texts
            "RS3PE syndrome",
            "5-HT1A receptor",
            "11-deoxycortisol",
            "chronic kidney disease",
        ]
    )
    assert parsed.form == [
        "rsid",
        "rsid",
        "chrpos",
        "chrpos",
        "chrpos",
        "chrpos",
        "text",
        "text",
        "invalid",
        "invalid",
        *["invalid"] * 4,
        *["text"] * 4,
    ]
    assert parsed.rsid[1] == "rs9" and (parsed.chrom[4], parsed.pos[4]) == ("6", 32600569)
    assert parse_items(["rs123", "insulin"], kind="text").form == ["text", "text"]
    assert parse_items(["rs123", "insulin"], kind="snp").form == ["rsid", "invalid"]
    assert parse_items(["rs1", "rs2"], kind=["text", "auto"]).form == ["text", "rsid"]


# ---- resolution and scores ----------------------------------------------------------------------


def test_every_way_to_resolve_an_item(model, snp):
    chrpos = f"chr{snp['chr']}:{snp['pos_grch38']}"
    off_vocabulary = f"{snp['chr']}:{snp['pos_grch38'] + 11}"
    items = [snp["rsid"], chrpos, off_vocabulary, "type 2 diabetes", "rs1", "", None]
    matched = model.match(items)
    expected_locus = "locus" if model.locus_encoder is not None else "none"
    assert matched["how"].tolist() == [
        "rsid",
        "chrpos",
        expected_locus,
        "text",
        "none",
        "none",
        "none",
    ]
    assert matched["kind"].tolist() == ["snp", "snp", "snp", "text", "snp", "none", "none"]
    assert matched["rsid"].tolist()[:2] == [snp["rsid"], snp["rsid"]]
    emb = model.embed(items)
    assert emb.shape == (7, model.dim) and emb.dtype == np.float32
    resolved = matched["how"] != "none"
    assert np.allclose(np.linalg.norm(emb[resolved], axis=1), 1, atol=1e-5)
    assert np.isnan(emb[~resolved]).all()
    assert np.array_equal(emb[0], emb[1])


def test_similarity_matrix_and_pairwise(model, snp):
    a = [snp["rsid"], "insulin", "rs1"]
    b = ["type 2 diabetes", "insulin"]
    matrix = model.similarity(a, b)
    assert matrix.shape == (3, 2)
    assert matrix[1, 1] == pytest.approx(1, abs=1e-5)
    assert np.isnan(matrix[2]).all()
    pairwise = model.similarity(a[:2], b, pairwise=True)
    assert np.allclose(pairwise, np.diag(matrix[:2]), equal_nan=True)
    square = model.similarity(["asthma", "eczema", "insulin"])
    assert np.allclose(square, square.T, atol=1e-6)
    with pytest.raises(ValueError, match="equal lengths"):
        model.similarity(a, b, pairwise=True)


def test_variants_by_build_and_position_hits(model, snp):
    by37, how37 = model.embed_variants(
        chroms=[snp["chr"]], positions=[snp["pos_grch37"]], build="GRCh37"
    )
    by38, how38 = model.embed_variants(chroms=[snp["chr"]], positions=[snp["pos_grch38"]])
    assert how37.tolist() == how38.tolist() == ["chrpos"]
    assert np.array_equal(by37, by38)
    table = model.snps.table.iloc[:50]
    hits = model.position_hits(table["chr"], table["pos_grch38"])
    assert hits["GRCh38"] == 1.0 and hits["GRCh37"] < 1.0
    emb, how = model.embed_variants(
        rsids=["rs1", None], chroms=["1", "chrQ"], positions=[1_000_000, 5]
    )
    assert how[1] == "none" and np.isnan(emb[1]).all()
    if model.locus_encoder is not None:
        assert how[0] == "locus"


def test_text_embeddings_are_cached_and_batch_independent(model):
    texts = ["asthma", "a much longer text about childhood asthma and eczema", "IL13"]
    first = model.embed_texts(texts)
    assert all(t in model.text_encoder._cache for t in texts)
    alone = np.stack([model.text_encoder.encode_uncached([t])[0] for t in texts])
    # int8 activations are quantised per batch, so padding moves them slightly; fp32 would not
    assert np.abs(first - alone).max() < 1e-3


# ---- neighbours ---------------------------------------------------------------------------------


def test_neighbors_search_the_catalog_and_snps(model, snp, tiny_bundle_dir):
    catalog = model.catalog.table
    name = catalog["name"].iloc[0]
    table = model.neighbors([name, "rs1"], k=5)
    assert list(table.columns) == ["query", "rank", "id", "name", "type", "score"]
    assert table["query"].unique().tolist() == [name]  # rs1 is unresolved: no rows, no error
    assert table["rank"].tolist() == [1, 2, 3, 4, 5]
    assert table["score"].is_monotonic_decreasing
    assert table["name"].iloc[0] == name and table["score"].iloc[0] == pytest.approx(1, abs=1e-3)
    one_type = catalog["type"].iloc[0]
    assert set(model.neighbors(name, k=20, types=[one_type])["type"]) == {one_type}
    snps = model.neighbors(snp["rsid"], k=3, types=["snp"])
    assert (snps["type"] == "snp").all() and snp["rsid"] not in set(snps["id"])
    # SNPs are ranked as similarity() scores them, each borrowing from its own neighbours
    pairs = model.similarity([snp["rsid"]] * 3, snps["id"].tolist(), pairwise=True)
    np.testing.assert_allclose(snps["score"], pairs, atol=1e-5)
    with pytest.raises(ValueError, match="unknown types"):
        model.neighbors(name, types=["nonsense"])


def test_concept_embeddings_are_cached_on_disk_per_model(model, tiny_bundle_dir):
    every = model.catalog.vectors.all()  # computes or loads them
    cached = list((runtime.cache.user_cache_dir() / "concept_rows").glob("*/rows.npy"))
    assert len(cached) == 1 and model.bundle.digest[:16] in cached[0].parent.name
    again = load_model(tiny_bundle_dir)
    assert np.array_equal(again.catalog.vectors.all().codes, every.codes)
    # each name is encoded alone, as the same text asked for as a query is (int8 rows aside)
    direct = again.text_encoder(list(model.catalog.table["name"].iloc[:20]))
    assert (
        np.abs(again.catalog.vectors.rows(np.arange(20)).rows(np.arange(20)) - direct).max() < 0.01
    )


def test_a_large_request_encodes_and_caches_only_the_names_it_needs(
    tiny_bundle_dir, tmp_path, monkeypatch, capsys
):
    """A table ranked against some types encodes those names alone; a later run with other types
    reads them back and encodes only the rest, to the same vectors as a whole-catalog run."""
    monkeypatch.setenv("PYGENEREL_CACHE_DIR", str(tmp_path))
    model = load_model(tiny_bundle_dir)
    types = model.catalog.table["type"].to_numpy()
    counts = pd.Series(types).value_counts()
    many = counts[counts > EMBED_MANY]  # enough names to go to the cache
    first = np.flatnonzero(types == many.index[-1])
    model.catalog.vectors.ensure(first)
    [path] = tmp_path.glob("concept_rows/*/rows.npy")
    cached = np.load(path)
    assert np.array_equal(np.flatnonzero(cached["known"]), first)
    assert f"embedding {len(first):,} concept names" in capsys.readouterr().err

    again = load_model(tiny_bundle_dir)
    every = again.catalog.vectors.all()
    assert f"embedding {len(types) - len(first):,} concept names" in capsys.readouterr().err
    assert np.load(path)["known"].all()
    monkeypatch.setenv("PYGENEREL_CACHE_DIR", str(tmp_path / "fresh"))
    whole = load_model(tiny_bundle_dir).catalog.vectors.all()
    assert np.array_equal(every.codes, whole.codes) and np.array_equal(every.scales, whole.scales)


# ---- CLI and imports ----------------------------------------------------------------------------


def test_cli_commands(model, snp, tiny_bundle_dir):
    from pygenerel.cli import main

    runner = CliRunner()
    result = runner.invoke(
        main, ["similarity", snp["rsid"], "type 2 diabetes", "--model", str(tiny_bundle_dir)]
    )
    assert result.exit_code == 0, result.output
    lines = result.stdout.strip().split("\n")
    assert lines[0] == "a\tb\tsimilarity" and lines[1].startswith(
        f"{snp['rsid']}\ttype 2 diabetes\t"
    )
    assert -1 <= float(lines[1].split("\t")[2]) <= 1
    result = runner.invoke(
        main, ["similarity", "rs1", "--to", "asthma", "--model", str(tiny_bundle_dir)]
    )
    assert (
        result.stdout.strip().split("\n")[1] == "rs1\tasthma\tNA"
        and "could not resolve" in result.stderr
    )
    result = runner.invoke(
        main, ["neighbors", "asthma", "-k", "3", "--model", str(tiny_bundle_dir)]
    )
    assert result.exit_code == 0 and len(result.stdout.strip().split("\n")) == 4
    result = runner.invoke(main, ["info", "--model", str(tiny_bundle_dir)])
    assert result.exit_code == 0 and model.manifest["name"] in result.stdout
    info = json.loads(
        runner.invoke(main, ["info", "--json", "--model", str(tiny_bundle_dir)]).stdout
    )
    assert info["snps"] == len(model.snps) and info["sources"]


def test_runtime_and_its_cli_never_import_torch(tiny_bundle_dir, snp):
    rsid = snp["rsid"]
    code = f"""
import sys
from pygenerel.cli import main
commands = [["similarity", "{rsid}", "type 2 diabetes"], ["neighbors", "asthma", "-k", "2"], ["info"]]
for args in commands:
    try:
        main(args + ["--model", r"{tiny_bundle_dir}"])
    except SystemExit as exit:
        assert exit.code == 0, args
import pygenerel
pygenerel.load_model(r"{tiny_bundle_dir}").embed(["rs1", "asthma"])
heavy = sorted(m for m in sys.modules if m.split(".")[0] in ("torch", "transformers"))
assert not heavy, heavy
"""
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr


def test_neighbors_output_is_a_dataframe_even_when_empty(model):
    table = model.neighbors(["rs1"])
    assert isinstance(table, pd.DataFrame) and table.empty
    assert list(table.columns) == ["query", "rank", "id", "name", "type", "score"]


def test_a_first_locus_encodes_only_the_genes_near_it(tiny_bundle_dir, monkeypatch, tmp_path):
    """Gene texts are encoded in batches fixed by the whole gene table, as loci need them: a first
    locus costs a few batches, and each gene's vector is the one the whole table gives."""
    monkeypatch.setenv("PYGENEREL_CACHE_DIR", str(tmp_path))
    model = load_model(tiny_bundle_dir)
    if model.locus_encoder is None:
        pytest.skip("the tiny bundle has no locus tower")
    first = model.embed(["chr1:1000123"])
    encoder = model.locus_encoder
    table = encoder._lazy_genes
    done = np.flatnonzero(table._encoded[table._batch_of])
    assert 0 < len(done) <= encoder.genes.k * model.text_encoder.batch_size
    assert not list(tmp_path.rglob("embeddings.npy"))  # a partial table is never cached
    whole = model.text_encoder.encode_uncached(list(encoder.gene_texts))
    np.testing.assert_array_equal(table.vectors[done], whole[done])
    rows = np.arange(len(encoder.gene_texts))
    np.testing.assert_array_equal(encoder.gene_vectors(rows), whole)
    assert list(tmp_path.rglob("embeddings.npy"))  # complete: cached for the next process
    np.testing.assert_array_equal(load_model(tiny_bundle_dir).embed(["chr1:1000123"]), first)
