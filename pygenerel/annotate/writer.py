"""Writing the annotated table: TSV/CSV (optionally gzip) or Parquet, chosen by the file name.

Chunks go to a temporary file beside the target, renamed into place only when the whole table is
written, so a crash or a bad row half-way never leaves a truncated output that looks finished.
"""
from __future__ import annotations

import gzip
import os
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from pygenerel.annotate.errors import AnnotateError

GZIP_LEVEL = 1  # within ~12% of level 6's size at a fifth of its time


def default_output(path) -> Path:
    """gwas.tsv.gz -> gwas.generel.tsv.gz, beside the input."""
    path = Path(path)
    stem = path.name
    for suffix in (".gz", ".bgz", ".bz2", ".zst", ".tsv", ".txt", ".csv", ".parquet", ".pq"):
        stem = stem.removesuffix(suffix)
    return path.with_name(f"{stem or path.name}.generel.tsv.gz")


class TableWriter:
    def __init__(self, path):
        self.path = Path(path)
        name = self.path.name.lower()
        self.parquet = name.endswith((".parquet", ".pq"))
        self.delimiter = "," if ".csv" in name else "\t"
        self.tmp = self.path.with_name(f".{self.path.name}.{os.getpid()}.partial")
        try:
            self.sink = None if self.parquet else (
                gzip.open(self.tmp, "wb", compresslevel=GZIP_LEVEL) if name.endswith((".gz", ".bgz"))
                else open(self.tmp, "wb")
            )
        except OSError as error:
            raise AnnotateError(f"{self.path}: cannot write ({error.strerror or error})") from None
        self.parquet_writer = None
        self.header = True

    def write(self, table: pa.Table) -> None:
        if self.parquet:
            if self.parquet_writer is None:
                self.schema = table.schema
                self.parquet_writer = pq.ParquetWriter(self.tmp, self.schema)
            self.parquet_writer.write_table(table.cast(self.schema))
            return
        self.sink.write(self._text(table))
        self.header = False

    def _text(self, table: pa.Table):
        """Values as they are; a chunk holding a quote or delimiter is written RFC-4180 quoted."""
        try:
            return self._csv(table, "none")
        except pa.ArrowInvalid:
            return self._csv(table, "needed")

    def _csv(self, table: pa.Table, quoting: str) -> pa.Buffer:
        buffer = pa.BufferOutputStream()
        options = pacsv.WriteOptions(include_header=self.header, delimiter=self.delimiter,
                                     quoting_style=quoting, quoting_header=quoting)
        pacsv.write_csv(table, buffer, options)
        return buffer.getvalue()

    def commit(self) -> Path:
        self._close()
        os.replace(self.tmp, self.path)
        return self.path

    def abort(self) -> None:
        self._close()
        self.tmp.unlink(missing_ok=True)

    def _close(self) -> None:
        if self.parquet_writer is not None:
            self.parquet_writer.close()
        if self.sink is not None:
            self.sink.close()
