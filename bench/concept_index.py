"""What does the bundle's compact concept index cost in quality, and what does it save in time?

Top k concepts of real queries from the index (catalog.top) against the exact top k (every
catalog row ranked by its real vector, top(exact=True)), side by side on the same queries:
- loci: the distinct locus embeddings of the ulcerative colitis file (the rows placed from their
  position), candidates as annotate ranks them (no genes, no identifier-like names), each from its
  own index scan and, as annotate does, from scans shared with the loci around it
  (Model.proposals);
- texts: 300 catalog names and a few traits, every concept type.
Prints recall@k (share of the exact top k the index returns), top-1 agreement, the largest score
difference on concepts both return (0: every reported score is exact) and both timings. The
exact side encodes every concept name once (minutes; kept in the user cache).

    .venv/bin/python bench/concept_index.py [--model BUNDLE] [--raw ../shared/data/raw]
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np
import pandas as pd

from pygenerel.runtime import load_model

UC = "topr_UC_UKBB_p1e-3_hg38.tsv.gz"
TRAITS = ["type 2 diabetes", "asthma", "body mass index", "LDL cholesterol", "schizophrenia"]


def recall(found: np.ndarray, exact: np.ndarray) -> float:
    hits = [len(set(a[a >= 0]) & set(b[b >= 0])) for a, b in zip(found, exact)]
    return sum(hits) / max((exact >= 0).sum(), 1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default=None)
    parser.add_argument("--raw", default=Path(__file__).resolve().parents[2] / "shared/data/raw")
    args = parser.parse_args()
    model = load_model(args.model)
    catalog = model.catalog
    if catalog.index is None:
        raise SystemExit(f"{model.bundle.path} has no concept index (export.add_concept_index)")
    table = pd.read_csv(Path(args.raw) / "sumstats" / UC, sep="\t", dtype=str)
    placed = model.place(table["ID"], table["CHROM"], table["POS"], build="GRCh38")
    distinct = np.unique(placed.which[placed.how == "locus"])
    loci = placed.vectors[distinct]
    proposals = model.proposals(placed, distinct)
    names = catalog.table["name"].sample(300, random_state=0).tolist()
    texts = model.embed([*names, *TRAITS], kind="text")
    catalog.vectors.all()  # encoded (or read from the cache) before anything is timed
    dims = catalog.index.basis.shape[1]
    print(f"model {model.bundle.path.name}: {len(catalog):,} concepts; index of {dims} components")
    shared = f"{len(loci):,} UC loci from {len(proposals[0]):,} shared proposals"
    for label, queries, rows, proposed in (
        (f"{len(loci):,} UC loci", loci, catalog.candidates(snp_query=True), None),
        (shared, loci, catalog.candidates(snp_query=True), proposals),
        (f"{len(texts):,} texts", texts, catalog.candidates(), None),
    ):
        for k in (5, 10):
            start = time.perf_counter()
            found, scores = catalog.top(queries, k, rows, proposals=proposed)
            indexed = time.perf_counter() - start
            start = time.perf_counter()
            exact, exact_scores = catalog.top(queries, k, rows, exact=True)
            brute = time.perf_counter() - start
            same = found == exact
            print(
                f"{label}, top {k}: recall@{k} {recall(found, exact):.4f}, top-1 agreement "
                f"{np.mean(found[:, 0] == exact[:, 0]):.4f}, largest score difference on shared "
                f"{np.abs(scores[same] - exact_scores[same]).max():.1g}; index {indexed:.2f} s, "
                f"exact {brute:.2f} s"
            )


if __name__ == "__main__":
    main()
