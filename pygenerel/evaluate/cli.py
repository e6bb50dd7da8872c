"""`pygenerel evaluate`: benchmark a trained model against the baselines; prints the table."""

from __future__ import annotations

import click


@click.command()
@click.option("--model", "model_dir", required=True, type=click.Path(exists=True, file_okay=False))
@click.option(
    "--corpus", "corpus_dir", required=True, type=click.Path(exists=True, file_okay=False)
)
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False),
    help="Where evaluation.json/.md go (default: the model directory).",
)
@click.option("--no-baselines", is_flag=True, help="Score the model only.")
@click.option(
    "--max-candidates",
    type=int,
    default=None,
    help="Cap synonym-retrieval candidates per concept type (default: all; much faster on CPU).",
)
@click.option("--threads", type=int, default=0, help="torch CPU threads (0 = default).")
def evaluate(model_dir, corpus_dir, out_dir, no_baselines, max_candidates, threads):
    """Score a model on every corpus benchmark, next to the baselines."""
    if threads:
        import torch

        torch.set_num_threads(threads)
    from pygenerel.evaluate import evaluate as run

    report = run(
        model_dir,
        corpus_dir,
        baselines=not no_baselines,
        out_dir=out_dir,
        max_candidates=max_candidates,
        log=lambda message: click.echo(f"scoring {message}", err=True),
    )
    click.echo(report["markdown"])
