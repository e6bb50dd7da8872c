"""`pygenerel similarity`, `neighbors`, `search` and `info`: the runtime from the shell, without
torch."""

from __future__ import annotations

import json
import sys

import click
import numpy as np

from pygenerel.builds import check_build
from pygenerel.runtime import load_model, resolve_model
from pygenerel.runtime.bundle import MANIFEST
from pygenerel.runtime.items import read_as_note

MODEL = click.option(
    "--model",
    "model_path",
    type=click.Path(),  # open_bundle says, in one line, what is wrong with a bad one
    help="Model bundle directory (default: $PYGENEREL_MODEL, else the installed one).",
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


def _say_how_items_were_read(model, items, kind, build):
    """Say which items score NaN, and which abbreviations were read as the concept they stand for."""
    for item in model.unresolved(items, kind, build):
        click.echo(f"warning: could not resolve {item!r} (unknown SNP or not a locus)", err=True)
    for item, name in model.abbreviations(items, kind).items():
        click.echo(f"note: {read_as_note(item, name)}", err=True)


@click.command()
@click.argument("items", nargs=-1, required=True)
@click.option(
    "--to",
    "targets",
    multiple=True,
    help="Compare ITEMS with these (repeatable); without it, every pair of ITEMS is compared.",
)
@click.option(
    "--percentile",
    is_flag=True,
    help="Add each score's percentile against a fixed genome-wide (SNP) or catalog (text) "
    "reference for the same b item: 0.99 = higher than 99% of the reference.",
)
@MODEL
@KIND
@BUILD
def similarity(items, targets, percentile, model_path, kind, build):
    """Cosine similarity between rsids, chr:pos loci and concept texts.

    Prints a table a, b, similarity (NA where an item could not be resolved), and with
    --percentile a percentile column.
    """
    model = load_model(model_path)
    _say_how_items_were_read(model, list(items) + list(targets), kind, build)
    right = list(targets) if targets else list(items)
    scores, ranks = (
        model.similarity(list(items), right, kind=kind, build=build, percentile=True)
        if percentile
        else (model.similarity(list(items), right, kind=kind, build=build), None)
    )
    first = (lambda i: 0) if targets else (lambda i: i + 1)  # without --to: each pair once
    pairs = [(i, j) for i in range(len(items)) for j in range(first(i), len(right))]
    click.echo("a\tb\tsimilarity" + ("\tpercentile" if percentile else ""))
    for i, j in pairs:
        values = [scores[i, j]] + ([ranks[i, j]] if percentile else [])
        shown = ["NA" if np.isnan(v) else f"{v:.4f}" for v in values]
        click.echo("\t".join([items[i], right[j], *shown]))


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
    _say_how_items_were_read(model, list(query), kind, build)
    table = model.neighbors(list(query), k=k, types=types, kind=kind, build=build)
    table.to_csv(sys.stdout, sep="\t", index=False, float_format="%.4f")


@click.command()
@click.argument("text", nargs=-1, required=True)
@click.option(
    "--types",
    help="Comma-separated concept types to list (e.g. disease,drug). Default: every type.",
)
@click.option(
    "-n",
    "n",
    type=click.IntRange(min=1),
    default=20,
    show_default=True,
    help="Concepts to list at most.",
)
@MODEL
def search(text, types, n, model_path):
    """Catalog concepts by id (EFO:0000384, efo_0000384, MeSH:D003924) or by words of their name.

    Prints a table id, name, type: the concept with that id first, then names containing every word
    of TEXT (exact name, then names starting with TEXT, then shorter names first). It reads the
    catalog only, so it answers at once; an id listed here can be given wherever an item can.
    """
    table = load_model(model_path).catalog.search(" ".join(text), types, n)
    table.to_csv(sys.stdout, sep="\t", index=False)


@click.command()
@MODEL
@click.option("--json", "as_json", is_flag=True, help="Print the full summary as JSON.")
def info(model_path, as_json):
    """Summary of a model bundle: which one and why, version, towers, data sources and licences,
    evaluation, and every file's sha256 (each checked against the manifest)."""
    path, chosen = resolve_model(model_path)
    model = load_model(path)
    summary = model.info() | {"chosen": chosen, "files": model.manifest["files"]}
    if as_json:
        click.echo(json.dumps(summary, indent=2, default=str))
        return
    click.echo(f"{summary['name']} {summary['version']}  ({summary['path']})")
    click.echo(f"  chosen: {chosen}")
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
    click.echo(f"  files (sha256; the {summary['files_verified']} the manifest lists verified):")
    for name, digest in {MANIFEST: model.bundle.digest, **summary["files"]}.items():
        click.echo(f"    {digest}  {name}")


@click.command()
@click.argument("snp")
@click.argument("trait")
@click.option(
    "-n",
    type=click.IntRange(1, 50),
    default=5,
    show_default=True,
    help="Known associations to list.",
)
@MODEL
@BUILD
def explain(snp, trait, n, model_path, build):
    """Why SNP (an rsid or chr:pos) scores what it does for TRAIT: the score and its percentile,
    where the SNP was placed, its genes and eQTL genes, and the known associations within 500 kb
    (GWAS Catalog, PGRM), the closest trait first, with P and PubMed id."""
    model = load_model(model_path)
    found = model.explain(snp, trait, n=n, build=build)
    where = f"chr{found['chr']}:{found['pos_grch38']}"
    click.echo(f"{snp} ~ {trait}: score {found['score']:.4f}, percentile {found['percentile']:.3f}")
    click.echo(f"placed by {found['how']} at {where} (GRCh38)")
    click.echo(f"nearest genes: {found['genes'] or 'none within 500 kb'}")
    click.echo(f"eQTL genes: {found['eqtl'] or 'none'}")
    if found["evidence"]:
        click.echo(found["evidence"])
        return
    click.echo("known associations within 500 kb, closest trait first:")
    table = found["associations"]
    click.echo(table.to_csv(sep="\t", index=False, float_format="%.3g").rstrip())
