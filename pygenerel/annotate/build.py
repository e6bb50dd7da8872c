"""Which genome build a table's positions are on, from how many of them hit the vocabulary in each.

A true GRCh37 table hits GRCh37 positions often and GRCh38 positions almost never (and the other way
round), so the share of hits decides; a table that hits both a lot mixes builds.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from pygenerel.annotate.errors import AnnotateError

BUILDS = ("GRCh37", "GRCh38")
DEFAULT = "GRCh38"
_NAMES = {"grch37": "GRCh37", "hg19": "GRCh37", "37": "GRCh37", "b37": "GRCh37",
          "grch38": "GRCh38", "hg38": "GRCh38", "38": "GRCh38", "b38": "GRCh38"}
MIN_HITS = 3  # chance hits in the wrong build are rare (vocabulary density ~1e-4 per base)
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
        raise AnnotateError(f"unknown build {name!r}: use auto, GRCh37 (hg19) or GRCh38 (hg38)")
    return _NAMES[key]


def infer_build(model, chroms, positions, source: str = "input") -> BuildChoice:
    """The build whose vocabulary positions the table hits; an error if it hits both."""
    located = (np.asarray(positions) > 0) & (np.asarray(chroms, dtype=object) != None)
    n = int(located.sum())
    if n == 0:
        return BuildChoice(DEFAULT, "no positions to infer from; positions would be read as GRCh38")
    shares = model.position_hits(np.asarray(chroms)[located], np.asarray(positions)[located])
    hits = {build: shares[build] * n for build in BUILDS}
    best, other = sorted(BUILDS, key=lambda b: -hits[b])
    described = ", ".join(f"{b} {shares[b]:.1%}" for b in BUILDS)
    if hits[best] < MIN_HITS:
        return BuildChoice(DEFAULT, f"too few of {n:,} positions hit the vocabulary ({described}); "
                                    f"assuming {DEFAULT}")
    if hits[other] >= MIN_HITS and hits[other] > MIXED_RATIO * hits[best]:
        raise AnnotateError(
            f"{source}: positions look like a mix of builds ({described} of {n:,} positions hit "
            "the vocabulary); split the table or pass --build"
        )
    return BuildChoice(best, f"inferred from {n:,} positions ({described} hit the vocabulary)", True)
