"""The R package `generel` gives the Python API's numbers: each R function is called through rpy2 (R
embedded in this process, reticulate sharing this interpreter) and compared with pygenerel on the same
inputs and the same bundle."""
import atexit
import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "inst" / "extdata" / "example_gwas.tsv"
ITEMS = ["rs7903146", "rs1333049", "rs2476601", "type 2 diabetes", "insulin resistance", "TCF7L2",
         "coronary artery disease", "10:112998590"]
TOL = 1e-6

pytestmark = pytest.mark.skipif(shutil.which("R") is None, reason="R is not installed")


@pytest.fixture(scope="module")
def r(tiny_bundle_dir, tmp_path_factory):
    """R with the package installed from this checkout, using this Python and the tiny bundle."""
    lib = tmp_path_factory.mktemp("r-lib")
    subprocess.run(["R", "CMD", "INSTALL", "--no-docs", "--no-test-load", f"--library={lib}", str(ROOT)],
                   check=True, capture_output=True)
    os.environ["GENEREL_PYTHON"] = sys.executable
    import rpy2.rinterface_lib.embedded
    import rpy2.robjects as ro

    # rpy2 ends R at exit, after Python has begun tearing down, which aborts the process.
    atexit.unregister(rpy2.rinterface_lib.embedded.endr)
    ro.r(f'.libPaths(c("{lib.as_posix()}", .libPaths())); library(generel)')
    ro.globalenv["bundle"] = str(tiny_bundle_dir)
    ro.r("generel_model(bundle)")
    return ro


@pytest.fixture(scope="module")
def model(tiny_bundle_dir):
    from pygenerel.runtime import load_model

    return load_model(tiny_bundle_dir)


def as_matrix(ro, value) -> np.ndarray:
    return np.array(list(value), dtype=np.float64).reshape(tuple(ro.r.dim(value)), order="F")


def as_frame(ro, value) -> pd.DataFrame:
    columns = {name: list(value.rx2(name)) for name in value.names}
    return pd.DataFrame(columns)


def test_headline_example_matches_python(r, model):
    value = r.r('generel_similarity(c("rs7903146", "type 2 diabetes"), "insulin resistance")')
    expected = model.similarity(["rs7903146", "type 2 diabetes"], ["insulin resistance"])
    assert np.abs(as_matrix(r, value) - expected).max() <= TOL
    assert list(r.r.rownames(value)) == ["rs7903146", "type 2 diabetes"]
    assert list(r.r.colnames(value)) == ["insulin resistance"]


def test_similarity_matrix_and_pairwise(r, model):
    x, y = ITEMS, ITEMS[::-1]
    square = r.r["generel_similarity"](r.StrVector(x))
    assert np.abs(as_matrix(r, square) - model.similarity(x)).max() <= TOL
    full = r.r["generel_similarity"](r.StrVector(x), r.StrVector(y[:3]))
    assert np.abs(as_matrix(r, full) - model.similarity(x, y[:3])).max() <= TOL
    pairs = r.r["generel_similarity"](r.StrVector(x), r.StrVector(y), pairwise=True)
    assert np.abs(np.array(list(pairs)) - model.similarity(x, y, pairwise=True)).max() <= TOL


def test_embed(r, model):
    value = r.r["generel_embed"](r.StrVector(ITEMS))
    assert list(r.r.rownames(value)) == ITEMS
    assert np.abs(as_matrix(r, value) - model.embed(ITEMS)).max() <= TOL


def test_neighbors(r, model):
    query, types = r.StrVector(ITEMS[:4]), r.StrVector(["disease", "gene"])
    value = as_frame(r, r.r["generel_neighbors"](query, k=7, types=types))
    expected = model.neighbors(ITEMS[:4], k=7, types=["disease", "gene"])
    assert list(value.columns) == list(expected.columns)
    for column in ("query", "rank", "id", "name", "type"):
        assert value[column].tolist() == expected[column].tolist()
    assert np.abs(value["score"].to_numpy() - expected["score"].to_numpy()).max() <= TOL


def test_annotate(r, model):
    from pygenerel.annotate import annotate

    traits = ["type 2 diabetes", "coronary artery disease"]
    r.globalenv["traits"] = r.StrVector(traits)
    value = as_frame(r, r.r(f'generel_annotate(read.delim("{EXAMPLE.as_posix()}"), trait = traits, '
                            'top_k = 2, pos_col = "BP_GRCh38", build = "GRCh38")'))
    expected = annotate(pd.read_csv(EXAMPLE, sep="\t"), traits=traits, top_k=2, pos_col="BP_GRCh38",
                        build="GRCh38", model=model)
    assert list(value.columns) == list(expected.columns)
    assert len(value) == len(expected) == 2006
    for column in expected.columns:
        if pd.api.types.is_float_dtype(expected[column]):
            left, right = value[column].to_numpy(float), expected[column].to_numpy(float)
            assert (np.isnan(left) == np.isnan(right)).all(), column
            assert np.nanmax(np.abs(left - right)) <= TOL, column
        else:
            assert value[column].tolist() == expected[column].astype(object).tolist(), column


def test_model_info(r, model):
    value = r.r("generel_model()")
    info = model.info()
    for field in ("name", "version", "dim", "snps"):
        assert value.rx2(field)[0] == info[field]


def test_python_error_reaches_r_as_one_line(r, model):
    with pytest.raises(ValueError) as python_error:
        model.neighbors(["type 2 diabetes"], types=["planet"])
    message = r.r('tryCatch(generel_neighbors("type 2 diabetes", types = "planet"), '
                  "generel_error = conditionMessage)")[0]
    assert message == str(python_error.value).replace("\n", " ")
