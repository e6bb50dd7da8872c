"""Training pairs from the corpus `links` table, one column-array table per task."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pandas as pd

from pygenerel.corpus.links import LINK_COLUMNS


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
        return bool(
            (self.left_kind[index] == "snp").any() or (self.right_kind[index] == "snp").any()
        )

    def take(self, index) -> PairTable:
        return PairTable(**{f.name: getattr(self, f.name)[index] for f in dataclasses.fields(self)})

    @classmethod
    def from_frame(cls, frame: pd.DataFrame) -> PairTable:
        def key(side):
            is_snp = frame[f"{side}_kind"].values == "snp"
            return np.where(
                is_snp, frame[f"{side}_id"].values, frame[f"{side}_text"].values
            ).astype(object)

        return cls(
            left_kind=frame["left_kind"].values.astype(object),
            left_key=key("left"),
            left_id=frame["left_id"].values.astype(object),
            right_kind=frame["right_kind"].values.astype(object),
            right_key=key("right"),
            right_id=frame["right_id"].values.astype(object),
            weight=frame["weight"].values.astype(np.float32),
        )


# What training reads of the corpus links: all but their provenance.
TRAINING_COLUMNS = [c for c in LINK_COLUMNS if c not in ("source", "published")]


def stream_task(stream: str) -> str:
    """A stream is a task ("gwas") or one relation type of a task ("relation/disease_gene")."""
    return stream.split("/", 1)[0]


def load_pairs(
    corpus_dir,
    split: str,
    tasks,
    known_snps=None,
    max_pairs: int = 0,
    seed: int = 0,
    split_by_relation=(),
) -> dict[str, PairTable]:
    """{stream: PairTable} for one split. Tasks in `split_by_relation` get one stream per relation
    type, so a batch's negatives share the positive's type (as the benchmarks' negatives do).
    Pairs with a SNP outside `known_snps` are dropped (the model has no row to train);
    `max_pairs` keeps a fixed random slice per stream."""
    links = pd.read_parquet(
        Path(corpus_dir) / "links.parquet",
        columns=TRAINING_COLUMNS,
        filters=[("split", "==", split)],
    )
    links = links[links["task"].isin(list(tasks))]
    if known_snps is not None:
        ok = np.ones(len(links), dtype=bool)
        for side in ("left", "right"):
            is_snp = links[f"{side}_kind"].values == "snp"
            ok &= ~is_snp | links[f"{side}_id"].isin(known_snps).values
        links = links[ok]
    split_tasks = links["task"].isin(list(split_by_relation))
    stream = links["task"].where(~split_tasks, links["task"] + "/" + links["relation"])
    out = {}
    for i, (name, frame) in enumerate(links.groupby(stream.values, sort=True)):
        if max_pairs and len(frame) > max_pairs:
            keep = np.random.default_rng([seed, i]).choice(len(frame), max_pairs, replace=False)
            frame = frame.iloc[np.sort(keep)]
        out[name] = PairTable.from_frame(frame.reset_index(drop=True))
    return out
