"""Weighted symmetric InfoNCE with in-batch negatives.

Row i of `left` is the positive of row i of `right`; every other row is a negative. Each pair's
two cross-entropy terms (left->right, right->left) are scaled by its corpus weight, so a strong
association pulls harder than a weak one, and the mean is taken over the weights.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F


def weighted_info_nce(
    left: torch.Tensor, right: torch.Tensor, weight: torch.Tensor, temperature: float
) -> torch.Tensor:
    logits = left @ right.T / temperature
    target = torch.arange(len(left), device=left.device)
    per_pair = 0.5 * (
        F.cross_entropy(logits, target, reduction="none")
        + F.cross_entropy(logits.T, target, reduction="none")
    )
    return (per_pair * weight).sum() / weight.sum().clamp(min=1e-12)


@torch.no_grad()
def in_batch_accuracy(left: torch.Tensor, right: torch.Tensor) -> float:
    """Share of rows whose own partner is the most similar (left->right)."""
    hits = (left @ right.T).argmax(dim=1) == torch.arange(len(left), device=left.device)
    return hits.float().mean().item()
