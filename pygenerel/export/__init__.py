"""ONNX export of a trained GENEREL model into the bundle that the torch-free runtime reads."""

from pygenerel.export.bundle import export_bundle
from pygenerel.export.concept_classes import add_concept_classes
from pygenerel.export.concept_index import add_concept_index
from pygenerel.export.evidence import add_evidence
from pygenerel.export.gene_products import add_gene_products
from pygenerel.export.positions import add_rsid_positions

__all__ = [
    "add_concept_classes",
    "add_concept_index",
    "add_evidence",
    "add_gene_products",
    "add_rsid_positions",
    "export_bundle",
]
