"""The concept catalog for neighbour search, with its embeddings computed once per model.

Embedding tens of thousands of names takes a while, so unless the bundle ships them they are
computed on first use and kept in the user cache directory under the model's digest (a new or
changed bundle never reuses stale vectors).
"""

from __future__ import annotations

import sys

import pandas as pd

from pygenerel.runtime.cache import model_cache_dir, save_atomic
from pygenerel.runtime.int8 import Int8Rows, quantize_rows


class ConceptCatalog:
    def __init__(self, bundle, text_encoder, encoder_name: str):
        self.table = pd.read_csv(
            bundle.file("concepts.tsv.gz"), sep="\t", dtype=str, keep_default_na=False
        )
        self._bundle = bundle
        self._text_encoder = text_encoder
        self._cache_dir = model_cache_dir("concepts", bundle, encoder_name)
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
        codes_path, scales_path = self._cache_dir / "codes.npy", self._cache_dir / "scales.npy"
        if codes_path.exists() and scales_path.exists():
            rows = Int8Rows.load(codes_path, scales_path)
            if len(rows) == len(self.table):
                return rows
        print(
            f"pygenerel: embedding {len(self.table)} concept names once; cached in {self._cache_dir}",
            file=sys.stderr,
        )
        codes, scales = quantize_rows(self._text_encoder.encode_uncached(list(self.table["name"])))
        save_atomic(codes_path, codes)
        save_atomic(scales_path, scales)
        return Int8Rows(codes, scales)
