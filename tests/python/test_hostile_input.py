"""Hostile but ordinary input: every row kept, nothing clobbered, never a traceback.

Each test is one defect class of issue 12 (or the guarantee it breaks, docs/GUARANTEES.md), on the
tiny bundle. The hypothesis tests round-trip generated tables through every input format.
"""

import bz2
import csv
import gzip
import io
import json
import lzma
import os
import signal
import stat
import subprocess
import sys
import tempfile
import threading
import time
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import polars as pl
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from pygenerel.annotation import AnnotateError, annotate, reader
from pygenerel.annotation.annotate import MATCH_COLUMN
from pygenerel.annotation.reader import open_table
from pygenerel.annotation.writer import default_output
from pygenerel.cli import main
from pygenerel.runtime import load_model

UC = "topr_UC_UKBB_p1e-3_hg38.tsv.gz"


@pytest.fixture(scope="module")
def model(tiny_bundle_dir):
    return load_model(tiny_bundle_dir)


@pytest.fixture(scope="module")
def cli(tiny_bundle_dir):
    def run(*args, input=None):
        result = CliRunner().invoke(
            main, ["annotate", *map(str, args), "-q", "--model", str(tiny_bundle_dir)], input=input
        )
        assert "Traceback" not in result.output
        assert result.exception is None or isinstance(result.exception, SystemExit), (
            result.exception
        )
        return result

    return run


def lines(path) -> list[str]:
    """A text output's lines, decompressed as its name says (.gz, .bz2, .zst)."""
    if str(path).endswith(".zst"):
        with pa.input_stream(str(path), compression="zstd") as handle:
            return handle.read().decode("utf-8").split("\n")[:-1]
    opener = {".gz": gzip.open, ".bz2": bz2.open}.get(Path(path).suffix, open)
    with opener(path, "rt", encoding="utf-8", newline="\n") as handle:
        return handle.read().split("\n")[:-1]


def assert_columns_kept(source_lines, out_lines, width, sep="\t"):
    """Every input line comes back, in order, as the first `width` fields of its output line."""
    assert len(out_lines) == len(source_lines)
    for before, after in zip(source_lines, out_lines):
        assert after.split(sep)[:width] == before.split(sep)


# 1. TSV quotes are data: no swallowed lines, no stripped quotes, no per-chunk quoting


def test_a_quote_in_tsv_swallows_nothing(cli, tmp_path):
    source = tmp_path / "q.tsv"
    source.write_text('SNP\tP\tNOTE\nrs7903146\t0.1\t"open\nrs4506565\t0.5\tok\nrs1\t0.2\tclose"\n')
    assert cli(source, "-o", tmp_path / "o.tsv", "--trait", "asthma").exit_code == 0
    assert_columns_kept(lines(source), lines(tmp_path / "o.tsv"), 3)


def test_tsv_output_is_never_requoted_chunk_by_chunk(model, tmp_path):
    notes = ['say "hi"' if i == 7 else "x" for i in range(50)]
    rows = [f"rs{i}\t0.5\t{notes[i]}" for i in range(1, 50)]
    source = tmp_path / "in.tsv"
    source.write_text("SNP\tP\tNOTE\n" + "\n".join(rows) + "\n")
    annotate(source, model=model, out=tmp_path / "o.tsv", chunk_rows=10)
    assert_columns_kept(lines(source), lines(tmp_path / "o.tsv"), 3)


def test_r_quoted_tsv_values_keep_their_quotes_and_still_match(model, tmp_path):
    source = tmp_path / "r.tsv"
    source.write_text('"SNP"\t"CHR"\t"P"\n"rs7903146"\t"10"\t1e-9\n')
    result = annotate(source, model=model)
    assert result['"SNP"'].tolist() == ['"rs7903146"'] and result[MATCH_COLUMN].tolist() == ["rsid"]


# 2. Non-rsid ids in whitespace tables and in Parquet from pandas 3 and Polars


ODD_IDS = ["1:12345:A:G", "NA", "", None, "rs7903146", "chrX:5000000", "."]


def write_parquet(columns: dict, path, writer: str):
    """A Parquet file as pandas 3, Polars or pyarrow writes it (large_string, string_view, ...)."""
    if writer == "pandas":
        pd.DataFrame(columns).to_parquet(path)
    elif writer == "polars":
        pl.DataFrame(columns).write_parquet(path)
    else:
        pq.write_table(pa.table(columns), path)
    return path


@pytest.mark.parametrize("writer", ["pandas", "polars", "pyarrow"])
def test_parquet_with_odd_ids_from_every_writer(cli, tmp_path, writer):
    data = {"SNP": ODD_IDS, "P": [0.1, 0.2, None, 0.4, 1e-9, 0.3, 0.5]}
    path = write_parquet(data, tmp_path / "in.parquet", writer)
    assert cli(path, "--trait", "asthma", "--build", "GRCh38").exit_code == 0
    out = pq.read_table(tmp_path / "in.generel.parquet")
    assert out.column("SNP").to_pylist() == ODD_IDS and out.num_rows == len(ODD_IDS)
    assert out.column(MATCH_COLUMN).to_pylist()[0] == "locus"


def odd_dtype_table() -> pa.Table:
    return pa.table(
        {
            "SNP": pa.array(["rs7903146", "1:12345:A:G", None]).dictionary_encode(),
            "P": pa.array([1e-9, float("nan"), None]),
            "N": pa.array([1, None, 3], pa.int64()),
            "ok": pa.array([True, False, None]),
            "when": pa.array([0, 1, None], pa.timestamp("s")),
            "day": pa.array([0, 1, None], pa.date32()),
            "beta": pa.array([1, 2, None], pa.decimal128(5, 2)),
            "raw": pa.array([b"a", b"b", None], pa.binary()),
        }
    )


def test_odd_parquet_dtypes_pass_through(model, tmp_path):
    pq.write_table(odd_dtype_table(), tmp_path / "odd.parquet")
    annotate(
        tmp_path / "odd.parquet",
        model=model,
        traits=["asthma"],
        out=tmp_path / "o.parquet",
        build="GRCh38",
    )
    back, given = pq.read_table(tmp_path / "o.parquet"), pq.read_table(tmp_path / "odd.parquet")
    assert back.select(given.column_names).schema == given.schema
    assert repr(back.select(given.column_names).to_pylist()) == repr(given.to_pylist())  # NaN too
    annotate(tmp_path / "odd.parquet", model=model, out=tmp_path / "o.tsv", build="GRCh38")
    assert lines(tmp_path / "o.tsv")[1].startswith("rs7903146\t1e-9\t1\ttrue\t1970-01-01 00:00:00")


def test_a_nested_column_cannot_become_text(model, tmp_path):
    table = pa.table({"SNP": ["rs7903146"], "tags": pa.array([[1, 2]], pa.list_(pa.int64()))})
    pq.write_table(table, tmp_path / "nested.parquet")
    with pytest.raises(AnnotateError, match=r"column 'tags' \(list<.*cannot be written as text"):
        annotate(tmp_path / "nested.parquet", model=model, out=tmp_path / "o.tsv")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["nested.parquet"]
    annotate(tmp_path / "nested.parquet", model=model, out=tmp_path / "o.parquet")
    assert pq.read_table(tmp_path / "o.parquet").column("tags").to_pylist() == [[1, 2]]


def test_whitespace_table_with_odd_ids(cli, tmp_path):
    source = tmp_path / "ws.txt"
    source.write_text("SNP P\n1:12345:A:G 0.1\nNA 0.2\n. 0.3\nrs7903146 1e-9\n")
    assert cli(source, "-o", tmp_path / "o.tsv", "--build", "GRCh38").exit_code == 0
    out = pd.read_csv(tmp_path / "o.tsv", sep="\t", dtype=str, keep_default_na=False)
    assert out["SNP"].tolist() == ["1:12345:A:G", "NA", ".", "rs7903146"]
    assert out[MATCH_COLUMN].tolist() == ["locus", "none", "none", "rsid"]


# 3. Output paths


def test_dev_null_stays_a_device(cli, tmp_path, sumstats_dir):
    assert cli(sumstats_dir / UC, "-o", "/dev/null").exit_code == 0
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)


def test_dash_writes_the_table_to_stdout(cli, tmp_path):
    source = tmp_path / "in.tsv"
    source.write_text("SNP\tP\nrs7903146\t1e-9\n")
    result = cli(source, "-o", "-")
    assert result.exit_code == 0
    assert result.stdout.splitlines()[1].startswith("rs7903146\t1e-9\trsid")


def test_a_symlinked_output_stays_a_link_to_the_new_table(cli, tmp_path):
    source = tmp_path / "in.tsv"
    source.write_text("SNP\tP\nrs7903146\t1e-9\n")
    (tmp_path / "target.tsv").write_text("old\n")
    os.chmod(tmp_path / "target.tsv", 0o640)
    (tmp_path / "link.tsv").symlink_to("target.tsv")
    assert cli(source, "-o", tmp_path / "link.tsv").exit_code == 0
    assert (tmp_path / "link.tsv").is_symlink()
    assert lines(tmp_path / "target.tsv")[1].startswith("rs7903146\t1e-9\trsid")
    assert stat.S_IMODE(os.stat(tmp_path / "target.tsv").st_mode) == 0o640  # permissions kept


def test_a_fifo_output_is_written_through(cli, tmp_path):
    source = tmp_path / "in.tsv"
    source.write_text("SNP\tP\nrs7903146\t1e-9\n")
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    received = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()))
    reader.start()
    assert cli(source, "-o", fifo).exit_code == 0
    reader.join(10)
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)
    assert received[0].decode().splitlines()[1].startswith("rs7903146")


def test_a_piped_table_keeps_every_row_and_leaves_no_copy(cli, tmp_path, monkeypatch):
    """`annotate <(zcat x.gz)`: the pipe is read once, into a temporary copy that goes away."""
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "tmp"))
    (tmp_path / "tmp").mkdir()
    text = "SNP\tP\n" + "".join(f"rs{i}\t0.{i}\n" for i in range(1, 3000)) + "rs7903146\t1e-9\n"
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    writer = threading.Thread(target=lambda: fifo.write_bytes(gzip.compress(text.encode())))
    writer.start()
    result = cli(fifo, "-o", tmp_path / "out.tsv")
    writer.join(10)
    assert result.exit_code == 0, result.output
    got = lines(tmp_path / "out.tsv")
    assert [line.split("\t")[:2] for line in got] == [r.split("\t") for r in text.splitlines()]
    assert got[-1].split("\t")[2] == "rsid"
    assert list((tmp_path / "tmp").iterdir()) == []


def test_standard_input_is_read_and_named(cli, tmp_path):
    table = b"SNP\tP\nrs7903146\t1e-9\nrs4506565\t0.5\n"
    result = cli("-", "-o", tmp_path / "out.tsv", input=table)
    assert result.exit_code == 0 and len(lines(tmp_path / "out.tsv")) == 3
    bad = cli("-", "-o", tmp_path / "bad.tsv", input=table + b"rs1\n")
    assert bad.exit_code == 2 and "<stdin> line 4: expected 2 fields, found 1" in bad.output
    unnamed = cli("-", input=table)
    assert unnamed.exit_code == 2 and "pass -o" in unnamed.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.tsv"]


def test_a_header_without_rows_gives_a_header_without_rows(cli, tmp_path, model):
    """A filter that kept no row (`awk '$9 < 5e-8'`) is an empty table, not an error that stops
    a pipeline: every format writes the input's header and the annotation columns, no rows."""
    added = ["generel_match", "generel_asthma", "generel_asthma_pct", "generel_genes"]
    added += [f"generel_top1_{part}" for part in ("id", "name", "type", "score")]
    (tmp_path / "h.tsv").write_text("SNP\tP\n\n")
    (tmp_path / "h.csv").write_text("CHR,BP,P\n")
    empty = {"CHR": pa.array([], pa.int64()), "BP": pa.array([], pa.int64()), "P": []}
    pq.write_table(pa.table(empty, schema=None), tmp_path / "h.parquet")
    for name, out in (("h.tsv", "o.tsv.gz"), ("h.csv", "o.csv"), ("h.parquet", "o.parquet")):
        result = cli(tmp_path / name, "-o", tmp_path / out, "--trait", "asthma", "--top-k", "1")
        assert result.exit_code == 0, result.output
    assert lines(tmp_path / "o.tsv.gz") == ["\t".join(["SNP", "P", *added])]
    assert lines(tmp_path / "o.csv") == [",".join(["CHR", "BP", "P", *added])]
    written = pq.read_table(tmp_path / "o.parquet")
    assert written.num_rows == 0 and written.column_names == ["CHR", "BP", "P", *added]
    assert written.schema.field("BP").type == pa.int64()
    frame = pd.DataFrame({"SNP": pd.Series([], dtype=str), "P": pd.Series([], dtype=float)})
    scored = annotate(frame, traits=["asthma"], top_k=1, model=model)
    assert scored.shape == (0, 2 + len(added))


def test_the_input_is_never_the_output(cli, tmp_path):
    source = tmp_path / "in.tsv"
    source.write_text("SNP\tP\nrs7903146\t1e-9\n")
    (tmp_path / "link.tsv").symlink_to("in.tsv")
    os.link(source, tmp_path / "hard.tsv")
    for out in (source, tmp_path / "link.tsv", tmp_path / "hard.tsv"):
        result = cli(source, "-o", out)
        assert result.exit_code == 2 and "this is the input file" in result.output
    assert source.read_text() == "SNP\tP\nrs7903146\t1e-9\n"


def test_temporary_files_are_unpredictable_and_planted_links_untouched(cli, tmp_path):
    source = tmp_path / "in.tsv"
    source.write_text("SNP\tP\nrs7903146\t1e-9\n")
    victim = tmp_path / "victim"
    victim.write_text("precious")
    for name in (f".out.tsv.{os.getpid()}.partial", ".out.tsv.partial"):  # the old naming scheme
        (tmp_path / name).symlink_to(victim)
    assert cli(source, "-o", tmp_path / "out.tsv").exit_code == 0
    assert victim.read_text() == "precious"
    assert sorted(p.name for p in tmp_path.glob(".out.tsv*")) == sorted(
        [f".out.tsv.{os.getpid()}.partial", ".out.tsv.partial"]
    )


def test_a_failed_rename_or_full_disk_leaves_nothing_and_names_the_output(
    cli, tmp_path, monkeypatch
):
    source = tmp_path / "in.tsv"
    source.write_text("SNP\tP\nrs7903146\t1e-9\n")
    result = cli(source, "-o", "/dev/full")
    assert result.exit_code == 2 and "/dev/full: cannot write" in result.output

    def refuse(*args):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("pygenerel.annotation.output.os.replace", refuse)
    result = cli(source, "-o", tmp_path / "out.tsv")
    assert (
        result.exit_code == 2 and "out.tsv: cannot write (No space left on device)" in result.output
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.tsv"]
    result = cli(source, "-o", tmp_path / "no" / "such" / "dir.tsv")
    assert result.exit_code == 2 and "dir.tsv: cannot write" in result.output


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGHUP, signal.SIGINT])
def test_a_signal_mid_write_leaves_no_partial_file(tmp_path, sumstats_dir, tiny_bundle_dir, sig):
    big = tmp_path / "big.tsv"
    rows = lines(sumstats_dir / UC)
    big.write_text("\n".join(rows + rows[1:] * 20) + "\n")  # ~900k rows: seconds of work
    out = tmp_path / "out.tsv.gz"
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "pygenerel.cli",
            "annotate",
            str(big),
            "-o",
            str(out),
            "--trait",
            "asthma",
            "--model",
            str(tiny_bundle_dir),
        ],
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 60
    while not list(tmp_path.glob(".out.tsv.gz*")) and process.poll() is None:
        assert time.monotonic() < deadline
        time.sleep(0.05)
    process.send_signal(sig)
    _, stderr = process.communicate(timeout=60)
    expected = 1 if sig == signal.SIGINT else 128 + sig
    assert process.returncode == expected and "Traceback" not in stderr, stderr[-2000:]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["big.tsv"]


def test_gzip_output_is_byte_reproducible(model, tmp_path, sumstats_dir):
    first, second = tmp_path / "a.tsv.gz", tmp_path / "sub" / "b.tsv.gz"
    second.parent.mkdir()
    annotate(sumstats_dir / UC, traits=["asthma"], model=model, out=first)
    time.sleep(1.1)
    annotate(sumstats_dir / UC, traits=["asthma"], model=model, out=second)
    assert first.read_bytes() == second.read_bytes()
    assert first.read_bytes()[4:8] == b"\0\0\0\0"  # no time stamp in the gzip header


# 4. Options are bounded and validated


@pytest.mark.parametrize(
    "option, message",
    [
        (["--top-k", "1000000000"], "--top-k"),
        (["--top-k", "0"], "--top-k"),
        (["--p-threshold", "nan"], "--p-threshold must be a P value from 0 to 1"),
        (["--p-threshold", "inf"], "--p-threshold must be a P value from 0 to 1"),
        (["--p-threshold", "-1"], "--p-threshold must be a P value from 0 to 1"),
        (["--p-threshold", "2"], "--p-threshold must be a P value from 0 to 1"),
        (["--trait", ""], "--trait must be a non-empty text"),
        (["--trait", "  "], "--trait must be a non-empty text"),
        (["--trait", "x" * 100_000], "--trait must be at most 1000 characters"),
        (["--types", "y," * 100_000], "unknown types"),
        (["--build", "hg18"], "unknown build 'hg18'"),
        (["--types", "nonsense"], "unknown types"),
        # without --top-k, --types was ignored: no error and no top concepts
        (["--types", "disease", "--trait", "asthma"], "--types needs --top-k"),
    ],
)
def test_bad_options_exit_2_with_one_line(cli, tmp_path, option, message):
    source = tmp_path / "in.tsv"
    source.write_text("SNP\tP\nrs7903146\t1e-9\n")
    started = time.monotonic()
    alone = "--top-k" in option or "--types needs --top-k" in message
    result = cli(source, *option, *([] if alone else ["--top-k", "1"]))
    assert result.exit_code == 2 and message in result.output and len(result.output) < 400
    assert time.monotonic() - started < 30
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.tsv"]


def test_no_command_declares_an_option_twice():
    """A shared option added twice makes click warn on every call (annotate-many had its own
    --force-build beside the shared one) and lets one hide the other."""
    import click

    context = click.Context(main)
    for name in main.list_commands(context):
        command = main.get_command(context, name)
        flags = [flag for param in command.params for flag in param.opts + param.secondary_opts]
        assert len(flags) == len(set(flags)), name


def test_api_options_are_validated_like_the_cli(model, tmp_path):
    source = tmp_path / "in.tsv"
    source.write_text("SNP\tP\nrs7903146\t1e-9\n")
    for options in (
        {"top_k": 10**9},
        {"top_k": True},
        {"top_k": 2.5},
        {"p_threshold": float("nan")},
        {"p_threshold": "0.05x"},
        {"traits": [""]},
        {"traits": [None]},
    ):
        with pytest.raises(AnnotateError):
            annotate(source, model=model, **options)


def test_positions_past_the_chromosome_end_are_not_scored(model, tmp_path):
    source = tmp_path / "end.tsv"
    source.write_text("CHR\tBP\tP\n1\t300000000\t0.1\n1\t1000000\t0.1\nMT\t16570\t0.1\n")
    result = annotate(source, traits=["asthma"], model=model, build="GRCh38")
    assert result[MATCH_COLUMN].tolist() == ["none", "locus", "none"]
    assert result.attrs["generel"]["past_chromosome_end"] == 2


def test_semicolon_separated_files_are_read(model, tmp_path):
    source = tmp_path / "eu.csv"
    source.write_text('SNP;P;NOTE\nrs7903146;1e-9;"a;b"\n')
    result = annotate(source, model=model)
    assert result["NOTE"].tolist() == ["a;b"] and result[MATCH_COLUMN].tolist() == ["rsid"]


def test_a_semicolon_csv_stays_one_with_its_decimal_commas(model, tmp_path):
    """Written with commas, its "0,01" came back quoted and the columns shifted in a spreadsheet
    of the locale that wrote it."""
    source = tmp_path / "eu.csv"
    source.write_text('SNP;P;NOTE\nrs7903146;0,000000001;"a;b"\nrs1801282;0,01;x\n')
    out = annotate(source, traits=["asthma"], model=model, out=tmp_path / "out.csv")
    lines = Path(out).read_text().splitlines()
    assert lines[0] == "SNP;P;NOTE;generel_match;generel_asthma;generel_asthma_pct"
    assert lines[1].startswith('rs7903146;0,000000001;"a;b";rsid;')
    back = pd.read_csv(out, sep=";", decimal=",")
    scored = annotate(source, traits=["asthma"], model=model)
    assert np.allclose(back["generel_asthma"], scored["generel_asthma"], atol=1e-6)
    assert default_output(source).name == "eu.generel.csv.gz"


@pytest.mark.parametrize(
    "name, delimiter",
    [("out.csv.tsv", "\t"), ("out.tsv.csv", ","), ("out.CSV.GZ", ","), ("results.csvx.tsv", "\t")],
)
def test_an_output_format_is_its_last_suffix(model, tmp_path, name, delimiter):
    source = tmp_path / "gwas.tsv"
    source.write_text("SNP\tP\nrs7903146\t1e-9\n")
    out = annotate(source, model=model, out=tmp_path / name)
    opener = gzip.open if name.lower().endswith(".gz") else open
    with opener(out, "rt") as written:
        assert written.readline() == delimiter.join(["SNP", "P", MATCH_COLUMN]) + "\n"


# 5. The whitespace reader never shifts, pads or drops data


def test_r_row_names_header_keeps_every_column(model, tmp_path):
    source = tmp_path / "r.txt"
    source.write_text('"SNP" "P"\n"1" "rs7903146" 1e-9\n"2" "rs4506565" 0.5\n')
    result = annotate(source, model=model)
    assert list(result.columns[:3]) == ["", '"SNP"', '"P"']
    assert result[""].tolist() == ['"1"', '"2"'] and result[MATCH_COLUMN].tolist()[0] == "rsid"


def _zipped(name: str, text: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(name, text)
    return buffer.getvalue()


@pytest.mark.parametrize(
    "content, message",
    [
        (b"SNP P\nrs1 0.1\nrs2\n", "bad.txt line 3: expected 2 fields, found 1"),
        (b"SNP P\nrs1 0.1\nrs2 0.2 x\n", "bad.txt line 3: expected 2 fields, found 3"),
        (b"SNP P N\nrs1 0.1 Sj\xf6gren\n", "bad.txt line 2: not UTF-8 text"),
        (b"SNP\tP\nrs1\t0.1\nrs2\t\xff\xfe\n", "bad.txt line 3: not UTF-8 text"),
        (b"SNP P\nrs1 0.1\n\x00\x01\x02\n", "bad.txt"),
        ("SNP\tP\nrs1\t0.1\n".encode("utf-16"), "bad.txt: UTF-16 text"),
        ("SNP\tP\nrs1\t0.1\n".encode("utf-16-be"), "bad.txt: not a text table"),
        (_zipped("sheet1.tsv", "SNP\tP\n"), "bad.txt: a ZIP archive or an Excel"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504), "bad.txt: an Excel 97-2003 workbook"),
        (lzma.compress(b"SNP\tP\nrs1\t0.1\n"), "bad.txt: xz-compressed; decompress it"),
        # no header: the first row would be taken for column names and never scored
        (b"rs7903146\t10\t112998590\t1e-20\nrs1\t1\t5\t0.5\n", "bad.txt line 1: the header"),
        (b"1 rs7903146 0 112998590 A G\n", "bad.txt line 1: the header looks like a data row"),
        (b"##build GRCh38\n10:112998590 0.5\n", "bad.txt line 2: the header looks like a data"),
        # a title above the header: it was read as a 2-column CSV header ('expected 2 fields')
        (b"GWAS of height, 2019\nSNP\tP\nrs1\t0.1\n", "bad.txt line 1: 'GWAS of height, 2019' is"),
    ],
)
def test_ragged_and_undecodable_lines_name_their_line(cli, tmp_path, content, message):
    source = tmp_path / "bad.txt"
    source.write_bytes(content)
    result = cli(source)
    assert result.exit_code == 2 and message in result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.txt"]


@pytest.mark.parametrize("where, line", [("header", 1), ("first row", 2), ("later row", 4)])
def test_a_line_without_end_is_refused_early(cli, tmp_path, monkeypatch, where, line):
    monkeypatch.setattr(reader, "MAX_LINE_BYTES", 10_000)
    rows = ["SNP\tP", "rs1\t0.1", "rs2\t0.2", "rs3\t0.3"]
    rows[line - 1] += "x" * 300_000  # several read blocks past the limit, no line end
    source = tmp_path / "long.tsv"
    source.write_text("\n".join(rows))
    result = cli(source)
    assert result.exit_code == 2, where
    assert f"long.tsv line {line}: longer than 0 MiB without a line end" in result.output


def test_mac_line_ends_keep_every_row(model, tmp_path):
    """Excel for Mac saves text with a lone CR ending each line: every row is read, CSV too."""
    for name, text in [
        ("mac.tsv", 'SNP\tP\tNOTE\r"rs7903146"\t1e-9\ta\rrs4506565\t0.5\t\r'),
        ("mac.csv", 'SNP,P,NOTE\r"rs7903146",1e-9,"a,b"\rrs4506565,0.5,\r'),
    ]:
        source = tmp_path / name
        source.write_bytes(text.encode())
        result = annotate(source, model=model)
        assert result["SNP"].tolist()[1] == "rs4506565" and len(result) == 2, name
        assert result[MATCH_COLUMN].tolist() == ["rsid", "rsid"], name


def test_meta_lines_before_the_header_are_kept(cli, model, tmp_path, sumstats_dir):
    """'##' lines (a build, a tool's version) come back first in TSV and CSV output, verbatim;
    Parquet keeps them in its metadata, a DataFrame in attrs. Behind a byte order mark too."""
    meta = ["##genome_build=GRCh38", "##source=topr UC, UK Biobank; p < 1e-3"]
    with gzip.open(sumstats_dir / UC, "rt") as handle:
        table = [next(handle).rstrip("\n") for _ in range(301)]
    for name, start in [("meta.tsv", ""), ("bom.tsv", "\ufeff")]:
        source = tmp_path / name
        source.write_text(start + "\n".join(meta + table) + "\n", encoding="utf-8")
        for ext in (".tsv", ".csv.gz"):
            out = tmp_path / f"{name}{ext}"
            assert cli(source, "--trait", "ulcerative colitis", "-o", out).exit_code == 0
            written = lines(out)
            assert written[:2] == meta, (name, ext)
            if ext == ".tsv":
                assert_columns_kept(table, written[2:], len(table[0].split("\t")))
            else:
                assert len(written) == len(meta) + len(table)
        out = tmp_path / f"{name}.parquet"
        assert cli(source, "--trait", "ulcerative colitis", "-o", out).exit_code == 0
        assert pq.read_table(out).num_rows == len(table) - 1
        kept = pq.read_schema(out).metadata[b"generel_meta_lines"]
        assert json.loads(kept) == meta
        assert annotate(source, model=model).attrs["meta_lines"] == meta


@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    fmt=st.sampled_from(["tsv", "csv", "whitespace"]),
    blanks=st.lists(st.integers(1, 40), max_size=4),
    broken=st.lists(st.integers(1, 40), max_size=3),
    bad=st.integers(1, 40),
    newline=st.sampled_from(["\n", "\r\n"]),
    chunk_rows=st.sampled_from([3, 100]),
)
def test_an_error_names_its_line_past_blank_lines_and_quoted_line_breaks(
    model, tmp_path_factory, sumstats_dir, fmt, blanks, broken, bad, newline, chunk_rows
):
    """Blank lines are no rows and a CSV value may span lines: the line an error names is still
    the line the bad value is on."""
    with gzip.open(sumstats_dir / UC, "rt") as handle:
        header, *rows = [next(handle).rstrip("\n").split("\t") for _ in range(41)]
    rows[bad - 1][header.index("P")] = "not-a-p"
    lines = []
    for number, fields in enumerate([header, *rows]):
        lines += [""] * blanks.count(number)
        if fmt == "csv" and number in broken:
            fields = [*fields[:-1], f'"{fields[-1]}\nnote"']  # a value with a line break
        lines.append({"tsv": "\t", "csv": ",", "whitespace": "  "}[fmt].join(fields))
        if number == bad:  # where its line starts: after every line break written before it
            expected = 1 + sum(1 + line.count("\n") for line in lines[:-1])
    path = tmp_path_factory.mktemp("lines") / f"table.{fmt}"
    path.write_bytes((newline.join(lines) + newline).encode())
    with pytest.raises(AnnotateError, match=f"table.{fmt} line {expected}: column 'P'"):
        annotate(path, traits=["asthma"], model=model, chunk_rows=chunk_rows, build="GRCh38")


def test_a_huge_bad_value_gives_a_short_message(cli, tmp_path):
    source = tmp_path / "long.tsv"
    source.write_text("SNP\tP\nrs1\t" + "x" * 1_000_000 + "\n")
    result = cli(source)
    assert result.exit_code == 2 and "column 'P' has a non-numeric value 'xxx" in result.output
    assert len(result.output) < 300


def test_a_truncated_gzip_is_an_error_not_aborted(cli, tmp_path, sumstats_dir):
    source = tmp_path / "cut.tsv.gz"
    source.write_bytes((sumstats_dir / UC).read_bytes()[:20000])
    result = cli(source)
    assert result.exit_code == 2 and "cut.tsv.gz: cannot read to the end" in result.output
    assert "Aborted" not in result.output


# Real R: write.table in its usual forms


R_FORMS = {
    "tsv.txt": 'sep = "\\t"',
    "tsv_noquote.txt": 'sep = "\\t", quote = FALSE',
    "space.txt": 'sep = " "',
    "rownames.txt": 'sep = " ", row.names = TRUE',
    "csv.csv": 'sep = ",", row.names = FALSE',
}


@pytest.mark.skipif(
    not any(
        os.access(os.path.join(d, "Rscript"), os.X_OK)
        for d in os.environ.get("PATH", "").split(":")
    ),
    reason="no Rscript",
)
def test_r_write_table_files_keep_every_row(model, tmp_path):
    frame = (
        'd <- data.frame(SNP = c("rs7903146", "1:12345:A:G", NA, "rs4506565"), '
        'P = c(1e-9, 0.5, 0.1, NA), NOTE = c("type 2 diabetes", "say \\"hi\\"", "", "x"))'
    )
    script = [frame]
    for name, args in R_FORMS.items():
        row_names = "" if "row.names" in args else ", row.names = FALSE"
        script.append(f'write.table(d, "{tmp_path / name}", {args}{row_names})')
    subprocess.run(["Rscript", "-e", "; ".join(script)], check=True)
    for name in R_FORMS:
        result = annotate(tmp_path / name, model=model, traits=["asthma"], build="GRCh38")
        assert len(result) == 4, name
        assert result[MATCH_COLUMN].tolist()[0] == "rsid", name
        assert result[MATCH_COLUMN].tolist()[1] == "locus", name


# Hypothesis: generated tables through every format, every row and value back


names = st.text(
    st.characters(
        blacklist_categories=("Cs", "Cc", "Zs", "Zl", "Zp"), blacklist_characters='",;\ufeff#'
    ),
    min_size=1,
    max_size=6,
)
ids = st.sampled_from(
    [
        "rs7903146",
        "RS4506565",
        "1:12345:A:G",
        "chr10_112998590_C_T",
        "X:5000000",
        "NA",
        "",
        ".",
        "rs1",
        "chrUn:1",
        "-",
    ]
)
text_values = st.text(
    st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=10
)
CSV_READ = {"parse_options": pacsv.ParseOptions(newlines_in_values=True)}
p_values = st.sampled_from(["1e-9", "0.5", "NA", "", "5E-08", "1", "0", "nan"])


def tables(value_strategy, non_empty=False):
    """(header, rows): a SNP and a P column, then 0-3 other named columns."""

    @st.composite
    def build(draw):
        extra = draw(
            st.lists(names, max_size=3, unique=True).filter(
                lambda n: not {"SNP", "P"} & set(n) and all(x.strip() == x for x in n)
            )
        )
        header = ["SNP", "P", *[f"x{name}" for name in extra]]
        cell = value_strategy.filter(bool) if non_empty else value_strategy
        n = draw(st.integers(1, 12))
        rows = [
            [
                draw(ids.filter(bool) if non_empty else ids),
                draw(p_values.filter(bool) if non_empty else p_values),
                *[draw(cell) for _ in extra],
            ]
            for _ in range(n)
        ]
        return header, rows

    return build()


TSV_SAFE = st.text(
    st.characters(blacklist_categories=("Cs",), blacklist_characters="\t\r\n"), max_size=10
)
WS_SAFE = st.text(
    st.characters(
        blacklist_categories=("Cs", "Zs", "Cc", "Zl", "Zp"),
        blacklist_characters='"\x1c\x1d\x1e\x1f\x85',
    ),
    min_size=1,
    max_size=10,
)
SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))


def _annotated(model, path, tmp_path, out_name):
    out = tmp_path / out_name
    annotate(path, traits=["asthma"], model=model, out=out, chunk_rows=5, build="GRCh38")
    return out


COMPRESSORS = {
    None: lambda data: data,
    "gzip": gzip.compress,
    "bgzip": lambda data: b"".join(gzip.compress(data[i : i + 7]) for i in range(0, len(data), 7)),
    "bz2": bz2.compress,
    "zstd": lambda data: pa.compress(data, codec="zstd", asbytes=True),
}


@SETTINGS
@given(
    table=tables(TSV_SAFE),
    compress=st.sampled_from(sorted(COMPRESSORS, key=str)),
    newline=st.sampled_from(["\n", "\r\n", "\r"]),
    bom=st.booleans(),
    out_name=st.sampled_from(["out.tsv", "out.tsv.gz", "out.tsv.bz2", "out.tsv.zst"]),
)
def test_tsv_round_trip_is_byte_identical(
    model, tmp_path_factory, table, compress, newline, bom, out_name
):
    """Any compression in (sniffed, whatever the name says), any compression out (as named)."""
    tmp_path = tmp_path_factory.mktemp("tsv")
    header, rows = table
    text = ("\ufeff" if bom else "") + newline.join("\t".join(r) for r in [header, *rows]) + newline
    path = tmp_path / "in.tsv.gz"
    path.write_bytes(COMPRESSORS[compress](text.encode()))
    out = _annotated(model, path, tmp_path, out_name)
    got = lines(out)
    assert got[0].split("\t")[: len(header)] == header
    assert [line.split("\t")[: len(header)] for line in got[1:]] == rows


@SETTINGS
@given(table=tables(text_values), delimiter=st.sampled_from([",", ";"]))
def test_csv_round_trip_keeps_every_value(model, tmp_path_factory, table, delimiter):
    """A comma or a semicolon CSV (a spreadsheet's in a decimal-comma locale), written back so."""
    tmp_path = tmp_path_factory.mktemp("csv")
    header, rows = table
    path = tmp_path / "in.csv"
    with open(path, "w", newline="") as handle:  # RFC 4180: CRLF, quoting what needs it
        csv.writer(handle, delimiter=delimiter).writerows([header, *rows])
    out = _annotated(model, path, tmp_path, "out.csv")
    back = pacsv.read_csv(
        out,
        parse_options=pacsv.ParseOptions(delimiter=delimiter, newlines_in_values=True),
        convert_options=pacsv.ConvertOptions(
            column_types={n: pa.string() for n in header}, strings_can_be_null=False
        ),
    )
    assert back.select(header).to_pylist() == [dict(zip(header, r)) for r in rows]


@SETTINGS
@given(table=tables(WS_SAFE, non_empty=True), pad=st.sampled_from([" ", "  ", " \t ", "\t \t"]))
def test_whitespace_round_trip_keeps_every_value(model, tmp_path_factory, table, pad):
    tmp_path = tmp_path_factory.mktemp("ws")
    header, rows = table
    path = tmp_path / "in.assoc"
    path.write_text("\n".join(pad + pad.join(r) + pad for r in [header, *rows]) + "\n")
    out = _annotated(model, path, tmp_path, "out.tsv")
    assert [line.split("\t")[: len(header)] for line in lines(out)] == [header, *rows]


@SETTINGS
@given(
    table=tables(text_values),
    writer=st.sampled_from(["pandas", "polars", "pyarrow"]),
    out_name=st.sampled_from(["out.parquet", "out.csv.gz"]),
)
def test_parquet_round_trip_keeps_every_value(model, tmp_path_factory, table, writer, out_name):
    tmp_path = tmp_path_factory.mktemp("pq")
    header, rows = table
    columns = {name: [r[i] for r in rows] for i, name in enumerate(header)}
    path = write_parquet(columns, tmp_path / "in.parquet", writer)
    out = _annotated(model, path, tmp_path, out_name)
    if out_name.endswith(".parquet"):
        back = pq.read_table(out)
    else:
        back = pacsv.read_csv(
            out,
            **CSV_READ,
            convert_options=pacsv.ConvertOptions(
                column_types={n: pa.string() for n in header}, strings_can_be_null=False
            ),
        )
    assert {n: back.column(n).to_pylist() for n in header} == columns


# Fuzz: random bytes and random headers never give a traceback


tokens = st.sampled_from(
    [
        b"rs7903146",
        b"1",
        b"10",
        b"112998590",
        b"NA",
        b'"',
        b"0.05",
        b"5e-8",
        b"",
        b"chr1:5:A:G",
        b"-1",
        b"\r",
        b"\x00",
        b"\xef\xbb\xbf",
        b" ",
    ]
)
header_words = st.lists(
    st.sampled_from(
        ["SNP", "CHR", "BP", "POS", "P", "rsid", "A1", "x", "", '"SNP"', "#CHROM", "LOG10P"]
    ),
    min_size=1,
    max_size=5,
    unique=True,
)


@settings(max_examples=500, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    header=header_words,
    sep=st.sampled_from([b"\t", b",", b" ", b";", b"  "]),
    data=st.data(),
    compress=st.booleans(),
    cut=st.one_of(st.none(), st.integers(0, 200)),
)
def test_fuzz_random_bytes_never_give_a_traceback(
    model, tmp_path_factory, header, sep, data, compress, cut
):
    tmp_path = tmp_path_factory.mktemp("fuzz")
    fitting = st.lists(tokens, min_size=len(header), max_size=len(header)).map(sep.join)
    rows = data.draw(
        st.lists(
            st.one_of(
                fitting,
                fitting,
                fitting,
                st.binary(max_size=40),
                st.lists(tokens, max_size=6).map(sep.join),
            ),
            min_size=1,
            max_size=8,
        )
    )
    raw = sep.join(h.encode() for h in header) + b"\n" + b"\n".join(rows)
    if data.draw(st.integers(0, 7)) == 0:
        raw = data.draw(st.binary(min_size=1, max_size=200))
    raw = gzip.compress(raw) if compress else raw
    raw = raw[:cut] if cut is not None and data.draw(st.integers(0, 3)) == 0 else raw
    path = tmp_path / "fuzz.tsv"
    path.write_bytes(raw)
    out = tmp_path / "out.tsv.gz"
    try:
        annotate(
            path,
            traits=["asthma"],
            model=model,
            out=out,
            top_k=data.draw(st.sampled_from([None, 2])),
            p_threshold=data.draw(st.sampled_from([None, 0.05])),
        )
    except AnnotateError as error:
        assert "\n" not in str(error) and ("fuzz.tsv" in str(error) or "out.tsv.gz" in str(error))
        assert sorted(p.name for p in tmp_path.iterdir()) == ["fuzz.tsv"]
        event(f"refused: {str(error).split(': ', 1)[1][:24]}")
        return
    event("annotated")
    back = pa.concat_tables(chunk.table for chunk in open_table(out).chunks())
    assert set(back.column(MATCH_COLUMN).to_pylist()) <= {"rsid", "chrpos", "locus", "none", ""}


def test_a_p_column_holding_minus_log10_p_is_refused_not_misread(cli, tmp_path):
    # read as P, 12.5 would be no hit and -0.1 a lead: `loci` and --p-threshold refuse instead
    table = tmp_path / "mlog.tsv"
    table.write_text("SNP\tCHR\tBP\tP\nrs7903146\t10\t112998590\t0.01\nrs1\t1\t1000000\t12.5\n")
    out = tmp_path / "out.tsv"
    result = cli(table, "--trait", "asthma", "--p-threshold", "5e-8", "-o", out)
    assert result.exit_code == 2 and not out.exists()
    assert "mlog.tsv line 3: column 'P' has a P value above 1" in result.output
    assert "name it LOG10P" in result.output


def test_positions_shown_with_digit_grouping_score_and_junk_ones_are_refused(cli, tmp_path):
    # a spreadsheet's 112,998,590 was a silently unscored row; '12x' gets its line named
    table = tmp_path / "grouped.tsv"
    table.write_text("SNP\tCHR\tBP\tP\nx1\t10\t112,998,590\t0.5\nx2\t10\t112998590\t0.5\n")
    out = tmp_path / "out.tsv"
    assert cli(table, "--trait", "asthma", "--build", "GRCh38", "-o", out).exit_code == 0
    rows = [line.split("\t") for line in lines(out)[1:]]
    assert rows[0][:4] == ["x1", "10", "112,998,590", "0.5"]
    assert rows[0][4:] == rows[1][4:] and rows[0][4] != "none"
    table.write_text("SNP\tCHR\tBP\tP\nx1\t10\t112998590\t0.5\nx2\t10\t12x\t0.5\n")
    result = cli(table, "--trait", "asthma", "--build", "GRCh38", "-o", tmp_path / "bad.tsv")
    assert result.exit_code == 2 and not (tmp_path / "bad.tsv").exists()
    assert "grouped.tsv line 3: column 'BP' has a non-numeric value '12x'" in result.output


@pytest.mark.parametrize(
    "head, names",
    [
        ("# written by a pipeline, v1.2\n# build GRCh38\nSNP\tCHR\tBP\tP\n", ["SNP", "CHR", "BP"]),
        # as many words as the header has names: still a comment, as the names are no data
        ("# GWAS of height 2019\nSNP\tCHR\tBP\tP\n", ["SNP", "CHR", "BP"]),
        ("#CHROM\tPOS\tID\tP\n", ["#CHROM", "POS", "ID"]),  # plink2: the '#' line is the header
        ("##fileformat=VCFv4.2\n# note\n#CHROM\tPOS\tID\tP\n", ["#CHROM", "POS", "ID"]),
    ],
)
def test_hash_comment_lines_are_kept_and_a_hash_header_is_read(cli, tmp_path, head, names):
    table = tmp_path / "hash.tsv"
    values = ["rs7903146\t10\t112998590\t1e-20", "rs1\t1\t1000000\t0.5"]
    if names[0] == "#CHROM":
        values = ["10\t112998590\trs7903146\t1e-20", "1\t1000000\t.\t0.5"]
    table.write_text(head + "\n".join(values) + "\n")
    out = tmp_path / "out.tsv"
    assert cli(table, "--trait", "asthma", "--build", "GRCh38", "-o", out).exit_code == 0
    written, source = lines(out), head.rstrip("\n").split("\n")
    assert written[: len(source) - 1] == source[:-1]  # comments first, verbatim
    header = written[len(source) - 1].split("\t")
    assert header[:3] == names and header[4] == MATCH_COLUMN
    rows = [line.split("\t") for line in written[len(source) :]]
    assert [row[:4] for row in rows] == [v.split("\t") for v in values]
    assert rows[0][4] in ("rsid", "chrpos")


def test_an_output_is_compressed_as_named_or_refused(cli, model, tmp_path, sumstats_dir):
    # '-o x.tsv.bz2' wrote plain text under a bzip2 name, '-o x.xlsx' a TSV Excel cannot open
    source = tmp_path / "uc.tsv"
    with gzip.open(sumstats_dir / UC, "rt") as handle:
        source.write_text("".join(handle.readlines()[:300]))
    args = ("--trait", "ulcerative colitis", "--build", "GRCh38", "-o")
    assert cli(source, *args, tmp_path / "plain.tsv").exit_code == 0
    plain = (tmp_path / "plain.tsv").read_bytes()
    openers = {".bz2": bz2.open, ".zst": lambda p: pa.input_stream(str(p), compression="zstd")}
    for suffix, opener in openers.items():
        out = tmp_path / f"out.tsv{suffix}"
        assert cli(source, *args, out).exit_code == 0
        with opener(out) as handle:
            assert handle.read() == plain
        # in chunks of 50 rows: zstd writes a frame per chunk, and the frames read as one
        trait = ["ulcerative colitis"]
        annotate(source, traits=trait, out=out, build="GRCh38", model=model, chunk_rows=50)
        with opener(out) as handle:
            assert handle.read() == plain
    for name in ("out.xlsx", "out.tsv.xz", "out.zip", "out.json"):
        result = cli(source, *args, tmp_path / name)
        assert result.exit_code == 2 and f"{name}: cannot write" in result.output
        assert not (tmp_path / name).exists()


def test_a_path_from_the_home_folder_is_read_and_written(model, tmp_path, monkeypatch):
    # R and pandas users write '~/gwas.tsv'; it was "cannot read (No such file or directory)"
    monkeypatch.setenv("HOME", str(tmp_path))
    (tmp_path / "gwas.tsv").write_text("SNP\tP\nrs7903146\t0.1\n")
    written = annotate("~/gwas.tsv", traits=["asthma"], out="~/out.tsv", model=model)
    assert Path(written) == tmp_path / "out.tsv" and lines(written)[1].startswith("rs7903146\t0.1")
    monkeypatch.setenv("PYGENEREL_MODEL", f"~/{os.path.relpath(model.bundle.path, tmp_path)}")
    assert load_model().bundle.path.resolve() == Path(model.bundle.path).resolve()


def test_a_header_with_numbers_for_names_is_still_a_header(cli, tmp_path):
    # years as column names: mostly numbers, but SNP and P name it a header
    table = tmp_path / "years.tsv"
    table.write_text("SNP\tP\t2015\t2016\t2017\nrs7903146\t0.1\t1\t2\t3\n")
    out = tmp_path / "out.tsv"
    assert cli(table, "--trait", "asthma", "-o", out).exit_code == 0
    assert lines(out)[0].startswith("SNP\tP\t2015\t2016\t2017\tgenerel_match")
