"""The user cache directory, where a model's derived arrays are kept between runs.

Arrays are keyed by the bundle's digest (a new or changed bundle never reuses stale ones). The
cache is not trusted: each array is written with a sidecar holding its sha256, and on load its
digest, shape and dtype must all match, else it is recomputed. Writes are atomic (a concurrent
reader never sees half a file) and best effort: a cache that cannot be written costs speed only.
"""

from __future__ import annotations

import hashlib
import io
import os
import sys
import tempfile
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


def load_verified(directory: Path, expected: dict) -> dict | None:
    """{name: array} for expected {name: (shape, dtype)}, or None if any is absent or not exactly
    what save_verified wrote (a note on stderr then says why, and the caller recomputes)."""
    arrays = {}
    for name, (shape, dtype) in expected.items():
        path = directory / f"{name}.npy"
        if not path.is_file():
            return None  # never cached (or out of reach): the caller computes and saves it
        try:
            data = path.read_bytes()
            digest = (directory / f"{name}.sha256").read_text().strip()
            if hashlib.sha256(data).hexdigest() != digest:
                raise ValueError("sha256 does not match")
            array = np.load(io.BytesIO(data), allow_pickle=False)
            if array.shape != tuple(shape) or array.dtype != np.dtype(dtype):
                raise ValueError(f"{array.dtype} {array.shape}, expected {np.dtype(dtype)} {shape}")
        except (OSError, ValueError, EOFError) as error:
            _note(f"ignoring cached {path} ({error}); recomputing")
            return None
        arrays[name] = array
    return arrays


def save_verified(directory: Path, arrays: dict) -> bool:
    """Write each array, then its sha256 sidecar; a write that fails only warns (-> False)."""
    try:
        directory.mkdir(parents=True, exist_ok=True)
        for name, array in arrays.items():
            buffer = io.BytesIO()
            np.save(buffer, array, allow_pickle=False)
            data = buffer.getvalue()
            _write_atomic(directory / f"{name}.npy", data)
            _write_atomic(directory / f"{name}.sha256", hashlib.sha256(data).hexdigest().encode())
    except OSError as error:
        _note(
            f"warning: cannot write the cache in {directory} ({error.strerror or error}); "
            "continuing without it"
        )
        return False
    return True


def cached_array(directory: Path, name: str, shape, dtype, compute) -> np.ndarray:
    """The array `name` from the cache if it is there and intact, else compute() (saved)."""
    cached = load_verified(directory, {name: (shape, dtype)})
    if cached is None:
        cached = {name: compute()}
        save_verified(directory, cached)
    return cached[name]


def _write_atomic(path: Path, data: bytes) -> None:
    """Write to a fresh private temporary file beside `path`, then rename it into place."""
    fd, partial = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(partial, path)
    except BaseException:
        Path(partial).unlink(missing_ok=True)
        raise


def _note(message: str) -> None:
    print(f"pygenerel: {message}", file=sys.stderr)
