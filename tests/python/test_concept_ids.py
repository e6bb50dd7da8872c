"""Catalog ids stand for their concepts everywhere an item is read, and `search` finds them."""

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

import pygenerel
from pygenerel.annotation import annotate
from pygenerel.cli import main
from pygenerel.errors import InputError
from pygenerel.runtime import items, load_model
from pygenerel.runtime.items import concept_id, parse_items

ABBREVIATIONS_FILE = items.__file__.replace("items.py", "trait_abbreviations.tsv")

# id -> catalog name, one per ontology, from the shipped bundle's concepts.tsv.gz
IDS = {
    "EFO:0000384": "Crohn's disease",
    "MONDO:0005148": "type 2 diabetes mellitus",
    "DOID:9352": "type 2 diabetes mellitus",
    "HP:0000822": "Hypertension",
    "MESH:D003924": "Diabetes Mellitus, Type 2",
    "HGNC:6091": "INSR",
    "phecode:250.2": "Type 2 diabetes",
}


@pytest.fixture(scope="module")
def shipped(default_bundle_dir):
    return load_model(default_bundle_dir)


@pytest.fixture(scope="module")
def tiny(tiny_bundle_dir):
    return load_model(tiny_bundle_dir)


def test_common_spellings_read_as_the_catalog_id():
    spellings = {
        "EFO:0000384": "EFO:0000384",
        "efo:0000384": "EFO:0000384",
        "EFO_0000384": "EFO:0000384",
        " http://www.ebi.ac.uk/efo/EFO_0000384 ": "EFO:0000384",
        "MeSH:D003924": "MESH:D003924",
        "mesh:d003924": "MESH:D003924",
        "Mondo_0005148": "MONDO:0005148",
        "PheCode:250.2": "phecode:250.2",
        "ORPHA:425": "Orphanet:425",
        "MIM:125853": "OMIM:125853",
        "DrugCentral:1725": "DCentral:1725",
        # written without a prefix, as GTEx (with a version), MeSH and UMLS tables do
        "ENSG00000148737.17": "ENSEMBL:ENSG00000148737",
        "ensembl:ENSG00000148737.2": "ENSEMBL:ENSG00000148737",
        "D003924": "MESH:D003924",
        "C0011860": "UMLS:C0011860",
        # schemes the catalog lacks: still ids, for the catalog to refuse by name
        "NCBIGene:6934": "NCBIGene:6934",
        "http://purl.obolibrary.org/obo/CHEBI_6801": "CHEBI:6801",
        "CHEMBL1431": "ChEMBL:CHEMBL1431",
        "DB00331": "DrugBank:DB00331",
        "ICD10:E11.9": "ICD10:E11.9",
        "SNOMEDCT_US:44054006": "SNOMEDCT_US:44054006",
        "KEGG:hsa04930": "KEGG:hsa04930",
        # texts, however id-like
        "type 2 diabetes": None,
        "Vitamin_D": None,
        "X:5": None,
        "PR_interval": None,
        "HP:foo": None,
        "E11.9": None,
        "IL-6": None,
        "COVID-19": None,
        "HLA-DRB1": None,
        "5-HT1A receptor": None,
    }
    assert {text: concept_id(text) for text in spellings} == spellings
    assert parse_items(["HP:0000822", "rs1", "asthma"]).form == ["id", "rsid", "text"]
    assert parse_items(["HP:0000822"], kind="text").form == ["id"]
    assert parse_items(["HP:0000822"], kind="snp").form == ["invalid"]


def test_every_id_in_the_catalog_reads_as_itself(shipped):
    ids = shipped.catalog.table["id"]
    known = ids[ids.map(concept_id).notna()]
    assert len(known) > 0.9 * len(ids)
    assert (known.map(concept_id) == known).all()


def test_an_id_embeds_exactly_as_its_catalog_name(shipped):
    assert list(shipped.catalog.table.set_index("id").loc[list(IDS), "name"]) == list(IDS.values())
    by_id = shipped.embed(["efo_0000384", *list(IDS)[1:]])
    assert np.array_equal(by_id, shipped.embed(list(IDS.values())))
    matched = shipped.match(["EFO_0000384", "Crohn's disease", "rs7903146"])
    assert matched["how"].tolist() == ["id", "text", "rsid"]
    assert matched["kind"].tolist() == ["text", "text", "snp"]
    assert matched["name"].tolist() == ["Crohn's disease", "", ""]
    scores = shipped.similarity(["EFO:0000384"], ["Crohn's disease", "MESH:D003924"])
    assert scores[0, 0] == pytest.approx(1, abs=1e-5) and scores[0, 1] < 0.9


def test_an_unknown_id_is_an_error_naming_it(shipped):
    for call in (shipped.embed, shipped.match, shipped.similarity):
        with pytest.raises(InputError, match=r"^unknown concept id 'EFO:9999999'; see `pygenerel"):
            call(["asthma", "efo_9999999"])


def test_an_id_the_catalog_cannot_hold_is_an_error_naming_its_scheme(shipped, tiny_bundle_dir):
    """Scored as text, "NCBIGene:6934" came out 0.04 against rs7903146, with no warning."""
    for item, scheme in [("NCBIGene:6934", "NCBIGene"), ("DB00331", "DrugBank")]:
        with pytest.raises(InputError, match=f"^unknown concept id .*catalog has no {scheme} ids"):
            shipped.similarity(["rs7903146"], [item])
    gwas = pd.DataFrame({"SNP": ["rs7903146"], "P": [1e-9]})
    with pytest.raises(InputError, match="catalog has no CHEBI ids .*MONDO"):
        annotate(gwas, traits=["CHEBI:6801"], model=shipped)
    result = CliRunner().invoke(
        main, ["similarity", "rs1", "--to", "ICD10:E11", "--model", str(tiny_bundle_dir)]
    )
    assert result.exit_code == 2 and result.stderr.count("\n") == 1
    assert result.stderr.startswith("Error: unknown concept id 'ICD10:E11': this model's catalog")


def test_a_bare_mesh_or_versioned_ensembl_id_is_its_concept(shipped):
    matched = shipped.match(["D003924", "ENSG00000108958.3"])
    assert matched["how"].tolist() == ["id", "id"]
    assert matched["name"].tolist() == ["Diabetes Mellitus, Type 2", "AC016292.3"]
    assert np.array_equal(shipped.embed(["D003924"]), shipped.embed(["MESH:D003924"]))
    with pytest.raises(InputError, match="^unknown concept id 'ENSEMBL:ENSG00000148737'; see"):
        shipped.embed(["ENSG00000148737"])  # TCF7L2: the catalog names it by its HGNC id


def test_a_query_by_id_has_the_neighbors_of_its_name(tiny):
    table = tiny.neighbors(["EFO:0000384", "Crohn's disease"], k=5, types="disease,trait")
    by_id, by_name = (
        part.drop(columns="query").reset_index(drop=True)
        for _, part in table.groupby("query", sort=False)
    )
    pd.testing.assert_frame_equal(by_id, by_name)


def test_cli_reads_ids_and_rejects_an_unknown_one_in_one_line(tiny_bundle_dir):
    runner = CliRunner()
    model = ["--model", str(tiny_bundle_dir)]
    result = runner.invoke(main, ["similarity", "HP:0000822", "--to", "Hypertension", *model])
    assert result.exit_code == 0, result.output
    assert result.stdout.split("\n")[1] == "HP:0000822\tHypertension\t1.0000"
    for command in (["similarity", "asthma", "EFO:9999999"], ["neighbors", "EFO_9999999"]):
        result = runner.invoke(main, [*command, *model])
        assert result.exit_code == 2
        assert result.stderr == "Error: unknown concept id 'EFO:9999999'; see `pygenerel search`\n"


def test_search_finds_a_concept_by_name_and_by_id(shipped, default_bundle_dir, monkeypatch):
    found = shipped.catalog.search("Type 2  DIABETES", n=5)
    assert list(found.columns) == ["id", "name", "type"] and len(found) == 5
    assert found["name"].str.lower().str.contains("type 2 diabetes").all()
    assert found["name"].iloc[0] == "Type 2 diabetes"  # exact names before longer ones
    assert {"MONDO:0005148", "DOID:9352"} <= set(shipped.catalog.search("type 2 diabetes")["id"])
    for text in ("MONDO:0005148", "mondo_0005148"):
        assert shipped.catalog.search(text).values.tolist() == [
            ["MONDO:0005148", "type 2 diabetes mellitus", "disease"]
        ]
    diseases = shipped.catalog.search("diabetes", types="disease", n=50)
    assert len(diseases) == 50 and set(diseases["type"]) == {"disease"}
    assert shipped.catalog.search("no such concept anywhere").empty
    assert "EFO:0000384" in set(shipped.catalog.search("crohns")["id"])  # Crohn's disease
    assert shipped.catalog.search("D003924")["id"].iloc[0] == "MESH:D003924"
    for bad in ({"text": " "}, {"text": "asthma", "n": 0}, {"text": "asthma", "types": "organ"}):
        with pytest.raises(InputError):
            shipped.catalog.search(**bad)
    monkeypatch.setenv("PYGENEREL_MODEL", str(default_bundle_dir))
    pd.testing.assert_frame_equal(pygenerel.search("type 2 diabetes", n=5), found)
    result = CliRunner().invoke(main, ["search", "type", "2", "diabetes", "-n", "3"])
    assert result.exit_code == 0, result.output
    assert result.stdout.split("\n")[:2] == [
        "id\tname\ttype",
        "phecode:250.2\tType 2 diabetes\tdisease",
    ]


def test_annotate_scores_a_trait_by_id_as_by_its_name(tiny):
    rsids = ["rs7903146", *tiny.snps.table["rsid"][:2]]
    gwas = pd.DataFrame({"SNP": rsids, "P": [1e-9, 1e-6, 0.5]})
    scored = annotate(gwas, traits=["MONDO_0005148", "type 2 diabetes mellitus"], model=tiny)
    assert np.array_equal(
        scored["generel_mondo_0005148"], scored["generel_type_2_diabetes_mellitus"]
    )
    assert scored["generel_mondo_0005148"].notna().all()
    with pytest.raises(InputError, match="unknown concept id 'MONDO:9999999'"):
        annotate(gwas, traits=["MONDO:9999999"], model=tiny)


def test_a_gwas_trait_abbreviation_scores_as_the_concept_it_stands_for(shipped, monkeypatch):
    """Read as written, "T2D" sat among gene names (TM2D2, TSTD2) and scored 0.04 with rs7903146."""
    table = pd.read_csv(ABBREVIATIONS_FILE, sep="\t")
    assert shipped.catalog.rows(table["id"].tolist()).min() >= 0  # every id in the catalog
    assert parse_items(["T2D", "t2d", "asthma"]).form == ["abbreviation", "abbreviation", "text"]
    as_written = shipped.similarity(["rs7903146"], ["T2D", "type 2 diabetes mellitus"])[0]
    assert as_written[0] == pytest.approx(as_written[1], abs=1e-6) and as_written[0] > 0.5
    # CAD is also a gene's name: as an item it stays that name, as a trait it is the disease
    matched = shipped.match(["T2D", "CAD"])
    assert matched["how"].tolist() == ["id", "text"]
    assert matched["name"].tolist() == ["type 2 diabetes mellitus", ""]
    assert shipped.abbreviations(["CAD", "asthma"]) == {"CAD": "coronary artery disease"}
    gwas = pd.DataFrame({"SNP": ["rs7903146", "rs1801282"], "P": [1e-9, 1e-6]})
    scored = annotate(gwas, traits=["SCZ", "schizophrenia"], model=shipped)
    assert np.array_equal(scored["generel_scz"], scored["generel_schizophrenia"])
    assert scored.attrs["generel"]["traits_read_as"] == {"SCZ": "schizophrenia"}
    # a trait written out leaves the catalog unread (loading it takes a second)
    fresh = load_model(shipped.bundle.path)
    annotate(gwas, traits=["schizophrenia"], model=fresh)
    assert fresh._catalog is None
    # a catalog without the concept reads the abbreviation as written, never an error
    monkeypatch.setitem(items.ABBREVIATIONS, "xyzd", "EFO:9999999")
    assert shipped.match(["XYZD"], kind="text")["how"].tolist() == ["text"]


def test_the_cli_says_what_an_abbreviation_was_read_as(default_bundle_dir, tmp_path):
    runner = CliRunner()
    model = ["--model", str(default_bundle_dir)]
    result = runner.invoke(main, ["similarity", "rs7903146", "--to", "T2D", *model])
    assert result.exit_code == 0, result.output
    assert (
        result.stderr == "note: 'T2D' read as 'type 2 diabetes mellitus', as GWAS abbreviate it\n"
    )
    gwas = tmp_path / "gwas.tsv"
    gwas.write_text("SNP\tP\nrs7903146\t1e-9\n")
    for command in ("annotate", "loci"):
        result = runner.invoke(
            main, [command, str(gwas), "--trait", "IBD", "--trait", "T2D_WIDE", "-o", "-", *model]
        )
        assert result.exit_code == 0, result.output
        assert "trait 'IBD' read as 'inflammatory bowel disease', as GWAS" in result.stderr
        assert "trait 'T2D_WIDE' looks like a phenotype code: the model reads" in result.stderr


def test_a_phenotype_code_is_told_apart_from_a_name():
    """FinnGen, UK Biobank and ICD-10 codes score as their letters (T2D_WIDE: 0.10 with
    rs7903146, against 0.55 for "type 2 diabetes"); names, abbreviations and ids do not."""
    codes = ["T2D_WIDE", "K11_CROHN", "20002_1223", "f.21001.0.0", "I10", "E11.9", "21001"]
    names = [
        "type 2 diabetes",
        "T2D",
        "BMI",
        "EFO_0000384",
        "HbA1c",
        "Lp(a)",
        "LDL-C",
        "FEV1",
        "T4",
    ]
    assert [items.looks_like_code(t) for t in codes] == [True] * len(codes)
    assert [items.looks_like_code(t) for t in names] == [False] * len(names)
