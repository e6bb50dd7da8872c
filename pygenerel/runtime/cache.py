"""The user cache directory, where a model's derived arrays are kept between runs.

Arrays are keyed by the bundle's digest (a new or changed bundle never reuses stale ones) and
written atomically, so a concurrent reader never sees half a file.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np


def user_cache_dir() -> Path:
    """$PYGENEREL_CACHE_DIR, else $XDG_CACHE_HOME/pygenerel, else ~/.cache/pygenerel."""
    if os.environ.get("PYGENEREL_CACHE_DIR"):
        return Path(os.environ["PYGENEREL_CACHE_DIR"])
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "pygenerel"


def model_cache_dir(kind: str, bundle, encoder_name: str) -> Path:
    """Where the `kind` arrays derived from this bundle with this text encoder are kept."""
    return user_cache_dir() / kind / f"{bundle.digest[:16]}-{encoder_name.removesuffix('.onnx')}"


def save_atomic(path: Path, array: np.ndarray) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(f".{os.getpid()}.tmp.npy")
    np.save(partial, array, allow_pickle=False)
    partial.replace(path)
