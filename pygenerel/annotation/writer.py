"""Writing the annotated table: TSV or CSV (optionally gzip, bzip2 or zstd, as the reader reads)
or Parquet, chosen by the file name; a name that promises another format (.xlsx, .xz, .zip,
.json) is refused rather than given a TSV under it.

Values are written as they were read:
- TSV: every field verbatim, never quoted (as the reader reads it). A value holding a tab or a
  line break cannot be written so; that is an error that suggests .csv or .parquet.
- CSV: RFC 4180, quoting only the fields that hold a comma, a quote or a line break.
- gzip output is byte-reproducible: no time stamp and no file name in its header.
- zstd output is one frame per chunk: a stream of frames is one file to zstd and every reader.
- The input's '##' meta lines (a build, a software version) come first in TSV and CSV output, as
  they were; Parquet keeps them in its schema metadata (META_KEY, a JSON list).
Formatting and compression run on a background thread (both release the GIL), overlapping the
scoring of the next chunk. Where the bytes go, atomically, is `output.Destination`'s concern.
"""

from __future__ import annotations

import bz2
import gzip
import json
import queue
import threading
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from pygenerel.annotation.errors import AnnotateError
from pygenerel.annotation.output import STDOUT, Destination
from pygenerel.errors import shown

GZIP_LEVEL = 1  # within ~12% of level 6's size at a fifth of its time
META_KEY = b"generel_meta_lines"
NOT_WRITTEN = {  # output suffix -> what it is; a TSV under such a name would be unreadable
    ".xlsx": "an Excel workbook",
    ".xls": "an Excel workbook",
    ".ods": "a spreadsheet",
    ".xz": "xz-compressed text",
    ".zip": "a ZIP archive",
    ".7z": "a 7-Zip archive",
    ".json": "JSON",
}
COMPRESSIONS = (".gz", ".bgz", ".bz2", ".zst")
_SUFFIXES = (*COMPRESSIONS, ".tsv", ".txt", ".csv", ".parquet", ".pq")


def output_format(name: str) -> str:
    """parquet, csv or tsv: by the name's last suffix, past one compression suffix (results.csv.gz
    is a CSV, results.csv.tsv a TSV)."""
    lower = name.lower()
    if lower.endswith((".parquet", ".pq")):
        return "parquet"
    for end in COMPRESSIONS:
        lower = lower.removesuffix(end)
    return "csv" if lower.endswith(".csv") else "tsv"


def default_output(path) -> Path:
    """gwas.tsv.gz -> gwas.generel.tsv.gz beside the input; CSV stays CSV, Parquet stays Parquet
    (they can hold values a TSV cannot)."""
    path = Path(path)
    name = path.name.lower()
    stem = path.name
    for suffix in _SUFFIXES:
        stem = stem.removesuffix(suffix).removesuffix(suffix.upper())
    kind = {"parquet": "parquet", "csv": "csv.gz", "tsv": "tsv.gz"}[output_format(name)]
    return path.with_name(f"{stem or path.name}.generel.{kind}")


class TableWriter:
    def __init__(self, path, inputs=(), meta_lines=(), csv_delimiter=","):
        """csv_delimiter ";" keeps a semicolon CSV (a spreadsheet's in a locale whose decimal mark
        is a comma) so: its "0,05" unquoted, and the scores added with decimal commas too."""
        self.meta_lines = list(meta_lines)
        self.csv_delimiter = csv_delimiter
        self.destination = Destination(path, inputs)
        try:
            self._start()
        except BaseException:
            self.destination.discard()
            raise

    def _start(self) -> None:
        """The format layers and the background writer thread."""
        self.name = self.destination.name
        lower = Path(self.name).name.lower() if self.name != STDOUT else ""
        kind = output_format(lower)
        self.parquet = kind == "parquet"
        self.delimiter = self.csv_delimiter if kind == "csv" else "\t"
        refused = next((what for end, what in NOT_WRITTEN.items() if lower.endswith(end)), None)
        if refused:
            raise AnnotateError(
                f"{self.name}: cannot write {refused}; name the output .tsv, .csv (optionally "
                ".gz, .bz2 or .zst) or .parquet (a .csv opens in any spreadsheet)"
            )
        self.sink = (
            self.destination.stream if self.parquet else _compressed(self.destination, lower)
        )
        self.parquet_writer = None
        self.header = True
        self.error: BaseException | None = None
        self.pending: queue.Queue = queue.Queue(maxsize=2)  # bounds memory: at most 2 chunks queued
        self.thread = threading.Thread(target=self._drain, daemon=True)
        self.thread.start()

    def write(self, table: pa.Table) -> None:
        self._check()
        self.pending.put(table)

    def commit(self) -> str:
        """Everything written and in place; returns the output's name."""
        try:
            self._finish()
        except OSError as error:
            self.error = self.error or error
        if self.error is not None:
            self.abort()
            self._check()
        self.destination.commit()
        return self.name

    def abort(self) -> None:
        try:
            self._finish()
        except OSError:
            pass
        self.destination.discard()

    def _check(self) -> None:
        if isinstance(self.error, AnnotateError):
            raise self.error
        if self.error is not None:
            reason = getattr(self.error, "strerror", None) or self.error
            raise AnnotateError(f"{self.name}: cannot write ({reason})")

    def _drain(self) -> None:
        while (table := self.pending.get()) is not None:
            if self.error is None:
                try:
                    self._write_now(table)
                except Exception as error:  # noqa: BLE001  (any error must reach write()/commit())
                    self.error = error

    def _write_now(self, table: pa.Table) -> None:
        if self.parquet:
            if self.parquet_writer is None:
                self.schema = table.schema
                if self.meta_lines:
                    meta = {META_KEY: json.dumps(self.meta_lines).encode()}
                    self.schema = self.schema.with_metadata(
                        {**(self.schema.metadata or {}), **meta}
                    )
                self.parquet_writer = pq.ParquetWriter(self.sink, self.schema)
            self.parquet_writer.write_table(table.cast(self.schema))
            return
        if self.header:
            self.sink.write("".join(f"{line}\n" for line in self.meta_lines).encode())
            self.sink.write(text_header(table.column_names, self.delimiter, self.name))
            self.header = False
        self.sink.write(text_rows(table, self.delimiter, self.name))

    def _finish(self) -> None:
        """Let the background thread write what is queued, then close the format layers."""
        if self.thread.is_alive():
            self.pending.put(None)
            self.thread.join()
        if self.parquet_writer is not None:
            writer, self.parquet_writer = self.parquet_writer, None
            writer.close()
        if self.sink is not self.destination.stream:
            sink, self.sink = self.sink, self.destination.stream
            sink.close()


def _compressed(destination: Destination, lower: str):
    """The text sink for an output named `lower`: the destination, or a compressor writing to it
    (closing it leaves the destination open)."""
    stream = destination.stream
    if lower.endswith((".gz", ".bgz")):
        return gzip.GzipFile(
            filename="", mode="wb", fileobj=stream, compresslevel=GZIP_LEVEL, mtime=0
        )
    if lower.endswith(".bz2"):
        return bz2.BZ2File(stream, "wb")
    if lower.endswith(".zst"):
        return _ZstdFrames(stream)
    return stream


class _ZstdFrames:
    def __init__(self, stream):
        self.stream, self.codec = stream, pa.Codec("zstd")

    def write(self, data) -> None:
        if len(data):
            self.stream.write(self.codec.compress(data, asbytes=True))

    def close(self) -> None:
        pass


def text_header(names, delimiter: str, name: str = "output") -> bytes:
    """The header line: the column names, quoted as the rows are."""
    names = pa.array([str(n) for n in names], pa.large_string())
    if delimiter != "\t":
        names = _csv_quoted(names, delimiter)
    else:
        _refuse_tsv_breakers(names, "a column name", name)
    return (delimiter.join(names.to_pylist()) + "\n").encode()


def text_rows(table: pa.Table, delimiter: str, name: str = "output") -> pa.Buffer:
    """The rows of `table` as delimited text lines."""
    fields = []
    for label, column in zip(table.column_names, table.columns):
        values = _as_text(column, label, name)
        if delimiter == ";" and pa.types.is_floating(column.type):
            values = pc.replace_substring(values, ".", ",")
        if delimiter != "\t":
            values = _csv_quoted(values, delimiter)
        else:
            _refuse_tsv_breakers(values, f"column {shown(label)}", name)
        fields.append(values)
    return _join_lines(fields, delimiter)


def _as_text(column, label: str, name: str) -> pa.Array:
    column = column.combine_chunks() if isinstance(column, pa.ChunkedArray) else column
    try:
        text = pc.cast(column, pa.large_string())
    except (pa.ArrowNotImplementedError, pa.ArrowInvalid):
        raise AnnotateError(
            f"{name}: column {shown(label)} ({column.type}) cannot be written as text; "
            "write a .parquet output instead"
        ) from None
    return pc.fill_null(text, "")


def _csv_quoted(values: pa.Array, delimiter: str) -> pa.Array:
    if not _may_hold(values, b'"\r\n' + delimiter.encode()):
        return values
    needs = pc.match_substring_regex(values, f'["\r\n{delimiter}]')
    if not pc.any(needs).as_py():
        return values
    quote = _text('"')
    quoted = pc.binary_join_element_wise(
        quote, pc.replace_substring(values, '"', '""'), quote, _text("")
    )
    return pc.if_else(needs, quoted, values)


def _refuse_tsv_breakers(values: pa.Array, what: str, name: str) -> None:
    if not _may_hold(values, b"\t\r\n"):
        return
    breaks = pc.match_substring_regex(values, r"[\t\r\n]")
    if pc.any(breaks).as_py():
        row = pc.index(breaks, True).as_py()
        raise AnnotateError(
            f"{name}: {what} holds a tab or line break ({shown(values[row].as_py())}), which a "
            "TSV cannot; write a .csv or .parquet output"
        )


def _may_hold(values: pa.Array, characters: bytes) -> bool:
    """Whether any of these ASCII characters occurs in the values' bytes (a scan of the raw data
    buffer, far faster than a regex per value; the buffer may hold a few bytes more)."""
    data = values.buffers()[2]
    if data is None:
        return False
    raw = np.frombuffer(data, dtype=np.uint8)
    return bool(np.logical_or.reduce([raw == c for c in characters]).any())


def _text(value: str) -> pa.Scalar:
    return pa.scalar(value, pa.large_string())


def _join_lines(fields: list[pa.Array], delimiter: str) -> pa.Buffer:
    """One buffer of lines, each the fields of a row joined by the delimiter, ended by a newline."""
    line = fields[0] if len(fields) == 1 else pc.binary_join_element_wise(*fields, _text(delimiter))
    line = pc.binary_join_element_wise(line, _text(""), _text("\n"))  # line + "\n" + ""
    if len(line) == 0:
        return pa.py_buffer(b"")
    offsets = np.frombuffer(line.buffers()[1], dtype=np.int64)[
        line.offset : line.offset + len(line) + 1
    ]
    return line.buffers()[2].slice(int(offsets[0]), int(offsets[-1] - offsets[0]))
