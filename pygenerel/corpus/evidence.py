"""The evidence table: the known links behind the training pairs, in a form a user can cite.

A learned score says how related a SNP and a trait are; the evidence says what is known there:
GWAS Catalog and PGRM associations (trait, P, odds ratio, PubMed id) and GTEx lead eQTLs (gene,
number of tissues), each at its GRCh38 position. `pygenerel explain` and `annotate --explain`
read it from the bundle. DrugBank is never read (rawfiles.FORBIDDEN).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from . import readers
from .rawfiles import RawDir

COLUMNS = ["source", "kind", "rsid", "chr", "pos_grch38", "trait", "p", "effect", "pubmed"]
SOURCES = {"GWAS Catalog": "gwas_catalog", "PGRM": "pgrm", "GTEx v8": "gtex_eqtl"}


def evidence_table(raw: RawDir, positions: pd.DataFrame) -> tuple[pd.DataFrame, dict]:
    """Every association and eQTL lead whose SNP some source places, sorted by position. For an
    eQTL the trait is the gene, `effect` the number of tissues and `p` the smallest P."""
    catalog = readers.read_gwas_catalog(raw)
    pgrm = readers.read_pgrm(raw)
    leads = readers.read_gtex_leads(raw)
    eqtl = leads.groupby(["rsid", "gene_name"], as_index=False).agg(
        p=("p", "min"), tissues=("tissue", "nunique")
    )
    parts = [
        _rows(
            "GWAS Catalog",
            "gwas",
            catalog,
            catalog["reported_trait"],
            10.0 ** -catalog["mlog_p"],
            catalog["odds_ratio"],
            catalog["pubmed_id"],
        ),
        _rows(
            "PGRM",
            "gwas",
            pgrm,
            pgrm["phecode_name"],
            10.0 ** -pgrm["mlog_p"],
            pgrm["odds_ratio"],
            pgrm["pubmed_id"],
        ),
        _rows("GTEx v8", "eqtl", eqtl, eqtl["gene_name"], eqtl["p"], eqtl["tissues"], ""),
    ]
    table = pd.concat(parts, ignore_index=True).drop_duplicates(
        ["source", "rsid", "trait", "pubmed"]
    )
    placed = positions[positions["pos_grch38"] > 0].drop_duplicates("rsid").set_index("rsid")
    known = table["rsid"].isin(placed.index).to_numpy()
    report = {
        "rows": int(known.sum()),
        "by_source": {s: int(((table["source"] == s) & known).sum()) for s in SOURCES},
        "unplaced": int((~known).sum()),
    }
    table = table[known].reset_index(drop=True)
    table["chr"] = placed.loc[table["rsid"], "chr"].to_numpy()
    table["pos_grch38"] = placed.loc[table["rsid"], "pos_grch38"].to_numpy()
    order = np.lexsort((table["pos_grch38"].to_numpy(), table["chr"].astype(str).to_numpy()))
    return table.iloc[order][COLUMNS].reset_index(drop=True), report


def _rows(source, kind, frame, trait, p, effect, pubmed) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "source": source,
            "kind": kind,
            "rsid": frame["rsid"].to_numpy(),
            "trait": pd.Series(trait).astype(str).str.strip().to_numpy(),
            "p": pd.to_numeric(pd.Series(p), errors="coerce").to_numpy(),
            "effect": pd.to_numeric(pd.Series(effect), errors="coerce").to_numpy(),
            "pubmed": pd.Series(pubmed, index=frame.index).astype(str).replace("nan", "").to_numpy()
            if not isinstance(pubmed, str)
            else pubmed,
        }
    )
