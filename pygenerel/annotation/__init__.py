"""Annotating GWAS summary statistics with GENEREL scores (torch-free: pandas, pyarrow, runtime).

Named `annotation` so that `pygenerel.annotate` stays the function, re-exported by the package.
"""

from pygenerel.annotation.annotate import annotate, annotate_file
from pygenerel.annotation.errors import AnnotateError
from pygenerel.annotation.loci import loci

__all__ = ["AnnotateError", "annotate", "annotate_file", "loci"]
