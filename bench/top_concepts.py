"""Are the top concepts of a locus worth reading? On real summary statistics, with a bundle:
- the share of gene or clone names, or gene products' levels ("moesin measurement"), among the
  top 5 concepts of locus-matched rows, with the default types (genes reported apart in
  generel_genes) and with every type asked for explicitly (the old default);
- the top 5 concepts of the ten strongest loci (lowest P, one lead per 500 kb).

    python bench/top_concepts.py [--model DIR] [--raw ../shared/data/raw]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pandas as pd

from pygenerel.annotation import annotate
from pygenerel.annotation.annotate import trait_column
from pygenerel.runtime import load_model
from pygenerel.runtime.catalog import IDENTIFIER_LIKE

FILES = {
    "topr_UC_UKBB_p1e-3_hg38.tsv.gz": "ulcerative colitis",
    "topr_CD_UKBB_p1e-3_hg38.tsv.gz": "Crohn's disease",
}
K = 5


def gene_like_share(result: pd.DataFrame, catalog) -> float:
    locus = result[result["generel_match"] == "locus"]
    top = {
        field: pd.concat([locus[f"generel_top{r}_{field}"] for r in range(1, K + 1)])
        for field in ("id", "name", "type")
    }
    products = catalog.table["id"][catalog.gene_product]
    gene_like = (
        (top["type"] == "gene")
        | top["name"].str.match(IDENTIFIER_LIKE).fillna(False)
        | top["id"].isin(products)
    )
    return float(gene_like.mean())


def leads(result: pd.DataFrame, n: int = 10, window: int = 500_000) -> pd.DataFrame:
    chrom, pos, p = _columns(result)
    picked = []
    for _, row in result.assign(_p=pd.to_numeric(result[p])).sort_values("_p").iterrows():
        near = any(
            row[chrom] == q[chrom] and abs(int(row[pos]) - int(q[pos])) < window for q in picked
        )
        if not near:
            picked.append(row)
        if len(picked) == n:
            break
    return pd.DataFrame(picked)


def _columns(result: pd.DataFrame) -> tuple[str, str, str]:
    lower = {c.lower(): c for c in result.columns}
    return lower["chrom"], lower["pos"], lower["p"]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--model")
    parser.add_argument("--raw", default=Path(__file__).resolve().parents[2] / "shared/data/raw")
    args = parser.parse_args()
    model = load_model(args.model)
    every_type = sorted(set(model.catalog.table["type"]))
    for name, trait in FILES.items():
        path = Path(args.raw) / "sumstats" / name
        default = annotate(path, traits=[trait], top_k=K, model=model)
        old = annotate(path, top_k=K, types=every_type, model=model)
        print(
            f"\n{name}: gene or clone names or gene products among the top {K} of locus rows: "
            f"{gene_like_share(default, model.catalog):.1%} by default, "
            f"{gene_like_share(old, model.catalog):.1%} with every type"
        )
        columns = ["generel_genes", *(f"generel_top{r}_name" for r in range(1, K + 1))]
        shown = [*_columns(default), f"{trait_column(trait)}_pct", *columns]
        print(leads(default)[shown].to_string(index=False, max_colwidth=40))
    return 0


if __name__ == "__main__":
    sys.exit(main())
