"""The concept catalog for neighbour search, with its embeddings computed once per model.

Embedding tens of thousands of names takes a while, so unless the bundle ships them they are
computed on first use and kept in the user cache directory under the model's digest (a new or
changed bundle never reuses stale vectors).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import numpy as np
import pandas as pd

from pygenerel.runtime.int8 import Int8Rows, quantize_rows


def user_cache_dir() -> Path:
    """$PYGENEREL_CACHE_DIR, else $XDG_CACHE_HOME/pygenerel, else ~/.cache/pygenerel."""
    if os.environ.get("PYGENEREL_CACHE_DIR"):
        return Path(os.environ["PYGENEREL_CACHE_DIR"])
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "pygenerel"


class ConceptCatalog:
    def __init__(self, bundle, text_encoder, encoder_name: str):
        self.table = pd.read_csv(
            bundle.file("concepts.tsv.gz"), sep="\t", dtype=str, keep_default_na=False
        )
        self._bundle = bundle
        self._text_encoder = text_encoder
        self._cache_key = f"{bundle.digest[:16]}-{encoder_name.removesuffix('.onnx')}"
        self._embeddings = None

    def __len__(self) -> int:
        return len(self.table)

    @property
    def embeddings(self) -> Int8Rows:
        if self._embeddings is None:
            self._embeddings = self._load()
        return self._embeddings

    def _load(self) -> Int8Rows:
        bundle = self._bundle
        if bundle.has("concept_embeddings.npy"):
            return Int8Rows.load(
                bundle.file("concept_embeddings.npy"), bundle.file("concept_scales.npy")
            )
        folder = user_cache_dir() / "concepts" / self._cache_key
        codes_path, scales_path = folder / "codes.npy", folder / "scales.npy"
        if codes_path.exists() and scales_path.exists():
            rows = Int8Rows.load(codes_path, scales_path)
            if len(rows) == len(self.table):
                return rows
        print(
            f"pygenerel: embedding {len(self.table)} concept names once; cached in {folder}",
            file=sys.stderr,
        )
        codes, scales = quantize_rows(self._text_encoder.encode_uncached(list(self.table["name"])))
        folder.mkdir(parents=True, exist_ok=True)
        for path, array in ((codes_path, codes), (scales_path, scales)):
            partial = path.with_suffix(f".{os.getpid()}.tmp.npy")
            np.save(partial, array, allow_pickle=False)
            partial.replace(path)  # atomic: a concurrent reader never sees half a file
        return Int8Rows(codes, scales)
