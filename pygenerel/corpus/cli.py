"""`pygenerel corpus build`: build the training corpus and print its summary."""

import json
import time
from pathlib import Path

import click


@click.group()
def corpus():
    """Build the training corpus from raw sources."""


@corpus.command()
@click.option(
    "--raw",
    "raw_dir",
    required=True,
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="Raw data folder (with SOURCES.md).",
)
@click.option(
    "--out",
    "out_dir",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Corpus directory to write.",
)
@click.option("--seed", default=0, show_default=True, help="Seed for splits and negatives.")
@click.option(
    "--release",
    is_flag=True,
    help="Train on everything: benchmark positives and post-cutoff GWAS stay in training "
    "(for the shipped model; its benchmarks are then only sanity checks).",
)
def build(raw_dir, out_dir, seed, release):
    """Read the raw sources and write Parquet tables plus corpus.json."""
    from .build import build_corpus, summary

    started = time.time()
    build_corpus(raw_dir, out_dir, seed=seed, release=release)  # RawDataError: one line, exit 2
    click.echo(summary(json.loads((out_dir / "corpus.json").read_text())))
    click.echo(f"wrote {out_dir} in {time.time() - started:.0f} s")
