"""Genome coordinates shared by training and the torch-free runtime (numpy only).

Training and inference must derive a SNP's locus features identically, so chromosome naming,
position bins, GRCh37->GRCh38 conversion and the nearest-gene lookup live here, once.
"""

from __future__ import annotations

import gzip
from pathlib import Path

import numpy as np

CHROMOSOMES = [str(i) for i in range(1, 23)] + ["X", "Y", "MT"]

GRCH38_LENGTHS = {
    "1": 248_956_422,
    "2": 242_193_529,
    "3": 198_295_559,
    "4": 190_214_555,
    "5": 181_538_259,
    "6": 170_805_979,
    "7": 159_345_973,
    "8": 145_138_636,
    "9": 138_394_717,
    "10": 133_797_422,
    "11": 135_086_622,
    "12": 133_275_309,
    "13": 114_364_328,
    "14": 107_043_718,
    "15": 101_991_189,
    "16": 90_338_345,
    "17": 83_257_441,
    "18": 80_373_285,
    "19": 58_617_616,
    "20": 64_444_167,
    "21": 46_709_983,
    "22": 50_818_468,
    "X": 156_040_895,
    "Y": 57_227_415,
    "MT": 16_569,
}

# PLINK numbering: 23 X, 24 Y, 25 XY (pseudo-autosomal, on X), 26 MT
_CHROM_ALIASES = {"23": "X", "24": "Y", "25": "X", "26": "MT", "M": "MT", "XY": "X"}


def normalize_chrom(value) -> str | None:
    """'chr1', '1', 1, '23', 'chrX', 'chrM' -> '1'..'22', 'X', 'Y', 'MT'; None if not a chromosome."""
    if value is None:
        return None
    text = str(value).strip().upper()
    text = text.removeprefix("CHR")
    if text.endswith(".0") and text[:-2].isdigit():  # 1.0 from a float column
        text = text[:-2]
    text = text.lstrip("0") or text
    text = _CHROM_ALIASES.get(text, text)
    return text if text in GRCH38_LENGTHS else None


def normalize_chroms(values) -> np.ndarray:
    """Vectorised normalize_chrom over distinct values (fast on millions of rows)."""
    values = np.asarray(values, dtype=object)
    uniques, inverse = np.unique(values.astype(str), return_inverse=True)
    mapped = np.array([normalize_chrom(u) for u in uniques], dtype=object)
    return mapped[inverse.reshape(-1)]


GENE_TEXTS = ("symbol", "symbol_name")
DISTANCE_STEP = 5_000  # bp; gene distances in locus features are rounded to this


def gene_texts(symbols, names, style: str) -> np.ndarray:
    """What the text tower reads for each gene of a locus: its symbol, or its symbol and approved
    name ("HNF4A hepatocyte nuclear factor 4 alpha"), which carries what the model learned about
    the gene's function rather than how its symbol is spelled."""
    if style not in GENE_TEXTS:
        raise ValueError(f"gene_text must be one of {GENE_TEXTS}, not {style!r}")
    symbols = np.asarray(symbols, dtype=object).astype(str)
    if style == "symbol":
        return symbols.astype(object)
    names = np.asarray(names, dtype=object).astype(str)
    joined = np.char.add(np.char.add(symbols, " "), names)
    return np.where((names != "") & (symbols != ""), joined, symbols).astype(object)


class PositionBinner:
    """Maps (chromosome, GRCh38 position) to one bin index per scale; index 0 means unknown.

    Bins are laid end to end over the genome in CHROMOSOMES order, so every scale is one
    embedding table whose size does not depend on the data.
    """

    def __init__(self, scales=(1_000_000, 100_000)):
        self.scales = tuple(int(s) for s in scales)
        self._offsets = []
        self.sizes = []
        for scale in self.scales:
            offsets, total = {}, 1
            for chrom in CHROMOSOMES:
                offsets[chrom] = total
                total += GRCH38_LENGTHS[chrom] // scale + 1
            self._offsets.append(offsets)
            self.sizes.append(total)

    def bins(self, chroms, pos38) -> np.ndarray:
        chroms = normalize_chroms(chroms)
        pos = np.asarray(pos38, dtype=np.int64)
        out = np.zeros((len(pos), len(self.scales)), dtype=np.int64)
        for chrom in CHROMOSOMES:
            rows = np.flatnonzero((chroms == chrom) & (pos > 0))
            if not len(rows):
                continue
            clipped = np.minimum(pos[rows], GRCH38_LENGTHS[chrom])
            for k, scale in enumerate(self.scales):
                out[rows, k] = self._offsets[k][chrom] + clipped // scale
        return out


class Liftover:
    """GRCh37 -> GRCh38 by piecewise-constant offsets learned from SNPs known in both builds.

    Runs of consecutive anchors with the same offset collapse into one segment, so ~1.2M
    HapMap3 pairs become a small table that ships with a model. A position between two
    segments takes the offset of the nearer anchor; one further than `max_gap` from any
    anchor, or on another chromosome in GRCh38, is unknown (-1).
    """

    COLUMNS = ("chr", "start37", "end37", "offset")

    def __init__(self, chroms, start37, end37, offset, max_gap=1_000_000):
        order = np.lexsort((np.asarray(start37), np.asarray(chroms, dtype=object).astype(str)))
        self.chroms = np.asarray(chroms, dtype=object)[order]
        self.start37 = np.asarray(start37, dtype=np.int64)[order]
        self.end37 = np.asarray(end37, dtype=np.int64)[order]
        self.offset = np.asarray(offset, dtype=np.int64)[order]
        self.max_gap = max_gap

    @classmethod
    def from_pairs(cls, chroms37, pos37, chroms38, pos38) -> Liftover:
        c37, c38 = normalize_chroms(chroms37), normalize_chroms(chroms38)
        pos37 = np.asarray(pos37, dtype=np.int64)
        pos38 = np.asarray(pos38, dtype=np.int64)
        keep = (c37 == c38) & (c37 != None) & (pos37 > 0) & (pos38 > 0)
        c37, pos37, pos38 = c37[keep].astype(str), pos37[keep], pos38[keep]
        order = np.lexsort((pos37, c37))
        c37, pos37, offset = c37[order], pos37[order], (pos38 - pos37)[order]
        new_run = np.ones(len(c37), dtype=bool)
        new_run[1:] = (c37[1:] != c37[:-1]) | (offset[1:] != offset[:-1])
        starts = np.flatnonzero(new_run)
        ends = np.append(starts[1:], len(c37)) - 1
        return cls(c37[starts], pos37[starts], pos37[ends], offset[starts])

    @classmethod
    def from_hapmap3(cls, raw_dir) -> Liftover:
        """Learn the offsets from the HapMap3 lists of both builds, joined on rsid."""
        import pandas as pd

        ref = Path(raw_dir) / "snp_reference"
        cols = {"rsid": str, "#CHROM": str, "POS": np.int64}
        b37 = pd.read_csv(
            ref / "hapmap3_db150_hg19.snplist.gz", sep="\t", usecols=list(cols), dtype=cols
        )
        b38 = pd.read_csv(
            ref / "hapmap3_db151_hg38.snplist.gz", sep="\t", usecols=list(cols), dtype=cols
        )
        both = b37.merge(b38, on="rsid", suffixes=("_37", "_38"))
        return cls.from_pairs(both["#CHROM_37"], both["POS_37"], both["#CHROM_38"], both["POS_38"])

    def to_grch38(self, chroms, pos37) -> np.ndarray:
        chroms = normalize_chroms(chroms)
        pos = np.asarray(pos37, dtype=np.int64)
        out = np.full(len(pos), -1, dtype=np.int64)
        for chrom in np.unique(self.chroms):
            rows = np.flatnonzero((chroms == chrom) & (pos > 0))
            if not len(rows):
                continue
            seg = np.flatnonzero(self.chroms == chrom)
            starts, ends, offsets = self.start37[seg], self.end37[seg], self.offset[seg]
            p = pos[rows]
            i = np.clip(np.searchsorted(starts, p, side="right") - 1, 0, len(seg) - 1)
            j = np.clip(i + 1, 0, len(seg) - 1)
            dist_i = np.where(p > ends[i], p - ends[i], np.where(p < starts[i], starts[i] - p, 0))
            dist_j = np.abs(starts[j] - p)
            use_j = dist_j < dist_i
            nearest = np.where(use_j, j, i)
            dist = np.where(use_j, dist_j, dist_i)
            lifted = p + offsets[nearest]
            out[rows] = np.where(dist <= self.max_gap, lifted, -1)
        return out

    def save(self, path) -> None:
        with gzip.open(path, "wt") as handle:
            handle.write("\t".join(self.COLUMNS) + "\n")
            for row in zip(self.chroms, self.start37, self.end37, self.offset):
                handle.write("\t".join(str(v) for v in row) + "\n")

    @classmethod
    def load(cls, path) -> Liftover:
        import pandas as pd

        table = pd.read_csv(path, sep="\t", dtype={"chr": str})
        missing = set(cls.COLUMNS) - set(table.columns)
        if missing:
            raise ValueError(f"{path}: liftover table lacks columns {sorted(missing)}")
        return cls(table["chr"], table["start37"], table["end37"], table["offset"])


class GeneIndex:
    """Nearest gene to a GRCh38 position: a gene whose body contains it, else the closest body.

    Ties (overlapping genes) go to the closer transcription start site. Containment matters: an
    intronic lead SNP such as rs7903146 belongs to TCF7L2, not to a pseudogene with a closer TSS.
    """

    LOOKBACK = 64  # genes starting before a position that may still contain it
    CHUNK = 50_000

    def __init__(self, symbols, chroms, starts, ends, tss):
        chroms = normalize_chroms(chroms)
        keep = chroms != None
        symbols = np.asarray(symbols, dtype=object)[keep]
        starts = np.asarray(starts, dtype=np.int64)[keep]
        ends = np.asarray(ends, dtype=np.int64)[keep]
        tss = np.asarray(tss, dtype=np.int64)[keep]
        chroms = chroms[keep].astype(str)
        table_rows = np.flatnonzero(keep)
        self._by_chrom = {}
        self._rows_by_chrom = {}
        for chrom in np.unique(chroms):
            rows = np.flatnonzero(chroms == chrom)
            rows = rows[np.argsort(starts[rows], kind="stable")]
            self._by_chrom[chrom] = (starts[rows], ends[rows], tss[rows], symbols[rows])
            self._rows_by_chrom[chrom] = table_rows[rows]

    @classmethod
    def from_table(cls, table) -> GeneIndex:
        return cls(table["symbol"], table["chr"], table["start"], table["end"], table["tss"])

    def nearest(self, chroms, pos38) -> np.ndarray:
        chroms = normalize_chroms(chroms)
        pos = np.asarray(pos38, dtype=np.int64)
        out = np.full(len(pos), "", dtype=object)
        for chrom, genes in self._by_chrom.items():
            rows = np.flatnonzero((chroms == chrom) & (pos > 0))
            for lo in range(0, len(rows), self.CHUNK):
                chunk = rows[lo : lo + self.CHUNK]
                out[chunk] = self._nearest_on_chrom(genes, pos[chunk])
        return out

    def nearby(self, chroms, pos38, k: int, decay: float) -> tuple[np.ndarray, np.ndarray]:
        """The `k` genes nearest each position (rows of the table the index was built from, -1
        where fewer exist) and weights exp(-body distance / decay) that sum to 1 per position.

        A locus is more than its nearest gene: a lead SNP often acts through a gene further away,
        so the locus tower sees a distance-weighted mix of several. Distances are rounded to
        DISTANCE_STEP, so nearby positions share one locus feature (and one encoding).
        """
        chroms = normalize_chroms(chroms)
        pos = np.asarray(pos38, dtype=np.int64)
        rows = np.full((len(pos), k), -1, dtype=np.int64)
        weights = np.zeros((len(pos), k), dtype=np.float32)
        for chrom, genes in self._by_chrom.items():
            found = np.flatnonzero((chroms == chrom) & (pos > 0))
            for lo in range(0, len(found), self.CHUNK):
                chunk = found[lo : lo + self.CHUNK]
                index, distance = self._k_nearest_on_chrom(genes, pos[chunk], k)
                rows[chunk] = np.where(index >= 0, self._rows_by_chrom[chrom][index], -1)
                weights[chunk] = np.where(index >= 0, np.exp(-distance / decay), 0.0)
        total = weights.sum(axis=1, keepdims=True)
        return rows, np.divide(weights, total, out=np.zeros_like(weights), where=total > 0)

    def _k_nearest_on_chrom(self, genes, pos, k) -> tuple[np.ndarray, np.ndarray]:
        starts, ends, tss, _ = genes
        first = np.searchsorted(starts, pos, side="right")
        window = first[:, None] + np.arange(-self.LOOKBACK, k)[None, :]
        valid = (window >= 0) & (window < len(starts))
        window = np.clip(window, 0, len(starts) - 1)
        p = pos[:, None]
        body = np.maximum(np.maximum(starts[window] - p, p - ends[window]), 0)
        key = np.where(valid, body * (1 << 31) + np.abs(tss[window] - p), np.iinfo(np.int64).max)
        best = np.argsort(key, axis=1, kind="stable")[:, :k]
        taken = np.take_along_axis(valid, best, axis=1)
        index = np.where(taken, np.take_along_axis(window, best, axis=1), -1)
        distance = np.take_along_axis(body, best, axis=1)
        return index, (np.round(distance / DISTANCE_STEP) * DISTANCE_STEP).astype(np.float64)

    def _nearest_on_chrom(self, genes, pos) -> np.ndarray:
        starts, ends, tss, symbols = genes
        first = np.searchsorted(starts, pos, side="right")  # genes [first - LOOKBACK, first] matter
        window = first[:, None] + np.arange(-self.LOOKBACK, 1)[None, :]
        valid = (window >= 0) & (window < len(starts))
        window = np.clip(window, 0, len(starts) - 1)
        p = pos[:, None]
        body = np.maximum(np.maximum(starts[window] - p, p - ends[window]), 0)
        # rank by body distance, then TSS distance (both < 2^31, so one int64 key orders them)
        key = body * (1 << 31) + np.abs(tss[window] - p)
        key = np.where(valid, key, np.iinfo(np.int64).max)
        return symbols[window[np.arange(len(pos)), key.argmin(axis=1)]]


class LocusGenes:
    """The genes a locus tower reads around any position: the `k` nearest, their texts and
    distance weights (genome.GeneIndex.nearby), the same in training and in the runtime."""

    def __init__(self, genes, k: int, decay: float, style: str):
        """`genes`: a table with symbol, chr, start, end, tss and (optionally) name."""
        self.index = GeneIndex.from_table(genes)
        names = genes["name"] if "name" in genes else np.full(len(genes), "")
        self.texts = gene_texts(genes["symbol"], names, style)
        self.k, self.decay = k, decay

    def __call__(self, chroms, pos38) -> tuple[np.ndarray, np.ndarray]:
        """(texts [n, k], '' where no gene; weights float32 [n, k] summing to 1 per row)."""
        rows, weights = self.index.nearby(chroms, pos38, self.k, self.decay)
        texts = np.where(rows >= 0, self.texts[np.maximum(rows, 0)], "")
        return texts.astype(object), weights
