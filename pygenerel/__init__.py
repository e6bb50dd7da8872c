"""pygenerel: SNPs and biomedical concepts in one embedding space.

The public API is small and flat; everything here is torch-free and imported lazily.
Importing the package registers the pandas accessor `df.generel`.
"""

import importlib

__version__ = "0.1.0"

_LAZY = {
    "load_model": "pygenerel.runtime",
    "Model": "pygenerel.runtime",
    "embed": "pygenerel.runtime",
    "similarity": "pygenerel.runtime",
    "neighbors": "pygenerel.runtime",
    "match": "pygenerel.runtime",
    "search": "pygenerel.runtime",
    "annotate": "pygenerel.annotation",
    "loci": "pygenerel.annotation",
    "build_corpus": "pygenerel.corpus",
}

__all__ = [
    "Model",
    "annotate",
    "build_corpus",
    "embed",
    "load_model",
    "loci",
    "match",
    "neighbors",
    "search",
    "similarity",
]


def __getattr__(name):
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'pygenerel' has no attribute {name!r}")


def _register_accessor():
    try:
        importlib.import_module("pygenerel.accessor")
    except ModuleNotFoundError as error:  # accessor not built yet, or pandas missing
        if error.name not in ("pygenerel.accessor", "pandas"):
            raise


_register_accessor()
