"""A compact index of the concept catalog, shipped in the bundle: where to look for a query's top
concepts without embedding the catalog first.

Each concept vector is kept as its first DIMS principal components at 4 bits each (64 bytes for
384 dimensions, ~9 MB for 150k concepts, against 56 MB for the int8 vectors themselves). Its
approximate cosines are good at ranking a catalog, not at reporting scores: the runtime takes a
query's few hundred best candidates from it and scores those with their real vectors
(catalog.py), so a reported score is always exact. The scan itself is integer arithmetic
(index_scan.onnx: 8-bit queries times the 4-bit levels, then TopK), exact and batch-independent.

The file is written by export (export/concept_index.py) and pinned by the manifest's sha256; the
manifest entry also names the concepts.tsv.gz it indexes, so an index left over from another
catalog is refused rather than trusted.
"""

from __future__ import annotations

import hashlib
import io
from pathlib import Path

import numpy as np
import onnxruntime as ort

from pygenerel.errors import BundleError
from pygenerel.runtime.bundle import CONCEPT_INDEX, CONCEPTS
from pygenerel.runtime.text_encoder import make_session

DIMS = 128  # principal components kept (fewer when the model has fewer dimensions)
LEVELS = 16  # 4 bits per component, two components a byte
CLIP = 3.0  # standard deviations each side a component's levels span
QUERY_BLOCK = 256  # queries a scan takes at once: bounds its score matrix
SCAN_GRAPH = Path(__file__).with_name("index_scan.onnx")  # written by export/search_graphs.py


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
        self.basis, self.step = arrays["basis"], arrays["step"]
        codes = arrays["codes"]
        self.levels = np.empty((n_concepts, dims), dtype=np.int8)  # centred: 0..15 -> -8..7
        self.levels[:, 0::2], self.levels[:, 1::2] = codes & 15, codes >> 4
        self.levels -= LEVELS // 2
        # (digest of the rows scanned last, their levels, the scan session holding them)
        self._scanner = (None, None, None)

    def project(self, queries: np.ndarray) -> np.ndarray:
        """Queries [m, dim] in the index's space, each scaled to 8-bit integers (zero point 128).
        A point is low + (level + 0.5) * step, so a query's approximate cosine with a row is, but
        for a per-query scale and constant that leave its ranking as it is, the integer product of
        its projection times step with the row's levels."""
        z = (np.asarray(queries, dtype=np.float32) @ self.basis) * self.step
        scale = np.abs(z).max(axis=1, keepdims=True) / 127
        z = np.round(z / np.where(scale > 0, scale, 1.0))
        return (z + 128).astype(np.uint8)

    def scan(self, queries: np.ndarray, rows: np.ndarray, room: int) -> np.ndarray:
        """[m, room] positions in `rows` of each query's best candidates by the index, in no
        order (room < len(rows)); the scan graph (index_scan.onnx) runs QUERY_BLOCK at a time."""
        session = self._scan_session(rows)
        projected, k = self.project(queries), np.array([room], dtype=np.int64)
        out = np.empty((len(projected), room), dtype=np.int64)
        for lo in range(0, len(projected), QUERY_BLOCK):
            feed = {"queries": projected[lo : lo + QUERY_BLOCK], "k": k}
            out[lo : lo + QUERY_BLOCK] = session.run(["top"], feed)[0]
        return out

    def _scan_session(self, rows: np.ndarray) -> ort.InferenceSession:
        """The scan graph with the levels of `rows` as its constant matrix, kept for the next
        call with the same rows (a table's every chunk ranks the same candidate rows)."""
        digest = hashlib.sha256(rows.tobytes()).digest()
        if self._scanner[0] != digest:
            levels = ort.OrtValue.ortvalue_from_numpy(np.ascontiguousarray(self.levels[rows].T))
            session = make_session(SCAN_GRAPH, constants={"levels": levels})
            self._scanner = (digest, levels, session)
        return self._scanner[2]
