"""Genome builds, written once for every entry point: their names, and chromosome lengths.

Light on purpose (numpy only): the torch-free runtime, the annotator and the R bridge all parse
`--build` / `build=` here.
"""

from __future__ import annotations

import numpy as np

from pygenerel.errors import InputError, shown
from pygenerel.genome import CHROMOSOMES, GRCH38_LENGTHS, chrom_codes

BUILDS = ("GRCh37", "GRCh38")
DEFAULT_BUILD = "GRCh38"
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


def normalize_build(name: str) -> str:
    """'auto', 'GRCh37'/'hg19'/'37' or 'GRCh38'/'hg38'/'38' -> 'auto', 'GRCh37' or 'GRCh38'."""
    key = str(name).strip().lower()
    if key == "auto":
        return "auto"
    if key not in _NAMES:
        raise InputError(f"unknown build {shown(name)}: use auto, GRCh37 (hg19) or GRCh38 (hg38)")
    return _NAMES[key]


def check_build(build) -> str:
    """GRCh37 or GRCh38 (not "auto"): a build for positions given outside a table."""
    try:
        name = normalize_build(build)
    except InputError:
        name = None
    if name not in BUILDS:
        raise InputError(f"build must be GRCh37 (hg19) or GRCh38 (hg38), got {shown(build)}")
    return name


def past_chromosome_end(chroms, positions, build: str) -> np.ndarray:
    """True where a position lies beyond its chromosome's end in `build` (a wrong build or a
    corrupt value; such a position must not be scored)."""
    lengths = CHROM_LENGTHS[build]
    ends = np.array([*(lengths[c] for c in CHROMOSOMES), np.iinfo(np.int64).max], dtype=np.int64)
    return np.asarray(positions, dtype=np.int64) > ends[chrom_codes(chroms)]  # -1: no chromosome
