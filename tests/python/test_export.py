"""The exported bundle reproduces the torch model: ONNX vs torch, int8 vs fp32, SNP rows, loci."""

import gzip
import hashlib
import json

import numpy as np
import pandas as pd
import pytest
from tokenizers import Tokenizer

from pygenerel.export.onnx_export import bundle_tokenizer, export_text_encoder
from pygenerel.export.quantize import agreement, quantize_text_encoder
from pygenerel.neighbourhood import SnpNeighbourhood, manifest_entry
from pygenerel.runtime import load_model
from pygenerel.runtime.bundle import sha256_file
from pygenerel.runtime.text_encoder import TextEncoder

# Not in any corpus split: long, short, odd casing, punctuation, beyond max_length.
TEXTS = [
    "type 2 diabetes",
    "TCF7L2",
    "Crohn's disease of the terminal ileum",
    "metformin",
    "LDL cholesterol measurement",
    "a",
    "HLA-DRB1*15:01 carriers",
    "Wnt signalling pathway",
    (
        "left ventricular ejection fraction, reduced, in patients with a long history of "
        "hypertension and chronic kidney disease stage 3 or worse"
    ),
    "serum urate",
    "β-blocker",
    "rheumatoid arthritis",
    "body mass index",
    "asthma (childhood onset)",
    "IL23R",
    "statin",
]


@pytest.fixture(scope="module")
def torch_model(tiny_model_dir):
    from pygenerel.model import GenerelModel

    return GenerelModel.load(tiny_model_dir).eval()


@pytest.fixture(scope="module")
def manifest(tiny_bundle_dir):
    return json.loads((tiny_bundle_dir / "manifest.json").read_text())


def test_manifest_pins_every_file_and_records_provenance(tiny_bundle_dir, manifest, corpus_dir):
    files = {
        p.name for p in tiny_bundle_dir.iterdir() if p.is_file() and not p.name.startswith(".")
    }
    assert set(manifest["files"]) == files - {"manifest.json"}
    for name, digest in manifest["files"].items():
        assert sha256_file(tiny_bundle_dir / name) == digest
    assert manifest["format_version"] == 1
    assert (
        manifest["corpus_digest"]
        == hashlib.sha256((corpus_dir / "corpus.json").read_bytes()).hexdigest()
    )
    assert manifest["training"] and manifest["sources"]
    assert all(source["licence"] for source in manifest["sources"])
    assert not any(source["name"].startswith("DrugBank") for source in manifest["sources"])
    if manifest["text_encoder"] == "text_encoder.int8.onnx":
        assert manifest["int8_agreement"]["mean"] >= 0.98


def test_bundle_files_need_no_pickle(tiny_bundle_dir, manifest):
    for name in manifest["files"]:
        if name.endswith(".npy"):
            np.load(tiny_bundle_dir / name, allow_pickle=False)
    codes = np.load(tiny_bundle_dir / "snp_embeddings.npy", allow_pickle=False)
    assert codes.dtype == np.int8 and codes.shape == (manifest["snps"], manifest["dim"])
    with gzip.open(tiny_bundle_dir / "snps.tsv.gz", "rt") as handle:
        assert handle.readline().rstrip("\n").split("\t") == [
            "index",
            "rsid",
            "chr",
            "pos_grch37",
            "pos_grch38",
            "a1",
            "a2",
        ]


def test_tokenizer_json_alone_matches_the_training_tokenizer(
    tiny_bundle_dir, torch_model, manifest
):
    tokenizer = Tokenizer.from_file(str(tiny_bundle_dir / "tokenizer.json"))
    assert tokenizer.truncation["max_length"] == manifest["max_length"]
    assert tokenizer.padding is not None
    ours = tokenizer.encode_batch(TEXTS)
    theirs = torch_model.tokenize(TEXTS)
    assert np.array_equal(np.array([e.ids for e in ours]), theirs["input_ids"].numpy())


def test_text_encoder_onnx_matches_torch(tiny_bundle_dir, torch_model, manifest):
    fp32 = TextEncoder(
        tiny_bundle_dir / "text_encoder.onnx",
        tiny_bundle_dir / "tokenizer.json",
        manifest["max_length"],
        batch_size=5,
    )
    expected = torch_model.encode_texts(TEXTS).numpy()
    assert np.abs(fp32(TEXTS) - expected).max() < 1e-4
    if manifest["text_encoder"] == "text_encoder.int8.onnx":
        int8 = TextEncoder(
            tiny_bundle_dir / "text_encoder.int8.onnx",
            tiny_bundle_dir / "tokenizer.json",
            manifest["max_length"],
        )
        assert (int8(TEXTS) * expected).sum(axis=1).mean() >= 0.98


def test_snp_rows_and_loci_match_torch(tiny_bundle_dir, torch_model):
    """The runtime's SNPs and loci are the torch model's, each borrowing from the vocabulary SNPs
    around it as the evaluator's "+ nearby SNPs" does (manifest neighbours, neighbourhood.py)."""
    model = load_model(tiny_bundle_dir, precision="fp32")
    locus_tower = torch_model.config.snp_tower == "locus"
    assert model.manifest["neighbours"] == (manifest_entry() if locus_tower else None)
    vocab = model.snps.table
    assert vocab.index.equals(pd.RangeIndex(len(vocab)))

    def borrowing(chroms, pos, emb, neighbours):
        if not locus_tower:
            return emb
        chr_, pos_ = vocab["chr"].to_numpy(), vocab["pos_grch38"].to_numpy()
        options = model.manifest["neighbours"]
        return SnpNeighbourhood(chr_, pos_, neighbours, **options).smooth(chroms, pos, emb)

    snps = vocab.sample(n=200, random_state=1)
    chroms, pos = snps["chr"].to_numpy(), snps["pos_grch38"].to_numpy()
    torch_rows = torch_model.encode_snps(list(vocab["rsid"])).numpy()
    expected = borrowing(chroms, pos, torch_rows[snps.index], torch_rows)
    got, how = model.embed_variants(rsids=snps["rsid"])
    assert (how == "rsid").all()
    assert (got * expected).sum(axis=1).min() > 0.998  # int8 rows, and int8 neighbours
    if locus_tower:
        pos = pos + 7  # off the vocabulary
        loci = torch_model.encode_loci(chroms, pos).numpy()
        expected = borrowing(chroms, pos, loci, model.snps.embeddings)  # the bundle's neighbours
        got, how = model.embed_variants(chroms=chroms, positions=pos)
        assert (how == "locus").all()
        assert np.abs(got - expected).max() < 1e-4


def test_real_minilm_int8_agrees_with_fp32(tmp_path):
    """The shipped default builds on all-MiniLM-L6-v2: its int8 encoder must stay faithful."""
    from pygenerel.model.text_tower import TextTower, load_base

    encoder, hf_tokenizer = load_base("all-MiniLM-L6-v2")
    tower = TextTower(encoder).eval()
    bundle_tokenizer(hf_tokenizer, 32).save(str(tmp_path / "tokenizer.json"))
    diff = export_text_encoder(
        tower, tmp_path / "tokenizer.json", 32, tmp_path / "fp32.onnx", TEXTS
    )
    assert diff < 1e-4
    quantize_text_encoder(tmp_path / "fp32.onnx", tmp_path / "int8.onnx")
    held_out = pd.Series(TEXTS).str.upper().tolist() + [t + " risk" for t in TEXTS]
    measured = agreement(
        tmp_path / "fp32.onnx", tmp_path / "int8.onnx", tmp_path / "tokenizer.json", 32, held_out
    )
    assert measured["mean"] >= 0.98, measured
    assert (tmp_path / "int8.onnx").stat().st_size < (tmp_path / "fp32.onnx").stat().st_size / 3
