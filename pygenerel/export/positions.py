"""Put the corpus's rsid positions into a bundle, so the runtime can place rsids outside the
vocabulary. export_bundle calls it for new bundles; add_rsid_positions retrofits a bundle whose
checkpoint is gone (the shipped one), leaving its other files untouched.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from pygenerel.export.retrofit import record_file
from pygenerel.runtime.bundle import RSID_POSITIONS, SNPS, open_bundle
from pygenerel.runtime.positions import write_rsid_positions

# Raw folder of each source named in the corpus table's `sources` column.
SOURCE_FOLDERS = {
    "hapmap3": "snp_reference/",
    "gtex": "gtex_eqtl/",
    "pgrm": "pgrm/",
    "gwas": "gwas_catalog/",
}
NOTE = f"also gives the positions of rsids outside the vocabulary ({RSID_POSITIONS})"


def write_positions(out_dir, table: pd.DataFrame, vocabulary) -> dict:
    """Write RSID_POSITIONS into `out_dir` for the rows of the corpus table `table` whose rsid is not in
    `vocabulary`; returns the manifest's `rsid_positions` entry (rows, rows per source)."""
    table = table[~table["rsid"].str.lower().isin(pd.Series(vocabulary).str.lower())]
    rows = write_rsid_positions(
        Path(out_dir) / RSID_POSITIONS,
        table["rsid"],
        table["chr"],
        table["pos_grch37"],
        table["pos_grch38"],
    )
    sources = table["sources"].str.split("|").explode()
    return {
        "file": RSID_POSITIONS,
        "rows": rows,
        "by_source": {s: int((sources == s).sum()) for s in SOURCE_FOLDERS},
    }


def note_sources(sources: list[dict]) -> list[dict]:
    """The manifest's sources, each one the positions come from marked with NOTE."""
    return [
        {**s, "note": NOTE}
        if any(f.startswith(tuple(SOURCE_FOLDERS.values())) for f in s.get("files", []))
        else s
        for s in sources
    ]


def add_rsid_positions(bundle_dir, table) -> Path:
    """Add (or replace) RSID_POSITIONS in the bundle at `bundle_dir` from `table` (the corpus's
    rsid_positions table, as a DataFrame or a Parquet path) and rewrite its manifest."""
    bundle = open_bundle(bundle_dir)
    if not isinstance(table, pd.DataFrame):
        table = pd.read_parquet(table)
    vocabulary = pd.read_csv(bundle.file(SNPS), sep="\t", usecols=["rsid"], dtype=str)
    entry = write_positions(bundle.path, table, vocabulary["rsid"])
    sources = note_sources(bundle.manifest.get("sources") or [])
    return record_file(bundle, RSID_POSITIONS, "rsid_positions", entry, sources=sources)
