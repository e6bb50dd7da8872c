"""The temporal GWAS benchmark, `gwas_temporal`: findings that are new in time.

A random split of the catalog holds out SNPs that sit next to training SNPs of the same study.
Here every GWAS Catalog link from a study published on or after CUTOFF leaves training, and the
(SNP, trait) pairs first published then are the test set; every other source stays (its copies
of a test pair are removed as leakage). Each test SNP is given by its GRCh38 position, as in a
user's table, so the model scores it from the vocabulary when it knows the SNP and from its
locus otherwise.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

CUTOFF = "2013-01-01"
NAME = "gwas_temporal"


def after_cutoff(links: pd.DataFrame) -> np.ndarray:
    """GWAS links from studies published on or after CUTOFF."""
    published = links["published"].fillna("").astype(str).to_numpy()
    return (links["task"] == "gwas").to_numpy() & (published >= CUTOFF)


def new_pairs(links: pd.DataFrame, pair_keys: pd.Series, after: np.ndarray) -> np.ndarray:
    """One link per post-cutoff (SNP, trait class) pair that no earlier study reported."""
    dated = links["published"].notna().to_numpy() & (links["task"] == "gwas").to_numpy()
    earlier = set(pair_keys[dated & ~after])
    keys = pair_keys.to_numpy()
    candidate = after & np.array([key not in earlier for key in keys])
    first = candidate & ~pd.Series(np.where(candidate, keys, None)).duplicated().to_numpy()
    return first


def report(links: pd.DataFrame, after: np.ndarray, new: np.ndarray) -> dict:
    return {
        "cutoff": CUTOFF,
        "links_after_cutoff": int(after.sum()),
        "links_after_cutoff_by_source": {
            str(k): int(v)
            for k, v in links.loc[after, "source"].value_counts().sort_index().items()
        },
        "new_pairs": int(new.sum()),
    }


def as_loci(benchmarks: pd.DataFrame, positions: pd.DataFrame) -> tuple[pd.DataFrame, int]:
    """The temporal benchmark's SNPs as `locus` items "chr:pos" (GRCh38; the rsid stays as the
    text); pairs whose SNP no source places are dropped, and counted."""
    rows = (benchmarks["benchmark"] == NAME).to_numpy()
    placed = positions[positions["pos_grch38"] > 0].drop_duplicates("rsid").set_index("rsid")
    found = placed.reindex(benchmarks.loc[rows, "left_id"])
    locus = found["chr"].astype(str) + ":" + found["pos_grch38"].astype("Int64").astype(str)
    ok = found["pos_grch38"].notna().to_numpy()
    out = benchmarks.copy()
    index = np.flatnonzero(rows)
    out.loc[index[ok], "left_text"] = out.loc[index[ok], "left_id"]
    out.loc[index[ok], "left_id"] = locus.to_numpy()[ok]
    out.loc[index[ok], "left_kind"] = "locus"
    dropped = index[~ok]
    n_pairs = int((out.loc[dropped, "label"] == 1).sum())
    return out.drop(index=dropped).reset_index(drop=True), n_pairs
