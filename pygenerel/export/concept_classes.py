"""Put the corpus's concept classes (corpus/equivalence.py: cross-referenced or same-named ids of
one concept) into a bundle, so that top concepts list each class once. export_bundle calls
write_concept_classes; add_concept_classes retrofits a bundle (the shipped one)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from pygenerel.export.retrofit import catalog_concepts, record_file
from pygenerel.runtime.bundle import CONCEPT_CLASSES, open_bundle


def write_concept_classes(out_dir, concepts: pd.DataFrame) -> dict:
    """Write CONCEPT_CLASSES (id, class) into `out_dir` for the concepts (id, class; "" for none)
    whose class holds two or more of them; returns the manifest's `concept_classes` entry."""
    table = concepts.loc[concepts["class"] != "", ["id", "class"]]
    table = table[table["class"].duplicated(keep=False)].sort_values(["class", "id"])
    gzip = {"method": "gzip", "mtime": 0}  # the same bytes from the same classes
    table.to_csv(Path(out_dir) / CONCEPT_CLASSES, sep="\t", index=False, compression=gzip)
    return {"file": CONCEPT_CLASSES, "concepts": len(table), "classes": table["class"].nunique()}


def add_concept_classes(bundle_dir, concepts) -> Path:
    """Add (or replace) CONCEPT_CLASSES in the bundle at `bundle_dir` from `concepts` (a
    DataFrame or the corpus's concepts.parquet), for the ids in the bundle's catalog, and rewrite
    its manifest."""
    bundle = open_bundle(bundle_dir)
    concepts = catalog_concepts(bundle, concepts, ["id", "class"])
    entry = write_concept_classes(bundle.path, concepts)
    return record_file(bundle, CONCEPT_CLASSES, "concept_classes", entry)
