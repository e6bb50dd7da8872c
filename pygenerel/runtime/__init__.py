"""The torch-free runtime: load a model bundle and score SNPs and concepts with onnxruntime.

Imports only numpy, pandas, onnxruntime and tokenizers (a test checks), so `pip install pygenerel`
without the training extra is enough to use a model.
"""

from __future__ import annotations

import os
from pathlib import Path

from pygenerel.arguments import user_path
from pygenerel.runtime.bundle import BundleError
from pygenerel.runtime.model import Model

__all__ = [
    "BundleError",
    "Model",
    "embed",
    "load_model",
    "match",
    "neighbors",
    "resolve_model",
    "search",
    "similarity",
]

PACKAGED = Path(__file__).resolve().parents[1] / "_models"  # where a wheel puts onnx/
CHECKOUT = Path(__file__).resolve().parents[2] / "onnx"  # a source checkout or editable install
_loaded: dict[Path, Model] = {}


def resolve_model(path=None) -> tuple[Path, str]:
    """The bundle to load and why, by the one policy every caller (CLI, Python, R) shares: the path
    given, else $PYGENEREL_MODEL, else the model installed with pygenerel."""
    if path is not None:
        return Path(user_path(path)), "given explicitly"
    if os.environ.get("PYGENEREL_MODEL"):
        return Path(user_path(os.environ["PYGENEREL_MODEL"])), "from PYGENEREL_MODEL"
    for where, how in (
        (PACKAGED, "installed with pygenerel"),
        (CHECKOUT, "in the source checkout"),
    ):
        bundles = sorted(p.parent for p in where.glob("*/manifest.json"))
        if bundles:
            return bundles[-1], f"the default model {how} (no path given, PYGENEREL_MODEL unset)"
    raise BundleError(
        f"no model given: set PYGENEREL_MODEL or pass a path (none installed in {PACKAGED})"
    )


def load_model(path=None, **options) -> Model:
    """Open a bundle (path as resolve_model() picks it); options: precision, batch_size, threads."""
    return Model(resolve_model(path)[0], **options)


def _default_model() -> Model:
    """One Model per process and default path, so module-level calls share its text cache."""
    path = resolve_model()[0].resolve()
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
