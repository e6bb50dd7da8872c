"""Identifier and name normalisation, gene id mapping and concept classes, on the real sources."""

import pandas as pd
import pytest

from pygenerel.corpus import readers
from pygenerel.corpus.concepts import ConceptRegistry, DrugIds, register_ontologies
from pygenerel.corpus.equivalence import ConceptClasses
from pygenerel.corpus.ids import GeneIds, curie, curie_from_uri, normalize_name, normalize_phecode
from pygenerel.corpus.rawfiles import RawDir
from pygenerel.corpus.split import assign_splits, hashed_fraction, pair_keys


@pytest.fixture(scope="module")
def raw(raw_dir):
    return RawDir(raw_dir)


@pytest.fixture(scope="module")
def genes(raw):
    return GeneIds(readers.read_hgnc(raw))


@pytest.fixture(scope="module")
def ontologies(raw):
    return {
        "mondo": readers.read_mondo(raw),
        "doid": readers.read_doid(raw),
        "efo": readers.read_efo(raw),
        "hpo": readers.read_hpo(raw),
        "mesh": readers.read_mesh(raw),
    }


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Crohn's Disease", "crohn s disease"),
        ("  Type-2  diabetes ", "type 2 diabetes"),
        ("Sjögren syndrome", "sjogren syndrome"),
        ("Diabetes Mellitus, Type 2", "diabetes mellitus type 2"),
    ],
)
def test_normalize_name(text, expected):
    assert normalize_name(text) == expected


@pytest.mark.parametrize(
    "namespace, local, expected",
    [
        ("MSH", "D003924", "MESH:D003924"),
        ("mondo", "0005148", "MONDO:0005148"),
        ("UMLS_CUI", "C0011860", "UMLS:C0011860"),
        ("ORDO", "232", "Orphanet:232"),
        ("DOID", "DOID:9352", "DOID:9352"),
        ("SNOMEDCT_US", "1234", None),
    ],
)
def test_curie(namespace, local, expected):
    assert curie(namespace, local) == expected


def test_curie_from_uri():
    assert curie_from_uri("http://www.ebi.ac.uk/efo/EFO_0004703") == "EFO:0004703"
    assert curie_from_uri("http://www.orpha.net/ORDO/Orphanet_232") == "Orphanet:232"
    assert curie_from_uri("http://purl.obolibrary.org/obo/GO_0042493") == "GO:0042493"
    assert curie_from_uri("not a uri") is None


@pytest.mark.parametrize(
    "code, expected",
    [
        ("008", "8"),
        ("8.0", "8"),
        ("250.20", "250.2"),
        ("364.51", "364.51"),
        (476, "476"),
        ("0.5", "0.5"),
    ],
)
def test_normalize_phecode(code, expected):
    assert normalize_phecode(code) == expected


def test_gene_ids_from_every_namespace(genes):
    assert genes.from_entrez(["672", " 7157", "999999999"]).tolist() == [
        "HGNC:1100",
        "HGNC:11998",
        None,
    ]
    assert genes.from_symbol(["brca1", "TP53", "P53"]).tolist() == [
        "HGNC:1100",
        "HGNC:11998",
        "HGNC:11998",
    ]
    assert genes.from_ensembl(["ENSG00000012048.20"]).tolist() == ["HGNC:1100"]
    assert genes.from_uniprot(["P38398", "A0A0K1CY61"]).tolist() == ["HGNC:1100", None]


def test_ambiguous_alias_maps_to_no_gene(raw, genes):
    hgnc = readers.read_hgnc(raw)
    aliases = hgnc[["hgnc_id", "aliases"]].explode("aliases").dropna()
    aliases = aliases[~aliases["aliases"].str.upper().isin(hgnc["symbol"].str.upper())]
    shared = aliases.groupby(aliases["aliases"].str.upper())["hgnc_id"].nunique()
    ambiguous = shared[shared > 1].index[0]
    assert genes.from_symbol([ambiguous]).tolist() == [None]


def test_drug_ids_meet_on_normalised_name(raw):
    drugs = DrugIds(readers.read_drugcentral_structures(raw))
    ids = drugs.ids(["Levobupivacaine", "LEVOBUPIVACAINE", "not-a-drug 7"])
    assert ids.tolist() == ["DCentral:4", "DCentral:4", "drug:not a drug 7"]


def test_concept_classes_join_equivalents_but_not_families(ontologies):
    classes = ConceptClasses()
    for terms in ontologies.values():
        if "xrefs" in terms:
            classes.add_xrefs(terms)
    t2d = classes.keys(["MONDO:0005148", "DOID:9352", "MESH:D003924", "UMLS:C0011860"])
    assert t2d.nunique() == 1
    myopia = classes.keys(["MONDO:0001384", "DOID:11830", "HP:0000545", "MONDO:0008053"])
    assert myopia.iloc[0] == myopia.iloc[1] == myopia.iloc[2]
    assert myopia.iloc[3] != myopia.iloc[0]  # 'myopia 2' is a subtype, not the same concept
    assert classes.sizes().max() < 50


def test_concept_registry_first_name_wins_and_synonyms_merge(ontologies):
    registry = ConceptRegistry()
    register_ontologies(registry, ontologies)
    registry.add(["MONDO:0005148"], ["T2D from elsewhere"], "disease", "test", [["NIDDM", "niddm"]])
    row = registry.table().set_index("id").loc["MONDO:0005148"]
    assert row["name"] == "type 2 diabetes mellitus" and row["source"] == "MONDO"
    assert "T2D from elsewhere" in row["synonyms"]
    assert sum(normalize_name(s) == "niddm" for s in row["synonyms"]) == 1
    assert all(normalize_name(s) != "type 2 diabetes mellitus" for s in row["synonyms"])
    with pytest.raises(ValueError, match="unknown type"):
        registry.add(["X:1"], ["x"], "organism", "test")


def test_split_is_seeded_and_order_independent(raw):
    catalog = readers.read_gwas_catalog(raw)
    keys = pair_keys(
        catalog["rsid"], catalog["mapped_id"].fillna(""), ordered=True
    ).drop_duplicates()
    first = pd.Series(assign_splits(keys, 0, "gwas", 0.1, 0.05), index=keys.to_numpy())
    shuffled = keys.sample(frac=1.0, random_state=3)
    again = pd.Series(assign_splits(shuffled, 0, "gwas", 0.1, 0.05), index=shuffled.to_numpy())
    assert again.reindex(first.index).equals(first)
    other_seed = assign_splits(keys, 1, "gwas", 0.1, 0.05)
    assert (other_seed != first.to_numpy()).mean() > 0.1
    assert (
        abs((first == "test").mean() - 0.10) < 0.01 and abs((first == "valid").mean() - 0.05) < 0.01
    )
    assert 0 <= hashed_fraction(keys, 0, "x").min() and hashed_fraction(keys, 0, "x").max() < 1


def test_unordered_pair_keys_ignore_side():
    assert pair_keys(["b", "a"], ["a", "b"], ordered=False).tolist() == ["a||b", "a||b"]
    assert pair_keys(["b"], ["a"], ordered=True).tolist() == ["b||a"]
