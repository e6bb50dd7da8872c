"""Checked access to the raw data folder: every file read is hashed and counted for corpus.json,
and a truncated or malformed file stops the build with a message naming the file and line.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import lzma
import zlib
from pathlib import Path

import numpy as np
import pandas as pd

from pygenerel.errors import InputError

FORBIDDEN = ("drugbank/",)  # DrugBank is CC BY-NC: the corpus must never depend on it


class RawDataError(InputError):
    """A raw source file is missing, truncated or malformed; the message names the file and line."""


class RawDir:
    """The raw data folder, recording each file read (path, sha256, data rows) for the manifest."""

    def __init__(self, root):
        self.root = Path(root)
        self.files: dict[str, dict] = {}

    def path(self, rel: str) -> Path:
        if rel.startswith(FORBIDDEN):
            raise RawDataError(f"{rel}: DrugBank files are non-commercial and must not be read")
        path = self.root / rel
        if not path.is_file():
            raise RawDataError(f"{path}: raw file missing (see {self.root / 'SOURCES.md'})")
        return path

    def text(self, rel: str) -> str:
        """The decompressed text of a file (.gz and .xz are recognised by their suffix)."""
        path = self.path(rel)
        raw = path.read_bytes()
        self.files[rel] = {"path": rel, "sha256": hashlib.sha256(raw).hexdigest(), "rows": 0}
        data = _decompress(path, raw)
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError as error:
            line = data[: error.start].count(b"\n") + 1
            raise RawDataError(f"{path}: line {line}: not UTF-8 text") from None

    def json(self, rel: str):
        text = self.text(rel)
        try:
            value = json.loads(text)
        except json.JSONDecodeError as error:
            raise RawDataError(
                f"{self.root / rel}: line {error.lineno}: invalid JSON ({error.msg})"
            ) from None
        self.files[rel]["rows"] = len(value) if isinstance(value, (list, dict)) else 1
        return value

    def table(
        self, rel: str, columns, *, sep="\t", quoted=False, names=None, numeric=()
    ) -> pd.DataFrame:
        """A delimited file as strings ('' for empty fields), keeping `columns` (None: all).

        The header is the first line not starting with '#' (unless `names` are given for a file
        without one). Every line must have as many fields as the header; `numeric` columns must
        parse as numbers (empty and NA allowed).
        """
        path = self.path(rel)
        text = self.text(rel)
        skip = _comment_lines(text)
        header_line = skip + 1
        n_fields = len(names) if names else _count_fields(_line(text, skip), sep, quoted)
        _check_field_counts(
            path, text, sep, quoted, n_fields, first_line=header_line if names else header_line + 1
        )
        frame = pd.read_csv(
            io.StringIO(text),
            sep=sep,
            dtype=object,
            keep_default_na=False,
            skiprows=skip,
            header=None if names else 0,
            names=names,
            skip_blank_lines=False,
            quoting=csv.QUOTE_MINIMAL if quoted else csv.QUOTE_NONE,
        )
        columns = list(frame.columns) if columns is None else list(columns)
        missing = [c for c in columns if c not in frame.columns]
        if missing:
            raise RawDataError(
                f"{path}: line {header_line}: missing columns {missing}; found {list(frame.columns)}"
            )
        frame = frame[columns].copy()
        first_data_line = header_line if names else header_line + 1
        for column in numeric:
            frame[column] = _to_number(path, frame[column], column, first_data_line)
        self.files[rel]["rows"] = len(frame)
        return frame

    def manifest(self) -> list[dict]:
        return [self.files[rel] for rel in sorted(self.files)]


def _decompress(path: Path, raw: bytes) -> bytes:
    if path.suffix == ".gz":
        decompressor, members = zlib.decompressobj(wbits=31), []
        while True:
            members.append(decompressor.decompress(raw))
            if not decompressor.eof:
                break
            raw = decompressor.unused_data
            if not raw:
                return b"".join(members)
            decompressor = zlib.decompressobj(wbits=31)
    elif path.suffix == ".xz":
        decompressor = lzma.LZMADecompressor()
        try:
            members = [decompressor.decompress(raw)]
        except lzma.LZMAError as error:
            raise RawDataError(f"{path}: not a valid xz file ({error})") from None
        if decompressor.eof:
            return members[0]
    else:
        return raw
    lines = b"".join(members).count(b"\n")
    raise RawDataError(f"{path}: compressed data ends early, after line {lines} (truncated file?)")


def _comment_lines(text: str) -> int:
    count = 0
    for line in io.StringIO(text):
        if not line.startswith("#"):
            break
        count += 1
    return count


def _line(text: str, index: int) -> str:
    return text.split("\n", index + 1)[index]


def _count_fields(line: str, sep: str, quoted: bool) -> int:
    line = line.rstrip("\r\n")
    return len(next(csv.reader([line], delimiter=sep))) if quoted else line.count(sep) + 1


def _check_field_counts(path, text, sep, quoted, n_fields, first_line):
    """Every line from `first_line` on must have `n_fields` fields: this catches cut-off lines."""
    if quoted:
        reader = csv.reader(io.StringIO(text), delimiter=sep)
        for row in reader:
            if reader.line_num >= first_line and len(row) != n_fields:
                raise RawDataError(
                    f"{path}: line {reader.line_num}: expected {n_fields} fields, found {len(row)}"
                )
        return
    data = np.frombuffer(text.encode(), dtype=np.uint8)
    ends = np.flatnonzero(data == ord("\n"))
    if len(ends) == 0 or ends[-1] != len(data) - 1:
        ends = np.append(ends, len(data))  # last line without a newline
    line_of_sep = np.searchsorted(ends, np.flatnonzero(data == ord(sep)))
    fields = np.bincount(line_of_sep, minlength=len(ends))[: len(ends)] + 1
    bad = np.flatnonzero(fields[first_line - 1 :] != n_fields)
    if len(bad):
        line = first_line + int(bad[0])
        raise RawDataError(
            f"{path}: line {line}: expected {n_fields} fields, found {int(fields[line - 1])}"
        )


def _to_number(path, values: pd.Series, column: str, first_line: int) -> pd.Series:
    numbers = pd.to_numeric(
        values.replace({"": None, "NA": None, "NaN": None, "-": None}), errors="coerce"
    )
    bad = numbers.isna() & ~values.isin(["", "NA", "NaN", "-"])
    if bad.any():
        row = int(np.flatnonzero(bad.to_numpy())[0])
        raise RawDataError(
            f"{path}: line {first_line + row}: column {column!r} is not a number: {values.iloc[row]!r}"
        )
    return numbers
