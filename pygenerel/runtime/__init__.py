"""The torch-free runtime: load a model bundle and score SNPs and concepts with onnxruntime.

Imports only numpy, pandas, onnxruntime and tokenizers (a test checks), so `pip install pygenerel`
without the training extra is enough to use a model.
"""

from __future__ import annotations

import os
from pathlib import Path

from pygenerel.runtime.bundle import BundleError
from pygenerel.runtime.model import Model

__all__ = [
    "BundleError",
    "Model",
    "default_model_path",
    "embed",
    "load_model",
    "match",
    "neighbors",
    "search",
    "similarity",
]

SHIPPED = Path(__file__).resolve().parents[2] / "onnx"
_loaded: dict[Path, Model] = {}


def default_model_path() -> Path:
    """$PYGENEREL_MODEL, else the bundle shipped in onnx/<name>/ beside the package."""
    if os.environ.get("PYGENEREL_MODEL"):
        return Path(os.environ["PYGENEREL_MODEL"])
    bundles = sorted(p.parent for p in SHIPPED.glob("*/manifest.json"))
    if not bundles:
        raise BundleError(
            f"no model given: set PYGENEREL_MODEL or pass a path (nothing shipped in {SHIPPED})"
        )
    return bundles[-1]


def load_model(path=None, **options) -> Model:
    """Open a bundle (default: default_model_path()); options: precision, batch_size, threads."""
    return Model(default_model_path() if path is None else path, **options)


def _default_model() -> Model:
    """One Model per process and default path, so module-level calls share its text cache."""
    path = default_model_path().resolve()
    if path not in _loaded:
        _loaded[path] = load_model(path)
    return _loaded[path]


def embed(items, kind="auto", build="GRCh38"):
    return _default_model().embed(items, kind, build)


def similarity(a, b=None, pairwise=False, kind="auto", build="GRCh38", percentile=False):
    return _default_model().similarity(a, b, pairwise, kind, build, percentile)


def neighbors(query, k=10, types=None, kind="auto", build="GRCh38"):
    return _default_model().neighbors(query, k, types, kind, build)


def match(items, kind="auto", build="GRCh38"):
    return _default_model().match(items, kind, build)


def search(text, types=None, n=20):
    """Catalog concepts (id, name, type) by id or by the words of their name; no embeddings."""
    return _default_model().catalog.search(text, types, n)
