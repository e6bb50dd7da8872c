"""Add a data file to an exported bundle whose checkpoint is gone (the shipped one): the file,
its manifest entry and its sha256, every other file untouched."""

from __future__ import annotations

import json
from pathlib import Path

from pygenerel.runtime.bundle import MANIFEST, sha256_file


def record_file(bundle, name: str, key: str, entry: dict, **changes) -> Path:
    """Rewrite the manifest of `bundle` (open_bundle) with `entry` under `key` and the sha256 of
    the file `name` already written into it; `changes` replace other manifest keys."""
    manifest = dict(bundle.manifest, **changes)
    manifest[key] = entry
    files = dict(manifest.pop("files"), **{name: sha256_file(bundle.path / name)})
    manifest["files"] = dict(sorted(files.items()))
    (bundle.path / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n")
    return bundle.path
