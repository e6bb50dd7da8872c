"""The SNP vocabulary and the gene table.

Like the paper, the vocabulary is every SNP with a GWAS/PGRM association plus the GTEx lead
eQTL SNPs, restricted to HapMap3 common SNPs: the GRCh38 list (dbSNP151) decides membership and
gives chr, GRCh38 position and alleles; the GRCh37 list (dbSNP150) gives the GRCh37 position.
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


def snp_vocabulary(raw: RawDir, links: pd.DataFrame) -> tuple[pd.DataFrame, dict]:
    """The snps table for every SNP in `links` that HapMap3 knows, and a report of the count by
    source and of the SNPs dropped for not being in HapMap3."""
    snp_links = links[links["left_kind"] == "snp"]
    by_source = pd.DataFrame(
        {"rsid": snp_links["left_id"], "source": snp_links["source"].map(SNP_SOURCES)}
    ).drop_duplicates()
    if by_source["source"].isna().any():
        raise ValueError(
            f"SNP links from unknown sources: {set(snp_links['source']) - set(SNP_SOURCES)}"
        )
    b38 = readers.read_hapmap3(raw, "GRCh38").drop_duplicates("rsid")
    b37 = readers.read_hapmap3(raw, "GRCh37").drop_duplicates("rsid")
    hapmap3 = set(b38["rsid"])
    in_hapmap3 = np.array([rsid in hapmap3 for rsid in by_source["rsid"]], dtype=bool)
    kept = by_source[in_hapmap3]
    sources = (
        kept.assign(order=kept["source"].map(SOURCE_ORDER.index))
        .sort_values("order")
        .groupby("rsid", sort=False)["source"]
        .agg("|".join)
    )
    table = b38.merge(sources.rename("sources"), left_on="rsid", right_index=True).merge(
        b37[["rsid", "chr", "pos"]].rename(columns={"chr": "chr37", "pos": "pos_grch37"}),
        on="rsid",
        how="left",
    )
    same_chrom = table["chr37"] == table["chr"]
    table = pd.DataFrame(
        {
            "rsid": table["rsid"],
            "chr": table["chr"],
            "pos_grch37": table["pos_grch37"].where(same_chrom, -1).fillna(-1).astype(np.int64),
            "pos_grch38": table["pos"].astype(np.int64),
            "a1": table["a1"],
            "a2": table["a2"],
            "sources": table["sources"],
        }
    )
    order = np.lexsort((table["pos_grch38"].to_numpy(), table["chr"].map(_chrom_rank).to_numpy()))
    table = table.iloc[order].reset_index(drop=True)
    report = {
        "n": len(table),
        "by_source": {s: int((kept["source"] == s).sum()) for s in SOURCE_ORDER},
        "dropped_not_in_hapmap3": {
            s: int(((by_source["source"] == s) & ~in_hapmap3).sum()) for s in SOURCE_ORDER
        },
        "without_grch37_position": int((table["pos_grch37"] < 0).sum()),
    }
    return table, report


def _chrom_rank(chrom: str) -> int:
    return int(chrom) if chrom.isdigit() else {"X": 23, "Y": 24, "MT": 25}[chrom]


def gene_table(raw: RawDir, genes: GeneIds) -> pd.DataFrame:
    """GRCh38 gene positions from GTEx whole blood (all tested genes), with HGNC ids where the
    Ensembl id or symbol maps; tss is the start on + strand genes and the end on - strand genes."""
    table = readers.read_gtex_genes(raw)
    hgnc = genes.from_ensembl(table["ensembl_id"]).fillna(genes.from_symbol(table["symbol"]))
    return pd.DataFrame(
        {
            "symbol": table["symbol"],
            "hgnc_id": hgnc.fillna("").to_numpy(),
            "ensembl_id": table["ensembl_id"],
            "chr": table["chr"],
            "start": table["start"],
            "end": table["end"],
            "strand": table["strand"],
            "tss": np.where(table["strand"] == "+", table["start"], table["end"]).astype(np.int64),
        }
    )
