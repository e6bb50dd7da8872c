"""The genes around a locus, with their distances: what a geneticist reads first at a GWAS hit.

Top concepts leave genes out for SNP queries (a locus's nearest gene's look-alike names would fill
them), so the genes themselves are reported here: the nearest gene bodies within a window, closest
first, a gene that contains the position at 0 kb; clone names (RP11-...) are left out.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from pygenerel.genome import normalize_chroms
from pygenerel.runtime.catalog import IDENTIFIER_LIKE

WINDOW = 500_000  # bp each side: the usual span of a GWAS locus
MAX_GENE_SPAN = 2_500_000  # longer than any gene body (DMD is 2.2 Mb)


class NearbyGenes:
    def __init__(self, genes: pd.DataFrame):
        genes = genes[(genes["symbol"] != "") & ~genes["symbol"].str.match(IDENTIFIER_LIKE)]
        chroms = normalize_chroms(genes["chr"].to_numpy())
        self._by_chrom = {}
        for chrom in {c for c in chroms if c is not None}:
            part = genes[chroms == chrom].sort_values("start", kind="stable")
            self._by_chrom[chrom] = (
                part["start"].to_numpy(np.int64),
                part["end"].to_numpy(np.int64),
                part["symbol"].to_numpy(dtype=object),
            )

    def describe(self, chroms, pos38, n: int = 3, window: int = WINDOW) -> np.ndarray:
        """Per position, "TCF7L2 (0 kb); VTI1A (96 kb)": up to n distinct genes within the
        window, closest first; "" where none (or no position)."""
        chroms = normalize_chroms(chroms)
        pos = np.asarray(pos38, dtype=np.int64)
        loci = pd.DataFrame({"chrom": chroms, "pos": pos}).drop_duplicates()
        text = {
            (chrom, p): self._around(self._by_chrom[chrom], p, n, window)
            for chrom, p in loci.itertuples(index=False)
            if chrom in self._by_chrom and p > 0
        }
        return np.array([text.get((c, p), "") for c, p in zip(chroms, pos)], dtype=object)

    def _around(self, genes, p: int, n: int, window: int) -> str:
        starts, ends, symbols = genes
        lo = np.searchsorted(starts, p - window - MAX_GENE_SPAN)
        hi = np.searchsorted(starts, p + window, side="right")
        distance = np.maximum(np.maximum(starts[lo:hi] - p, p - ends[lo:hi]), 0)
        near = np.flatnonzero(distance <= window)
        shown, seen = [], set()
        for i in near[np.argsort(distance[near], kind="stable")]:
            if symbols[lo + i] not in seen:
                seen.add(symbols[lo + i])
                shown.append(f"{symbols[lo + i]} ({distance[i] / 1000:.0f} kb)")
            if len(shown) == n:
                break
        return "; ".join(shown)
