"""Put the concept catalog's compact index (runtime/concept_index.py) into a bundle, so the
runtime's first search needs no catalog embedding. export_bundle calls write_concept_index for
new bundles; add_concept_index (re)builds it in place for an existing bundle (the shipped one, or
a new one that replaces it), every other file untouched.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from pygenerel.export.retrofit import record_file
from pygenerel.runtime.bundle import CONCEPT_INDEX, CONCEPTS, open_bundle
from pygenerel.runtime.concept_index import DIMS, LEVELS, index_bytes


def write_concept_index(out_dir, vectors: np.ndarray, concepts_sha256: str) -> dict:
    """Write CONCEPT_INDEX into `out_dir` from the catalog's vectors (catalog order; ConceptVectors);
    returns the manifest's `concept_index` entry."""
    (Path(out_dir) / CONCEPT_INDEX).write_bytes(index_bytes(vectors))
    return {
        "file": CONCEPT_INDEX,
        "concepts": len(vectors),
        "dims": min(DIMS, vectors.shape[1]) // 2 * 2,
        "bits": int(np.log2(LEVELS)),
        "concepts_sha256": concepts_sha256,
    }


def add_concept_index(bundle_dir, precision: str | None = None) -> Path:
    """Add (or rebuild) CONCEPT_INDEX in the bundle at `bundle_dir` and rewrite its manifest. Encodes every
    concept name, as the runtime does (minutes on a laptop); `precision` picks the text encoder
    as load_model does (default: the manifest's)."""
    from pygenerel.runtime import load_model

    model = load_model(bundle_dir, precision=precision)
    vectors = model.catalog.vectors.all()
    unit = vectors.rows(np.arange(len(vectors)))
    entry = write_concept_index(model.bundle.path, unit, model.bundle.manifest["files"][CONCEPTS])
    return record_file(open_bundle(bundle_dir), CONCEPT_INDEX, "concept_index", entry)
