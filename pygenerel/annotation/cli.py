"""`pygenerel annotate gwas.tsv`: the annotator on the command line (torch-free, lazy-loaded)."""

from __future__ import annotations

import sys

import click

from pygenerel.annotation.annotate import MAX_TOP_K

TABLE_OPTIONS = [
    click.option("--snp-col", help="SNP column (rs ids, or chr:pos[:ref:alt])."),
    click.option("--chr-col", help="Chromosome column."),
    click.option("--pos-col", help="Base-pair position column."),
    click.option("--p-col", help="P value column."),
    click.option(
        "--build",
        default="auto",
        show_default=True,
        help="Genome build of the positions: auto, GRCh37 (hg19) or GRCh38 (hg38).",
    ),
    click.option(
        "--force-build",
        is_flag=True,
        help="Keep --build even where the positions clearly say it is the other build.",
    ),
    click.option(
        "--model",
        type=click.Path(file_okay=False),
        help="Model bundle directory [default: $PYGENEREL_MODEL or the shipped one].",
    ),
]


LOCUS_OPTIONS = [
    click.option(
        "--p-threshold",
        type=float,
        default=5e-8,
        show_default=True,
        help="Significant SNPs: P at or below this.",
    ),
    click.option(
        "--window",
        type=click.IntRange(1, 10_000_000),
        default=500_000,
        show_default=True,
        help="bp: a significant SNP this close to a stronger lead joins its locus.",
    ),
]


QUIET = click.option(
    "-q", "--quiet", is_flag=True, help="No column report, progress or summary on stderr."
)


def locus_options(command):
    """What makes a locus: the options loci and report share."""
    for option in reversed(LOCUS_OPTIONS):
        command = option(command)
    return command


def table_options(command):
    """How to read a GWAS table and which model scores it: the options annotate, loci, report and
    annotate-many share, handed on as keyword arguments of the same names."""
    for option in reversed(TABLE_OPTIONS):
        command = option(command)
    return command


@click.command("annotate")
@click.argument("table", type=click.Path(dir_okay=False))
@click.option(
    "-o",
    "--out",
    type=click.Path(dir_okay=False, allow_dash=True),
    help="Output .tsv or .csv (plain, .gz, .bz2 or .zst) or .parquet, or - for standard output "
    "[default: <input>.generel.tsv.gz; .csv.gz or .parquet for such inputs].",
)
@click.option(
    "--trait", "traits", multiple=True, help="Add a similarity column for this trait (repeatable)."
)
@click.option(
    "--top-k", type=click.IntRange(1, MAX_TOP_K), help="Add the K most related concepts per SNP."
)
@click.option(
    "--types",
    help="Concept types for --top-k, comma-separated (e.g. disease,phenotype) "
    "[default: every type but genes and their products' levels (EFO protein measurements), "
    "as the nearest genes are listed in generel_genes].",
)
@click.option(
    "--p-threshold", type=float, help="Score only rows with P at or below this (others NA)."
)
@table_options
@click.option(
    "--explain",
    is_flag=True,
    help="Add generel_<trait>_evidence per --trait: the known association within 500 kb whose "
    "trait is closest (trait, SNP, distance, P, PubMed id).",
)
@QUIET
@click.option(
    "--progress/--no-progress",
    default=None,
    help="A progress line (rows/s, time left) on stderr [default: when stderr is a terminal].",
)
def annotate(table, out, traits, top_k, types, p_threshold, explain, quiet, progress, **table_args):
    """Annotate a GWAS summary-statistics TABLE with GENEREL relatedness scores.

    Every input row is written back, in order, with its columns untouched, followed by
    generel_match (rsid, chrpos, locus, rsid_locus or none), generel_<trait> and its percentile
    generel_<trait>_pct per --trait (and generel_<trait>_evidence with --explain) and, with --top-k, generel_genes (nearest genes) and
    generel_top<r>_{id,name,type,score}.
    """
    from pygenerel.allocator import reuse_freed_memory
    from pygenerel.annotation.annotate import annotate_file

    reuse_freed_memory()
    annotate_file(
        table,
        out=out,
        traits=traits,
        top_k=top_k,
        types=types,
        p_threshold=p_threshold,
        explain=explain,
        verbose=not quiet,
        progress=not quiet and (sys.stderr.isatty() if progress is None else progress),
        **table_args,
    )
    if not (traits or top_k or quiet):  # `pygenerel annotate gwas.tsv`, as a first try
        click.echo(
            "note: without --trait or --top-k only generel_match (how each row was placed) is "
            'added; score rows with --trait "type 2 diabetes", list related concepts with --top-k 5',
            err=True,
        )


@click.command("loci")
@click.argument("table", type=click.Path(dir_okay=False))
@click.option(
    "--trait", "traits", multiple=True, help="Score each lead for this trait (repeatable)."
)
@locus_options
@click.option(
    "--top-k",
    type=click.IntRange(1, MAX_TOP_K),
    default=3,
    show_default=True,
    help="Top concepts per lead.",
)
@click.option("--types", help="Concept types for the top concepts, comma-separated.")
@table_options
@click.option(
    "-o",
    "--out",
    type=click.Path(dir_okay=False, allow_dash=True),
    help="Write the loci table here (.tsv, .tsv.gz, .csv, .parquet) [default: print it].",
)
@QUIET
def loci(table, traits, p_threshold, window, top_k, types, out, quiet, **table_args):
    """One row per independent locus of a GWAS TABLE, strongest first: lead SNP, position, P,
    number of significant SNPs, nearest genes, the lead's score and percentile per --trait, and
    its top concepts."""
    import pandas as pd
    import pyarrow as pa

    from pygenerel.annotation.loci import loci as find_loci
    from pygenerel.annotation.writer import TableWriter

    writer = None if out is None else TableWriter(out, inputs=[table])  # a bad -o fails first
    try:
        found = find_loci(
            table,
            traits=traits,
            p_threshold=p_threshold,
            window=window,
            top_k=top_k,
            types=types,
            **table_args,
        )
        summary = found.attrs["generel"]
        if not quiet:
            click.echo(
                f"{summary['source']}: {len(found):,} loci from {summary['significant']:,} SNPs "
                f"with P <= {p_threshold:g} ({window:,} bp window; build "
                f"{summary['build'] or 'not needed'})",
                err=True,
            )
            for line in summary["trait_notes"]:
                click.echo(line, err=True)
        if writer is None:
            with pd.option_context(
                "display.width", 200, "display.max_columns", 12, "display.max_colwidth", 40
            ):
                click.echo(found.to_string(index=False))
            return
        writer.write(pa.Table.from_pandas(found, preserve_index=False))
        name = writer.commit()
    except BaseException:
        if writer is not None:
            writer.abort()
        raise
    if not quiet:
        click.echo(f"wrote {name}", err=True)


@click.command("report")
@click.argument("table", type=click.Path(dir_okay=False))
@click.option(
    "--trait", required=True, help="Colour the plot by, and explain the loci for, this trait."
)
@click.option(
    "-o", "--out", required=True, type=click.Path(dir_okay=False), help="The HTML file to write."
)
@locus_options
@click.option(
    "--top",
    type=click.IntRange(1, 100),
    default=5,
    show_default=True,
    help="Strongest loci whose known associations are shown.",
)
@table_options
@QUIET
def report(table, trait, out, p_threshold, window, top, quiet, **table_args):
    """One self-contained HTML page for a GWAS TABLE: a Manhattan plot coloured by relatedness to
    --trait, the loci table, and the known associations behind the --top strongest loci."""
    from pygenerel.annotation.report import report as write_report

    written = write_report(
        table,
        trait,
        out,
        p_threshold=p_threshold,
        window=window,
        top=top,
        **table_args,
    )
    if not quiet:
        click.echo(f"wrote {written}", err=True)
