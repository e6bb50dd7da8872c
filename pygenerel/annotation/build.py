"""Which genome build a table's positions are on, from how many of them hit the vocabulary in each.

A GRCh37 table hits GRCh37 vocabulary positions often and GRCh38 ones almost never, and the other
way round. Positions that hit in both builds carry no evidence: the starts of several chromosomes
(chr9 up to ~12 Mb, chr11p15.5, ...) have the same coordinates in both, so only rows that hit
exactly one build are counted. A table with many rows of each kind mixes builds.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from pygenerel.annotation.errors import AnnotateError
from pygenerel.errors import shown
from pygenerel.genome import GRCH38_LENGTHS

BUILDS = ("GRCh37", "GRCh38")
DEFAULT = "GRCh38"
_NAMES = {
    "grch37": "GRCh37",
    "hg19": "GRCh37",
    "37": "GRCh37",
    "b37": "GRCh37",
    "grch38": "GRCh38",
    "hg38": "GRCh38",
    "38": "GRCh38",
    "b38": "GRCh38",
}
GRCH37_LENGTHS = {
    "1": 249_250_621,
    "2": 243_199_373,
    "3": 198_022_430,
    "4": 191_154_276,
    "5": 180_915_260,
    "6": 171_115_067,
    "7": 159_138_663,
    "8": 146_364_022,
    "9": 141_213_431,
    "10": 135_534_747,
    "11": 135_006_516,
    "12": 133_851_895,
    "13": 115_169_878,
    "14": 107_349_540,
    "15": 102_531_392,
    "16": 90_354_753,
    "17": 81_195_210,
    "18": 78_077_248,
    "19": 59_128_983,
    "20": 63_025_520,
    "21": 48_129_895,
    "22": 51_304_566,
    "X": 155_270_560,
    "Y": 59_373_566,
    "MT": 16_569,
}
CHROM_LENGTHS = {"GRCh37": GRCH37_LENGTHS, "GRCh38": GRCH38_LENGTHS}
MIN_HITS = 3  # chance hits in the wrong build are rare (about 1 per 1,000 right-build hits)
MIXED_RATIO = 0.2  # the weaker build holding this share of the stronger one's hits: mixed


@dataclass
class BuildChoice:
    build: str
    reason: str
    evidence: bool = False  # True when the vocabulary hits, not a default, chose the build


def normalize_build(name: str) -> str:
    """'auto', 'GRCh37'/'hg19'/'37' or 'GRCh38'/'hg38'/'38' -> 'auto', 'GRCh37' or 'GRCh38'."""
    key = str(name).strip().lower()
    if key == "auto":
        return "auto"
    if key not in _NAMES:
        raise AnnotateError(
            f"unknown build {shown(name)}: use auto, GRCh37 (hg19) or GRCh38 (hg38)"
        )
    return _NAMES[key]


def past_chromosome_end(chroms, positions, build: str) -> np.ndarray:
    """True where a position lies beyond its chromosome's end in `build` (a wrong build or a
    corrupt value; such a position must not be scored)."""
    lengths = CHROM_LENGTHS[build]
    ends = np.array([lengths.get(c, np.iinfo(np.int64).max) for c in chroms], dtype=np.int64)
    return np.asarray(positions, dtype=np.int64) > ends


def vocabulary_hits(model):
    """hits(chroms, positions, build) -> bool per row: is a vocabulary SNP at that position?"""
    return lambda chroms, positions, build: model.snps.by_position(chroms, positions, build) >= 0


def infer_build(hits, chroms, positions, source: str = "input") -> BuildChoice:
    """The build whose vocabulary positions the table hits; an error if it clearly hits both.

    `hits` is vocabulary_hits(model) (or any function of that shape); chroms and positions are
    the located rows only.
    """
    n = len(positions)
    if n == 0:
        return BuildChoice(DEFAULT, "no positions to infer from; positions would be read as GRCh38")
    found = {build: np.asarray(hits(chroms, positions, build), dtype=bool) for build in BUILDS}
    only = {
        "GRCh37": int((found["GRCh37"] & ~found["GRCh38"]).sum()),
        "GRCh38": int((found["GRCh38"] & ~found["GRCh37"]).sum()),
    }
    best, other = sorted(BUILDS, key=lambda b: -only[b])
    described = (
        f"of {n:,} positions, {only['GRCh37']:,} hit only GRCh37 and {only['GRCh38']:,} "
        "only GRCh38 vocabulary positions"
    )
    if only[best] < MIN_HITS:
        return BuildChoice(DEFAULT, f"too little evidence ({described}); assuming {DEFAULT}")
    if only[other] >= MIN_HITS and only[other] > MIXED_RATIO * only[best]:
        raise AnnotateError(
            f"{source}: positions look like a mix of builds ({described}); split the table or "
            "pass --build"
        )
    return BuildChoice(best, f"inferred: {described}", True)
