"""Periodic validation on split=valid links: per-stream InfoNCE loss and in-batch accuracy@1."""

from __future__ import annotations

import numpy as np
import torch

from pygenerel.train.data import PairTable
from pygenerel.train.loss import in_batch_accuracy, weighted_info_nce


def to_device(batch: dict, device) -> dict:
    return {
        k: to_device(v, device) if isinstance(v, dict) else v.to(device) for k, v in batch.items()
    }


def pair_embeddings(model, pairs: PairTable, index: np.ndarray, device, net=None) -> dict:
    """Featurise with `model`, run `net` (the model, or its DistributedDataParallel wrapper)."""
    left = to_device(model.featurize(pairs.left_kind[index], pairs.left_key[index]), device)
    right = to_device(model.featurize(pairs.right_kind[index], pairs.right_key[index]), device)
    return (net or model)(left, right)


@torch.no_grad()
def validate(
    model, valid: dict[str, PairTable], batch_size: int, temperature: float, device
) -> dict:
    """{stream: {loss, acc@1[, aux_acc@1]}} over chunks of `batch_size` valid pairs."""
    was_training = model.training
    model.eval()
    metrics = {}
    for stream, pairs in valid.items():
        sums: dict[str, float] = {}
        chunks = [
            c
            for c in np.array_split(np.arange(len(pairs)), max(len(pairs) // batch_size, 1))
            if len(c) > 1
        ]
        for chunk in chunks:
            out = pair_embeddings(model, pairs, chunk, device)
            weight = torch.as_tensor(pairs.weight[chunk], device=device)
            values = {
                "loss": weighted_info_nce(out["left"], out["right"], weight, temperature).item(),
                "acc@1": in_batch_accuracy(out["left"], out["right"]),
            }
            if "aux_left" in out and pairs.has_snp(chunk):
                values["aux_acc@1"] = in_batch_accuracy(out["aux_left"], out["aux_right"])
            for key, value in values.items():
                sums[key] = sums.get(key, 0.0) + value / len(chunks)
        if chunks:
            metrics[stream] = {k: round(v, 4) for k, v in sums.items()}
    model.train(was_training)
    return metrics
