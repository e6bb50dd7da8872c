"""Variant parsing: rs ids, chr prefixes, X/23, chr:pos:ref:alt strings, messy positions and P."""

import math
import re

import numpy as np
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pygenerel.annotation.columns import detect_columns
from pygenerel.annotation.errors import AnnotateError
from pygenerel.annotation.reader import open_table
from pygenerel.annotation.variants import (
    check_positions,
    normalize_chroms,
    parse_chrpos,
    parse_numbers,
    parse_p_values,
    parse_positions,
    parse_rsids,
    parse_variants,
)
from pygenerel.genome import CHROMOSOMES


@pytest.mark.parametrize(
    "value, rsid",
    [
        ("rs123", "rs123"),
        ("RS123", "rs123"),
        (" rs7 ", "rs7"),
        ("1:123:rs55:A:G", "rs55"),
        ("rs99:1234:A:G", "rs99"),
        ("chr1:123:A:G", None),
        ("", None),
        (None, None),
        ("nrs12", None),
        ("rs", None),
        ("kgp123", None),
    ],
)
def test_rsids(value, rsid):
    assert parse_rsids(pa.array([value], pa.string())).to_pylist() == [rsid]


@pytest.mark.parametrize(
    "value, chrom, pos",
    [
        ("chr1:12345:A:G", "1", 12345),
        ("1_12345_A_G_b38", "1", 12345),
        ("X:5", "X", 5),
        ("chr23:9", "X", 9),
        ("23:9:A:T", "X", 9),
        ("chrM:73", "MT", 73),
        ("MT-300", "MT", 300),
        ("chr7:0", "7", None),
        ("chrUn:5", None, None),
        ("rs123", None, None),
        ("30:5", None, None),
        ("1:abc", None, None),
    ],
)
def test_chrpos_strings(value, chrom, pos):
    chroms, positions = parse_chrpos(pa.array([value]))
    assert (chroms.to_pylist(), positions.to_pylist()) == ([chrom], [pos])


@pytest.mark.parametrize(
    "value, chrom",
    [
        ("chr1", "1"),
        ("01", "1"),
        ("23", "X"),
        ("X", "X"),
        ("chrX", "X"),
        ("24", "Y"),
        ("chrM", "MT"),
        ("26", "MT"),
        ("0", None),
        ("chr6_apd_hap1", None),
        ("NA", None),
        (None, None),
    ],
)
def test_chromosomes(value, chrom):
    assert normalize_chroms(pa.array([value], pa.string())).to_pylist() == [chrom]


def test_positions_accept_what_real_tables_hold():
    values = pa.array(["100", " 7 ", "1.5e+07", "2e5", "-5", "0", "12.5", "NA", "", None])
    assert parse_positions(values).to_pylist() == [100, 7, 15_000_000, 200_000] + [None] * 6


def test_positions_with_digit_grouping_are_read_and_junk_is_an_error():
    # a spreadsheet shows 112,998,590 (or 32 413 051, 1.234.567): the same integer
    grouped = ["112,998,590", "32 413 051", "1.234.567", "5'000'000", "7\u202f000", "1,234"]
    clean = [112_998_590, 32_413_051, 1_234_567, 5_000_000, 7_000, 1_234]
    assert parse_positions(pa.array(grouped + ["12"])).to_pylist() == clean + [12]
    for odd in ("1,23", "12,3456", "1.234", "1,234.5"):  # no grouping: not a position
        assert parse_positions(pa.array([odd, "5"])).to_pylist() == [None, 5]
    check_positions(pa.array(grouped + ["NA", "", "0", "-5", "12.5", "1e6", None]), "BP", "t")
    for junk in ("12x", "chr1:100", "1,23"):
        with pytest.raises(
            AnnotateError, match=f"t.tsv line 3: column 'BP' has a non-numeric value '{junk}'"
        ):
            check_positions(pa.array(["100", junk]), "BP", "t.tsv", lambda row: f"line {row + 2}")


def test_p_values_parse_and_na_tokens_stay_missing():
    values = pa.array(["5e-8", "1E-300", "1e-400", " 0.05 ", "NA", "nan", ".", "", None, "1"])
    assert parse_numbers(values, "P", "gwas.tsv").to_pylist() == [
        5e-8,
        1e-300,
        0.0,
        0.05,
        None,
        None,
        None,
        None,
        None,
        1.0,
    ]


def test_non_numeric_p_names_file_line_and_column():
    values = pa.array(["0.1", "0.2", "<1e-300"])
    with pytest.raises(
        AnnotateError, match=r"gwas.tsv line 12: column 'P' has a non-numeric value '<1e-300'"
    ):
        parse_numbers(values, "P", "gwas.tsv", lambda row: f"line {10 + row}")


def test_columns_win_over_positions_parsed_from_the_snp_string():
    variants = parse_variants(
        snp=pa.array(["rs1", "2:500:A:G", "3:600", "junk"]),
        chroms=pa.array(["1", None, "chr4", "5"]),
        positions=pa.array(["10", "20", "x", "50"]),
    )
    rsids, chroms, positions = variants.take()
    assert rsids.tolist() == ["rs1", None, None, None]
    assert chroms.tolist() == ["1", "2", "3", "5"]
    assert positions.tolist() == [10, 500, 600, 50]
    assert variants.located().tolist() == [0, 1, 2, 3]
    assert [x.tolist() for x in variants.take([3, 0])] == [[None, "rs1"], ["5", "1"], [50, 10]]


def test_real_sumstats_parse_completely(sumstats_dir):
    """Every row of the real files yields an rsid or a position, and FinnGen's chr prefixes go."""
    for path in sorted(sumstats_dir.iterdir()):
        source = open_table(path)
        chunk = next(source.chunks())
        columns = detect_columns(source.names)
        v = parse_variants(
            *(
                chunk.table.column(columns.get(r)) if columns.get(r) else None
                for r in ("snp", "chr", "pos")
            )
        )
        rsids, chroms, positions = v.take()
        has_rsid, located = rsids != None, positions > 0
        assert (has_rsid | located).all(), path.name
        assert set(chroms[located]) <= set(CHROMOSOMES) and (chroms[~located] == None).all()
        if "FINNGEN" in path.name:
            assert located.all() and "1" in set(chroms)
        if "locuscomparer" in path.name:  # rsid-only
            assert has_rsid.all() and not located.any()


junk = st.one_of(
    st.none(),
    st.text(max_size=20),
    st.from_regex(r"(chr)?[0-9XYMT]{1,3}[:_-][0-9]{0,12}([:_][ACGT]{1,3})*", fullmatch=True),
    st.from_regex(r"[rR][sS][0-9]{0,10}", fullmatch=True),
)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(junk, min_size=1, max_size=30),
    st.lists(junk, min_size=1, max_size=30),
    st.lists(junk, min_size=1, max_size=30),
)
def test_junk_never_crashes_and_parses_to_clean_values(snps, chroms, positions):
    n = min(len(snps), len(chroms), len(positions))
    v = parse_variants(
        pa.array(snps[:n], pa.string()),
        pa.array(chroms[:n], pa.string()),
        pa.array(positions[:n], pa.string()),
    )
    rsids, chroms, positions = v.take()
    assert len(v) == len(rsids) == len(chroms) == len(positions) == n
    assert all(r is None or re.fullmatch(r"rs[0-9]+", r) for r in rsids)
    assert all(c is None or c in CHROMOSOMES for c in chroms)
    assert positions.dtype == np.int64 and ((positions == -1) | (positions > 0)).all()
    assert ((chroms == None) == (positions == -1)).all()


@settings(max_examples=200, deadline=None)
@given(
    st.sampled_from(["1", "22", "X", "Y", "23", "MT", "M"]),
    st.integers(1, 3_000_000_000),
    st.sampled_from(["", "chr", "CHR"]),
    st.sampled_from([":", "_", "-"]),
    st.sampled_from(["", ":A:G", "_AT_T_b38", ":rs42:C:T"]),
)
def test_chrpos_round_trips(chrom, pos, prefix, sep, tail):
    rsids, chroms, positions = parse_variants(pa.array([f"{prefix}{chrom}{sep}{pos}{tail}"])).take()
    expected = {"23": "X", "M": "MT"}.get(chrom, chrom)
    assert (chroms[0], positions[0]) == (expected, pos)
    assert rsids[0] == ("rs42" if "rs42" in tail else None)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.one_of(st.floats(allow_nan=False, allow_infinity=False), st.none()), max_size=20)
)
def test_numbers_round_trip_from_text(values):
    text = pa.array([None if v is None else repr(v) for v in values], pa.string())
    parsed = parse_numbers(text, "P", "x.tsv").to_pylist()
    assert all(
        (a is None and b is None) or math.isclose(a, b) or a == b for a, b in zip(parsed, values)
    )


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(max_size=8), min_size=1, max_size=20))
def test_numbers_from_junk_give_a_result_or_an_error_naming_the_line(values):
    try:
        parse_numbers(pa.array(values, pa.string()), "P", "x.tsv", lambda row: f"line {row + 2}")
    except AnnotateError as error:
        assert re.match(r"x\.tsv line \d+: column 'P' has a non-numeric value", str(error))


def test_a_p_value_with_a_decimal_comma_is_read():
    # Excel in a German or French locale saves "1,5e-8" in a semicolon-separated file
    values = pa.array(["1,5e-8", "0,5", "<2,2e-16", ",25", "1e-3", "NA"])
    p = parse_p_values(lambda name: values, {"p": "P"}, "t.csv")
    np.testing.assert_array_equal(p[:5], [1.5e-8, 0.5, 2.2e-16, 0.25, 1e-3])
    assert math.isnan(p[5])
    for odd in ("1,2,3", "1,5.2", "1.5,2"):  # not one decimal comma: still an error
        with pytest.raises(AnnotateError, match=f"non-numeric value '{odd}'"):
            parse_p_values(lambda name, odd=odd: pa.array([odd]), {"p": "P"}, "t.csv")
    # only P: a -log10 P column keeps its strict parse
    with pytest.raises(AnnotateError, match="non-numeric value '7,5'"):
        parse_p_values(lambda name: pa.array(["7,5"]), {"log10p": "LOG10P"}, "t.csv")


def test_a_p_value_given_as_a_bound_is_that_bound():
    # R's format.pval writes "< 2.2e-16"; tools past their float range write "<1e-300"
    columns = {"p": "P"}
    values = pa.array(["< 2.2e-16", "<1e-300", "0.5", "NA", ' "<1e-8" '])
    p = parse_p_values(lambda name: values, columns, "t.tsv")
    np.testing.assert_array_equal(p[:3], [2.2e-16, 1e-300, 0.5])
    assert math.isnan(p[3]) and p[4] == 1e-8
    with pytest.raises(AnnotateError, match=r"t.tsv row 1: column 'P' has a non-numeric value '>"):
        parse_p_values(lambda name: pa.array([">0.5"]), columns, "t.tsv")
    # a -log10 P column has no bounds to read
    with pytest.raises(AnnotateError, match="non-numeric value '<300'"):
        parse_p_values(lambda name: pa.array(["<300"]), {"log10p": "LOG10P"}, "t.tsv")


def test_a_p_value_outside_zero_to_one_is_an_error_naming_its_line():
    # a -log10 P column called P would make every real hit insignificant, a negative P a lead
    locate = lambda row: f"line {row + 2}"
    cases = [
        ({"p": "P"}, ["0.5", "1", "0", "12.5"], "line 5: column 'P' has a P value above 1 .*12.5"),
        ({"p": "P"}, ["0.5", "-0.1"], "line 3: column 'P' has a negative P value: -0.1"),
        ({"log10p": "LP"}, ["7.3", "-0.5"], "line 3: column 'LP' has a -log10 P below 0"),
    ]
    for columns, values, message in cases:
        with pytest.raises(AnnotateError, match=message):
            parse_p_values(lambda name, v=values: pa.array(v), columns, "t.tsv", locate)
    edges = parse_p_values(lambda name: pa.array(["0", "1", "NA", "1e-400"]), {"p": "P"}, "t.tsv")
    np.testing.assert_array_equal(edges[[0, 1, 3]], [0.0, 1.0, 0.0])
