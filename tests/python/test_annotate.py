"""`pygenerel annotate` end to end on the six real summary-statistics files with the tiny bundle."""

import gzip
import subprocess
import sys

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pygenerel.annotation import AnnotateError, annotate
from pygenerel.annotation.annotate import HOWS, MATCH_COLUMN, trait_column
from pygenerel.cli import main
from pygenerel.runtime import load_model

FILES = {  # file -> build its positions are on (None: no positions)
    "echodata_BST1_Nalls2019_PD_locus.tsv.gz": "GRCh37",
    "locuscomparer_gwas.tsv.gz": None,
    "locuszoomr_SLE_gwas_sub.tsv.gz": "GRCh37",
    "topr_CD_FINNGEN_p1e-3_hg38.tsv.gz": "GRCh38",
    "topr_CD_UKBB_p1e-3_hg38.tsv.gz": "GRCh38",
    "topr_UC_UKBB_p1e-3_hg38.tsv.gz": "GRCh38",
}
TRAIT = "inflammatory bowel disease"


@pytest.fixture(scope="module")
def model(tiny_bundle_dir):
    return load_model(tiny_bundle_dir)


@pytest.fixture(scope="module")
def results(model, sumstats_dir):
    return {name: annotate(sumstats_dir / name, traits=[TRAIT], model=model) for name in FILES}


def raw_rows(path) -> pd.DataFrame:
    return pd.read_csv(path, sep="\t", dtype=str, keep_default_na=False)


@pytest.mark.parametrize("name", sorted(FILES))
def test_every_row_comes_back_in_order_untouched(results, sumstats_dir, name):
    result, raw = results[name], raw_rows(sumstats_dir / name)
    assert len(result) == len(raw)
    assert result[list(raw.columns)].astype(str).equals(raw.astype(str))
    added = [MATCH_COLUMN, trait_column(TRAIT), trait_column(TRAIT) + "_pct"]
    assert list(result.columns) == list(raw.columns) + added


@pytest.mark.parametrize("name", sorted(FILES))
def test_matches_are_reported_and_scores_follow_them(results, name):
    result = results[name]
    summary = result.attrs["generel"]
    counts = result[MATCH_COLUMN].value_counts()
    assert set(counts.index) <= set(HOWS)
    assert summary["rows"] == len(result) == sum(summary[f"matched_{h}"] for h in HOWS)
    assert all(summary[f"matched_{h}"] == counts.get(h, 0) for h in HOWS)
    scores = result[trait_column(TRAIT)]
    assert scores[result[MATCH_COLUMN] != "none"].between(-1.0001, 1.0001).all()
    assert scores[result[MATCH_COLUMN] == "none"].isna().all()
    assert summary["matched_rsid"] + summary["matched_chrpos"] > 0, (
        "some real SNPs are in the vocabulary"
    )
    print(
        f"{name}: "
        + ", ".join(f"{h} {summary[f'matched_{h}'] / summary['rows']:.1%}" for h in HOWS)
    )


@pytest.mark.parametrize("name", sorted(FILES))
def test_the_build_is_inferred(results, name):
    assert results[name].attrs["generel"]["build"] == FILES[name]


def test_snps_outside_the_vocabulary_with_a_position_are_embedded_from_their_locus(results):
    topr = results["topr_UC_UKBB_p1e-3_hg38.tsv.gz"]
    assert (topr[MATCH_COLUMN] == "locus").sum() > 0
    rsid_only = results["locuscomparer_gwas.tsv.gz"]  # no positions: the bundle's rsid table
    assert set(rsid_only[MATCH_COLUMN]) <= {"rsid", "rsid_locus", "none"}


def test_chrpos_only_and_chr_pos_ref_alt_ids_match_by_position(
    results, tmp_path, sumstats_dir, model
):
    name = "topr_CD_UKBB_p1e-3_hg38.tsv.gz"
    raw = raw_rows(sumstats_dir / name)
    no_ids = raw.drop(columns="ID")
    no_ids.to_csv(tmp_path / "chrpos.tsv", sep="\t", index=False)
    ids_only = pd.DataFrame(
        {
            "variant_id": raw["CHROM"] + ":" + raw["POS"] + ":" + raw["REF"] + ":" + raw["ALT"],
            "p_value": raw["P"],
        }
    )
    ids_only.to_csv(tmp_path / "ids.tsv", sep="\t", index=False)
    by_pos = annotate(tmp_path / "chrpos.tsv", traits=[TRAIT], model=model)
    by_id = annotate(tmp_path / "ids.tsv", traits=[TRAIT], model=model)
    assert (
        by_pos.attrs["generel"]["matched_rsid"] == 0
        and by_pos.attrs["generel"]["matched_chrpos"] > 0
    )
    assert by_pos.attrs["generel"]["build"] == "GRCh38"
    np.testing.assert_array_equal(by_pos[MATCH_COLUMN], by_id[MATCH_COLUMN])
    np.testing.assert_allclose(by_pos[trait_column(TRAIT)], by_id[trait_column(TRAIT)], atol=1e-6)
    original = results[name]
    same = (original[MATCH_COLUMN] == "rsid") & (by_pos[MATCH_COLUMN] == "chrpos")
    agree = np.isclose(
        original[trait_column(TRAIT)][same], by_pos[trait_column(TRAIT)][same], atol=1e-6
    )
    assert same.sum() > 0 and agree.mean() > 0.95  # an rsid and its position find the same SNP


def test_cli_api_and_accessor_agree(tmp_path, sumstats_dir, tiny_bundle_dir):
    """Each path gets a fresh model, as in a fresh process: the int8 text encoder's output moves
    by ~1e-5 with what else shares its batch, so cached texts would differ between paths."""
    name = "echodata_BST1_Nalls2019_PD_locus.tsv.gz"
    options = {"traits": ["Parkinson disease", "type 2 diabetes"], "top_k": 3, "p_threshold": 1e-5}
    out = tmp_path / "bst1.generel.tsv.gz"
    result = CliRunner().invoke(
        main,
        [
            "annotate",
            str(sumstats_dir / name),
            "-o",
            str(out),
            "--trait",
            "Parkinson disease",
            "--trait",
            "type 2 diabetes",
            "--top-k",
            "3",
            "--p-threshold",
            "1e-5",
            "--model",
            str(tiny_bundle_dir),
        ],
    )
    assert result.exit_code == 0, result.output
    assert (
        "build: GRCh37 (inferred: of 6,216 positions" in result.stderr
        and "'SNP' -> snp (header alias)" in result.stderr
        and "note: without --trait" not in result.stderr
    )
    cli = pd.read_csv(out, sep="\t", dtype={"SNP": str})
    api = annotate(sumstats_dir / name, model=load_model(tiny_bundle_dir), **options)
    frame = pd.read_csv(sumstats_dir / name, sep="\t")  # numbers as numbers, as users load it
    accessor = frame.generel.annotate(model=load_model(tiny_bundle_dir), **options)
    added = [c for c in api.columns if c.startswith("generel_")]
    for other in (cli, accessor):
        for column in added:
            if column.endswith(("_score", "_pct")) or column in (
                trait_column(t) for t in options["traits"]
            ):
                np.testing.assert_allclose(
                    other[column].astype(float),
                    api[column].astype(float),
                    atol=1e-6,
                    equal_nan=True,
                    err_msg=column,
                )
            else:
                assert (
                    other[column].fillna("").astype(str).equals(api[column].fillna("").astype(str))
                ), column
    p = frame["P"]
    scored = api[MATCH_COLUMN].notna()
    assert scored.equals(p <= 1e-5) and 0 < scored.sum() < len(api)
    assert api.loc[~scored, trait_column("type 2 diabetes")].isna().all()
    assert api.loc[scored, "generel_top1_id"].notna().all()


def test_parquet_in_and_out_and_default_output_name(tmp_path, sumstats_dir, tiny_bundle_dir, model):
    frame = pd.read_csv(sumstats_dir / "locuszoomr_SLE_gwas_sub.tsv.gz", sep="\t")
    frame.to_parquet(tmp_path / "sle.parquet", index=False)
    runner = CliRunner()
    result = runner.invoke(
        main,
        [
            "annotate",
            str(tmp_path / "sle.parquet"),
            "--trait",
            "lupus",
            "-o",
            str(tmp_path / "out.parquet"),
            "--model",
            str(tiny_bundle_dir),
        ],
    )
    assert result.exit_code == 0, result.output
    out = pq.read_table(tmp_path / "out.parquet").to_pandas()
    assert out[list(frame.columns)].equals(frame)  # Parquet types pass through too
    result = runner.invoke(
        main,
        [
            "annotate",
            str(tmp_path / "sle.parquet"),
            "--trait",
            "lupus",
            "-q",
            "--model",
            str(tiny_bundle_dir),
        ],
    )
    assert result.exit_code == 0 and result.stderr == ""
    default = pd.read_parquet(tmp_path / "sle.generel.parquet")
    np.testing.assert_allclose(default["generel_lupus"], out["generel_lupus"], atol=1e-6)


def test_plink_whitespace_and_quoted_csv_give_the_same_scores(
    results, tmp_path, sumstats_dir, model
):
    name = "locuszoomr_SLE_gwas_sub.tsv.gz"
    raw = raw_rows(sumstats_dir / name).replace("", "NA")  # PLINK writes NA: no empty fields
    (tmp_path / "sle.assoc").write_text(
        raw.to_string(index=False) + "\n"
    )  # padded, as PLINK writes
    raw.to_csv(tmp_path / "sle.csv.gz", index=False, quoting=1)  # every field quoted
    expected = results[name][trait_column(TRAIT)].to_numpy()
    for path in (tmp_path / "sle.assoc", tmp_path / "sle.csv.gz"):
        again = annotate(path, traits=[TRAIT], model=model)
        assert again[list(raw.columns)].equals(raw), path.name
        np.testing.assert_allclose(
            again[trait_column(TRAIT)], expected, atol=1e-6, err_msg=path.name
        )


def test_small_chunks_give_the_same_answer(results, sumstats_dir, model):
    name = "topr_CD_FINNGEN_p1e-3_hg38.tsv.gz"
    chunked = annotate(sumstats_dir / name, traits=[TRAIT], model=model, chunk_rows=1000)
    assert chunked.equals(results[name]) or np.allclose(
        chunked[trait_column(TRAIT)], results[name][trait_column(TRAIT)], atol=1e-6, equal_nan=True
    )


def _gz(path, text):
    path.write_bytes(gzip.compress(text.encode()))
    return path


def test_non_numeric_p_exits_2_naming_line_and_column(tmp_path, sumstats_dir, tiny_bundle_dir):
    raw = raw_rows(sumstats_dir / "locuscomparer_gwas.tsv.gz")
    raw.loc[41, "pval"] = "0.3e"
    raw.to_csv(tmp_path / "bad.tsv", sep="\t", index=False)
    result = CliRunner().invoke(
        main,
        [
            "annotate",
            str(tmp_path / "bad.tsv"),
            "--trait",
            "asthma",
            "--model",
            str(tiny_bundle_dir),
        ],
    )
    assert result.exit_code == 2
    assert "bad.tsv line 43: column 'pval' has a non-numeric value '0.3e'" in result.output
    assert "Traceback" not in result.output and sorted(p.name for p in tmp_path.iterdir()) == [
        "bad.tsv"
    ]


@pytest.fixture(scope="module")
def mixed_rows(results):
    """Rows found in the vocabulary from a GRCh37 file, then as many from a GRCh38 file."""

    def hits(name):
        rows = results[name]
        return rows.loc[
            rows[MATCH_COLUMN] == "rsid", [c for c in rows.columns if not c.startswith("generel_")]
        ]

    b37 = hits("locuszoomr_SLE_gwas_sub.tsv.gz")[["rsid", "chrom", "pos", "p"]]
    b38 = hits("topr_UC_UKBB_p1e-3_hg38.tsv.gz")[["ID", "CHROM", "POS", "P"]]
    b38.columns = b37.columns
    assert len(b37) >= 10 and len(b38) >= len(b37)
    return pd.concat([b37, b38.iloc[: len(b37)]], ignore_index=True), len(b37)


@pytest.mark.parametrize("chunked", [False, True])
def test_mixed_builds_exit_2(tmp_path, tiny_bundle_dir, mixed_rows, chunked, model):
    rows, n37 = mixed_rows
    rows.assign(rsid=".").to_csv(
        tmp_path / "mixed.tsv", sep="\t", index=False
    )  # placed by position
    if chunked:  # the GRCh38 rows arrive in a later chunk than the GRCh37 ones
        with pytest.raises(
            AnnotateError, match=f"mixed builds: rows from line {n37 + 2} look like GRCh38"
        ):
            annotate(tmp_path / "mixed.tsv", model=model, chunk_rows=n37, out=tmp_path / "o.tsv")
    else:
        result = CliRunner().invoke(
            main, ["annotate", str(tmp_path / "mixed.tsv"), "--model", str(tiny_bundle_dir)]
        )
        assert result.exit_code == 2, result.output
        assert "mixed.tsv: positions look like a mix of builds" in result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mixed.tsv"]


def test_a_given_build_is_used(sumstats_dir, model):
    forced = annotate(
        sumstats_dir / "echodata_BST1_Nalls2019_PD_locus.tsv.gz", build="hg19", model=model
    )
    assert forced.attrs["generel"]["build"] == "GRCh37"
    assert forced.attrs["generel"]["build_reason"].startswith("given; of 6,216 positions")


def test_annotate_never_imports_torch(tmp_path, sumstats_dir, tiny_bundle_dir):
    code = (
        "import sys; from pygenerel.cli import main\n"
        "try:\n"
        f"    main(['annotate', r'{sumstats_dir / 'locuscomparer_gwas.tsv.gz'}', '--trait', 'asthma',"
        f" '-o', r'{tmp_path / 'o.tsv'}', '--model', r'{tiny_bundle_dir}', '-q'])\n"
        "except SystemExit as e:\n"
        "    assert not e.code, e.code\n"
        "assert not [m for m in sys.modules if m.split('.')[0] in ('torch', 'transformers')]\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


header_names = st.sampled_from(
    [
        "SNP",
        "rsid",
        "ID",
        "CHR",
        "#CHROM",
        "POS",
        "BP",
        "P",
        "pval",
        "LOG10P",
        "A1",
        "A2",
        "BETA",
        "OR",
        "SE",
        "note",
        "x",
        "",
    ]
)
cells = st.one_of(
    st.sampled_from(
        [
            "rs123",
            "RS7",
            "chr1:12345:A:G",
            "X:5",
            "23",
            "1",
            "NA",
            "",
            ".",
            "5e-8",
            "0.5",
            "-1",
            "1e-400",
            "abc",
            "chrUn",
            "2.5e6",
        ]
    ),
    st.text(
        alphabet=st.characters(blacklist_characters='\t\n\r"', blacklist_categories=("Cs",)),
        max_size=8,
    ),
)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(header_names, min_size=1, max_size=6), st.data())
def test_random_tables_annotate_or_fail_in_one_line(tmp_path, model, header, data):
    rows = data.draw(
        st.lists(st.lists(cells, min_size=len(header), max_size=len(header)), max_size=8)
    )
    path = tmp_path / "random.tsv"
    path.write_text("\n".join("\t".join(r) for r in [header, *rows]) + "\n")
    try:
        result = annotate(
            path,
            traits=["asthma"],
            model=model,
            p_threshold=data.draw(st.sampled_from([None, 0.05])),
        )
    except AnnotateError as error:
        assert "random.tsv" in str(error) and "\n" not in str(error)
        return
    assert len(result) == len(rows)
    assert set(result[MATCH_COLUMN].dropna()) <= set(HOWS)


def test_a_first_try_without_trait_or_top_k_says_how_to_get_scores(tmp_path, tiny_bundle_dir):
    """`pygenerel annotate gwas.tsv` adds only generel_match: the CLI says what would score."""
    table = tmp_path / "t.tsv"
    table.write_text("SNP\tP\nrs7903146\t1e-9\n")
    args = ["annotate", str(table), "-o", str(tmp_path / "o.tsv"), "--model", str(tiny_bundle_dir)]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0 and "note: without --trait or --top-k" in result.stderr
    assert "note:" not in CliRunner().invoke(main, [*args, "-q"]).output
