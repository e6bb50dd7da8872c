"""GenerelModel on the tiny model trained from the real corpus: one space, any locus, no pickle."""

import numpy as np
import pandas as pd
import pytest
import torch

from pygenerel.model import GenerelModel, TextTower
from pygenerel.model.text_tower import load_base


@pytest.fixture(scope="module")
def model(tiny_model_dir):
    return GenerelModel.load(tiny_model_dir)


@pytest.fixture(scope="module")
def rsids(corpus_dir):
    return pd.read_parquet(corpus_dir / "snps.parquet", columns=["rsid"])["rsid"].head(50).tolist()


def test_texts_and_snps_embed_on_one_unit_sphere(model, rsids):
    texts = model.encode_texts(["type 2 diabetes mellitus", "TCF7L2", "body mass index"])
    snps = model.encode_snps(rsids)
    assert texts.shape == (3, model.config.dim) and snps.shape == (len(rsids), model.config.dim)
    assert torch.allclose(texts.norm(dim=1), torch.ones(3), atol=1e-5)
    assert torch.allclose(snps.norm(dim=1), torch.ones(len(rsids)), atol=1e-5)


def test_vocabulary_is_the_corpus_snp_table(model, corpus_dir):
    corpus = pd.read_parquet(corpus_dir / "snps.parquet", columns=["rsid", "pos_grch38"])
    assert len(model.snp_vocab) == len(corpus)
    assert (model.snp_vocab.rows(corpus["rsid"].head(100)) >= 0).all()
    assert (model.snp_vocab.bins[:100] > 0).all()  # every corpus SNP has a GRCh38 position


def test_unknown_rsid_gives_nan_but_any_locus_embeds(model):
    assert torch.isnan(model.encode_snps(["rs0"])).all()
    loci = model.encode_loci(["10", "chr1", "X"], [112_998_590, 1_000_000, 30_000_000])
    assert torch.isfinite(loci).all()
    assert torch.allclose(loci.norm(dim=1), torch.ones(3), atol=1e-5)


def test_locus_encoder_alone_reproduces_out_of_vocabulary_embeddings(model):
    """The export contract: LocusEncoder(bins int64, gene_emb float32) embeds any chr:pos."""
    chroms, pos = ["10", "6"], [112_998_590, 32_000_000]
    bins, texts, weights = model.snp_vocab.locus(chroms, pos)
    gene_emb = torch.stack(
        [
            sum(
                (w * model.encode_texts([t])[0] for t, w in zip(row, row_weights) if t),
                torch.zeros(model.config.dim),
            )
            for row, row_weights in zip(texts, weights)
        ]
    )
    with torch.no_grad():
        direct = model.snp_tower.locus(torch.as_tensor(bins, dtype=torch.int64), gene_emb.float())
    assert torch.allclose(direct, model.encode_loci(chroms, pos), atol=1e-5)


def test_save_load_round_trip_without_pickle(model, rsids, tmp_path):
    model.save(tmp_path)
    names = {p.name for p in tmp_path.iterdir()}
    assert {
        "config.json",
        "model.safetensors",
        "snp_vocab.tsv.gz",
        "genes.tsv.gz",
        "tokenizer.json",
    } <= names
    assert not [n for n in names if n.endswith((".bin", ".pt", ".pth", ".pkl", ".ckpt"))]
    again = GenerelModel.load(tmp_path)
    assert torch.allclose(again.encode_snps(rsids[:10]), model.encode_snps(rsids[:10]), atol=1e-6)
    assert torch.allclose(again.encode_texts(["asthma"]), model.encode_texts(["asthma"]), atol=1e-6)


def test_id_only_baseline_tower_is_trained_alongside(model, rsids):
    aux = model.encode_snps(rsids[:10], tower="aux")
    assert torch.isfinite(aux).all() and not torch.allclose(aux, model.encode_snps(rsids[:10]))


def test_only_top_layers_of_the_text_encoder_train():
    encoder, tokenizer = load_base("all-MiniLM-L6-v2")
    tower = TextTower(encoder, trainable_layers=2).train()
    layers = encoder.encoder.layer
    assert not any(p.requires_grad for p in encoder.embeddings.parameters())
    assert not any(p.requires_grad for layer in layers[:4] for p in layer.parameters())
    assert all(p.requires_grad for layer in layers[4:] for p in layer.parameters())
    assert not layers[0].training and layers[5].training  # frozen layers run without dropout
    tokens = tokenizer(["asthma", "insulin resistance"], padding=True, return_tensors="pt")
    emb = tower(tokens["input_ids"], tokens["attention_mask"])
    emb.sum().backward()
    assert layers[0].attention.self.query.weight.grad is None
    assert layers[5].output.dense.weight.grad is not None
    assert np.allclose(emb.detach().norm(dim=1).numpy(), 1.0, atol=1e-5)
