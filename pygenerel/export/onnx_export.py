"""Export the text tower and the locus encoder to ONNX, and prove each matches torch.

The TorchScript exporter (dynamo=False) needs no onnxscript and keeps the batch and sequence axes
of a Hugging Face encoder dynamic. Tracing can silently bake in a shape, so every export is run
back through onnxruntime at other shapes (and with padding) and compared with torch.
"""

from __future__ import annotations

import warnings

import numpy as np
import torch
from torch import nn

from pygenerel.errors import GenerelError
from pygenerel.runtime.bundle import SNP_INPUTS, SNP_OUTPUT, TEXT_INPUTS, TEXT_OUTPUT
from pygenerel.runtime.text_encoder import load_tokenizer, make_session

OPSET = 17
TOLERANCE = 1e-4  # max abs difference allowed between torch and ONNX fp32 outputs


class ExportError(GenerelError, RuntimeError):
    """An exported graph that does not reproduce the torch model (one line, exit 2, in the CLI)."""


def bundle_tokenizer(hf_tokenizer, max_length: int):
    """The fast tokenizer's `tokenizers` core with truncation and padding set explicitly."""
    from tokenizers import Tokenizer

    tokenizer = Tokenizer.from_str(hf_tokenizer.backend_tokenizer.to_str())
    tokenizer.enable_truncation(max_length)
    tokenizer.enable_padding(pad_id=hf_tokenizer.pad_token_id, pad_token=hf_tokenizer.pad_token)
    return tokenizer


def _tokens(tokenizer_path, max_length, texts):
    tokenizer, pad_id = load_tokenizer(tokenizer_path, max_length)
    tokenizer.enable_padding(pad_id=pad_id)
    encodings = tokenizer.encode_batch(list(texts))
    ids = np.array([e.ids for e in encodings], dtype=np.int64)
    mask = np.array([e.attention_mask for e in encodings], dtype=np.int64)
    return ids, mask


def _export(module, args, path, input_names, output_name, dynamic_axes):
    with warnings.catch_warnings():
        warnings.simplefilter(
            "ignore"
        )  # tracer and deprecation chatter; the graph is verified below
        torch.onnx.export(
            module,
            args,
            str(path),
            dynamo=False,
            opset_version=OPSET,
            input_names=input_names,
            output_names=[output_name],
            dynamic_axes=dynamic_axes,
        )


def export_text_encoder(
    text_tower: nn.Module, tokenizer_path, max_length: int, path, sample_texts: list[str]
) -> float:
    """text_tower(input_ids, attention_mask) -> [B, dim] to `path`; returns the max abs diff."""
    text_tower.eval()
    ids, mask = _tokens(
        tokenizer_path, max_length, sample_texts[:2]
    )  # padded: the mask path is traced
    batch, seq = {0: "batch", 1: "sequence"}, {0: "batch"}
    _export(
        text_tower,
        (torch.as_tensor(ids), torch.as_tensor(mask)),
        path,
        list(TEXT_INPUTS),
        TEXT_OUTPUT,
        {TEXT_INPUTS[0]: batch, TEXT_INPUTS[1]: batch, TEXT_OUTPUT: seq},
    )
    return verify_text_encoder(text_tower, tokenizer_path, max_length, path, sample_texts)


def verify_text_encoder(text_tower, tokenizer_path, max_length, path, texts) -> float:
    """Max abs diff torch vs ONNX over batches of several sizes (raises above TOLERANCE)."""
    session = make_session(path)
    worst = 0.0
    for size in (1, 3, len(texts)):
        ids, mask = _tokens(tokenizer_path, max_length, texts[:size])
        with torch.no_grad():
            expected = text_tower(torch.as_tensor(ids), torch.as_tensor(mask)).numpy()
        got = session.run(None, dict(zip(TEXT_INPUTS, (ids, mask))))[0]
        worst = max(worst, float(np.abs(expected - got).max()))
    if worst > TOLERANCE:
        raise ExportError(
            f"{path}: ONNX text encoder differs from torch by {worst:.2e} (> {TOLERANCE})"
        )
    return worst


def export_snp_encoder(
    locus_encoder: nn.Module, n_scales: int, dim: int, path, bins: np.ndarray
) -> float:
    """locus_encoder(bins, gene_emb) -> [B, dim] to `path`; `bins` are real rows to check with."""
    locus_encoder.eval()
    rng = np.random.default_rng(0)
    gene_emb = rng.normal(size=(len(bins), dim)).astype(np.float32)
    gene_emb /= np.linalg.norm(gene_emb, axis=1, keepdims=True)
    gene_emb[::3] = 0  # SNPs with no nearby gene
    args = (torch.as_tensor(bins[:2]), torch.as_tensor(gene_emb[:2]))
    _export(
        locus_encoder,
        args,
        path,
        list(SNP_INPUTS),
        SNP_OUTPUT,
        {name: {0: "batch"} for name in (*SNP_INPUTS, SNP_OUTPUT)},
    )
    with torch.no_grad():
        expected = locus_encoder(torch.as_tensor(bins), torch.as_tensor(gene_emb)).numpy()
    feed = dict(zip(SNP_INPUTS, (bins.astype(np.int64), gene_emb)))
    got = make_session(path).run(None, feed)[0]
    worst = float(np.abs(expected - got).max())
    if worst > TOLERANCE:
        raise ExportError(
            f"{path}: ONNX SNP encoder differs from torch by {worst:.2e} (> {TOLERANCE})"
        )
    return worst
