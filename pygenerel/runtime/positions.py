"""Positions of rsids outside the SNP vocabulary (a bundle's optional rsid_positions.npz.xz), so an
rsid given without a position can still be placed, and embedded from its locus.

About 1.4M rsids must fit in a few MB: rows are sorted by chromosome and GRCh38 position so that
positions are stored as small differences, and the .npz is xz-compressed (a sixth smaller than
zip's deflate); only the rsid numbers stay incompressible.
"""

from __future__ import annotations

import io
import lzma
from pathlib import Path

import numpy as np
import pandas as pd

from pygenerel import snp_ids
from pygenerel.errors import BundleError
from pygenerel.genome import CHROMOSOMES, normalize_chroms
from pygenerel.runtime.bundle import RSID_POSITIONS

ARRAYS = {
    "rsid": np.uint32,
    "chrom": np.int8,
    "pos_grch38_delta": np.int32,
    "grch37_offset": np.int32,
}
_CHROM_NAMES = np.array([None, *CHROMOSOMES], dtype=object)  # code 1.. = CHROMOSOMES order


def rsid_numbers(rsids) -> np.ndarray:
    """'rs123' (any case, padded) -> 123 as int64; -1 for anything that is not an rsid."""
    text = pd.Series(np.asarray(rsids, dtype=object), dtype="string").str.strip().str.lower()
    digits = text.str.extract(snp_ids.RSID, expand=False)
    digits = digits.where(digits.str.len() <= 12)  # no rsid has more; int64 holds them
    return pd.to_numeric(digits).fillna(-1).astype(np.int64).to_numpy()


def write_rsid_positions(path, rsids, chroms, pos37, pos38) -> int:
    """Write the table to `path` (one row per rsid, the first if repeated; -1 for an unknown
    position); returns the number of rows written."""
    numbers = rsid_numbers(rsids)
    codes = pd.Series(normalize_chroms(chroms)).map({c: i + 1 for i, c in enumerate(CHROMOSOMES)})
    codes = codes.fillna(0).to_numpy(dtype=np.int64)
    pos37, pos38 = (np.asarray(p, dtype=np.int64) for p in (pos37, pos38))
    keep = (numbers >= 0) & (numbers < 2**32) & (codes > 0) & ((pos37 > 0) | (pos38 > 0))
    _, first = np.unique(np.where(keep, numbers, -1), return_index=True)
    rows = first[keep[first]]
    rows = rows[np.lexsort((pos38[rows], codes[rows]))]
    arrays = {
        "rsid": numbers[rows],
        "chrom": codes[rows],
        "pos_grch38_delta": np.diff(pos38[rows], prepend=0),
        "grch37_offset": pos37[rows] - pos38[rows],  # pos_grch37 = pos_grch38 + offset
    }
    buffer = io.BytesIO()
    np.savez(buffer, **{name: arrays[name].astype(dtype) for name, dtype in ARRAYS.items()})
    Path(path).write_bytes(lzma.compress(buffer.getvalue(), preset=9))
    return len(rows)


class RsidPositions:
    """rsid -> (chromosome, GRCh37 and GRCh38 positions), read from the bundle on first lookup
    (most calls only name vocabulary SNPs and never need it)."""

    def __init__(self, bundle):
        self.bundle = bundle
        self._columns = None

    def _load(self) -> tuple[np.ndarray, ...]:
        if self._columns is None:
            path = self.bundle.file(RSID_POSITIONS)
            try:
                with np.load(
                    io.BytesIO(lzma.decompress(path.read_bytes())), allow_pickle=False
                ) as z:
                    arrays = {name: z[name] for name in ARRAYS}
            except (OSError, ValueError, KeyError, lzma.LZMAError) as error:
                raise BundleError(
                    f"{self.bundle.path}: cannot read {RSID_POSITIONS}: {error}"
                ) from None
            n, chrom = len(arrays["rsid"]), arrays["chrom"]
            fits = all(a.dtype == ARRAYS[k] and a.shape == (n,) for k, a in arrays.items())
            if not fits or (n and not 1 <= chrom.min() <= chrom.max() <= len(CHROMOSOMES)):
                raise BundleError(
                    f"{self.bundle.path}: {RSID_POSITIONS} does not hold the expected arrays"
                )
            pos38 = np.cumsum(arrays["pos_grch38_delta"], dtype=np.int64)
            pos37 = pos38 + arrays["grch37_offset"]
            order = np.argsort(arrays["rsid"], kind="stable")
            self._columns = (
                arrays["rsid"][order].astype(np.int64),
                arrays["chrom"][order],
                pos37[order],
                pos38[order],
            )
        return self._columns

    def lookup(self, rsids) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(chromosome or None, GRCh37 position, GRCh38 position; -1 unknown) of each rsid."""
        numbers = rsid_numbers(rsids)
        chroms = np.full(len(numbers), None, dtype=object)
        pos37, pos38 = np.full(len(numbers), -1), np.full(len(numbers), -1)
        if not (numbers >= 0).any():  # no rsid among them: nothing to load
            return chroms, pos37, pos38
        known, codes, known37, known38 = self._load()
        if not len(known):
            return chroms, pos37, pos38
        at = np.minimum(np.searchsorted(known, numbers), len(known) - 1)
        hit = np.flatnonzero((numbers >= 0) & (known[at] == numbers))
        rows = at[hit]
        chroms[hit] = _CHROM_NAMES[codes[rows]]
        pos37[hit], pos38[hit] = known37[rows], known38[rows]
        return chroms, pos37, pos38
