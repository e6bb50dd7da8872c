"""Annotating GWAS summary statistics with GENEREL scores (torch-free: pandas, pyarrow, runtime).

`pygenerel.annotate` names both this package and the function below: importing the package makes
the import system bind the attribute to the module, so the module itself is made callable and
`pygenerel.annotate(table, ...)` works however it was reached.
"""
import sys
import types

from pygenerel.annotate.annotate import annotate, annotate_file
from pygenerel.annotate.errors import AnnotateError

__all__ = ["AnnotateError", "annotate", "annotate_file"]


class _CallableModule(types.ModuleType):
    def __call__(self, *args, **kwargs):
        return annotate(*args, **kwargs)


sys.modules[__name__].__class__ = _CallableModule
