"""Put the corpus's evidence table (corpus/evidence.py) into a bundle, for `explain`.
export_bundle calls write_evidence; add_evidence retrofits a bundle (the shipped one)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from pygenerel.export.retrofit import record_file
from pygenerel.runtime.bundle import EVIDENCE, open_bundle


def write_evidence(out_dir, table: pd.DataFrame) -> dict:
    """Write EVIDENCE into `out_dir`; returns the manifest's `evidence` entry (rows per source)."""
    table.to_csv(Path(out_dir) / EVIDENCE, sep="\t", index=False)
    return {
        "file": EVIDENCE,
        "rows": len(table),
        "by_source": {str(k): int(v) for k, v in table["source"].value_counts().items()},
    }


def add_evidence(bundle_dir, table) -> Path:
    """Add (or replace) EVIDENCE in the bundle at `bundle_dir` from `table` (a DataFrame or the
    corpus's evidence.parquet) and rewrite its manifest."""
    bundle = open_bundle(bundle_dir)
    if not isinstance(table, pd.DataFrame):
        table = pd.read_parquet(table)
    return record_file(bundle, EVIDENCE, "evidence", write_evidence(bundle.path, table))
