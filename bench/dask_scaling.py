"""How does `annotate_files` scale with Dask workers on this machine, and what does that predict
for a biobank PheWAS (1,000 tables of 10M rows)?

Writes --tables GWAS-like tables of --rows rows each (HapMap3 GRCh38 SNPs, simulated P; see
annotate_vs_read.make_table). For each worker count it starts a LocalCluster of single-threaded
worker processes, warms every worker (model load and first-table set-up: a one-off cost, timed
apart) and times annotate_files over all tables into a fresh directory. Prints rows/s, speed-up
and efficiency per worker count, the workers' peak RSS, and the extrapolation.

    .venv/bin/python bench/dask_scaling.py [--tables 4] [--rows 1000000] [--workers 1,2]
        [--trait "type 2 diabetes"] [--model BUNDLE] [--workdir DIR]
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd
from annotate_vs_read import make_table
from distributed import Client, LocalCluster

from pygenerel.annotation import annotate
from pygenerel.dask import DONE, annotate_files, bundle_path, worker_model

PHEWAS_TABLES, PHEWAS_ROWS = 1_000, 10_000_000


def warm(bundle: str, trait: str) -> None:
    """Load the model and build what its first table would (vectors from the user cache, the
    percentile reference): a one-off cost per worker, kept out of the rows/s."""
    annotate(pd.DataFrame({"SNP": ["rs7903146"]}), [trait], model=worker_model(bundle))


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def cpu_seconds() -> float:
    """CPU time of this process, all its threads (reading, scoring, gzip) together."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def run(workers: int, tables: list[Path], out: Path, bundle: str, trait: str) -> dict:
    shutil.rmtree(out, ignore_errors=True)  # a kept output would be skipped, not timed
    with (
        LocalCluster(
            n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=":0"
        ) as cluster,
        Client(cluster) as client,
    ):
        start = time.perf_counter()
        client.run(warm, bundle, trait)
        warmed = time.perf_counter() - start
        cpu, load, start = client.run(cpu_seconds), os.getloadavg()[0], time.perf_counter()
        results = annotate_files(tables, out, [trait], client=client, model=bundle)
        seconds = time.perf_counter() - start
        cpu = sum(client.run(cpu_seconds).values()) - sum(cpu.values())
        rss = max(client.run(peak_rss_mib).values())
    failed = [r for r in results if r.status != DONE]
    if failed:
        sys.exit(f"{len(failed)} tables not annotated: {failed[0].error}")
    rows = sum(r.rows for r in results)
    return {
        "workers": workers,
        "rows": rows,
        "seconds": seconds,
        "cpu": cpu,
        "load": load,
        "warm": warmed,
        "rss": rss,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tables", type=int, default=4)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--workers", default="1,2", help="worker counts to time, comma-separated")
    parser.add_argument("--trait", default="type 2 diabetes")
    parser.add_argument("--model", default=None)
    parser.add_argument("--workdir", default=None, help="keep the generated tables here")
    args = parser.parse_args()
    bundle = bundle_path(args.model)  # default: $PYGENEREL_MODEL or the shipped model
    work = Path(args.workdir or tempfile.mkdtemp(prefix="generel-dask-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    tables = []
    for i in range(args.tables):
        tables.append(work / f"gwas_{i}_{args.rows}.tsv.gz")
        if not tables[-1].exists():
            make_table(args.rows, tables[-1], seed=i)
    warm(bundle, args.trait)  # fills the user cache once: no worker computes derived vectors

    runs = [
        run(n, tables, work / f"out_{n}_workers", bundle, args.trait)
        for n in map(int, args.workers.split(","))
    ]
    base = runs[0]["rows"] / runs[0]["seconds"] / runs[0]["workers"]  # rows/s per worker
    print(
        f"{args.tables} tables x {args.rows:,} rows (gzip TSV, --trait), model "
        f"{Path(bundle).name}; {os.cpu_count()} CPUs; single-threaded worker processes"
    )
    print(
        "| workers | rows/s | speed-up | efficiency | rows per worker CPU-second | "
        "load before | model load per worker | peak RSS/worker |"
    )
    print("|---|---|---|---|---|---|---|---|")
    for r in runs:
        rate = r["rows"] / r["seconds"]
        print(
            f"| {r['workers']} | {rate:,.0f} | {rate / (base * runs[0]['workers']):.2f}x | "
            f"{rate / (base * r['workers']):.0%} | {r['rows'] / r['cpu']:,.0f} | {r['load']:.1f} | "
            f"{r['warm']:.1f} s | {r['rss']:,.0f} MiB |"
        )
    total = PHEWAS_TABLES * PHEWAS_ROWS
    best = runs[-1]
    rate = best["rows"] / best["seconds"]
    per_core = best["rows"] / best["cpu"]  # a worker on a core of its own runs about this fast
    core_hours = total / per_core / 3600
    print(
        f"\n{PHEWAS_TABLES:,} tables x {PHEWAS_ROWS:,} rows = {total:,} rows: "
        f"{total / rate / 3600:,.1f} h on this machine at {rate:,.0f} rows/s; "
        f"{core_hours:,.0f} core-hours at {per_core:,.0f} rows per CPU-second, so about "
        f"{core_hours / 100:,.1f} h on 100 single-core workers and {core_hours / 500:,.1f} h on "
        f"500 (the {PHEWAS_TABLES:,} tables are {PHEWAS_TABLES:,} tasks: up to that many workers)"
    )


if __name__ == "__main__":
    main()
