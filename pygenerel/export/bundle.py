"""Write a model bundle: the one directory that the runtime and the R package read.

Everything the runtime needs is here as ONNX, numpy (no pickle), gzipped TSV and JSON, and the
manifest pins each file by sha256 and records where the model came from (training config,
corpus digest, data licences, evaluation) and how faithful its exported encoders are.
"""

from __future__ import annotations

import csv
import datetime
import hashlib
import json
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd

from pygenerel.export.concept_classes import write_concept_classes
from pygenerel.export.concept_index import write_concept_index
from pygenerel.export.evidence import write_evidence
from pygenerel.export.gene_products import write_gene_products
from pygenerel.export.onnx_export import bundle_tokenizer, export_snp_encoder, export_text_encoder
from pygenerel.export.positions import note_sources, write_positions
from pygenerel.export.quantize import MIN_AGREEMENT, agreement, quantize_text_encoder
from pygenerel.genome import Liftover
from pygenerel.neighbourhood import manifest_entry
from pygenerel.runtime.bundle import (
    CONCEPT_EMBEDDINGS,
    CONCEPT_SCALES,
    CONCEPTS,
    FORMAT_VERSION,
    GENES,
    LIFTOVER,
    SNP_EMBEDDINGS,
    SNP_ENCODER,
    SNP_SCALES,
    SNPS,
    TEXT_ENCODER,
    TEXT_ENCODER_INT8,
    TOKENIZER,
    sha256_file,
    write_manifest,
)
from pygenerel.runtime.int8 import Int8Rows, quantize_rows
from pygenerel.runtime.text_encoder import TextEncoder

AGREEMENT_TEXTS = 512  # held-out texts for the int8 agreement
CATALOG_COLUMNS = ["id", "name", "type", "source"]  # of the corpus's concepts, in CONCEPTS
CHECK_TEXTS = 32  # texts for the torch-vs-ONNX check
SNP_COLUMNS = ["index", "rsid", "chr", "pos_grch37", "pos_grch38", "a1", "a2"]


def export_bundle(
    model_dir,
    out_dir,
    corpus_dir=None,
    name=None,
    version=None,
    concept_embeddings: bool = False,
    keep_fp32: bool = True,
    evaluation=None,
) -> Path:
    """Export the model in `model_dir` to a bundle in `out_dir`.

    `corpus_dir` (the corpus the model was trained on) supplies the concept catalog, held-out
    texts for the int8 check, the corpus digest and the data licences; without it, the corpus
    recorded by training is used. The catalog's compact index is always written (the runtime's
    first search needs no catalog embedding); `concept_embeddings` also ships every concept's
    vector, so the runtime never encodes concept names. `keep_fp32=False` drops the fp32 text encoder
    once the int8 one passed its agreement check (it is most of a bundle's size). `evaluation`
    is the evaluation.json to record (default: the model's own): a release model trained on its
    benchmarks' positives records that of the model with its config that held them out.
    """
    from pygenerel import __version__
    from pygenerel.model import GenerelModel

    model_dir, out_dir = Path(model_dir), Path(out_dir)
    corpus_dir = Path(corpus_dir) if corpus_dir else _recorded_corpus(model_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    model = GenerelModel.load(model_dir).eval()
    config = model.config
    concepts = pd.read_parquet(corpus_dir / "concepts.parquet")
    text_encoder, int8, fp32_diff = _write_text_encoder(
        model,
        out_dir,
        held_out_texts(corpus_dir, concepts, CHECK_TEXTS + AGREEMENT_TEXTS),
        keep_fp32,
    )
    snps, snp_diff, positions = _write_snp_tower(model, out_dir, corpus_dir)
    concept_index = _write_catalog(
        out_dir, concepts[CATALOG_COLUMNS], text_encoder, config.max_length, concept_embeddings
    )
    classes = None
    if "class" in concepts:  # corpora built before it lack it
        classes = write_concept_classes(out_dir, concepts)
    gene_products = None
    if "gene_product" in concepts:  # corpora built before it lack it
        gene_products = write_gene_products(out_dir, concepts)
    evidence = None
    if (corpus_dir / "evidence.parquet").exists():  # corpora built before it lack it
        evidence = write_evidence(out_dir, pd.read_parquet(corpus_dir / "evidence.parquet"))

    corpus_json = corpus_dir / "corpus.json"
    manifest = {
        "format_version": FORMAT_VERSION,
        "name": name or f"generel-{Path(config.base_model).name.lower()}",
        "version": version or __version__,
        "created": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "dim": config.dim,
        "text_encoder": text_encoder,
        "int8_agreement": int8 | {"threshold": MIN_AGREEMENT},
        "onnx_max_abs_diff": {"text_encoder": fp32_diff, "snp_encoder": snp_diff},
        "snp_tower": config.snp_tower,
        "bin_scales": list(config.bin_scales),
        "locus_genes": {
            "k": config.locus_genes,
            "decay": config.gene_decay,
            "text": config.gene_text,
        },
        "neighbours": manifest_entry() if config.snp_tower == "locus" else None,
        "max_length": config.max_length,
        "snps": snps,
        "concepts": len(concepts),
        "training": _training_config(model_dir, config),
        "corpus_digest": hashlib.sha256(corpus_json.read_bytes()).hexdigest(),
        "sources": data_sources(json.loads(corpus_json.read_text())),
        "evaluation": _evaluation(
            Path(evaluation) if evaluation else model_dir / "evaluation.json", config.snp_tower
        ),
        "concept_index": concept_index,
    }
    if evidence:
        manifest["evidence"] = evidence
    if classes:
        manifest["concept_classes"] = classes
    if gene_products:
        manifest["gene_products"] = gene_products
    if positions:
        manifest["rsid_positions"] = positions
        manifest["sources"] = note_sources(manifest["sources"])
    return write_manifest(out_dir, manifest)


def _write_text_encoder(model, out_dir: Path, texts: list[str], keep_fp32: bool):
    """The tokenizer and the text encoder, fp32 then int8; (the default encoder's file name, the
    int8 agreement on held-out texts, the torch-vs-ONNX difference). int8 is the default when it
    agrees with fp32 well enough; keep_fp32=False then drops the fp32 file."""
    max_length = model.config.max_length
    bundle_tokenizer(model.tokenizer, max_length).save(str(out_dir / TOKENIZER))
    fp32_diff = export_text_encoder(
        model.text_tower,
        out_dir / TOKENIZER,
        max_length,
        out_dir / TEXT_ENCODER,
        texts[:CHECK_TEXTS],
    )
    quantize_text_encoder(out_dir / TEXT_ENCODER, out_dir / TEXT_ENCODER_INT8)
    int8 = agreement(
        out_dir / TEXT_ENCODER,
        out_dir / TEXT_ENCODER_INT8,
        out_dir / TOKENIZER,
        max_length,
        texts[CHECK_TEXTS:],
    )
    text_encoder = TEXT_ENCODER_INT8 if int8["mean"] >= MIN_AGREEMENT else TEXT_ENCODER
    if text_encoder != TEXT_ENCODER_INT8:
        (out_dir / TEXT_ENCODER_INT8).unlink()
    elif not keep_fp32:
        (out_dir / TEXT_ENCODER).unlink()
    return text_encoder, int8, fp32_diff


def _write_snp_tower(model, out_dir: Path, corpus_dir: Path):
    """The SNP vocabulary and its int8 embeddings; for the locus tower also its ONNX graph, genes,
    liftover and rsid positions. (vocabulary size, torch-vs-ONNX difference, positions entry)."""
    config, vocab = model.config, model.snp_vocab
    snps = vocab.table.assign(index=np.arange(len(vocab)))[SNP_COLUMNS]
    snps.to_csv(out_dir / SNPS, sep="\t", index=False)
    codes, scales = quantize_rows(model.encode_snps(list(snps["rsid"])).numpy())
    np.save(out_dir / SNP_EMBEDDINGS, codes, allow_pickle=False)
    np.save(out_dir / SNP_SCALES, scales, allow_pickle=False)
    if config.snp_tower != "locus":
        return len(snps), None, None
    snp_diff = export_snp_encoder(
        model.snp_tower.locus,
        len(config.bin_scales),
        config.dim,
        out_dir / SNP_ENCODER,
        vocab.bins[:256],
    )
    vocab.genes[["symbol", "name", "chr", "start", "end", "tss"]].to_csv(
        out_dir / GENES, sep="\t", index=False
    )
    _liftover(corpus_dir, snps).save(out_dir / LIFTOVER)
    positions = None
    if (corpus_dir / "rsid_positions.parquet").exists():  # corpora built before it lack it
        table = pd.read_parquet(corpus_dir / "rsid_positions.parquet")
        positions = write_positions(out_dir, table, snps["rsid"])
    return len(snps), snp_diff, positions


def _write_catalog(out_dir: Path, concepts, text_encoder: str, max_length: int, embeddings: bool):
    """The concept catalog and its compact index (and, with `embeddings`, every vector), from the
    names' vectors as the runtime computes them: each name alone (concept_vectors.py)."""
    concepts.to_csv(out_dir / CONCEPTS, sep="\t", index=False, quoting=csv.QUOTE_MINIMAL)
    encoder = TextEncoder(out_dir / text_encoder, out_dir / TOKENIZER, max_length)
    codes, scales = quantize_rows(encoder.alone(list(concepts["name"])))
    if embeddings:
        np.save(out_dir / CONCEPT_EMBEDDINGS, codes, allow_pickle=False)
        np.save(out_dir / CONCEPT_SCALES, scales, allow_pickle=False)
    return write_concept_index(
        out_dir,
        Int8Rows(codes, scales).rows(np.arange(len(codes))),
        sha256_file(out_dir / CONCEPTS),
    )


def held_out_texts(corpus_dir: Path, concepts: pd.DataFrame, n: int) -> list[str]:
    """Distinct texts from the corpus test split (never trained on), else concept names."""
    links = pd.read_parquet(
        corpus_dir / "links.parquet",
        columns=["left_text", "right_text", "left_kind", "right_kind", "split"],
    )
    test = links[links["split"] == "test"]
    texts = pd.concat(
        [
            test.loc[test["left_kind"] == "text", "left_text"],
            test.loc[test["right_kind"] == "text", "right_text"],
            concepts["name"],
        ]
    )
    texts = texts[texts.str.len() > 0].drop_duplicates()
    return texts.sample(n=min(n, len(texts)), random_state=0).tolist()


def data_sources(corpus_manifest: dict) -> list[dict]:
    """The raw sources behind the corpus, each with its licence (from licences.tsv)."""
    table = pd.read_csv(
        resources.files("pygenerel.export").joinpath("licences.tsv").open(), sep="\t"
    )
    licences = {row.folder: row for row in table.itertuples()}
    used = {}
    for source in corpus_manifest.get("sources", []):
        folder = Path(source["path"]).parts[0]
        row = licences.get(folder)
        entry = used.setdefault(
            folder,
            {
                "name": row.name if row else folder,
                "licence": row.licence if row else "see SOURCES.md",
                "files": [],
            },
        )
        entry["files"].append(source["path"])
    return list(used.values())


def _liftover(corpus_dir: Path, snps: pd.DataFrame) -> Liftover:
    """The corpus's HapMap3 liftover when it has one, else offsets learned from the vocabulary."""
    if (corpus_dir / LIFTOVER).exists():
        return Liftover.load(corpus_dir / LIFTOVER)
    return Liftover.from_pairs(snps["chr"], snps["pos_grch37"], snps["chr"], snps["pos_grch38"])


def _recorded_corpus(model_dir: Path) -> Path:
    path = model_dir / "training.json"
    recorded = json.loads(path.read_text()).get("corpus_dir") if path.exists() else None
    if not recorded or not Path(recorded).is_dir():
        raise ValueError(
            f"{model_dir} does not record an existing corpus directory; pass corpus_dir"
        )
    return Path(recorded)


def _training_config(model_dir: Path, config) -> dict:
    """The full training recipe from training.json, else just the model config."""
    path = model_dir / "training.json"
    return json.loads(path.read_text())["config"] if path.exists() else {"model": config.to_dict()}


def _evaluation(path: Path, snp_tower: str) -> dict:
    """The benchmark metrics in evaluation.json, with the baselines' beside them."""
    from pygenerel.evaluate import METHOD_NAMES

    if not path.exists():
        return {}
    evaluation = json.loads(path.read_text())
    results = evaluation["results"]
    method = METHOD_NAMES[snp_tower]
    return {
        "method": method,
        "model": evaluation.get("model_dir"),
        "benchmarks": results.get(method, {}),
        "baselines": {name: value for name, value in results.items() if name != method},
    }
