"""Genome coordinates shared by training and the torch-free runtime (numpy only).

Training and inference must derive a SNP's locus features identically, so chromosome naming,
position bins, GRCh37->GRCh38 conversion and the nearest-gene lookup live here, once.
"""

from __future__ import annotations

import gzip
from pathlib import Path

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

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
_CHROM_CODE = {chrom: i for i, chrom in enumerate(CHROMOSOMES)}
_CHROM_NAMES = np.array([*CHROMOSOMES, None], dtype=object)  # code -1 (not a chromosome): None
_LENGTHS = np.array([*(GRCH38_LENGTHS[c] for c in CHROMOSOMES), 0], dtype=np.int64)


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
    return _CHROM_NAMES[chrom_codes(values)]


def chrom_codes(values) -> np.ndarray:
    """Each value's index in CHROMOSOMES (normalize_chrom's reading), -1 if not a chromosome;
    integers index lookup tables, where comparing strings per chromosome would be slow."""
    import pandas as pd

    inverse, uniques = pd.factorize(np.asarray(values, dtype=object).reshape(-1))  # NaN, None: -1
    codes = [_CHROM_CODE.get(normalize_chrom(u), -1) for u in uniques]
    return np.append(np.array(codes, dtype=np.int64), -1)[inverse]


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
        self._offsets = []  # per scale, the first bin of each chromosome in CHROMOSOMES order
        self.sizes = []
        for scale in self.scales:
            counts = [GRCH38_LENGTHS[chrom] // scale + 1 for chrom in CHROMOSOMES]
            self._offsets.append(1 + np.concatenate([[0], np.cumsum(counts)[:-1]]))
            self.sizes.append(1 + sum(counts))

    def bins(self, chroms, pos38) -> np.ndarray:
        codes = chrom_codes(chroms)
        pos = np.asarray(pos38, dtype=np.int64)
        known = (codes >= 0) & (pos > 0)
        clipped = np.minimum(pos, _LENGTHS[codes])
        out = np.zeros((len(pos), len(self.scales)), dtype=np.int64)
        for k, scale in enumerate(self.scales):
            out[:, k] = np.where(known, self._offsets[k][codes] + clipped // scale, 0)
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
    NEAR = 8  # of those, the ones every position looks at (see _k_nearest_on_chrom)
    CHUNK = 8_192  # positions per pass: the [CHUNK, LOOKBACK + k] windows stay in cache
    _PAD = 3 << 30  # start, end and TSS of the padding around each chromosome's genes
    _PADDED = 1 << 62  # any key at least this large is padding, never a gene

    def __init__(self, symbols, chroms, starts, ends, tss):
        chroms = normalize_chroms(chroms)
        keep = chroms != None
        self._symbols = np.asarray(symbols, dtype=object)  # by table row
        starts = np.asarray(starts, dtype=np.int64)[keep]
        ends = np.asarray(ends, dtype=np.int64)[keep]
        tss = np.asarray(tss, dtype=np.int64)[keep]
        chroms = chroms[keep].astype(str)
        table_rows = np.flatnonzero(keep)
        self._by_chrom = {}
        self._rows_by_chrom = {}
        pad = np.full(self.LOOKBACK, self._PAD, dtype=np.int64)
        for chrom in np.unique(chroms):
            rows = np.flatnonzero(chroms == chrom)
            rows = rows[np.argsort(starts[rows], kind="stable")]
            # padded with LOOKBACK dummies each side, so every window is a slice (padding keys
            # exceed any gene's: a window running off either end just has fewer genes)
            padded = [np.concatenate([pad, a[rows], pad]) for a in (starts, ends, tss)]
            # per `first`, the latest end among the genes NEAR..LOOKBACK before it (-1: none)
            ends_before = np.concatenate([np.full(self.LOOKBACK, -1), ends[rows]])
            far = sliding_window_view(ends_before, self.LOOKBACK - self.NEAR).max(axis=1)
            self._by_chrom[chrom] = (starts[rows], *padded, far)
            self._rows_by_chrom[chrom] = table_rows[rows]

    @classmethod
    def from_table(cls, table) -> GeneIndex:
        return cls(table["symbol"], table["chr"], table["start"], table["end"], table["tss"])

    def nearest(self, chroms, pos38) -> np.ndarray:
        rows, _ = self._k_nearest(chroms, pos38, 1)
        return np.where(rows[:, 0] >= 0, self._symbols[rows[:, 0]], "")

    def nearby(self, chroms, pos38, k: int, decay: float) -> tuple[np.ndarray, np.ndarray]:
        """The `k` genes nearest each position (rows of the table the index was built from, -1
        where fewer exist) and weights exp(-body distance / decay) that sum to 1 per position.

        A locus is more than its nearest gene: a lead SNP often acts through a gene further away,
        so the locus tower sees a distance-weighted mix of several. Distances are rounded to
        DISTANCE_STEP, so nearby positions share one locus feature (and one encoding).
        """
        rows, distance = self._k_nearest(chroms, pos38, k)
        weights = np.where(rows >= 0, np.exp(-distance / decay), 0.0).astype(np.float32)
        total = weights.sum(axis=1, keepdims=True)
        return rows, np.divide(weights, total, out=np.zeros_like(weights), where=total > 0)

    def _k_nearest(self, chroms, pos38, k: int) -> tuple[np.ndarray, np.ndarray]:
        """(table rows of the k nearest genes, -1 where fewer; their body distances rounded to
        DISTANCE_STEP), one chromosome and CHUNK positions at a time."""
        if not 0 < k <= self.LOOKBACK:
            raise ValueError(f"k must be 1..{self.LOOKBACK}, got {k}")
        codes = chrom_codes(chroms)
        pos = np.asarray(pos38, dtype=np.int64)
        rows = np.full((len(pos), k), -1, dtype=np.int64)
        distance = np.zeros((len(pos), k), dtype=np.float64)
        located = np.flatnonzero((codes >= 0) & (pos > 0))
        located = located[np.argsort(codes[located], kind="stable")]
        bounds = np.searchsorted(codes[located], np.arange(len(CHROMOSOMES) + 1))
        for code, chrom in enumerate(CHROMOSOMES):
            if chrom not in self._by_chrom:
                continue
            found = located[bounds[code] : bounds[code + 1]]
            for lo in range(0, len(found), self.CHUNK):
                chunk = found[lo : lo + self.CHUNK]
                index, distance[chunk] = self._k_nearest_on_chrom(
                    self._by_chrom[chrom], pos[chunk], k
                )
                rows[chunk] = np.where(index >= 0, self._rows_by_chrom[chrom][index], -1)
        return rows, distance

    def _k_nearest_on_chrom(self, genes, pos, k) -> tuple[np.ndarray, np.ndarray]:
        """The k best genes in [first - LOOKBACK, first + k), first the first gene starting after
        the position: smallest body distance, then TSS distance, then gene order.

        Most windows are settled by their last NEAR genes before the position: one starting
        further back can only be among the k best if its end reaches within the k-th best body
        distance of the position, and only those positions scan the whole window."""
        starts, _, _, _, far_ends = genes
        first = np.searchsorted(starts, pos, side="right")
        index, body = self._best_in_window(genes, pos, first, self.NEAR, k)
        wide = np.flatnonzero(far_ends[first] >= pos - body[:, -1])
        if len(wide):
            index[wide], body[wide] = self._best_in_window(
                genes, pos[wide], first[wide], self.LOOKBACK, k
            )
        return index, (np.round(body / DISTANCE_STEP) * DISTANCE_STEP).astype(np.float64)

    def _best_in_window(self, genes, pos, first, lookback, k) -> tuple[np.ndarray, np.ndarray]:
        """(index of each of the k best genes in [first - lookback, first + k), -1 where fewer;
        their body distances, padding's where fewer)."""
        _, padded_starts, padded_ends, padded_tss, _ = genes
        width = lookback + k
        at = first + self.LOOKBACK - lookback  # padded index = index + LOOKBACK
        p = pos[:, None]
        body = sliding_window_view(padded_starts, width)[at] - p
        np.maximum(body, p - sliding_window_view(padded_ends, width)[at], out=body)
        np.maximum(body, 0, out=body)
        # one int64 key orders by body distance, then TSS distance (both < 2^31)
        key = body << 31
        tss = sliding_window_view(padded_tss, width)[at] - p
        key += np.abs(tss, out=tss)
        index = np.empty((len(pos), k), dtype=np.int64)
        best_body = np.empty((len(pos), k), dtype=np.int64)
        rows = np.arange(len(pos))
        for j in range(k):  # argmin takes the first of equal keys: gene order breaks ties
            best = key.argmin(axis=1)
            genuine = key[rows, best] < self._PADDED
            index[:, j] = np.where(genuine, first + best - lookback, -1)
            best_body[:, j] = body[rows, best]
            key[rows, best] = np.iinfo(np.int64).max
        return index, best_body


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
