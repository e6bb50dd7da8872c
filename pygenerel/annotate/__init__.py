"""Annotating GWAS summary statistics with GENEREL scores (torch-free: pandas, pyarrow, runtime)."""
from pygenerel.annotate.annotate import annotate, annotate_file
from pygenerel.annotate.errors import AnnotateError

__all__ = ["AnnotateError", "annotate", "annotate_file"]
