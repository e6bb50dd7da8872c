"""`pygenerel similarity`, `neighbors` and `info`: the runtime from the shell, without torch."""

from __future__ import annotations

import json
import sys

import click
import numpy as np

from pygenerel.runtime import load_model
from pygenerel.runtime.snp_index import check_build

MODEL = click.option(
    "--model",
    "model_path",
    type=click.Path(),  # open_bundle says, in one line, what is wrong with a bad one
    help="Model bundle directory (default: $PYGENEREL_MODEL, else the shipped one).",
)
KIND = click.option(
    "--kind",
    type=click.Choice(["auto", "snp", "text"]),
    default="auto",
    show_default=True,
    help="Read every item as this kind instead of auto-detecting.",
)
BUILD = click.option(
    "--build",
    default="GRCh38",
    show_default=True,
    callback=lambda ctx, param, value: check_build(value),
    help="Genome build of chr:pos items: GRCh37 (hg19) or GRCh38 (hg38).",
)


def _warn_unresolved(model, items, kind, build):
    matched = model.match(items, kind, build)
    for item in matched.loc[matched["how"] == "none", "item"]:
        click.echo(f"warning: could not resolve {item!r} (unknown SNP or not a locus)", err=True)


@click.command()
@click.argument("items", nargs=-1, required=True)
@click.option(
    "--to",
    "targets",
    multiple=True,
    help="Compare ITEMS with these (repeatable); without it, every pair of ITEMS is compared.",
)
@MODEL
@KIND
@BUILD
def similarity(items, targets, model_path, kind, build):
    """Cosine similarity between rsids, chr:pos loci and concept texts.

    Prints a table a, b, similarity (NA where an item could not be resolved).
    """
    model = load_model(model_path)
    _warn_unresolved(model, list(items) + list(targets), kind, build)
    if targets:
        scores = model.similarity(list(items), list(targets), kind=kind, build=build)
        pairs = [(i, j) for i in range(len(items)) for j in range(len(targets))]
        right = targets
    else:
        scores = model.similarity(list(items), kind=kind, build=build)
        pairs = [(i, j) for i in range(len(items)) for j in range(i + 1, len(items))]
        right = items
    click.echo("a\tb\tsimilarity")
    for i, j in pairs:
        value = "NA" if np.isnan(scores[i, j]) else f"{scores[i, j]:.4f}"
        click.echo(f"{items[i]}\t{right[j]}\t{value}")


@click.command()
@click.argument("query", nargs=-1, required=True)
@click.option(
    "-k",
    "k",
    type=click.IntRange(min=1),
    default=10,
    show_default=True,
    help="Neighbours per query.",
)
@click.option(
    "--types",
    help="Comma-separated concept types to search (e.g. disease,drug); "
    "add snp to search SNPs too. Default: every concept type.",
)
@MODEL
@KIND
@BUILD
def neighbors(query, k, types, model_path, kind, build):
    """The concepts (or SNPs) most related to each QUERY, as a tab-separated table."""
    model = load_model(model_path)
    try:
        types = model.search_types(types)
    except ValueError as error:
        raise click.BadParameter(str(error), param_hint="--types") from None
    _warn_unresolved(model, list(query), kind, build)
    table = model.neighbors(list(query), k=k, types=types, kind=kind, build=build)
    table.to_csv(sys.stdout, sep="\t", index=False, float_format="%.4f")


@click.command()
@MODEL
@click.option("--json", "as_json", is_flag=True, help="Print the full summary as JSON.")
def info(model_path, as_json):
    """Summary of a model bundle: version, towers, data sources and licences, evaluation."""
    summary = load_model(model_path).info()
    if as_json:
        click.echo(json.dumps(summary, indent=2, default=str))
        return
    click.echo(
        f"{summary['name']} {summary['version']}  ({summary['path']}; "
        f"{summary['files_verified']} files, sha256 verified)"
    )
    click.echo(
        f"  dimension {summary['dim']}; SNP tower: {summary['snp_tower']}; "
        f"{summary['snps']} SNPs, {summary['concepts']} concepts"
    )
    agreement = summary["int8_agreement"] or {}
    click.echo(
        f"  text encoder: {summary['text_encoder']} "
        f"(int8 vs fp32 mean cosine {agreement.get('mean', 'n/a')})"
    )
    training = summary["training"]
    settings = {**training, **{f"model.{k}": v for k, v in training.get("model", {}).items()}}
    click.echo(
        "  training: "
        + ", ".join(f"{k}={v}" for k, v in settings.items() if not isinstance(v, (dict, list)))
    )
    click.echo(f"  corpus digest: {summary['corpus_digest']}")
    click.echo("  sources:")
    for source in summary["sources"]:
        click.echo(f"    {source['name']}: {source['licence']}")
    evaluation = summary["evaluation"]
    if evaluation:
        click.echo(f"  evaluation ({evaluation['method']}):")
        for bench, metrics in evaluation["benchmarks"].items():
            shown = ", ".join(f"{k} {v}" for k, v in metrics.items() if not k.startswith("n_"))
            click.echo(f"    {bench}: {shown}")
