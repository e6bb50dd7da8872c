"""`pygenerel annotate-many FILES... --out-dir DIR`: many tables over Dask workers, a progress
line per table on stderr and a summary table on stdout; one failing table does not stop the rest."""

from __future__ import annotations

import contextlib
import importlib.util
import os
import time
from pathlib import Path

import click

from pygenerel.annotation.annotate import MAX_TOP_K
from pygenerel.annotation.cli import table_options
from pygenerel.errors import GenerelError


@click.command("annotate-many")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option(
    "--out-dir",
    required=True,
    type=click.Path(file_okay=False),
    help="Where <name>.generel.tsv.gz (.csv.gz, .parquet) and its .done marker go.",
)
@click.option("--scheduler", help="Address of a running Dask scheduler (e.g. tcp://node17:8786).")
@click.option(
    "--workers",
    type=click.IntRange(1, 4096),
    help="Start this many local worker processes [default: one per CPU, at most one per file].",
)
@click.option(
    "--trait", "traits", multiple=True, help="Add a similarity column for this trait (repeatable)."
)
@click.option(
    "--top-k", type=click.IntRange(1, MAX_TOP_K), help="Add the K most related concepts per SNP."
)
@click.option("--types", help="Concept types for --top-k, comma-separated.")
@click.option(
    "--p-threshold", type=float, help="Score only rows with P at or below this (others NA)."
)
@table_options
@click.option("--explain", is_flag=True, help="Add generel_<trait>_evidence per --trait.")
@click.option("-q", "--quiet", is_flag=True, help="No progress lines on stderr.")
def annotate_many(
    files,
    out_dir,
    scheduler,
    workers,
    traits,
    top_k,
    types,
    p_threshold,
    explain,
    quiet,
    **table_args,
):
    """Annotate many GWAS tables as Dask tasks, each as `pygenerel annotate` would, into DIR.

    Tables already annotated there with the same model and options are kept, so rerunning after
    an interruption finishes only what is left. Exit code 2 when any table failed.
    """
    if scheduler and workers:
        raise click.UsageError("give --scheduler or --workers, not both")
    if importlib.util.find_spec("distributed") is None:
        raise GenerelError("annotate-many needs Dask: pip install 'pygenerel[dask]'")
    from pygenerel.dask import FAILED, annotate_files

    start = time.monotonic()
    with _client(scheduler, workers or min(os.cpu_count() or 1, len(files))) as client:
        results = annotate_files(
            files,
            out_dir,
            traits,
            client=client,
            on_result=None if quiet else Progress(len(files)),
            top_k=top_k,
            types=types,
            p_threshold=p_threshold,
            explain=explain,
            **table_args,
        )
    click.echo(summary_table(results, time.monotonic() - start))
    failed = sum(r.status == FAILED for r in results)
    if failed:
        raise GenerelError(f"{failed} of {len(results)} tables failed (see the table above)")


@contextlib.contextmanager
def _client(scheduler, workers: int):
    """A client of the given scheduler, or of a local cluster of `workers` single-threaded
    processes (one model each; processes, not threads, scale the scoring)."""
    from distributed import Client, LocalCluster

    if scheduler:
        with Client(scheduler) as client:
            yield client
        return
    with (
        LocalCluster(
            n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=":0"
        ) as cluster,
        Client(cluster) as client,
    ):
        yield client


class Progress:
    """One line on stderr per finished table, with the run's rows/s and an estimate of the time
    left (from the tables annotated in this run)."""

    def __init__(self, total: int):
        self.total, self.finished, self.annotated, self.rows = total, 0, 0, 0
        self.start = time.monotonic()

    def __call__(self, result) -> None:
        from pygenerel.dask import DONE

        self.finished += 1
        line = f"[{self.finished}/{self.total}] {result.status:<12} {Path(result.path).name}"
        if result.error:
            line += f": {result.error}"
        elif result.status == DONE:
            self.annotated += 1
            self.rows += result.rows
            elapsed = time.monotonic() - self.start
            left = elapsed / self.annotated * (self.total - self.finished)
            line += (
                f": {result.rows:,} rows in {result.seconds:.1f} s; run {self.rows:,} rows, "
                f"{self.rows / max(elapsed, 1e-9):,.0f} rows/s, about {left:,.0f} s left"
            )
        click.echo(line, err=True)


def summary_table(results, seconds: float) -> str:
    """Per table: status, rows, rows matched and the error; then the totals."""
    from pygenerel.dask import DONE, EARLIER, FAILED

    header = ("table", "status", "rows", "matched", "error")
    rows = [
        (
            Path(r.path).name,
            r.status,
            "" if r.rows is None else f"{r.rows:,}",
            "" if r.matched is None else f"{r.matched:,} ({r.matched / max(r.rows, 1):.1%})",
            r.error or "",
        )
        for r in results
    ]
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(4)]
    lines = [
        "  ".join(
            [row[0].ljust(widths[0]), row[1].ljust(widths[1])]
            + [row[i].rjust(widths[i]) for i in (2, 3)]
            + [row[4]]
        ).rstrip()
        for row in [header, *rows]
    ]
    counts = {s: sum(r.status == s for r in results) for s in (DONE, EARLIER, FAILED)}
    annotated = sum(r.rows for r in results if r.status == DONE)
    lines.append(
        f"{len(results)} tables: {counts[DONE]} annotated, {counts[EARLIER]} done earlier, "
        f"{counts[FAILED]} failed; {annotated:,} rows in {seconds:.1f} s "
        f"({annotated / max(seconds, 1e-9):,.0f} rows/s)"
    )
    return "\n".join(lines)
