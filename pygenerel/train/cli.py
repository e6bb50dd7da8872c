"""`pygenerel train`: a preset or TOML config, plus overrides; also runs under torchrun."""

from __future__ import annotations

import json

import click


def _parse_override(text: str):
    key, _, raw = text.partition("=")
    if not key or not _:
        raise click.BadParameter(f"expected KEY=VALUE, got {text!r}")
    try:
        return key, json.loads(raw)
    except json.JSONDecodeError:
        return key, raw


@click.command()
@click.option(
    "--preset", default="cpu-default", show_default=True, help="tiny, cpu-default or gpu."
)
@click.option(
    "--config",
    "config_path",
    type=click.Path(exists=True, dir_okay=False),
    help="TOML file applied on top of the preset.",
)
@click.option(
    "--corpus", "corpus_dir", required=True, type=click.Path(exists=True, file_okay=False)
)
@click.option("--out", "out_dir", required=True, type=click.Path(file_okay=False))
@click.option(
    "--set",
    "overrides",
    multiple=True,
    metavar="KEY=VALUE",
    help="Override a config value (JSON value; dotted keys for [model]), e.g. --set steps=100.",
)
@click.option(
    "--fresh", is_flag=True, help="Ignore checkpoints in --out instead of resuming from them."
)
def train(preset, config_path, corpus_dir, out_dir, overrides, fresh):
    """Train a GENEREL model on a corpus directory; continues from the last checkpoint in --out."""
    from pygenerel.train import train as run_training

    values = dict(_parse_override(o) for o in overrides)
    out = run_training(
        preset=preset,
        corpus_dir=corpus_dir,
        out_dir=out_dir,
        config=config_path,
        resume=not fresh,
        **values,
    )
    click.echo(f"model written to {out}")
