"""Training pairs from the corpus `links` table, one column-array table per task."""
from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pandas as pd


@dataclasses.dataclass
class PairTable:
    """Parallel arrays; `*_key` is what the model embeds (rsid for a SNP, exact text otherwise)."""

    left_kind: np.ndarray
    left_key: np.ndarray
    left_id: np.ndarray
    right_kind: np.ndarray
    right_key: np.ndarray
    right_id: np.ndarray
    weight: np.ndarray

    def __len__(self) -> int:
        return len(self.weight)

    def has_snp(self, index) -> bool:
        return bool((self.left_kind[index] == "snp").any() or (self.right_kind[index] == "snp").any())

    def take(self, index) -> PairTable:
        return PairTable(**{f.name: getattr(self, f.name)[index] for f in dataclasses.fields(self)})

    @classmethod
    def from_frame(cls, frame: pd.DataFrame) -> PairTable:
        def key(side):
            is_snp = frame[f"{side}_kind"].values == "snp"
            return np.where(is_snp, frame[f"{side}_id"].values, frame[f"{side}_text"].values).astype(object)

        return cls(
            left_kind=frame["left_kind"].values.astype(object), left_key=key("left"),
            left_id=frame["left_id"].values.astype(object),
            right_kind=frame["right_kind"].values.astype(object), right_key=key("right"),
            right_id=frame["right_id"].values.astype(object),
            weight=frame["weight"].values.astype(np.float32),
        )


LINK_COLUMNS = ["left_id", "left_text", "right_id", "right_text", "left_kind", "right_kind",
                "task", "weight", "split"]


def load_pairs(corpus_dir, split: str, tasks, known_snps=None, max_pairs: int = 0,
               seed: int = 0) -> dict[str, PairTable]:
    """{task: PairTable} for one split. Pairs with a SNP outside `known_snps` are dropped (the
    model can only train ids it has rows for); `max_pairs` keeps a fixed random slice per task."""
    links = pd.read_parquet(Path(corpus_dir) / "links.parquet", columns=LINK_COLUMNS,
                            filters=[("split", "==", split)])
    out = {}
    for i, task in enumerate(tasks):
        frame = links[links["task"] == task]
        if known_snps is not None:
            ok = np.ones(len(frame), dtype=bool)
            for side in ("left", "right"):
                is_snp = frame[f"{side}_kind"].values == "snp"
                ok &= ~is_snp | frame[f"{side}_id"].isin(known_snps).values
            frame = frame[ok]
        if max_pairs and len(frame) > max_pairs:
            keep = np.random.default_rng([seed, i]).choice(len(frame), max_pairs, replace=False)
            frame = frame.iloc[np.sort(keep)]
        if len(frame):
            out[task] = PairTable.from_frame(frame.reset_index(drop=True))
    return out
