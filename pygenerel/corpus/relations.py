"""Task `relation` (text-text), standing in for PrimeKG: knowledge-graph edges between diseases,
genes, drugs, pathways, phenotypes and anatomy, from Hetionet and the open sources around it.

DrugBank-derived rows are never used; DrugCentral targets and DisGeNET pairs are benchmarks and
are removed later by the leakage check, not here.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from . import readers
from .concepts import ConceptRegistry, DrugIds
from .ids import GeneIds, map_distinct
from .links import text_links
from .rawfiles import RawDir

MAX_LINKS_PER_RELATION = 40_000  # keeps the large Hetionet edge sets from drowning the rest

# Hetionet "course subset" edge files used, with the relation name and weight. Binds, treats and
# palliates come from their fuller sources below (with licences), so they are not repeated here.
HETIONET_EDGES = {
    "Disease_Localizes_Anatomy": ("disease_anatomy", 1.0),
    "Disease_Resembles_Disease": ("disease_resembles", 1.0),
    "Disease_Upregulates_Gene": ("disease_upregulates_gene", 0.5),
    "Disease_Downregulates_Gene": ("disease_downregulates_gene", 0.5),
    "Gene_Interacts_Gene": ("gene_interacts", 1.0),
    "Gene_Covaries_Gene": ("gene_covaries", 0.5),
    "Gene_Regulates_Gene": ("gene_regulates", 0.5),
    "Anatomy_Upregulates_Gene": ("anatomy_upregulates_gene", 0.5),
    "Anatomy_Downregulates_Gene": ("anatomy_downregulates_gene", 0.5),
    "Compound_Resembles_Compund": ("drug_resembles", 1.0),
    "Compound_Upregulates_Gene": ("drug_upregulates_gene", 0.5),
    "Compound_Downregulates_Gene": ("drug_downregulates_gene", 0.5),
}


class HetionetIds:
    """Hetionet node ids (DrugBank ids, DOIDs, Entrez ids, UBERON ids) -> corpus concept ids.

    Compounds become drugs by name (DrugBank ids are not kept), genes become HGNC ids, and
    diseases and anatomy keep their DOID / UBERON ids, registered with Hetionet's names.
    """

    def __init__(
        self, nodes: pd.DataFrame, concepts: ConceptRegistry, genes: GeneIds, drugs: DrugIds
    ):
        self.maps = {}
        for kind, group in nodes.groupby("kind"):
            if kind == "Compound":
                ids = drugs.ids(group["name"])
                concepts.add(ids, group["name"], "drug", "Hetionet")
            elif kind == "Gene":
                ids = genes.from_entrez(group["node_id"])
            elif kind in ("Disease", "Anatomy"):
                ids = group["node_id"]
                concepts.add(ids, group["name"], kind.lower(), "Hetionet")
            else:
                continue
            self.maps[kind] = dict(zip(group["node_id"], ids.to_numpy()))

    def ids(self, kind: str, node_ids) -> pd.Series:
        return map_distinct(node_ids, self.maps[kind].get)


def relation_links(
    raw: RawDir,
    concepts: ConceptRegistry,
    genes: GeneIds,
    drugs: DrugIds,
    efo: pd.DataFrame,
    mondo: pd.DataFrame,
    seed: int,
) -> tuple[pd.DataFrame, dict]:
    """All relation links, and a report of rows dropped (licence, unmapped ids) and capped."""
    report = {}
    hetionet = HetionetIds(readers.read_hetionet_nodes(raw), concepts, genes, drugs)
    parts = [
        _disease_gene(raw, concepts, hetionet),
        _drug_gene(raw, concepts, genes, drugs, hetionet, report),
        _indications(raw, concepts, drugs),
        _gene_pathway(raw, concepts, genes),
        _disease_phenotype(raw, concepts, mondo),
        _gene_phenotype(raw, concepts, genes),
        _efo_is_a(concepts, efo),
    ]
    for name, (relation, weight) in HETIONET_EDGES.items():
        edges = readers.read_hetionet_edges(raw, name)
        source_kind, target_kind = name.split("_")[0], name.split("_")[-1]
        target_kind = "Compound" if target_kind == "Compund" else target_kind
        left = hetionet.ids(source_kind, edges["source"])
        right = hetionet.ids(target_kind, edges["target"])
        parts.append(_pairs(concepts, left, right, relation, "Hetionet", weight))
    links = pd.concat(parts, ignore_index=True)
    links = links.sort_values("weight", ascending=False).drop_duplicates(
        ["left_id", "right_id", "relation"]
    )
    links, report["capped"] = _cap(links, seed)
    return links.sort_values(["relation", "left_id", "right_id"], ignore_index=True), report


def _pairs(concepts, left, right, relation, source, weight=1.0) -> pd.DataFrame:
    """Links for the id pairs whose both ends are known concepts (others are unmapped and dropped)."""
    frame = pd.DataFrame(
        {
            "left": pd.Series(left).to_numpy(),
            "right": pd.Series(right).to_numpy(),
            "weight": np.broadcast_to(np.asarray(weight, dtype=float), (len(left),)),
        }
    )
    known = [
        a in concepts and b in concepts and a != b for a, b in zip(frame["left"], frame["right"])
    ]
    frame = frame[np.array(known, dtype=bool)]
    return text_links(
        concepts,
        frame["left"],
        frame["right"],
        "relation",
        relation,
        source,
        frame["weight"].to_numpy(),
    )


def _disease_gene(raw, concepts, hetionet) -> pd.DataFrame:
    dag = readers.read_hetionet_dag(raw)
    concepts.add(dag["doid_id"], dag["doid_name"], "disease", "Hetionet")
    return _pairs(
        concepts,
        dag["doid_id"],
        hetionet.ids("Gene", dag["entrez_gene_id"]),
        "disease_gene",
        "Hetionet DaG",
    )


def _drug_gene(raw, concepts, genes, drugs, hetionet, report) -> pd.DataFrame:
    cbg, report["hetionet_cbg_dropped_cc_by_nc"] = readers.read_hetionet_cbg(raw)
    from_hetionet = _pairs(
        concepts,
        hetionet.ids("Compound", cbg["drugbank_id"]),
        hetionet.ids("Gene", cbg["entrez_gene_id"]),
        "drug_gene",
        "Hetionet CbG",
    )
    dgidb, report["dgidb_drugbank_claims_dropped"] = readers.read_dgidb(raw)
    drug_ids = drugs.ids(dgidb["drug_primary_name"])
    names = dgidb["drug_primary_name"].where(
        dgidb["drug_primary_name"] != dgidb["drug_primary_name"].str.upper(),
        dgidb["drug_primary_name"].str.lower(),
    )
    concepts.add(drug_ids, names, "drug", "DGIdb")  # its other drug names are source ids
    from_dgidb = _pairs(
        concepts, drug_ids, genes.from_symbol(dgidb["gene_symbol"]), "drug_gene", "DGIdb"
    )
    return pd.concat([from_hetionet, from_dgidb])


def _indications(raw, concepts, drugs) -> pd.DataFrame:
    """PharmacotherapyDB: disease-modifying indications weigh 1, symptomatic ones 0.5."""
    table = readers.read_indications(raw)
    table = table[table["category"].isin(["DM", "SYM"])]
    concepts.add(table["doid_id"], table["disease"], "disease", "PharmacotherapyDB")
    drug_ids = drugs.ids(table["drug"])
    concepts.add(drug_ids, table["drug"], "drug", "PharmacotherapyDB")
    weight = np.where(table["category"] == "DM", 1.0, 0.5)
    return _pairs(concepts, drug_ids, table["doid_id"], "indication", "PharmacotherapyDB", weight)


def _gene_pathway(raw, concepts, genes) -> pd.DataFrame:
    pathways = readers.read_pathways(raw)
    pathway_ids = "pathway:" + pathways["identifier"]
    concepts.add(pathway_ids, pathways["name"], "pathway", "dhimmel/pathways")
    pairs = (
        pd.DataFrame({"pathway": pathway_ids, "gene": pathways["genes"]}).explode("gene").dropna()
    )
    return _pairs(
        concepts,
        genes.from_entrez(pairs["gene"]),
        pairs["pathway"],
        "gene_pathway",
        "dhimmel/pathways",
    )


def _disease_phenotype(raw, concepts, mondo) -> pd.DataFrame:
    """HPO disease annotations; OMIM and Orphanet diseases are named by their MONDO term where
    MONDO cross-references exactly one."""
    table = readers.read_hpo_annotations(raw)
    xrefs = mondo[["id", "xrefs"]].explode("xrefs").dropna()
    xrefs = xrefs[~xrefs["xrefs"].duplicated(keep=False)]
    to_mondo = dict(zip(xrefs["xrefs"], xrefs["id"]))
    disease_ids = map_distinct(table["disease_id"], lambda d: to_mondo.get(d, d))
    concepts.add(disease_ids, table["disease_name"], "disease", "HPO annotations")
    return _pairs(concepts, disease_ids, table["hpo_id"], "disease_phenotype", "HPO annotations")


def _gene_phenotype(raw, concepts, genes) -> pd.DataFrame:
    table = readers.read_genes_to_phenotype(raw)
    return _pairs(
        concepts,
        genes.from_entrez(table["ncbi_gene_id"]),
        table["hpo_id"],
        "gene_phenotype",
        "HPO annotations",
    )


def _efo_is_a(concepts, efo) -> pd.DataFrame:
    pairs = efo[["id", "parents"]].explode("parents").dropna()
    return _pairs(concepts, pairs["id"], pairs["parents"], "is_a", "EFO")


def _cap(links: pd.DataFrame, seed: int) -> tuple[pd.DataFrame, dict]:
    """At most MAX_LINKS_PER_RELATION links per relation, a seeded sample of the larger ones."""
    capped, parts = {}, []
    for relation, group in links.groupby("relation", sort=True):
        if len(group) > MAX_LINKS_PER_RELATION:
            capped[relation] = {"available": len(group), "kept": MAX_LINKS_PER_RELATION}
            group = group.sample(MAX_LINKS_PER_RELATION, random_state=seed)
        parts.append(group)
    return pd.concat(parts, ignore_index=True), capped
