"""Add a data file to an exported bundle whose checkpoint is gone (the shipped one): the file,
its manifest entry and its sha256, every other file untouched."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from pygenerel.runtime.bundle import CONCEPTS, MANIFEST, sha256_file


def catalog_concepts(bundle, concepts, columns: list[str]) -> pd.DataFrame:
    """The `columns` of `concepts` (a DataFrame or the corpus's concepts.parquet) for the ids in
    the bundle's catalog: what a per-concept file added to the bundle describes."""
    if not isinstance(concepts, pd.DataFrame):
        concepts = pd.read_parquet(concepts, columns=columns)
    catalog = pd.read_csv(bundle.file(CONCEPTS), sep="\t", usecols=["id"], dtype=str)
    return concepts.loc[concepts["id"].isin(catalog["id"]), columns]


def record_file(bundle, name: str, key: str, entry: dict, **changes) -> Path:
    """Rewrite the manifest of `bundle` (open_bundle) with `entry` under `key` and the sha256 of
    the file `name` already written into it; `changes` replace other manifest keys."""
    manifest = dict(bundle.manifest, **changes)
    manifest[key] = entry
    files = dict(manifest.pop("files"), **{name: sha256_file(bundle.path / name)})
    manifest["files"] = dict(sorted(files.items()))
    (bundle.path / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n")
    return bundle.path
