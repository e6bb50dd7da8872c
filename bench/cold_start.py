"""Cold start of `pygenerel similarity rs7903146 "type 2 diabetes"`: subprocess wall time.

Compared with `python -c pass` (the interpreter alone), so the figure is what pygenerel adds.
Uses $PYGENEREL_MODEL or --model; the median of --runs runs is reported.

    .venv/bin/python bench/cold_start.py [--model BUNDLE] [--runs 5]
"""

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

COMMAND = ["similarity", "rs7903146", "type 2 diabetes"]


def wall(cmd, env) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, env=env, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--model", type=Path, default=os.environ.get("PYGENEREL_MODEL"))
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    env = dict(os.environ)
    if args.model:
        env["PYGENEREL_MODEL"] = str(args.model)
    cli = [sys.executable, "-m", "pygenerel.cli", *COMMAND]
    print(subprocess.run(cli, env=env, check=True, capture_output=True, text=True).stdout.strip())
    base = statistics.median(wall([sys.executable, "-c", "pass"], env) for _ in range(args.runs))
    full = statistics.median(wall(cli, env) for _ in range(args.runs))
    print(
        f"python -c pass: {base:.2f} s; pygenerel similarity: {full:.2f} s "
        f"({full - base:.2f} s added, {full / base:.1f}x the bare interpreter); "
        f"median of {args.runs}"
    )


if __name__ == "__main__":
    main()
