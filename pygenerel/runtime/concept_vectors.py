"""The concept catalog's vectors: each name encoded on its own, as a query text is, and kept as
int8 rows (runtime/int8.py).

Encoding a name alone makes its vector independent of every other name: a concept asked for by
name finds its own entry at cosine 1, and any subset of the catalog can be encoded without the
rest. So a search encodes only the few hundred candidates the bundle's index proposes
(catalog.py); a call that needs many more (a large annotation, or a bundle without an index)
encodes just the names it needs, once: they go to the user cache under the model's digest with
the rows encoded before (a new or changed bundle never reuses stale vectors; a damaged cache is
recomputed, see cache.py). A table ranked against diseases alone never encodes the catalog's
genes.
"""

from __future__ import annotations

import sys

import numpy as np

from pygenerel.runtime.bundle import CONCEPT_EMBEDDINGS, CONCEPT_SCALES
from pygenerel.runtime.cache import load_verified, model_cache_dir, save_verified
from pygenerel.runtime.int8 import Int8Rows, quantize_rows

EMBED_MANY = 10_000  # names missing at once (or half a small catalog) past which the user cache
# is read; from then on, every name encoded is written to it
CACHE_KIND = "concept_rows"  # one array of (vector, scale, encoded?) rows, written at once, so
# two processes extending the cache never mix their halves; "concept_vectors" held whole catalogs


def cached_rows(dim: int) -> np.dtype:
    return np.dtype([("codes", np.int8, (dim,)), ("scale", np.float32), ("known", np.bool_)])


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
        self._cache_read = False
        self._cache_writable = True

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
        many = min(EMBED_MANY, len(self.names) // 2)
        if len(missing) > many and not self._cache_read:
            self._read_cache()
            missing = missing[~self.known[missing]]
        if not len(missing):
            return
        if len(missing) > many:
            print(
                f"pygenerel: embedding {len(missing):,} concept names once; cached in "
                f"{self.cache_dir}",
                file=sys.stderr,
            )
        self._store(missing, self.text_encoder.alone(list(self.names[missing])))
        if self._cache_read and self._cache_writable:  # a large job: its later pieces add too
            self._write_cache()

    def _read_cache(self) -> None:
        """Take the rows an earlier run encoded and cached."""
        self._cache_read = True
        shape, dtype = (len(self.names),), cached_rows(self.text_encoder.dim)
        cached = load_verified(self.cache_dir, {"rows": (shape, dtype)})
        if cached is not None:
            rows = cached["rows"]
            take = rows["known"] & ~self.known
            self.table.codes[take] = rows["codes"][take]
            self.table.scales[take] = rows["scale"][take]
            self.known |= take

    def _write_cache(self) -> None:
        rows = np.empty(len(self.names), dtype=cached_rows(self.text_encoder.dim))
        rows["codes"] = self.table.codes
        rows["scale"] = self.table.scales
        rows["known"] = self.known
        self._cache_writable = save_verified(self.cache_dir, {"rows": rows})  # else: warned once

    def _store(self, rows: np.ndarray, vectors: np.ndarray) -> None:
        self.table.codes[rows], self.table.scales[rows] = quantize_rows(vectors)
        self.known[rows] = True
