"""`df.generel`: registered by `import pygenerel`, same options and numbers as the annotator."""

import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

import pygenerel  # registers the accessor
from pygenerel.annotation import AnnotateError
from pygenerel.runtime import load_model

TRAIT = "systemic lupus erythematosus"


@pytest.fixture(scope="module")
def model(tiny_bundle_dir):
    return load_model(tiny_bundle_dir)


@pytest.fixture(scope="module")
def sle(sumstats_dir) -> pd.DataFrame:
    frame = pd.read_csv(sumstats_dir / "locuszoomr_SLE_gwas_sub.tsv.gz", sep="\t")
    frame.index = [f"row{i}" for i in range(len(frame))]  # a label index must survive
    return frame


def test_importing_pygenerel_registers_the_accessor():
    code = "import pandas as pd, pygenerel; assert hasattr(pd.DataFrame(), 'generel')"
    subprocess.run([sys.executable, "-c", code], check=True)


def test_annotate_keeps_index_columns_and_input(sle, model):
    before = sle.copy()
    out = sle.generel.annotate([TRAIT], model=model)
    pd.testing.assert_frame_equal(sle, before)  # not modified in place
    pd.testing.assert_frame_equal(out[list(sle.columns)], sle)  # dtypes untouched
    assert list(out.index) == list(sle.index) and out.attrs["generel"]["rows"] == len(sle)


def test_similarity_equals_the_runtime_for_vocabulary_snps(sle, model):
    scores = sle.generel.similarity(trait=TRAIT, model=model)
    assert scores.name == TRAIT and scores.index.equals(sle.index)
    known = model.match(list(sle["rsid"]))["how"].eq("rsid").to_numpy()
    assert known.any()
    direct = model.similarity(list(sle["rsid"][known]), [TRAIT])[:, 0]
    np.testing.assert_allclose(scores[known], direct, atol=1e-6)


def test_neighbors_equal_the_runtime_search(sle, model):
    long = sle.generel.neighbors(k=4, types=["disease"], model=model)
    assert list(long.columns) == ["row", "rank", "id", "name", "type", "score"]
    assert set(long["type"]) == {"disease"} and long.groupby("row")["rank"].max().max() == 4
    rsid = sle["rsid"][model.match(list(sle["rsid"]))["how"].eq("rsid").to_numpy()].iloc[0]
    row = sle.index[sle["rsid"] == rsid][0]
    ours = long[long["row"] == row]
    theirs = model.neighbors(rsid, k=4, types=["disease"])
    assert list(ours["id"]) == list(theirs["id"])
    np.testing.assert_allclose(ours["score"], theirs["score"], atol=1e-6)


def test_options_and_errors_are_the_annotators(sle, model):
    out = sle.generel.annotate([TRAIT], p_threshold=1e-4, model=model)
    assert out["generel_match"].notna().sum() == (sle["p"] <= 1e-4).sum()
    with pytest.raises(AnnotateError, match="DataFrame: no SNP column"):
        sle[["beta", "se"]].generel.annotate([TRAIT], model=model)
    with pytest.raises(AnnotateError, match="unknown types"):
        sle.generel.neighbors(k=2, types=["planet"], model=model)


def test_a_bad_value_is_named_by_its_row_and_index_label(sle, model):
    """A filtered frame's rows are known by their index labels: the message gives both."""
    frame = sle.iloc[10:20].copy()
    frame.iloc[4, frame.columns.get_loc("p")] = 7.0
    with pytest.raises(AnnotateError, match=r"^DataFrame row 5 \(index 'row14'\): column 'p'"):
        frame.generel.annotate([TRAIT], model=model)
    with pytest.raises(AnnotateError, match=r"^DataFrame row 5: column 'p'"):
        frame.reset_index(drop=True).generel.annotate([TRAIT], model=model)


def test_polars_and_pyarrow_tables_are_annotated_like_pandas(sle, model):
    """A Polars frame failed inside Polars ('cannot compare string with numeric'), a pyarrow
    Table in os.stat; both now read as the pandas frame they convert to. Other objects: an error."""
    import polars as pl
    import pyarrow as pa

    frame = sle.reset_index(drop=True).head(50)
    expected = pygenerel.annotate(frame, traits=[TRAIT], model=model, build="GRCh37")
    for table in (pl.from_pandas(frame), pa.Table.from_pandas(frame, preserve_index=False)):
        got = pygenerel.annotate(table, traits=[TRAIT], model=model, build="GRCh37")
        pd.testing.assert_frame_equal(got, expected)
    with pytest.raises(AnnotateError, match="expected a file path or a DataFrame .* got dict"):
        pygenerel.annotate({"rsid": ["rs7903146"]}, traits=[TRAIT], model=model)
