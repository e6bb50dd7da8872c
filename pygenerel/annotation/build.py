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
from pygenerel.builds import BUILDS, DEFAULT_BUILD

MIN_HITS = 3  # chance hits in the wrong build are rare (about 1 per 1,000 right-build hits)
MIXED_RATIO = 0.2  # the weaker build holding this share of the stronger one's hits: mixed


@dataclass
class BuildChoice:
    build: str
    reason: str
    evidence: bool = False  # True when the vocabulary hits, not a default, chose the build


def vocabulary_hits(model):
    """hits(chroms, positions, build) -> bool per row: is a vocabulary SNP at that position?"""
    return lambda chroms, positions, build: model.snps.by_position(chroms, positions, build) >= 0


def _evidence(hits, chroms, positions) -> tuple[dict, str]:
    """Per build, how many positions hit only that build's vocabulary positions, and a summary."""
    found = {build: np.asarray(hits(chroms, positions, build), dtype=bool) for build in BUILDS}
    only = {
        "GRCh37": int((found["GRCh37"] & ~found["GRCh38"]).sum()),
        "GRCh38": int((found["GRCh38"] & ~found["GRCh37"]).sum()),
    }
    described = (
        f"of {len(positions):,} positions, {only['GRCh37']:,} hit only GRCh37 and "
        f"{only['GRCh38']:,} only GRCh38 vocabulary positions"
    )
    return only, described


def infer_build(hits, chroms, positions, source: str = "input") -> BuildChoice:
    """The build whose vocabulary positions the table hits; an error if it clearly hits both.
    With too little evidence the choice says so (evidence=False): the caller decides whether the
    positions matter enough to ask the user.

    `hits` is vocabulary_hits(model) (or any function of that shape); chroms and positions are
    the located rows only.
    """
    if len(positions) == 0:
        return BuildChoice(DEFAULT_BUILD, "no positions to infer from")
    only, described = _evidence(hits, chroms, positions)
    best, other = sorted(BUILDS, key=lambda b: -only[b])
    if only[best] < MIN_HITS:
        return BuildChoice(DEFAULT_BUILD, f"too little evidence ({described})")
    if only[other] >= MIN_HITS and only[other] > MIXED_RATIO * only[best]:
        raise AnnotateError(
            f"{source}: positions look like a mix of builds ({described}); split the table or "
            "pass --build"
        )
    return BuildChoice(best, f"inferred: {described}", True)


def check_given_build(build: str, hits, chroms, positions, source: str = "input") -> BuildChoice:
    """A build the user gave, unless the positions clearly say otherwise (then an error naming
    the counts; --force-build keeps it anyway)."""
    only, described = _evidence(hits, chroms, positions)
    other = next(b for b in BUILDS if b != build)
    if only[other] >= MIN_HITS and only[build] <= MIXED_RATIO * only[other]:
        raise AnnotateError(
            f"{source}: --build {build} is contradicted by the positions ({described}); pass "
            f"--build {other}, or add --force-build to keep {build}"
        )
    return BuildChoice(build, f"given; {described}", only[build] >= MIN_HITS)
