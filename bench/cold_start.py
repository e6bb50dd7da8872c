"""Cold start: subprocess wall time of `pygenerel similarity rs7903146 "type 2 diabetes"` with the
user cache as it is, and of a first `pygenerel neighbors` on a fresh install (an empty user
cache: nothing derived from the bundle yet), for a text, an rsid and a locus outside the
vocabulary (the last also embeds the bundle's gene symbols, once).

Compared with `python -c pass` (the interpreter alone), so the figure is what pygenerel adds.
Uses $PYGENEREL_MODEL or --model; the median of --runs runs is reported.

    .venv/bin/python bench/cold_start.py [--model BUNDLE] [--runs 5]
"""

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

COMMAND = ["similarity", "rs7903146", "type 2 diabetes"]
FIRST_NEIGHBORS = {
    "text": ["neighbors", "type 2 diabetes", "-k", "10"],
    "rsid": ["neighbors", "rs7903146", "-k", "10"],
    "locus": ["neighbors", "chr1:1000123", "-k", "10"],
}


def wall(cmd, env) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, env=env, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def fresh(cmd, env) -> float:
    """Wall time of `cmd` with a new, empty user cache."""
    with tempfile.TemporaryDirectory(prefix="generel-cold-") as cache:
        return wall(cmd, {**env, "PYGENEREL_CACHE_DIR": cache})


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--model", type=Path, default=os.environ.get("PYGENEREL_MODEL"))
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    env = dict(os.environ)
    if args.model:
        env["PYGENEREL_MODEL"] = str(args.model)
    cli = [sys.executable, "-m", "pygenerel.cli"]
    print(subprocess.run(cli + COMMAND, env=env, check=True, capture_output=True).stdout.decode())
    base = statistics.median(wall([sys.executable, "-c", "pass"], env) for _ in range(args.runs))
    full = statistics.median(wall(cli + COMMAND, env) for _ in range(args.runs))
    print(
        f"python -c pass: {base:.2f} s; pygenerel similarity: {full:.2f} s "
        f"({full - base:.2f} s added, {full / base:.1f}x the bare interpreter); "
        f"median of {args.runs}"
    )
    for label, command in FIRST_NEIGHBORS.items():
        first = statistics.median(fresh(cli + command, env) for _ in range(args.runs))
        print(
            f"first `pygenerel {' '.join(command)}` on a fresh install ({label}): {first:.2f} s; "
            f"median of {args.runs}"
        )


if __name__ == "__main__":
    main()
