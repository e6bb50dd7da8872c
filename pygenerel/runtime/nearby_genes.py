"""The genes around a locus, with their distances: what a geneticist reads first at a GWAS hit.

Top concepts leave genes out for SNP queries (a locus's nearest gene's look-alike names would fill
them), so the genes themselves are reported here: the nearest gene bodies within a window, closest
first, a gene that contains the position at 0 kb; clone names (RP11-...) are left out.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from pygenerel.genome import CHROMOSOMES, chrom_codes
from pygenerel.runtime.catalog import IDENTIFIER_LIKE

WINDOW = 500_000  # bp each side: the usual span of a GWAS locus
MAX_GENE_SPAN = 2_500_000  # longer than any gene body (DMD is 2.2 Mb)


class NearbyGenes:
    # genes starting before and after a position that every position looks at, then the few
    # positions with a gene further out that may count (see _nearest) at the wider reach
    REACH = ((8, 2), (64, 16))
    CHUNK = 8_192

    def __init__(self, genes: pd.DataFrame):
        genes = genes[(genes["symbol"] != "") & ~genes["symbol"].str.match(IDENTIFIER_LIKE)]
        codes = chrom_codes(genes["chr"].to_numpy())
        genes = genes.assign(_code=codes)[codes >= 0].sort_values(["_code", "start"], kind="stable")
        self._symbols = pa.array(genes["symbol"], pa.string())
        self._by_chrom = {}
        bounds = np.searchsorted(genes["_code"].to_numpy(), np.arange(len(CHROMOSOMES) + 1))
        for code, chrom in enumerate(CHROMOSOMES):
            part = genes.iloc[bounds[code] : bounds[code + 1]]
            if len(part):
                ends = part["end"].to_numpy(np.int64)
                self._by_chrom[code] = (
                    part["start"].to_numpy(np.int64),
                    ends,
                    part["symbol"].to_numpy(dtype=object),
                    pd.factorize(part["symbol"])[0],
                    # the latest end among the genes before each index (-1: none)
                    np.concatenate([[-1], np.maximum.accumulate(ends)]),
                    bounds[code],  # the first gene's row in self._symbols
                )

    def describe(self, chroms, pos38, n: int = 3, window: int = WINDOW) -> np.ndarray:
        """Per position, "TCF7L2 (0 kb); VTI1A (96 kb)": up to n distinct genes within the
        window, closest first; "" where none (or no position)."""
        codes = chrom_codes(chroms)
        pos = np.asarray(pos38, dtype=np.int64)
        found = np.full((len(pos), n), -1, dtype=np.int64)  # row in self._symbols per slot
        distance = np.zeros((len(pos), n), dtype=np.int64)
        for code, genes in self._by_chrom.items():
            rows = np.flatnonzero((codes == code) & (pos > 0))
            for lo in range(0, len(rows), self.CHUNK):
                part = rows[lo : lo + self.CHUNK]
                index, distance[part] = self._nearest(genes, pos[part], n, window)
                found[part] = np.where(index >= 0, index + genes[-1], -1)
        # "GENE (12 kb); " per gene found, "" per empty slot; then the last "; " trimmed
        slots = []
        for j in range(n):
            symbols = self._symbols.take(pa.array(found[:, j], mask=found[:, j] < 0))
            kb = pa.array(np.round(distance[:, j] / 1000).astype(np.int64)).cast(pa.string())
            slot = pc.binary_join_element_wise(symbols, " (", kb, " kb); ", "")
            slots.append(pc.fill_null(slot, ""))
        text = pc.utf8_rtrim(pc.binary_join_element_wise(*slots, ""), characters="; ")
        return text.to_numpy(zero_copy_only=False).astype(object)

    def _nearest(self, genes, pos, n: int, window: int) -> tuple[np.ndarray, np.ndarray]:
        """(the n nearest distinct genes within the window, closest first, as indices among the
        chromosome's genes, -1 where fewer; their distances), for positions on one chromosome."""
        found = np.full((len(pos), n), -1, dtype=np.int64)
        distance = np.zeros((len(pos), n), dtype=np.int64)
        todo = np.arange(len(pos))
        for before, after in self.REACH:
            found[todo], distance[todo], unsure = self._look(
                genes, pos[todo], n, window, before, after
            )
            todo = todo[unsure]
        for i in todo:
            found[i], distance[i] = self._around(genes, pos[i], n, window)
        return found, distance

    def _look(self, genes, pos, n: int, window: int, before: int, after: int):
        """_nearest among the `before` genes starting before each position and `n + after`
        after it, and whether a gene further out could count: one no further than the n-th
        found (for one before: that ends that close), which only a full search settles."""
        starts, ends, _, names, ends_before, _ = genes
        first = np.searchsorted(starts, pos, side="right")
        rows = first[:, None] + np.arange(-before, n + after)
        valid = (rows >= 0) & (rows < len(starts))
        rows = np.clip(rows, 0, len(starts) - 1)
        p = pos[:, None]
        valid &= starts[rows] >= p - window - MAX_GENE_SPAN  # as _around looks
        dist = np.maximum(np.maximum(starts[rows] - p, p - ends[rows]), 0)
        dist = np.where(valid & (dist <= window), dist, np.iinfo(np.int64).max)
        order = np.argsort(dist, axis=1, kind="stable")  # closest first, then gene order
        rows = np.take_along_axis(rows, order, 1)
        dist = np.take_along_axis(dist, order, 1)
        name = np.where(dist < np.iinfo(np.int64).max, names[rows], -1)
        by_name = np.argsort(name, axis=1, kind="stable")
        sorted_names = np.take_along_axis(name, by_name, 1)
        repeat = sorted_names < 0  # no gene, or a symbol already listed closer
        repeat[:, 1:] |= sorted_names[:, 1:] == sorted_names[:, :-1]
        np.put_along_axis(repeat, by_name, repeat.copy(), 1)
        slot = np.cumsum(~repeat, axis=1) - 1
        row, column = np.nonzero(~repeat & (slot < n))
        found = np.full((len(pos), n), -1, dtype=np.int64)
        distance = np.zeros((len(pos), n), dtype=np.int64)
        found[row, slot[row, column]] = rows[row, column]
        distance[row, slot[row, column]] = dist[row, column]
        reach = np.where(found[:, -1] >= 0, distance[:, -1], window)  # how far the n-th one is
        earlier = ends_before[np.maximum(first - before, 0)] >= pos - reach
        beyond = np.minimum(first + n + after, len(starts) - 1)
        later = (first + n + after < len(starts)) & (starts[beyond] - pos <= reach)
        return found, distance, np.flatnonzero(earlier | later)

    def _around(self, genes, p: int, n: int, window: int) -> tuple[np.ndarray, np.ndarray]:
        """_nearest for one position, over every gene that can be within the window."""
        starts, ends, symbols, _, _, _ = genes
        lo = np.searchsorted(starts, p - window - MAX_GENE_SPAN)
        hi = np.searchsorted(starts, p + window, side="right")
        distance = np.maximum(np.maximum(starts[lo:hi] - p, p - ends[lo:hi]), 0)
        near = np.flatnonzero(distance <= window)
        found = np.full(n, -1, dtype=np.int64)
        dist = np.zeros(n, dtype=np.int64)
        seen = set()
        for i in near[np.argsort(distance[near], kind="stable")]:
            if symbols[lo + i] not in seen and len(seen) < n:
                found[len(seen)], dist[len(seen)] = lo + i, distance[i]
                seen.add(symbols[lo + i])
        return found, dist
