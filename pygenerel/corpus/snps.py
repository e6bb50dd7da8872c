"""The SNP vocabulary and the gene table.

The vocabulary is every SNP with a GWAS Catalog or PGRM association that any source places
(rsid_positions: HapMap3, GTEx, the catalog, PGRM), plus the GTEx lead eQTL SNPs that are
HapMap3 common SNPs (all 280k eQTL leads would not fit the bundle). Alleles come from HapMap3
where it has the SNP, else they are empty (the runtime matches by position).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from . import readers
from .ids import GeneIds
from .rawfiles import RawDir

# Which vocabulary source each SNP-link source counts for.
SNP_SOURCES = {
    "GWAS Catalog": "gwas",
    "GWAS Catalog (DOID)": "gwas",
    "PGRM": "pgrm",
    "UK Biobank (PGRM)": "pgrm",
    "GTEx v8": "eqtl",
}
SOURCE_ORDER = ("gwas", "pgrm", "eqtl")
HAPMAP3_ONLY = ("eqtl",)  # sources whose SNPs enter only when HapMap3 has them


def snp_vocabulary(
    raw: RawDir, links: pd.DataFrame, positions: pd.DataFrame
) -> tuple[pd.DataFrame, dict]:
    """The snps table for every SNP in `links` that can enter the vocabulary (see above), and a
    report of the counts by source and of the SNPs left out."""
    snp_links = links[links["left_kind"] == "snp"]
    by_source = pd.DataFrame(
        {"rsid": snp_links["left_id"], "source": snp_links["source"].map(SNP_SOURCES)}
    ).drop_duplicates()
    if by_source["source"].isna().any():
        raise ValueError(
            f"SNP links from unknown sources: {set(snp_links['source']) - set(SNP_SOURCES)}"
        )
    b38 = readers.read_hapmap3(raw, "GRCh38").drop_duplicates("rsid").set_index("rsid")
    placed = positions[positions["pos_grch38"] > 0].set_index("rsid")
    hapmap_only = by_source["source"].isin(HAPMAP3_ONLY).to_numpy()
    allowed = np.where(
        hapmap_only, by_source["rsid"].isin(b38.index), by_source["rsid"].isin(placed.index)
    )
    kept = by_source[allowed]
    sources = (
        kept.assign(order=kept["source"].map(SOURCE_ORDER.index))
        .sort_values("order")
        .groupby("rsid", sort=False)["source"]
        .agg("|".join)
    )
    found = placed.loc[sources.index]
    alleles = b38.reindex(sources.index)[["a1", "a2"]].fillna("")
    table = pd.DataFrame(
        {
            "rsid": sources.index.to_numpy(dtype=object),
            "chr": found["chr"].to_numpy(dtype=object),
            "pos_grch37": found["pos_grch37"].to_numpy(dtype=np.int64),
            "pos_grch38": found["pos_grch38"].to_numpy(dtype=np.int64),
            "a1": alleles["a1"].to_numpy(dtype=object),
            "a2": alleles["a2"].to_numpy(dtype=object),
            "sources": sources.to_numpy(dtype=object),
        }
    )
    order = np.lexsort((table["pos_grch38"].to_numpy(), table["chr"].map(_chrom_rank).to_numpy()))
    table = table.iloc[order].reset_index(drop=True)
    in_hapmap3 = kept["rsid"].isin(b38.index)
    report = {
        "n": len(table),
        "by_source": {s: int((kept["source"] == s).sum()) for s in SOURCE_ORDER},
        "by_source_outside_hapmap3": {
            s: int(((kept["source"] == s) & ~in_hapmap3).sum()) for s in SOURCE_ORDER
        },
        "dropped": {s: int(((by_source["source"] == s) & ~allowed).sum()) for s in SOURCE_ORDER},
        "dropped_why": {
            s: "not in HapMap3" if s in HAPMAP3_ONLY else "no position" for s in SOURCE_ORDER
        },
        "without_grch37_position": int((table["pos_grch37"] < 0).sum()),
    }
    return table, report


def _chrom_rank(chrom: str) -> int:
    return int(chrom) if chrom.isdigit() else {"X": 23, "Y": 24, "MT": 25}[chrom]


def gene_table(raw: RawDir, genes: GeneIds, hgnc: pd.DataFrame) -> pd.DataFrame:
    """GRCh38 gene positions from GTEx whole blood (all tested genes), with HGNC ids and approved
    names where the Ensembl id or symbol maps; tss is the start on + strand genes and the end on
    - strand genes."""
    table = readers.read_gtex_genes(raw)
    hgnc_ids = genes.from_ensembl(table["ensembl_id"]).fillna(genes.from_symbol(table["symbol"]))
    names = hgnc_ids.map(dict(zip(hgnc["hgnc_id"], hgnc["name"])))
    return pd.DataFrame(
        {
            "symbol": table["symbol"],
            "name": names.fillna("").to_numpy(),
            "hgnc_id": hgnc_ids.fillna("").to_numpy(),
            "ensembl_id": table["ensembl_id"],
            "chr": table["chr"],
            "start": table["start"],
            "end": table["end"],
            "strand": table["strand"],
            "tss": np.where(table["strand"] == "+", table["start"], table["end"]).astype(np.int64),
        }
    )
