"""Reading a GWAS table in chunks: TSV, CSV, semicolon or whitespace-separated text (plain, gzip,
bgzip, bz2, zstd) or Parquet, sniffed from the bytes rather than trusted from the file name. Lines
may end in LF, CRLF or a lone CR (as Excel for Mac writes text); a workbook, an archive or an xz
file is named as such, with what to do. A pipe (`<(zcat x.gz)`) or standard input (`-`) is copied
to a temporary file first (`spooled`), since a table is opened more than once: to sniff, then to read.

Every value passes through to the output untouched, so text columns are read as strings and:
- in TSV and whitespace tables a line is a row and quotes are data (a stray `"` never swallows
  the next lines; R's quoted values keep their quotes, and the parsers look through them);
- CSV follows RFC 4180 (quoted fields may hold commas, quotes and line breaks);
- a header one name shorter than its rows (R's `write.table` with row names) gains a leading
  column named "" for the row names, as R's own `col.names = NA` header has.
A row of the wrong width, bytes that are not UTF-8, a first line that is a data row (no header),
or a truncated file is an error naming its line. '##' meta lines and '#' comments before the
header are kept for the output; a '#' line followed by data rows is the header ('#CHROM POS').
"""

from __future__ import annotations

import contextlib
import csv
import os
import queue
import re
import shutil
import stat
import sys
import tempfile
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import partial
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from pygenerel.annotation.columns import (
    check_header_is_names,
    check_unique,
    known_names,
    looks_like_data,
)
from pygenerel.annotation.errors import AnnotateError
from pygenerel.errors import shown

BLOCK_BYTES = 4 << 20
MAX_LINE_BYTES = 64 << 20  # a longer line is no table row (and would be gathered quadratically)
_MAGIC = {b"\x1f\x8b": "gzip", b"BZh": "bz2", b"\x28\xb5\x2f\xfd": "zstd", b"PAR1": "parquet"}
# files that are not tables, by their first bytes: what they are and what to do
_NOT_TABLES = {
    b"PK\x03\x04": "a ZIP archive or an Excel/OpenDocument workbook; unzip it, or save the sheet "
    "as tab-separated text",
    b"\xd0\xcf\x11\xe0": "an Excel 97-2003 workbook (.xls); save the sheet as tab-separated text",
    b"\xfd7zXZ": "xz-compressed; decompress it (xz -d) or recompress it with gzip",
    b"7z\xbc\xaf": "a 7-Zip archive; extract the table first",
}
DELIMITERS = {"tsv": "\t", "csv": ",", "semicolon": ";", "whitespace": None}
_BLANKS = re.compile(rb"[ \t]+")
_EDGE_TABS = re.compile(rb"(?m)^\t|\t(?=\r?$)")
# A whitespace-table field: runs of non-space bytes and "quoted strings" (which may hold spaces).
_FIELD = re.compile(rb'(?:"[^"\t\r\n]*"|[^\s"]|")+')


@dataclass
class Chunk:
    """Rows of a table, with where they came from for error messages."""

    table: pa.Table
    first: int  # the first row's line in a file, or its 1-based position in a DataFrame
    unit: str = "line"
    done: float | None = None  # share of the source read once this chunk was, for progress
    line_of: Callable[[int], int] | None = None  # a row's line, where rows and lines part
    labels: list | None = None  # a DataFrame's index labels, where they are not 0, 1, 2, ...

    def locate(self, row: int) -> str:
        number = self.line_of(row) if self.line_of is not None else self.first + row
        where = f"{self.unit} {number}"
        return where if self.labels is None else f"{where} (index {shown(self.labels[row])})"


@dataclass
class TableSource:
    path: Path
    names: list[str]
    format: str  # "tsv", "csv", "semicolon", "whitespace" or "parquet"
    compression: str | None
    meta_lines: tuple[str, ...]  # the '##' and '#' comment lines before the header, kept
    cr_lines: bool = False  # lines end in a lone CR (Excel for Mac); read as if LF

    @property
    def csv_delimiter(self) -> str:
        """The delimiter of a CSV output of this table: a semicolon CSV stays one."""
        return ";" if self.format == "semicolon" else ","

    @property
    def header_line(self) -> int:
        return len(self.meta_lines) + 1

    def describe(self) -> str:
        packed = f", {self.compression}" if self.compression else ""
        return f"{self.path.name}: {self.format}{packed}, {len(self.names)} columns"

    def chunks(self, rows: int = 100_000) -> Iterator[Chunk]:
        """The file in order, in pieces of at most `rows` rows (text: also at most BLOCK_BYTES).
        A table with a header and no rows (a filter that kept nothing) is one empty chunk, so its
        output is a header too, not an error that stops a pipeline."""
        empty = True
        for chunk in self._pieces(rows):
            empty = False
            yield chunk
        if empty:
            yield Chunk(self._schema().empty_table(), self.header_line + 1, done=1.0)

    def _schema(self) -> pa.Schema:
        if self.format == "parquet":
            return pq.ParquetFile(self.path).schema_arrow
        return pa.schema([(name, pa.string()) for name in self.names])

    def _pieces(self, rows: int) -> Iterator[Chunk]:
        if self.format == "parquet":
            yield from self._parquet(rows)
            return
        if self.format in ("csv", "semicolon"):
            row = 0
            for table, done in self._quoted_text():
                for start in range(0, table.num_rows, rows):
                    piece = table.slice(start, rows)
                    first = self.header_line + 1 + row + start  # were rows lines
                    line_of = partial(self._csv_line, row + start)
                    yield Chunk(piece, first, done=done, line_of=line_of)
                row += table.num_rows
            return
        for first, table, done, lines in self._line_text():
            for start in range(0, table.num_rows, rows):
                piece = table.slice(start, rows)
                if lines is None:
                    yield Chunk(piece, first + start, done=done)
                else:
                    numbers = lines[start : start + rows]
                    yield Chunk(piece, numbers[0], done=done, line_of=numbers.__getitem__)

    def _parquet(self, rows: int) -> Iterator[Chunk]:
        try:
            parquet = pq.ParquetFile(self.path)
            total = max(parquet.metadata.num_rows, 1)
            for number, batch in enumerate(parquet.iter_batches(batch_size=rows)):
                done = min((number + 1) * rows / total, 1.0)
                yield Chunk(pa.Table.from_batches([batch]), number * rows + 1, "row", done)
        except (pa.ArrowException, OSError) as error:
            raise AnnotateError(f"{self.path}: cannot read the Parquet data ({error})") from None

    @property
    def _one_column(self) -> bool:
        """In a one-column table an empty line is an empty value, a row to keep; with more
        columns it has no fields at all."""
        return len(self.names) == 1

    def _convert_options(self) -> pacsv.ConvertOptions:
        return pacsv.ConvertOptions(
            column_types={name: pa.string() for name in self.names},
            strings_can_be_null=False,
            quoted_strings_can_be_null=False,
        )

    def _line_text(self) -> Iterator[tuple[int, pa.Table, float, list[int] | None]]:
        """TSV and whitespace tables: blocks of whole lines, each parsed with quoting off; with
        each block, its rows' line numbers where it has blank lines (they are no rows)."""
        parse = pacsv.ParseOptions(
            delimiter="\t", quote_char=False, ignore_empty_lines=not self._one_column
        )
        blocks = _line_blocks(self.path, self.compression, self.header_line, self.cr_lines)
        for first, block, done in blocks:
            if self.format == "whitespace":
                block = _whitespace_to_tabs(block, self.path, first)
            read = pacsv.ReadOptions(column_names=self.names, block_size=len(block) + 1)
            try:
                table = pacsv.read_csv(
                    pa.py_buffer(block),
                    read_options=read,
                    parse_options=parse,
                    convert_options=self._convert_options(),
                )
            except pa.ArrowInvalid as error:
                raise AnnotateError(self._locate(block, first, error)) from None
            lines = None if self._one_column else _row_lines(block, first)
            yield first, table, done, lines

    def _quoted_text(self) -> Iterator[tuple[pa.Table, float]]:
        """CSV (comma or semicolon): RFC 4180 quoting, streamed by pyarrow."""
        options = {
            "read_options": pacsv.ReadOptions(
                column_names=self.names, skip_rows=self.header_line, block_size=BLOCK_BYTES
            ),
            "parse_options": pacsv.ParseOptions(
                delimiter=DELIMITERS[self.format],
                ignore_empty_lines=not self._one_column,
                newlines_in_values=True,
            ),
            "convert_options": self._convert_options(),
        }
        try:
            with _opened(self.path, self.compression) as (stream, done):
                for batch in pacsv.open_csv(stream, **options):
                    yield pa.Table.from_batches([batch]), done()
        except (pa.ArrowException, OSError, EOFError, UnicodeError) as error:
            raise AnnotateError(self._explain_quoted(error)) from None

    def _csv_line(self, first_row: int, row: int = 0) -> int:
        """The line where data row first_row + row (from 0) of a CSV starts. Quoted line breaks
        and blank lines part rows from lines, and pyarrow does not say where a row was: the file
        is read again up to it, only for an error message."""
        last = [self.header_line]  # the last line handed to the csv reader

        def text():
            for number, raw in _raw_lines(self.path, self.compression, self.cr_lines):
                if number > self.header_line:
                    last[0] = number
                    yield raw.decode("utf-8", "replace") + "\n"

        start, seen = self.header_line + 1, -1
        try:
            for record in csv.reader(text(), delimiter=DELIMITERS[self.format]):
                seen += bool(record)  # a blank line is no row
                if record and seen == first_row + row:
                    return start
                start = last[0] + 1
        except csv.Error:  # a field past the csv module's size limit: count rows as lines
            return self.header_line + 1 + first_row + row
        return start

    def _locate(self, block: bytes, first: int, error: Exception) -> str:
        """One line naming the file and the line that broke a block (pyarrow does not say)."""
        width = len(self.names)
        for number, line in enumerate(block.split(b"\n"), first):
            bad = _bad_line(line, width, "\t", blank_ok=not self._one_column)
            if bad:
                return f"{self.path} line {number}: {bad}"
        return f"{self.path} line {first} or after: {str(error).splitlines()[0]}"

    def _explain_quoted(self, error: Exception) -> str:
        """For a CSV, find the first line pyarrow would have choked on, outside quoted fields."""
        message = f"{self.path}: {str(error).splitlines()[0]}"
        if isinstance(error, (OSError, EOFError)) and not isinstance(error, pa.ArrowException):
            return f"{message} (a truncated or damaged file?)"
        width, sep = len(self.names), DELIMITERS[self.format]
        try:
            for number, line in _raw_lines(self.path, self.compression, self.cr_lines):
                if number <= self.header_line or b'"' in line:
                    continue
                bad = _bad_line(line, width, sep, blank_ok=not self._one_column)
                if bad:
                    return f"{self.path} line {number}: {bad}"
        except AnnotateError:
            pass
        return message


def _row_lines(block: bytes, first: int) -> list[int] | None:
    """The line number of each row of a block of whole lines that holds blank lines (which the
    parser skips), else None: rows are then lines."""
    if not (b"\n\n" in block or b"\n\r\n" in block or block.startswith((b"\n", b"\r\n"))):
        return None
    lines = block.split(b"\n")[:-1]
    return [first + i for i, line in enumerate(lines) if line not in (b"", b"\r")]


def _not_utf8(line: bytes) -> str | None:
    try:
        line.decode("utf-8")
    except UnicodeDecodeError as error:
        return (
            f"not UTF-8 text (byte 0x{line[error.start]:02x} at character {error.start + 1}); "
            "convert the file, e.g. iconv -f latin1 -t utf-8"
        )
    return None


def _bad_line(line: bytes, width: int, sep: str, blank_ok: bool) -> str | None:
    """What is wrong with one raw line of a table `width` fields wide, if anything."""
    if problem := _not_utf8(line):
        return problem
    text = line.decode("utf-8").rstrip("\r")
    if blank_ok and not text.strip():
        return None
    count = len(text.split(sep))
    return f"expected {width} fields, found {count}" if count != width else None


def _whitespace_to_tabs(block: bytes, path: Path, first: int) -> bytes:
    """Whitespace-separated lines as tab-separated ones; "quoted strings" may hold spaces."""
    if b'"' not in block:
        return _EDGE_TABS.sub(b"", _BLANKS.sub(b"\t", block))
    lines = block.split(b"\n")
    out = []
    for number, line in enumerate(lines, first):
        fields = _FIELD.findall(line)
        if any(b"\t" in f for f in fields):
            raise AnnotateError(f"{path} line {number}: a quoted value holds a tab")
        out.append(b"\t".join(fields))
    return b"\n".join(out)


@contextlib.contextmanager
def _opened(path: Path, compression):
    """(the decompressed stream, done()): done() is the share of the file on disk read so far."""
    size = max(path.stat().st_size, 1)
    with open(path, "rb") as raw, pa.input_stream(raw, compression=compression) as stream:
        yield stream, lambda: min(raw.tell() / size, 1.0)


def _read_blocks(
    path: Path, compression, size: int, cr_lines: bool = False
) -> Iterator[tuple[bytes, float]]:
    """(decompressed bytes, share of the file read), each lone-CR line end made LF with
    cr_lines; a damaged or truncated file is an error naming it."""
    try:
        with _opened(path, compression) as (stream, done):
            while data := stream.read(size):
                yield (data.replace(b"\r", b"\n") if cr_lines else data), done()
    except (OSError, EOFError, pa.ArrowException) as error:
        raise AnnotateError(
            f"{path}: cannot read to the end ({str(error).splitlines()[0]}); "
            "the file looks truncated or damaged"
        ) from None


def _line_blocks(
    path: Path, compression, skip: int, cr_lines: bool = False
) -> Iterator[tuple[int, bytes, float]]:
    """(line number of the first line, whole lines, share read) after the first `skip` lines."""
    line, rest, done = 1, b"", 0.0
    for data, done in _read_blocks(path, compression, BLOCK_BYTES, cr_lines):
        data = rest + data
        cut = data.rfind(b"\n") + 1
        block, rest = data[:cut], data[cut:]
        _check_length(len(rest), path, line + block.count(b"\n"))
        while skip and block:
            block = block[block.find(b"\n") + 1 :]
            skip, line = skip - 1, line + 1
        if block:
            yield line, block, done
            line += block.count(b"\n")
    if rest and not skip:
        yield line, rest + b"\n", done


def _raw_lines(path: Path, compression, cr_lines: bool = False) -> Iterator[tuple[int, bytes]]:
    """(1-based number, bytes without the newline) for every line of a possibly compressed file."""
    number, unfinished = 0, []  # pieces of a line not ended yet (joined once it ends)
    for data, _ in _read_blocks(path, compression, 1 << 16, cr_lines):
        unfinished.append(data)
        if b"\n" not in data:
            _check_length(sum(map(len, unfinished)), path, number + 1)
            continue
        lines = b"".join(unfinished).split(b"\n")
        unfinished = [lines.pop()]
        for line in lines:
            number += 1
            yield number, line
    if rest := b"".join(unfinished):
        yield number + 1, rest


def _check_length(unfinished: int, path: Path, number: int) -> None:
    """A line still unfinished past MAX_LINE_BYTES is an error: no table has such rows."""
    if unfinished > MAX_LINE_BYTES:
        raise AnnotateError(
            f"{path} line {number}: longer than {MAX_LINE_BYTES >> 20} MiB without a line end; "
            "not a table of lines"
        )


def _ends_lines_with_cr(path: Path, compression) -> bool:
    """Whether the first line ends in a lone CR (old Mac text, as Excel for Mac saves it)."""
    for data, _ in _read_blocks(path, compression, 1 << 16):
        end = re.search(rb"\r\n?|\n", data[:-1])  # the last byte may be a CR split from its LF
        return end is not None and end.group() == b"\r"
    return False


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


class Spooled(os.PathLike):
    """A piped table's bytes in a temporary file: opened as that file, named as the pipe."""

    def __init__(self, copy: Path, label: str):
        self.copy, self.label = copy, label

    def __fspath__(self) -> str:
        return str(self.copy)

    def __str__(self) -> str:
        return self.label

    @property
    def name(self) -> str:
        return self.label

    def stat(self) -> os.stat_result:
        return self.copy.stat()


def is_piped(path) -> bool:
    """'-' (standard input), or a path that is no regular file: a FIFO, `<(...)`, /dev/stdin."""
    if path == "-":
        return True
    try:
        mode = os.stat(path).st_mode
        return not (stat.S_ISREG(mode) or stat.S_ISDIR(mode))
    except OSError:
        return False  # open_table names what is wrong with it


@contextlib.contextmanager
def spooled(path) -> Iterator:
    """The path itself, or for a piped table a Spooled copy, removed on leaving."""
    if not is_piped(path):
        yield path
        return
    label = "<stdin>" if path == "-" else str(path)
    with tempfile.TemporaryDirectory(prefix="pygenerel-") as folder:
        copy = Path(folder) / "table"
        try:
            stdin = path == "-"
            with (
                contextlib.nullcontext(sys.stdin.buffer) if stdin else open(path, "rb") as reading,
                open(copy, "wb") as sink,
            ):
                shutil.copyfileobj(reading, sink, BLOCK_BYTES)
        except OSError as error:
            raise AnnotateError(
                f"{label}: cannot copy the piped table to a temporary file "
                f"({error.strerror or error}); save it to a file first"
            ) from None
        yield Spooled(copy, label)


def open_table(path) -> TableSource:
    """Sniff the format and read the header; errors name the file."""
    path = path if isinstance(path, Spooled) else Path(path)
    try:
        with open(path, "rb") as handle:
            magic = handle.read(6)
    except OSError as error:
        raise AnnotateError(f"{path}: cannot read ({error.strerror or error})") from None
    for start, what in _NOT_TABLES.items():
        if magic.startswith(start):
            raise AnnotateError(f"{path}: {what}")
    kind = next((k for m, k in _MAGIC.items() if magic.startswith(m)), None)
    if kind == "parquet":
        try:
            names = pq.ParquetFile(path).schema_arrow.names
        except (pa.ArrowException, OSError) as error:
            raise AnnotateError(f"{path}: not a readable Parquet file ({error})") from None
        check_unique(names, str(path))
        if not names:
            raise AnnotateError(f"{path}: the file is empty (no columns)")
        return TableSource(path, names, "parquet", None, ())
    cr_lines = _ends_lines_with_cr(path, kind)
    meta, header, first_row = _header(path, kind, cr_lines)
    fmt = _sniff_format(header, first_row)
    names = _split(header, fmt)
    row_names = first_row is not None and len(_split(first_row, fmt)) == len(names) + 1
    if fmt in ("tsv", "whitespace") and row_names:
        names = ["", *names]  # R's write.table: row names have no header
    source = TableSource(path, names, fmt, kind, meta, cr_lines)
    where = f"{path} line {source.header_line}"
    _check_not_a_title(header, names, first_row, where)
    check_unique(names, str(path))
    check_header_is_names(names, where)
    return source


def _check_not_a_title(header: str, names: list[str], first_row: str | None, where: str) -> None:
    """A title above the header ('GWAS of height, 2019') would be read as the header, and the
    real header as a row of the wrong width: refused, saying which line is the header."""
    if first_row is None or known_names(names):
        return
    below = _split(first_row, _sniff_format(first_row, None))
    if known_names(below) >= 2:
        raise AnnotateError(
            f"{where}: {shown(header, 80)} is no header, the line below it is "
            f"({shown(below, 120)}); delete the line above the header, "
            "or start it with '#' to keep it as a comment"
        )


def _sniff_format(header: str, first_row: str | None) -> str:
    """The first of tab, comma, semicolon in the header, or whitespace. Tabs mixed with spaces
    are alignment (whitespace) when they leave blank names or only whitespace fits the rows."""
    if "\t" in header and re.search(r" \t|\t ", header):
        blank_names = any(not name.strip() for name in header.split("\t"))
        row = first_row or ""
        fits_tabs = len(row.split("\t")) == len(header.split("\t"))
        fits_blanks = len(row.split()) in (len(header.split()), len(header.split()) + 1)
        if blank_names or (fits_blanks and not fits_tabs):
            return "whitespace"
    for fmt in ("tsv", "csv", "semicolon"):
        if DELIMITERS[fmt] in header:
            return fmt
    return "whitespace" if len(header.split()) > 1 else "tsv"  # "tsv": a single column


def _header(path: Path, compression, cr_lines: bool) -> tuple[tuple[str, ...], str, str | None]:
    """(the leading '##' and '#' lines, the header line, the first non-blank line after it).

    A '#' line is a comment ('# written by tool X'), unless the line after the '#' lines is a
    data row: then the last '#' line is the header, as plink2's and VCF's '#CHROM POS ID ...'.
    An empty or binary file is an error, and so is a blank line before the header: it may be a
    blank header or a lost first row."""
    blank, meta, header = None, [], None
    for number, raw in _raw_lines(path, compression, cr_lines):
        if header is None and raw.startswith((b"\xff\xfe", b"\xfe\xff")):
            raise AnnotateError(
                f"{path}: UTF-16 text (as Excel's 'Unicode Text' writes); save it as UTF-8, "
                "e.g. iconv -f UTF-16 -t UTF-8"
            )
        if header is None and b"\x00" in raw:
            raise AnnotateError(f"{path}: not a text table (binary data on line {number})")
        if problem := _not_utf8(raw):
            raise AnnotateError(f"{path} line {number}: {problem}")
        line = raw.decode("utf-8").rstrip("\r")
        if number == 1:
            line = line.removeprefix("\ufeff")  # a UTF-8 byte order mark
        if header is not None:
            if line.strip():
                return tuple(meta), header, line
            continue
        if not line.strip():
            blank = number if blank is None else blank
        elif not line.startswith("#"):
            if blank is not None:
                raise AnnotateError(
                    f"{path}: line {blank} is blank; the header must be the first line "
                    "after any '#' lines"
                )
            if _hash_header(meta) and _a_row_of(line, meta[-1]):
                return tuple(meta[:-1]), meta[-1], line
            header = line
        else:
            meta.append(line)
        if number > 100_000 and header is None:
            break
    if header is None and _hash_header(meta):  # '#CHROM POS ...' and no rows
        return tuple(meta[:-1]), meta[-1], None
    if header is None:
        raise AnnotateError(f"{path}: the file is empty (no header line)")
    return tuple(meta), header, None


def _a_row_of(line: str, header: str) -> bool:
    """Whether `line` reads as a data row under the '#' line `header`: fields that look like
    data (an rs id, chr:pos, mostly numbers), or as many fields and none of them a column name
    ('# GWAS of height 2019' above 'SNP CHR BP P' is a comment)."""
    separator = next((s for s in "\t,;" if s in line and s in header), None)
    fields = line.split(separator)
    width = len(header.removeprefix("#").split(separator))
    return looks_like_data(fields) or (len(fields) == width and not known_names(fields))


def _hash_header(meta: list[str]) -> bool:
    """Whether the last leading line could be a '#' header (one '#', not a '##' meta line)."""
    return bool(meta) and not meta[-1].startswith("##")


def _split(line: str, fmt: str) -> list[str]:
    """Header names as written; CSV names lose their RFC quotes."""
    if fmt == "whitespace":
        return [f.decode() for f in _FIELD.findall(line.strip().encode())]
    names = line.split(DELIMITERS[fmt])
    if fmt in ("csv", "semicolon"):
        names = [_unquote(name) for name in names]
    return names


def _unquote(name: str) -> str:
    if len(name) >= 2 and name[0] == name[-1] == '"':
        return name[1:-1].replace('""', '"')
    return name
