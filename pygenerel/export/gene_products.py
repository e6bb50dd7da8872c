"""Put the corpus's gene products (EFO protein measurements: a trait named by one gene's product,
"moesin measurement") into a bundle, so that a SNP's top concepts leave them out as they leave
out genes: at a locus they are look-alikes of its own genes, which generel_genes lists.
export_bundle calls write_gene_products; add_gene_products retrofits a bundle (the shipped one)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from pygenerel.export.retrofit import catalog_concepts, record_file
from pygenerel.runtime.bundle import GENE_PRODUCTS, open_bundle


def write_gene_products(out_dir, concepts: pd.DataFrame) -> dict:
    """Write GENE_PRODUCTS (one column, id) into `out_dir` for the concepts (id, gene_product)
    that are gene products; returns the manifest's `gene_products` entry."""
    table = concepts.loc[concepts["gene_product"], ["id"]].sort_values("id")
    gzip = {"method": "gzip", "mtime": 0}  # the same bytes from the same ids
    table.to_csv(Path(out_dir) / GENE_PRODUCTS, sep="\t", index=False, compression=gzip)
    return {"file": GENE_PRODUCTS, "concepts": len(table)}


def add_gene_products(bundle_dir, concepts) -> Path:
    """Add (or replace) GENE_PRODUCTS in the bundle at `bundle_dir` from `concepts` (a DataFrame
    or the corpus's concepts.parquet), for the ids in the bundle's catalog, and rewrite its
    manifest."""
    bundle = open_bundle(bundle_dir)
    concepts = catalog_concepts(bundle, concepts, ["id", "gene_product"])
    entry = write_gene_products(bundle.path, concepts)
    return record_file(bundle, GENE_PRODUCTS, "gene_products", entry)
