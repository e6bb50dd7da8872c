"""How much slower is `pygenerel annotate --trait ...` than just reading the table with pyarrow?

Builds a GWAS-like table of N rows (default 1M) from the HapMap3 GRCh38 SNP list with simulated
P values, then times pyarrow's plain read of it (in this process, and as a fresh process so
interpreter start-up counts on both sides; the median of READ_RUNS runs, as a read of well under a
second varies by 2x between runs) and, once each, the annotate subprocess, whose peak RSS comes
from the kernel (wait4), with --trait, with --p-threshold and with --top-k 5. Prints the figures
and the ratios. Targets: trait-only within 4x the read, --top-k 5 within 3x trait-only.

    .venv/bin/python bench/annotate_vs_read.py [--rows 1000000] [--model BUNDLE] [--out-ext .tsv.gz]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv

ROOT = Path(__file__).resolve().parents[1]
RAW = Path(os.environ.get("PYGENEREL_RAW", ROOT.parent / "shared" / "data" / "raw"))
READ_RUNS = 5
READ = "import pyarrow.csv as c, sys; c.read_csv(sys.argv[1], parse_options=c.ParseOptions(delimiter='\\t'))"


def make_table(rows: int, path: Path, seed: int = 0) -> Path:
    """SNP, CHR, BP, A1, A2, BETA, SE, P from the HapMap3 hg38 list; P uniform, 0.1% below 1e-8."""
    snps = pacsv.read_csv(
        RAW / "snp_reference" / "hapmap3_db151_hg38.snplist.gz",
        parse_options=pacsv.ParseOptions(delimiter="\t"),
    ).slice(0, rows)
    rng = np.random.default_rng(seed)
    n = snps.num_rows
    p = rng.random(n) * np.where(rng.random(n) < 0.001, 1e-8, 1.0)  # 0.1% genome-wide hits
    se = rng.uniform(0.005, 0.05, n)
    table = pa.table(
        {
            "SNP": snps["rsid"],
            "CHR": snps["#CHROM"],
            "BP": snps["POS"],
            "A1": snps["A1"],
            "A2": snps["A2"],
            "BETA": np.round(rng.standard_normal(n) * se, 5),
            "SE": np.round(se, 5),
            "P": pa.array(p).cast(pa.string()),
        }
    )
    with pa.CompressedOutputStream(str(path), "gzip") as sink:
        pacsv.write_csv(
            table,
            sink,
            pacsv.WriteOptions(delimiter="\t", quoting_style="none", quoting_header="none"),
        )
    return path


def run_measured(command: list[str]) -> tuple[float, float]:
    """(wall seconds, peak RSS in MiB) of one subprocess (RSS from wait4's rusage); exits on failure."""
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - start
    stderr = process.stderr.read().decode()
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"command failed: {' '.join(command)}\n{stderr}")
    sys.stderr.write(stderr)
    return wall, usage.ru_maxrss / 1024


def default_model() -> str:
    from pygenerel.runtime import BundleError, resolve_model

    try:
        return str(resolve_model()[0])
    except BundleError:
        bundles = sorted(
            (ROOT / ".cache").glob("test-tiny-bundle-*/manifest.json"), key=os.path.getmtime
        )
        if not bundles:
            sys.exit("no model: pass --model, set PYGENEREL_MODEL, or build the tiny test bundle")
        return str(bundles[-1].parent)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--model", default=None)
    parser.add_argument("--trait", default="type 2 diabetes")
    parser.add_argument("--out-ext", default=".tsv.gz", help="output format of annotate")
    parser.add_argument("--workdir", default=None, help="keep the generated table here")
    args = parser.parse_args()
    model = args.model or default_model()
    work = Path(args.workdir or tempfile.mkdtemp(prefix="generel-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    table = work / f"hapmap3_{args.rows}.tsv.gz"
    if not table.exists():
        make_table(args.rows, table)
    out = work / f"annotated{args.out_ext}"

    in_process = []
    for _ in range(READ_RUNS):
        start = time.perf_counter()
        rows = pacsv.read_csv(table, parse_options=pacsv.ParseOptions(delimiter="\t")).num_rows
        in_process.append(time.perf_counter() - start)
    fresh = [run_measured([sys.executable, "-c", READ, str(table)]) for _ in range(READ_RUNS)]
    read_in_process = float(np.median(in_process))
    read_process, read_rss = float(np.median([t for t, _ in fresh])), max(r for _, r in fresh)
    command = [
        sys.executable,
        "-m",
        "pygenerel.cli",
        "annotate",
        str(table),
        "--trait",
        args.trait,
        "-o",
        str(out),
        "--model",
        model,
    ]
    annotate, rss = run_measured(command)
    filtered, filtered_rss = run_measured(command + ["--p-threshold", "5e-8", "-q"])
    top, top_rss = run_measured(command + ["--top-k", "5", "-q"])
    written = (
        pacsv.open_csv(out, parse_options=pacsv.ParseOptions(delimiter="\t"))
        if args.out_ext != ".parquet"
        else None
    )
    out_rows = (
        sum(b.num_rows for b in written)
        if written
        else __import__("pyarrow.parquet").parquet.ParquetFile(out).metadata.num_rows
    )
    print(
        f"table: {rows:,} rows, {table.stat().st_size / 2**20:.1f} MiB gzip TSV; output {out.name} "
        f"{out_rows:,} rows; model {Path(model).name}; cpus {os.cpu_count()}"
    )
    spread = f"{min(t for t, _ in fresh):.2f}-{max(t for t, _ in fresh):.2f}"
    print(f"pyarrow read, in process:      {read_in_process:6.2f} s  (median of {READ_RUNS})")
    print(
        f"pyarrow read, fresh process:   {read_process:6.2f} s  (median of {READ_RUNS}, {spread} s; "
        f"peak RSS {read_rss:,.0f} MiB)"
    )
    print(f"pygenerel annotate --trait:    {annotate:6.2f} s  (peak RSS {rss:,.0f} MiB)")
    print(
        f"  ... with --p-threshold 5e-8: {filtered:6.2f} s  (peak RSS {filtered_rss:,.0f} MiB; "
        "every row read, parsed and written, only the hits embedded)"
    )
    print(f"  ... with --top-k 5:          {top:6.2f} s  (peak RSS {top_rss:,.0f} MiB)")
    print(
        f"ratio annotate / read (process vs process): {annotate / read_process:.2f}x "
        f"(with --p-threshold: {filtered / read_process:.2f}x)"
    )
    print(
        f"ratio annotate / read (in-process read):    {annotate / read_in_process:.2f}x "
        f"(with --p-threshold: {filtered / read_in_process:.2f}x)"
    )
    print(f"ratio --top-k 5 / trait only: {top / annotate:.2f}x")
    if out_rows != rows:
        sys.exit(f"annotate wrote {out_rows} rows for {rows}")


if __name__ == "__main__":
    main()
