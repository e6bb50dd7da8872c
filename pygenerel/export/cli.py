"""`pygenerel export MODEL_DIR OUT_DIR`: write a model bundle."""

import json

import click

from pygenerel.runtime.bundle import MANIFEST


@click.command()
@click.argument("model_dir", type=click.Path(exists=True, file_okay=False))
@click.argument("out_dir", type=click.Path(file_okay=False))
@click.option(
    "--corpus",
    "corpus_dir",
    type=click.Path(exists=True, file_okay=False),
    help="Corpus the model was trained on (default: the one training recorded).",
)
@click.option("--name", help="Bundle name (default: generel-<base model>).")
@click.option("--version", "version", help="Bundle version (default: the pygenerel version).")
@click.option(
    "--concept-embeddings/--no-concept-embeddings",
    default=False,
    show_default=True,
    help="Ship the concept catalog's embeddings (else computed on first use).",
)
@click.option(
    "--keep-fp32/--no-fp32",
    default=True,
    show_default=True,
    help="Keep the fp32 text encoder beside the int8 one (--no-fp32 for a small shipped bundle).",
)
@click.option(
    "--evaluation",
    type=click.Path(exists=True, dir_okay=False),
    help="evaluation.json to record (default: MODEL_DIR's); for a release model, that of the "
    "model with its config that held the benchmarks out.",
)
def export(
    model_dir, out_dir, corpus_dir, name, version, concept_embeddings, keep_fp32, evaluation
):
    """Export a trained model to an ONNX bundle in OUT_DIR."""
    from pygenerel.export import export_bundle

    path = export_bundle(
        model_dir,
        out_dir,
        corpus_dir=corpus_dir,
        name=name,
        version=version,
        concept_embeddings=concept_embeddings,
        keep_fp32=keep_fp32,
        evaluation=evaluation,
    )
    manifest = json.loads((path / MANIFEST).read_text())
    agreement = manifest["int8_agreement"]
    click.echo(
        f"wrote {path}: {manifest['snps']} SNPs, {manifest['concepts']} concepts; text encoder "
        f"{manifest['text_encoder']} (int8 vs fp32 cosine mean {agreement['mean']}, "
        f"min {agreement['min']} on {agreement['n']} held-out texts)"
    )
