"""The R package `generel` gives the Python API's numbers: each R function is called through rpy2 (R
embedded in this process, its reticulate sharing this interpreter) and compared with pygenerel on the
same inputs and the same bundle."""

import atexit
import ctypes
import os
import platform
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "inst" / "extdata" / "example_gwas.tsv"
ITEMS = [
    "rs7903146",
    "rs1333049",
    "rs2476601",
    "type 2 diabetes",
    "insulin resistance",
    "TCF7L2",
    "coronary artery disease",
    "10:112998590",
]
TOL = 1e-6


def assert_same(from_r, from_python):
    """Equal within TOL, with NaN (an item neither side could resolve) in the same places."""
    np.testing.assert_allclose(
        np.asarray(from_r, dtype=float),
        np.asarray(from_python, dtype=float),
        rtol=0,
        atol=TOL,
        equal_nan=True,
    )


pytestmark = pytest.mark.skipif(shutil.which("R") is None, reason="R is not installed")


class R:
    """R embedded by rpy2, running code that calls into Python with the GIL held.

    rpy2 calls R through cffi, which lets go of the GIL for the call. reticulate 1.28 frees Python
    objects from R's garbage collector without taking it back (each call leaves at least the bound
    `sys.stdout.flush` it used), and freeing one without the GIL aborts the process. So code that
    reaches Python is evaluated through ctypes.PyDLL, which keeps the GIL, followed by a gc() there
    that leaves no Python object for R to free later; rpy2 does the rest (values in and out).
    """

    def __init__(self, library: Path):
        import rpy2.rinterface_lib.embedded
        import rpy2.robjects as ro
        import rpy2.situation
        from rpy2.rinterface_lib import openrlib

        # rpy2 ends R at exit, after Python has begun tearing down, which aborts the process.
        atexit.unregister(rpy2.rinterface_lib.embedded.endr)
        self.ro, self.ffi = ro, openrlib.ffi
        self.lib = ctypes.PyDLL(rpy2.situation.get_rlib_path(openrlib.R_HOME, platform.system()))
        self.lib.R_tryEvalSilent.restype = ctypes.c_void_p
        self.lib.R_tryEvalSilent.argtypes = [
            ctypes.c_void_p,
            ctypes.c_void_p,
            ctypes.POINTER(ctypes.c_int),
        ]
        self.globalenv = ctypes.c_void_p.in_dll(self.lib, "R_GlobalEnv").value
        ro.r(f'.libPaths(c("{library.as_posix()}", .libPaths()))')

    def __call__(self, code: str, **values):
        """Evaluate `code` with `values` bound in R's global environment; returns the rpy2 value."""
        for name, value in values.items():
            self.ro.globalenv[name] = value
        self._eval(f".parity_value <- local({{ {code} }})")
        self._eval("invisible(gc())")
        return self.ro.globalenv[".parity_value"]

    def _eval(self, code: str) -> None:
        expression = self.ro.r["parse"](text=code)[0]
        pointer = int(self.ffi.cast("uintptr_t", expression.__sexp__._cdata))
        failed = ctypes.c_int(0)
        self.lib.R_tryEvalSilent(pointer, self.globalenv, ctypes.byref(failed))
        if failed.value:
            raise RuntimeError(self.ro.r("geterrmessage()")[0].strip())

    def matrix(self, value) -> np.ndarray:
        return np.array(list(value), dtype=np.float64).reshape(
            tuple(self.ro.r.dim(value)), order="F"
        )

    def frame(self, value) -> pd.DataFrame:
        """A data.frame as pandas, with None for a missing string (NaN stays NaN)."""
        na = self.ro.NA_Character
        return pd.DataFrame(
            {name: [None if v is na else v for v in value.rx2(name)] for name in value.names}
        )

    def strings(self, items):
        return self.ro.StrVector(items)


@pytest.fixture(scope="module")
def r(tiny_bundle_dir, tmp_path_factory):
    """R with the package installed from this checkout, using this Python and the tiny bundle."""
    library = tmp_path_factory.mktemp("r-lib")
    subprocess.run(
        ["R", "CMD", "INSTALL", "--no-docs", "--no-test-load", f"--library={library}", str(ROOT)],
        check=True,
        capture_output=True,
    )
    os.environ["GENEREL_PYTHON"] = sys.executable
    session = R(library)
    session("library(generel); generel_model(bundle)", bundle=str(tiny_bundle_dir))
    return session


@pytest.fixture(scope="module")
def model(tiny_bundle_dir):
    from pygenerel.runtime import load_model

    return load_model(tiny_bundle_dir)


def test_headline_example_matches_python(r, model):
    value = r('generel_similarity(c("rs7903146", "type 2 diabetes"), "insulin resistance")')
    expected = model.similarity(["rs7903146", "type 2 diabetes"], ["insulin resistance"])
    assert_same(r.matrix(value), expected)
    assert list(r.ro.r.rownames(value)) == ["rs7903146", "type 2 diabetes"]
    assert list(r.ro.r.colnames(value)) == ["insulin resistance"]


def test_similarity_matrix_and_pairwise(r, model):
    x, y = ITEMS, ITEMS[::-1]
    square = r("generel_similarity(x)", x=r.strings(x))
    assert_same(r.matrix(square), model.similarity(x))
    full = r("generel_similarity(x, y)", x=r.strings(x), y=r.strings(y[:3]))
    assert_same(r.matrix(full), model.similarity(x, y[:3]))
    pairs = r("generel_similarity(x, y, pairwise = TRUE)", x=r.strings(x), y=r.strings(y))
    assert_same(np.array(list(pairs)), model.similarity(x, y, pairwise=True))


def test_embed(r, model):
    value = r("generel_embed(x)", x=r.strings(ITEMS))
    assert list(r.ro.r.rownames(value)) == ITEMS
    assert_same(r.matrix(value), model.embed(ITEMS))


def test_neighbors(r, model):
    value = r.frame(
        r('generel_neighbors(x, k = 7, types = c("disease", "gene"))', x=r.strings(ITEMS[:4]))
    )
    expected = model.neighbors(ITEMS[:4], k=7, types=["disease", "gene"])
    assert list(value.columns) == list(expected.columns)
    for column in ("query", "rank", "id", "name", "type"):
        assert value[column].tolist() == expected[column].tolist()
    assert_same(value["score"].to_numpy(), expected["score"].to_numpy())


def test_annotate(r, model):
    from pygenerel.annotation import annotate

    traits = ["type 2 diabetes", "coronary artery disease"]
    value = r.frame(
        r(
            "generel_annotate(read.delim(path), trait = traits, top_k = 2, "
            'pos_col = "BP_GRCh38", build = "GRCh38")',
            path=EXAMPLE.as_posix(),
            traits=r.strings(traits),
        )
    )
    expected = annotate(
        pd.read_csv(EXAMPLE, sep="\t"),
        traits=traits,
        top_k=2,
        pos_col="BP_GRCh38",
        build="GRCh38",
        model=model,
    )
    assert list(value.columns) == list(expected.columns)
    assert len(value) == len(expected) == 2006
    for column in expected.columns:
        if pd.api.types.is_float_dtype(expected[column]):
            left, right = value[column].to_numpy(float), expected[column].to_numpy(float)
            assert (np.isnan(left) == np.isnan(right)).all(), column
            assert np.nanmax(np.abs(left - right)) <= TOL, column
        else:
            strings = expected[column].astype(object)
            assert value[column].tolist() == strings.where(strings.notna(), None).tolist(), column


def test_model_info(r, model):
    value = r("generel_model()")
    info = model.info()
    for field in ("name", "version", "dim", "snps"):
        assert value.rx2(field)[0] == info[field]


def test_python_error_reaches_r_as_one_line(r, model):
    with pytest.raises(ValueError) as python_error:
        model.neighbors(["type 2 diabetes"], types=["planet"])
    value = r(
        'e <- tryCatch(generel_neighbors("type 2 diabetes", types = "planet"), error = identity)\n'
        "list(class = class(e)[1], message = conditionMessage(e))"
    )
    assert value.rx2("class")[0] == "generel_error"
    assert value.rx2("message")[0] == " ".join(str(python_error.value).split())
