"""The concept catalog for neighbour search, with its embeddings computed once per model.

Embedding tens of thousands of names takes a while, so unless the bundle ships them they are
computed on first use and kept in the user cache directory under the model's digest (a new or
changed bundle never reuses stale vectors; a damaged cache is recomputed, see cache.py).
"""

from __future__ import annotations

import sys

import numpy as np
import pandas as pd

from pygenerel.runtime.cache import load_verified, model_cache_dir, save_verified
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
        bundle, n, dim = self._bundle, len(self.table), self._text_encoder.dim
        if bundle.has("concept_embeddings.npy"):
            return Int8Rows(
                bundle.array("concept_embeddings.npy", np.int8, (n, dim)),
                bundle.array("concept_scales.npy", np.float32, (n,)),
            )
        expected = {"codes": ((n, dim), np.int8), "scales": ((n,), np.float32)}
        cached = load_verified(self._cache_dir, expected)
        if cached is not None:
            return Int8Rows(cached["codes"], cached["scales"])
        print(
            f"pygenerel: embedding {n} concept names once; cached in {self._cache_dir}",
            file=sys.stderr,
        )
        codes, scales = quantize_rows(self._text_encoder.encode_uncached(list(self.table["name"])))
        save_verified(self._cache_dir, {"codes": codes, "scales": scales})
        return Int8Rows(codes, scales)
