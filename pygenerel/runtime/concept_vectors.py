"""The concept catalog's vectors: each name encoded on its own, as a query text is, and kept as
int8 rows (runtime/int8.py).

Encoding a name alone makes its vector independent of every other name: a concept asked for by
name finds its own entry at cosine 1, and any subset of the catalog can be encoded without the
rest. So a search encodes only the few hundred candidates the bundle's index proposes
(catalog.py); a call that needs many more (a large annotation, or a bundle without an index)
encodes the whole catalog once and keeps it in the user cache under the model's digest (a new or
changed bundle never reuses stale vectors; a damaged cache is recomputed, see cache.py).
"""

from __future__ import annotations

import sys

import numpy as np

from pygenerel.runtime.bundle import CONCEPT_EMBEDDINGS, CONCEPT_SCALES
from pygenerel.runtime.cache import load_verified, model_cache_dir, save_verified
from pygenerel.runtime.int8 import Int8Rows, quantize_rows

EMBED_ALL = 10_000  # names missing at once (or half a small catalog) past which the whole
# catalog is encoded and cached
CACHE_KIND = "concept_vectors"  # not "concepts": caches from before held names encoded in batches


class ConceptVectors:
    def __init__(self, names: np.ndarray, text_encoder, bundle, encoder_name: str):
        self.names = names
        self.text_encoder = text_encoder
        self.bundle = bundle
        self.cache_dir = model_cache_dir(CACHE_KIND, bundle, encoder_name)
        n, dim = len(names), text_encoder.dim
        if bundle.has(
            CONCEPT_EMBEDDINGS
        ):  # exported with every vector (export_bundle(concept_embeddings))
            self.table = Int8Rows(
                bundle.array(CONCEPT_EMBEDDINGS, np.int8, (n, dim)),
                bundle.array(CONCEPT_SCALES, np.float32, (n,)),
            )
            self.known = np.ones(n, dtype=bool)
        else:
            self.table = Int8Rows(np.zeros((n, dim), np.int8), np.zeros(n, np.float32))
            self.known = np.zeros(n, dtype=bool)

    def rows(self, rows) -> Int8Rows:
        """The vectors of these catalog rows (encoded first if need be), as int8 rows."""
        rows = np.asarray(rows, dtype=np.int64)
        self.ensure(rows)
        return Int8Rows(self.table.codes[rows], self.table.scales[rows])

    def all(self) -> Int8Rows:
        """Every row's vector, the whole catalog encoded (or read from the cache) once."""
        self.ensure(np.arange(len(self.names)))
        return self.table

    def ensure(self, rows: np.ndarray) -> None:
        missing = np.unique(rows[~self.known[rows]])
        if len(missing) > min(EMBED_ALL, len(self.names) // 2):
            self._embed_all()
        elif len(missing):
            self._store(missing, self.text_encoder.alone(list(self.names[missing])))

    def _embed_all(self) -> None:
        n, dim = len(self.names), self.text_encoder.dim
        expected = {"codes": ((n, dim), np.int8), "scales": ((n,), np.float32)}
        cached = load_verified(self.cache_dir, expected)
        if cached is None:
            missing = np.flatnonzero(~self.known)
            print(
                f"pygenerel: embedding {len(missing):,} concept names once; cached in "
                f"{self.cache_dir}",
                file=sys.stderr,
            )
            self._store(missing, self.text_encoder.alone(list(self.names[missing])))
            save_verified(self.cache_dir, {"codes": self.table.codes, "scales": self.table.scales})
        else:
            self.table = Int8Rows(np.array(cached["codes"]), np.array(cached["scales"]))
            self.known[:] = True

    def _store(self, rows: np.ndarray, vectors: np.ndarray) -> None:
        self.table.codes[rows], self.table.scales[rows] = quantize_rows(vectors)
        self.known[rows] = True
