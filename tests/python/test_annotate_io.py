"""Reading and writing GWAS tables: every format and compression, every row, clear errors."""

import gzip
import shutil
import subprocess
import sys

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner

from pygenerel.annotation.errors import AnnotateError
from pygenerel.annotation.reader import open_table
from pygenerel.annotation.writer import TableWriter, default_output
from pygenerel.cli import main

SLE = "locuszoomr_SLE_gwas_sub.tsv.gz"


def read_all(path, rows=200_000) -> pa.Table:
    return pa.concat_tables(chunk.table for chunk in open_table(path).chunks(rows))


def data_lines(path) -> int:
    with gzip.open(path, "rt") as handle:
        return sum(1 for _ in handle) - 1


@pytest.mark.parametrize(
    "name",
    [
        "echodata_BST1_Nalls2019_PD_locus.tsv.gz",
        "locuscomparer_gwas.tsv.gz",
        SLE,
        "topr_CD_FINNGEN_p1e-3_hg38.tsv.gz",
        "topr_CD_UKBB_p1e-3_hg38.tsv.gz",
        "topr_UC_UKBB_p1e-3_hg38.tsv.gz",
    ],
)
def test_real_files_read_every_row_as_strings(sumstats_dir, name):
    path = sumstats_dir / name
    table = read_all(path)
    assert table.num_rows == data_lines(path)
    assert all(pa.types.is_string(t) for t in table.schema.types)
    with gzip.open(path, "rt") as handle:
        first = handle.readlines()[1].rstrip("\n").split("\t")
    assert [table.column(i)[0].as_py() for i in range(table.num_columns)] == first  # untouched


def test_chunks_are_numbered_by_line(sumstats_dir):
    chunks = list(open_table(sumstats_dir / "topr_UC_UKBB_p1e-3_hg38.tsv.gz").chunks())
    lines = [c.first for c in chunks]
    assert lines[0] == 2 and all(
        b - a == c.table.num_rows for a, b, c in zip(lines, lines[1:], chunks)
    )


@pytest.fixture(scope="module")
def sle(sumstats_dir) -> pa.Table:
    return read_all(sumstats_dir / SLE)


def _whitespace_ready(table: pa.Table) -> pa.Table:
    """Empty values as NA, as PLINK writes them: an empty field cannot exist between spaces."""
    return pa.table(
        {n: pc.if_else(pc.equal(c, ""), "NA", c) for n, c in zip(table.column_names, table.columns)}
    )


def _write_text(table, path, delimiter, compress=None):
    frame = table.to_pandas()
    text = (
        frame.to_csv(sep=delimiter, index=False)
        if delimiter != " "
        else _whitespace_ready(table).to_pandas().to_string(index=False) + "\n"
    )  # padded, as PLINK writes
    data = text.encode()
    if compress == "gzip":
        data = gzip.compress(data)
    elif compress == "bgzip":  # BGZF is a series of gzip members
        data = b"".join(gzip.compress(data[i : i + 60_000]) for i in range(0, len(data), 60_000))
    path.write_bytes(data)
    return path


@pytest.mark.parametrize(
    "name, delimiter, compress",
    [
        ("sle.tsv", "\t", None),
        ("sle.csv", ",", None),
        ("sle.txt", " ", None),
        ("sle.csv.gz", ",", "gzip"),
        ("sle.txt.gz", " ", "gzip"),
        ("sle.tsv.bgz", "\t", "bgzip"),
        ("sle_no_extension", "\t", "gzip"),
    ],
)
def test_text_formats_and_compressions_read_the_same(tmp_path, sle, name, delimiter, compress):
    path = _write_text(sle, tmp_path / name, delimiter, compress)
    source = open_table(path)
    assert source.compression == (None if compress is None else "gzip")
    expected = _whitespace_ready(sle) if delimiter == " " else sle
    assert read_all(path, rows=500).to_pydict() == expected.to_pydict()


def test_parquet_keeps_its_types(tmp_path, sle):
    frame = sle.to_pandas().astype({"pos": "int64", "p": "float64"})
    pq.write_table(
        pa.Table.from_pandas(frame, preserve_index=False),
        tmp_path / "sle.parquet",
        row_group_size=300,
    )
    table = read_all(tmp_path / "sle.parquet", rows=256)
    assert table.num_rows == sle.num_rows and table.schema.field("pos").type == pa.int64()
    assert open_table(tmp_path / "sle.parquet").format == "parquet"


def test_meta_lines_hash_header_and_crlf(tmp_path):
    path = tmp_path / "regenie.txt"
    path.write_bytes(
        b"##fileformat=x\r\n##source=y\r\n#CHROM\tGENPOS\tID\tLOG10P\r\n"
        b"1\t100\trs1\t3.2\r\n2\t200\trs2\tNA\r\n"
    )
    source = open_table(path)
    assert source.names == ["#CHROM", "GENPOS", "ID", "LOG10P"] and len(source.meta_lines) == 2
    chunk = next(source.chunks())
    assert chunk.first == 4 and chunk.table.column("LOG10P").to_pylist() == ["3.2", "NA"]


@pytest.mark.parametrize(
    "content, message",
    [
        (b"", "the file is empty"),
        (b"\n\n", "the file is empty"),
        (b"SNP\tP\tP\nrs1\t1\t2\n", r"duplicate column name 'P' \(columns 2 and 3\)"),
        (b"\x00\x01\x02binary", "not a text table"),
    ],
)
def test_bad_files_fail_with_one_line(tmp_path, content, message):
    path = tmp_path / "bad.tsv"
    path.write_bytes(content)
    with pytest.raises(AnnotateError, match=message):
        open_table(path)


def test_ragged_row_names_its_line(tmp_path):
    path = tmp_path / "ragged.tsv.gz"
    path.write_bytes(gzip.compress(b"SNP\tP\nrs1\t0.1\nrs2\t0.2\nrs3\n"))
    with pytest.raises(AnnotateError, match="ragged.tsv.gz line 4: expected 2 fields, found 1"):
        read_all(path)


def test_missing_and_corrupt_files(tmp_path, sumstats_dir):
    with pytest.raises(AnnotateError, match="cannot read"):
        open_table(tmp_path / "absent.tsv")
    broken = tmp_path / "broken.tsv.gz"
    broken.write_bytes((sumstats_dir / SLE).read_bytes()[:5000])
    with pytest.raises(AnnotateError, match="broken.tsv.gz"):
        read_all(broken)


@pytest.mark.parametrize(
    "content, message",
    [
        (b"", "bad.tsv: the file is empty"),
        (b"BETA\tSE\tP\n0.1\t0.2\t0.3\n", "bad.tsv: no SNP column and no chromosome"),
        (b"SNP\tSNP\nrs1\trs2\n", "bad.tsv: duplicate column name 'SNP'"),
    ],
)
def test_cli_bad_input_exits_2_with_one_line(tmp_path, content, message):
    path = tmp_path / "bad.tsv"
    path.write_bytes(content)
    result = CliRunner().invoke(main, ["annotate", str(path), "--trait", "asthma"])
    assert result.exit_code == 2, result.output
    assert message in result.output and "Traceback" not in result.output
    assert not list(tmp_path.glob("*generel*")) and not list(tmp_path.glob(".*partial"))


def test_cli_unreadable_and_bad_build(tmp_path, sumstats_dir):
    result = CliRunner().invoke(main, ["annotate", str(tmp_path / "absent.tsv")])
    assert result.exit_code == 2 and "absent.tsv: cannot read" in result.output
    result = CliRunner().invoke(main, ["annotate", str(sumstats_dir / SLE), "--build", "hg18"])
    assert result.exit_code == 2 and "unknown build 'hg18'" in result.output


@pytest.mark.parametrize("name", ["out.tsv", "out.tsv.gz", "out.csv", "out.parquet"])
def test_writer_is_all_or_nothing_and_keeps_values(tmp_path, sle, name):
    breaks = [] if name.startswith("out.tsv") else ["a\tb", "two\nlines", "a,b"]
    notes = ['say "hi"', *breaks]
    odd = sle.append_column("note", pa.array(notes + ["x"] * (sle.num_rows - len(notes))))
    writer = TableWriter(tmp_path / name)
    for batch in odd.to_batches(max_chunksize=700):
        writer.write(pa.Table.from_batches([batch]))
        assert not (tmp_path / name).exists()  # nothing final until commit
    writer.commit()
    if name.endswith(".parquet"):
        back = pq.read_table(tmp_path / name)
    else:
        delimiter = "," if ".csv" in name else "\t"
        quote = '"' if delimiter == "," else False  # a TSV is written verbatim, never quoted
        back = pacsv.read_csv(
            tmp_path / name,
            parse_options=pacsv.ParseOptions(
                delimiter=delimiter, quote_char=quote, newlines_in_values=True
            ),
            convert_options=pacsv.ConvertOptions(
                column_types={n: pa.string() for n in odd.column_names}, strings_can_be_null=False
            ),
        )
    assert back.to_pydict() == odd.to_pydict()
    assert [p.name for p in tmp_path.iterdir()] == [name]


def test_a_tsv_cannot_hold_a_tab_so_the_writer_refuses_it(tmp_path, sle):
    writer = TableWriter(tmp_path / "out.tsv")
    writer.write(sle.append_column("note", pa.array(["a\tb"] * sle.num_rows)))
    with pytest.raises(AnnotateError, match="column 'note' holds a tab or line break"):
        writer.commit()
    assert list(tmp_path.iterdir()) == []


def test_writer_abort_leaves_nothing(tmp_path, sle):
    writer = TableWriter(tmp_path / "out.tsv.gz")
    writer.write(sle)
    writer.abort()
    assert list(tmp_path.iterdir()) == []


def test_plain_tsv_output_is_byte_identical_to_the_input(tmp_path, sumstats_dir):
    path = tmp_path / "in.tsv"
    with gzip.open(sumstats_dir / "topr_CD_UKBB_p1e-3_hg38.tsv.gz") as src, open(path, "wb") as dst:
        shutil.copyfileobj(src, dst)
    writer = TableWriter(tmp_path / "out.tsv")
    for chunk in open_table(path).chunks():
        writer.write(chunk.table)
    writer.commit()
    assert (tmp_path / "out.tsv").read_bytes() == path.read_bytes()


@pytest.mark.parametrize(
    "name, out",
    [
        ("gwas.tsv", "gwas.generel.tsv.gz"),
        ("gwas.tsv.gz", "gwas.generel.tsv.gz"),
        ("a.b.txt.bgz", "a.b.generel.tsv.gz"),
        ("x.parquet", "x.generel.parquet"),
        ("plain", "plain.generel.tsv.gz"),
        ("x.csv.gz", "x.generel.csv.gz"),
        ("X.CSV", "X.generel.csv.gz"),
    ],
)
def test_default_output_name(tmp_path, name, out):
    assert default_output(tmp_path / name) == tmp_path / out


def test_whitespace_frames_match_pandas(tmp_path, sle):
    path = _write_text(sle, tmp_path / "plink.assoc", " ")
    expected = pd.read_csv(path, sep=r"\s+", dtype=str, keep_default_na=False)
    assert read_all(path).to_pandas().equals(expected)


def test_pygenerel_annotate_is_callable_however_it_was_reached(tmp_path):
    code = (
        "import pygenerel, pygenerel.annotation.columns\n"
        "from pygenerel.annotation import AnnotateError\n"
        "for _ in range(2):\n"
        "    try:\n"
        f"        pygenerel.annotate(r'{tmp_path / 'absent.tsv'}')\n"
        "    except AnnotateError as error:\n"
        "        assert 'absent.tsv: cannot read' in str(error)\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


@pytest.mark.parametrize("name, sep", [("one.tsv", "\t"), ("one.csv", ","), ("one.txt", " ")])
def test_empty_value_in_one_column_table_is_a_row(tmp_path, name, sep):
    path = tmp_path / name
    path.write_text("SNP\nrs123\n\nrs7903146\n")
    assert read_all(path).column("SNP").to_pylist() == ["rs123", "", "rs7903146"]


def test_blank_line_in_many_column_table_is_not_a_row(tmp_path):
    path = tmp_path / "two.tsv"
    path.write_text("SNP\tP\nrs123\t0.1\n\nrs7903146\t1e-9\n")
    assert read_all(path).column("SNP").to_pylist() == ["rs123", "rs7903146"]


def test_blank_line_before_the_header_is_an_error_naming_it(tmp_path):
    path = tmp_path / "blank_top.tsv"
    path.write_text("##source=x\n\nrs123\nrs123\n")  # a blank header, or a lost first row?
    with pytest.raises(AnnotateError, match=r"blank_top\.tsv: line 2 is blank"):
        read_all(path)
