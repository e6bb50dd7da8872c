"""Reading a GWAS table in chunks: TSV, CSV or whitespace-separated text (plain, gzip, bgzip, bz2,
zstd) or Parquet, sniffed from the bytes rather than trusted from the file name.

Text columns are read as strings so that every value passes through to the output untouched.
"""
from __future__ import annotations

import io
import queue
import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from pygenerel.annotation.columns import check_unique
from pygenerel.annotation.errors import AnnotateError

BLOCK_BYTES = 4 << 20
_MAGIC = {b"\x1f\x8b": "gzip", b"BZh": "bz2", b"\x28\xb5\x2f\xfd": "zstd", b"PAR1": "parquet"}


@dataclass
class Chunk:
    """Rows of a table, with where they came from for error messages."""

    table: pa.Table
    first: int  # the first row's line in a file, or its 1-based position in a DataFrame
    unit: str = "line"

    def locate(self, row: int) -> str:
        return f"{self.unit} {self.first + row}"


@dataclass
class TableSource:
    path: Path
    names: list[str]
    format: str  # "tsv", "csv", "whitespace" or "parquet"
    compression: str | None
    skip_lines: int  # '##' meta lines before the header

    @property
    def header_line(self) -> int:
        return self.skip_lines + 1

    def describe(self) -> str:
        packed = f", {self.compression}" if self.compression else ""
        return f"{self.path.name}: {self.format}{packed}, {len(self.names)} columns"

    def chunks(self, rows: int = 100_000) -> Iterator[Chunk]:
        """The file in order, in pieces of at most `rows` rows (text: also at most BLOCK_BYTES)."""
        line = self.header_line + 1
        for table in self._tables(rows):
            for start in range(0, table.num_rows, rows):
                piece = table.slice(start, rows)
                yield Chunk(piece, line)
                line += piece.num_rows

    def _tables(self, rows: int) -> Iterator[pa.Table]:
        if self.format == "parquet":
            for batch in pq.ParquetFile(self.path).iter_batches(batch_size=rows):
                yield pa.Table.from_batches([batch])
        elif self.format == "whitespace":
            reader = pd.read_csv(
                self.path, sep=r"\s+", dtype=str, keep_default_na=False, na_filter=False,
                skiprows=self.skip_lines, chunksize=rows, compression=self.compression,
                skip_blank_lines=self._blank_lines_are_not_rows,
            )
            with reader:
                for frame in reader:
                    yield pa.Table.from_pandas(frame, preserve_index=False)
        else:
            yield from self._arrow_text()

    def _arrow_text(self) -> Iterator[pa.Table]:
        options = {
            "read_options": pacsv.ReadOptions(
                column_names=self.names, skip_rows=self.header_line, block_size=BLOCK_BYTES
            ),
            "parse_options": pacsv.ParseOptions(
                delimiter="\t" if self.format == "tsv" else ",",
                ignore_empty_lines=self._blank_lines_are_not_rows,
            ),
            "convert_options": pacsv.ConvertOptions(
                column_types={name: pa.string() for name in self.names},
                strings_can_be_null=False, quoted_strings_can_be_null=False,
            ),
        }
        with pa.input_stream(str(self.path), compression=self.compression) as stream:
            try:
                for batch in pacsv.open_csv(stream, **options):
                    yield pa.Table.from_batches([batch])
            except (pa.ArrowInvalid, OSError, UnicodeError) as error:
                raise AnnotateError(self._explain(error)) from None

    @property
    def _blank_lines_are_not_rows(self) -> bool:
        """In a one-column table an empty line is an empty value, a row to keep; with more
        columns it has no fields at all."""
        return len(self.names) > 1

    def _explain(self, error: Exception) -> str:
        """One line naming the file and, for a ragged row, its line (pyarrow does not say)."""
        message = f"{self.path}: {str(error).splitlines()[0]}"
        if not str(error).startswith("CSV parse error: Expected"):
            return message
        width, sep = len(self.names), "\t" if self.format == "tsv" else ","
        with _LineReader(self.path, self.compression) as lines:
            for number, line in enumerate(lines, 1):
                if number <= self.header_line or not line.strip() or '"' in line:
                    continue
                count = len(line.rstrip("\r\n").split(sep))
                if count != width:
                    return f"{self.path} line {number}: expected {width} fields, found {count}"
        return message


def prefetched(chunks: Iterator[Chunk], depth: int = 2) -> Iterator[Chunk]:
    """The same chunks, read ahead on a thread (pyarrow parses and inflates without the GIL), so
    reading overlaps scoring. A reading error is raised here, in order; stopping early stops the
    thread and closes the file."""
    ahead: queue.Queue = queue.Queue(maxsize=depth)
    stop, done = threading.Event(), object()

    def read() -> None:
        try:
            for chunk in chunks:
                if stop.is_set():
                    return
                ahead.put(chunk)
            ahead.put(done)
        except Exception as error:  # noqa: BLE001  (handed to the consumer, raised there)
            ahead.put(error)
        finally:
            chunks.close()

    thread = threading.Thread(target=read, daemon=True)
    thread.start()
    try:
        while (item := ahead.get()) is not done:
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        stop.set()
        while thread.is_alive():  # unblock a put() so the thread sees stop
            try:
                ahead.get(timeout=0.05)
            except queue.Empty:
                pass


def open_table(path) -> TableSource:
    """Sniff the format and read the header; errors name the file."""
    path = Path(path)
    try:
        with open(path, "rb") as handle:
            magic = handle.read(4)
    except OSError as error:
        raise AnnotateError(f"{path}: cannot read ({error.strerror or error})") from None
    kind = next((k for m, k in _MAGIC.items() if magic.startswith(m)), None)
    if kind == "parquet":
        try:
            names = pq.ParquetFile(path).schema_arrow.names
        except (pa.ArrowException, OSError) as error:
            raise AnnotateError(f"{path}: not a readable Parquet file ({error})") from None
        check_unique(names, str(path))
        if not names:
            raise AnnotateError(f"{path}: the file is empty (no columns)")
        return TableSource(path, names, "parquet", None, 0)
    skip, header = _header(path, kind)
    fmt = "tsv" if "\t" in header else "csv" if "," in header else "whitespace"
    if fmt == "whitespace" and not re.search(r"\s", header.strip()):
        fmt = "tsv"  # a single column
    names = _split_header(header, fmt)
    check_unique(names, str(path))
    return TableSource(path, names, fmt, kind, skip)


class _LineReader:
    """Decoded lines of a possibly compressed file, as a context manager."""

    def __init__(self, path, compression):
        self.stream = pa.input_stream(str(path), compression=compression)

    def __enter__(self):
        return io.TextIOWrapper(self.stream, encoding="utf-8", errors="replace")

    def __exit__(self, *exc):
        self.stream.close()


def _header(path: Path, compression) -> tuple[int, str]:
    """(number of leading '##' lines, the header line); an empty or binary file is an error, and
    so is a blank line before the header: it may be a blank header or a lost first row."""
    blank = None
    try:
        with _LineReader(path, compression) as lines:
            for skip, line in enumerate(lines):
                if "\x00" in line:
                    raise AnnotateError(f"{path}: not a text table (binary data on line {skip + 1})")
                if not line.strip():
                    blank = skip + 1 if blank is None else blank
                elif not line.startswith("##"):
                    if blank is not None:
                        raise AnnotateError(
                            f"{path}: line {blank} is blank; the header must be the first line "
                            "after any '##' lines"
                        )
                    return skip, line.lstrip("\ufeff").rstrip("\r\n")
    except (OSError, pa.ArrowException, EOFError, UnicodeError) as error:
        raise AnnotateError(f"{path}: cannot read ({error})") from None
    raise AnnotateError(f"{path}: the file is empty (no header line)")


def _split_header(header: str, fmt: str) -> list[str]:
    if fmt == "whitespace":
        return header.split()
    sep = "\t" if fmt == "tsv" else ","
    return [name.strip('"') for name in header.split(sep)]
