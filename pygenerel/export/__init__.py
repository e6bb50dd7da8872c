"""ONNX export of a trained GENEREL model into the bundle that the torch-free runtime reads."""

from pygenerel.export.bundle import export_bundle

__all__ = ["export_bundle"]
