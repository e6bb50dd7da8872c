"""A compact index of the concept catalog, shipped in the bundle: where to look for a query's top
concepts without embedding the catalog first.

Each concept vector is kept as its first DIMS principal components at 4 bits each (64 bytes for
384 dimensions, ~9 MB for 150k concepts, against 56 MB for the int8 vectors themselves). Its
approximate cosines are good at ranking a catalog, not at reporting scores: the runtime takes a
query's few hundred best candidates from it and scores those with their real vectors
(catalog.py), so a reported score is always exact.

The file is written by export (export/concept_index.py) and pinned by the manifest's sha256; the
manifest entry also names the concepts.tsv.gz it indexes, so an index left over from another
catalog is refused rather than trusted.
"""

from __future__ import annotations

import io

import numpy as np

from pygenerel.errors import BundleError
from pygenerel.runtime.bundle import CONCEPT_INDEX, CONCEPTS

DIMS = 128  # principal components kept (fewer when the model has fewer dimensions)
LEVELS = 16  # 4 bits per component, two components a byte
CLIP = 3.0  # standard deviations each side a component's levels span


def build_index(vectors: np.ndarray) -> dict[str, np.ndarray]:
    """The index arrays for unit concept vectors [n, dim] (rows in catalog order)."""
    vectors = np.asarray(vectors, dtype=np.float64)
    mean = vectors.mean(axis=0)
    centred = vectors - mean
    _, eigenvectors = np.linalg.eigh(centred.T @ centred)
    basis = eigenvectors[:, ::-1][:, : min(DIMS, vectors.shape[1]) // 2 * 2]
    z = centred @ basis
    step = 2 * CLIP * z.std(axis=0) / LEVELS
    step = np.where(step > 0, step, 1.0)
    low = -CLIP * z.std(axis=0)
    levels = np.clip(np.floor((z - low) / step), 0, LEVELS - 1).astype(np.uint8)
    return {
        "mean": mean.astype(np.float32),
        "basis": basis.astype(np.float32),
        "low": low.astype(np.float32),
        "step": step.astype(np.float32),
        "codes": levels[:, 0::2] | (levels[:, 1::2] << 4),
    }


def index_bytes(vectors: np.ndarray) -> bytes:
    """The index file's contents (an uncompressed .npz: 4-bit codes do not compress)."""
    buffer = io.BytesIO()
    np.savez(buffer, **build_index(vectors))
    return buffer.getvalue()


class ConceptIndex:
    """Approximate cosines of queries with catalog rows, from the bundle's index file."""

    def __init__(self, bundle, n_concepts: int, dim: int):
        entry = bundle.manifest.get("concept_index") or {}
        indexed = entry.get("concepts_sha256")
        if indexed != bundle.manifest["files"].get(CONCEPTS):
            raise BundleError(
                f"{bundle.path}: {CONCEPT_INDEX} indexes another concept catalog than concepts.tsv.gz; "
                "rebuild it (pygenerel.export.add_concept_index)"
            )
        try:
            with np.load(bundle.file(CONCEPT_INDEX), allow_pickle=False) as data:
                arrays = {name: data[name] for name in ("mean", "basis", "low", "step", "codes")}
        except (OSError, ValueError, KeyError) as error:
            raise BundleError(f"{bundle.path}: cannot read {CONCEPT_INDEX}: {error}") from None
        dims = arrays["basis"].shape[-1]
        expected = {
            "mean": ((dim,), np.float32),
            "basis": ((dim, dims), np.float32),
            "low": ((dims,), np.float32),
            "step": ((dims,), np.float32),
            "codes": ((n_concepts, dims // 2), np.uint8),
        }
        for name, (shape, dtype) in expected.items():
            if arrays[name].shape != shape or arrays[name].dtype != dtype:
                raise BundleError(
                    f"{bundle.path}: {CONCEPT_INDEX} holds {name} as {arrays[name].dtype} "
                    f"{arrays[name].shape}, expected {np.dtype(dtype)} {shape}"
                )
        self.mean, self.basis = arrays["mean"], arrays["basis"]
        codes = arrays["codes"]
        levels = np.empty((n_concepts, dims), dtype=np.float32)
        levels[:, 0::2], levels[:, 1::2] = codes & 15, codes >> 4
        self.points = arrays["low"] + (levels + 0.5) * arrays["step"]  # [n, dims]

    def project(self, queries: np.ndarray) -> np.ndarray:
        """Queries [m, dim] in the index's space: their cosines with catalog rows are, but for a
        per-query constant that leaves every ranking as it is, project(q) @ points[rows].T."""
        return np.asarray(queries, dtype=np.float32) @ self.basis
