"""Where each known rsid lies in both builds, so that a table naming its variants by rsid alone
can still be placed: an rsid outside the SNP vocabulary is then embedded from its locus.

Each source gives positions in the builds it knows. Per build, the first source in SOURCES that
places an rsid wins: HapMap3 and GTEx use the newest dbSNP, and the sources disagree on only a
handful of the rsids they share (indels). A build that no source gives is filled by liftover
from the other, or left at -1.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from pygenerel.builds import BUILDS
from pygenerel.genome import Liftover
from pygenerel.runtime.positions import rsid_numbers

from . import readers
from .rawfiles import RawDir

SOURCES = ("hapmap3", "gtex", "pgrm", "gwas")


def rsid_positions(raw: RawDir) -> tuple[pd.DataFrame, dict]:
    """The rsid_positions table (rsid, chr, pos_grch37, pos_grch38 (-1 unknown), sources:
    `|`-joined) for every rsid with a position in any source, sorted by rsid number, and a
    report of its counts."""
    hapmap = {build: readers.read_hapmap3(raw, build) for build in BUILDS}
    found = pd.concat(
        [
            *(frame.assign(build=build, source="hapmap3") for build, frame in hapmap.items()),
            readers.read_gtex_positions(raw).assign(build="GRCh38", source="gtex"),
            readers.read_pgrm_positions(raw).assign(source="pgrm"),
            readers.read_gwas_positions(raw).assign(build="GRCh38", source="gwas"),
        ],
        ignore_index=True,
    )[["rsid", "chr", "pos", "build", "source"]]
    rank = found["source"].map(SOURCES.index).to_numpy()
    key, rsids = pd.factorize(found["rsid"])
    known = np.zeros(len(rsids), dtype=np.int64)  # bit i: SOURCES[i] places the rsid
    np.bitwise_or.at(known, key, 1 << rank)
    names = {m: "|".join(s for i, s in enumerate(SOURCES) if m >> i & 1) for m in np.unique(known)}

    chrom, pos = {}, {}
    best = found.assign(key=key, rank=rank).sort_values("rank", kind="stable")
    for build in BUILDS:
        first = best[best["build"] == build].drop_duplicates("key")
        chrom[build] = np.full(len(rsids), None, dtype=object)
        chrom[build][first["key"].to_numpy()] = first["chr"].to_numpy(dtype=object)
        pos[build] = np.full(len(rsids), -1, dtype=np.int64)
        pos[build][first["key"].to_numpy()] = first["pos"].to_numpy()
    chroms = np.where(pd.notna(chrom["GRCh38"]), chrom["GRCh38"], chrom["GRCh37"])
    pos["GRCh37"][chrom["GRCh37"] != chroms] = -1  # moved to another chromosome: unreliable

    # Liftover maps its first build onto the second, so learned the other way round it lifts
    # GRCh38 -> GRCh37; both come from the HapMap3 pairs, like the corpus's liftover.tsv.gz.
    pairs = hapmap["GRCh37"].merge(hapmap["GRCh38"], on="rsid", suffixes=("37", "38"))
    lifted = {}
    for target, source in (("GRCh38", "GRCh37"), ("GRCh37", "GRCh38")):
        a, b = source[-2:], target[-2:]
        lift = Liftover.from_pairs(
            pairs[f"chr{a}"], pairs[f"pos{a}"], pairs[f"chr{b}"], pairs[f"pos{b}"]
        )
        rows = np.flatnonzero((pos[target] < 0) & (pos[source] > 0))
        pos[target][rows] = lift.to_grch38(chroms[rows], pos[source][rows])
        lifted[target] = {"tried": len(rows), "lifted": int((pos[target][rows] > 0).sum())}
    table = pd.DataFrame(
        {
            "rsid": np.asarray(rsids, dtype=object),
            "chr": chroms,
            "pos_grch37": pos["GRCh37"],
            "pos_grch38": pos["GRCh38"],
            "sources": pd.Series(known).map(names).to_numpy(dtype=object),
        }
    )
    table = table.iloc[np.argsort(rsid_numbers(table["rsid"]), kind="stable")]
    return table.reset_index(drop=True), _report(table, known, lifted)


def _report(table: pd.DataFrame, known: np.ndarray, lifted: dict) -> dict:
    return {
        "n": len(table),
        "by_source": {s: int((known >> i & 1).sum()) for i, s in enumerate(SOURCES)},
        "only_source": {s: int((known == 1 << i).sum()) for i, s in enumerate(SOURCES)},
        "both_builds": int(((table["pos_grch37"] > 0) & (table["pos_grch38"] > 0)).sum()),
        "without_grch37": int((table["pos_grch37"] < 0).sum()),
        "without_grch38": int((table["pos_grch38"] < 0).sum()),
        "lifted": lifted,
    }
