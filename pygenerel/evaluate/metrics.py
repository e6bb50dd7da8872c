"""Metrics on plain numpy arrays: AUC, Spearman correlation, retrieval accuracy@k."""

from __future__ import annotations

import numpy as np
from scipy.stats import rankdata


def auc(scores, labels) -> float:
    """Area under the ROC curve (Mann-Whitney, ties count half); NaN without both classes."""
    scores, labels = np.asarray(scores, dtype=float), np.asarray(labels) == 1
    n_pos, n_neg = labels.sum(), (~labels).sum()
    if n_pos == 0 or n_neg == 0:
        return float("nan")
    ranks = rankdata(scores)
    return float((ranks[labels].sum() - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg))


def spearman(x, y) -> float:
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    if len(x) < 3:
        return float("nan")
    rx, ry = rankdata(x), rankdata(y)
    if rx.std() == 0 or ry.std() == 0:
        return float("nan")
    return float(np.corrcoef(rx, ry)[0, 1])


def retrieval_accuracy(
    queries: np.ndarray, candidates: np.ndarray, target: np.ndarray, ks=(1, 10), chunk: int = 1024
) -> dict:
    """Share of queries whose target candidate row ranks within the top k by cosine.

    `queries` [q, d] and `candidates` [c, d] are L2-normalised; `target` [q] holds row numbers.
    A target tied with others counts as ranked behind them (no credit for a constant scorer).
    """
    hits = {k: 0 for k in ks}
    for lo in range(0, len(queries), chunk):
        scores = queries[lo : lo + chunk] @ candidates.T
        own = scores[np.arange(len(scores)), target[lo : lo + chunk]]
        rank = (scores >= own[:, None]).sum(axis=1)  # 1 = best
        for k in ks:
            hits[k] += int((rank <= k).sum())
    return {f"acc@{k}": hits[k] / max(len(queries), 1) for k in ks}
