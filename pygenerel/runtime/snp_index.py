"""The SNP vocabulary of a bundle: rows of int8 embeddings found by rsid or by position, and the
positions of rsids outside it (when the bundle has that table).

Positions are looked up per build, so a GRCh37 table matches the vocabulary directly instead of
going through the (approximate) liftover.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from pygenerel.builds import BUILDS, check_build
from pygenerel.errors import BundleError
from pygenerel.genome import chrom_codes
from pygenerel.runtime.bundle import RSID_POSITIONS, SNP_EMBEDDINGS, SNP_SCALES, SNPS
from pygenerel.runtime.int8 import Int8Rows
from pygenerel.runtime.positions import RsidPositions


def position_keys(chroms, positions) -> np.ndarray:
    """One int64 per (chromosome, position); -1 where either is unknown."""
    code = chrom_codes(chroms) + 1
    pos = whole_positions(positions)
    return np.where((code > 0) & (pos > 0), code * 10_000_000_000 + pos, -1)


def whole_positions(positions) -> np.ndarray:
    """Positions as int64, -1 where not a number (integer arrays pass as they are)."""
    positions = np.asarray(positions)
    if positions.dtype.kind in "iu":
        return positions.astype(np.int64, copy=False)
    pos = pd.to_numeric(pd.Series(positions.astype(object, copy=False)), errors="coerce")
    return pos.fillna(-1).to_numpy(dtype=np.int64)


class SnpIndex:
    def __init__(
        self, table: pd.DataFrame, embeddings: Int8Rows, positions: RsidPositions | None = None
    ):
        self.table = table
        self.embeddings = embeddings
        self.positions = positions  # None for bundles exported before the table existed
        self._rsids = pa.array(table["rsid"].str.lower(), pa.string())
        self._positions = {
            build: pd.Index(position_keys(table["chr"], table[f"pos_{build.lower()}"]))
            for build in BUILDS
        }

    @classmethod
    def from_bundle(cls, bundle) -> SnpIndex:
        table = pd.read_csv(
            bundle.file(SNPS),
            sep="\t",
            keep_default_na=False,
            dtype={
                "index": np.int64,
                "rsid": str,
                "chr": str,
                "pos_grch37": np.int64,
                "pos_grch38": np.int64,
                "a1": str,
                "a2": str,
            },
        )
        if not (table["index"].to_numpy() == np.arange(len(table))).all():
            raise BundleError(f"{bundle.path}: snps.tsv.gz rows must be numbered 0..n-1")
        n, dim = len(table), bundle.manifest["dim"]
        embeddings = Int8Rows(
            bundle.array(SNP_EMBEDDINGS, np.int8, (n, dim)),
            bundle.array(SNP_SCALES, np.float32, (n,)),
        )
        positions = RsidPositions(bundle) if bundle.has(RSID_POSITIONS) else None
        return cls(table, embeddings, positions)

    def __len__(self) -> int:
        return len(self.table)

    def by_rsid(self, rsids) -> np.ndarray:
        """Row of each rsid, -1 if absent."""
        values = np.asarray(rsids, dtype=object)
        try:
            keys = pa.array(values, pa.string(), from_pandas=True)  # None, NaN: null
        except (pa.ArrowInvalid, pa.ArrowTypeError):  # not all text: read each as text
            keys = pa.array(pd.Series(values).fillna("").astype(str), pa.string())
        keys = pc.utf8_lower(pc.utf8_trim_whitespace(keys))
        rows = pc.fill_null(pc.index_in(keys, value_set=self._rsids), -1)  # first occurrence
        return rows.to_numpy().astype(np.int64)

    def rsid_positions(self, rsids) -> tuple[np.ndarray, np.ndarray]:
        """(chromosome or None, GRCh38 position or -1) of each rsid from the bundle's table of
        rsids outside the vocabulary; all unknown when the bundle has none."""
        if self.positions is None:
            return np.full(len(rsids), None, dtype=object), np.full(len(rsids), -1)
        chroms, _, pos38 = self.positions.lookup(rsids)
        return chroms, pos38

    def by_position(self, chroms, positions, build: str = "GRCh38") -> np.ndarray:
        """Row of the vocabulary SNP at each (chromosome, position) in `build`, -1 if none."""
        build = check_build(build)
        keys = position_keys(chroms, positions)
        rows = _first_match(self._positions[build], keys)
        return np.where(keys >= 0, rows, -1)


def _first_match(index: pd.Index, keys: np.ndarray) -> np.ndarray:
    """Like Index.get_indexer, but an index with duplicates answers with the first occurrence."""
    if index.is_unique:
        return index.get_indexer(keys)
    first = ~index.duplicated()
    rows = pd.Index(index[first]).get_indexer(keys)
    return np.where(rows >= 0, np.flatnonzero(first)[rows], -1)
