"""Annotating on a Dask cluster: many tables, or one table too large for one machine's time.

The same reader, Scorer and atomic writer as `pygenerel annotate` run inside Dask tasks, so a
table comes out as the single-machine path writes it. Each worker process loads the model once
(`worker_model`) and keeps it for every later task. `annotate_files` writes one output per table
plus a `.done` marker after the output is in place; a table whose marker matches its input, model
and options is not annotated again, so a restarted run only does what is left.

Needs the `dask` extra: pip install 'pygenerel[dask]'.
"""

from __future__ import annotations

import glob
import json
import os
import threading
import time
from dataclasses import dataclass
from pathlib import Path

try:
    import dask.dataframe as dd
    import distributed
except ImportError as error:
    raise ImportError(
        "pygenerel.dask needs Dask: pip install 'pygenerel[dask]' (dask[dataframe], distributed)"
    ) from error
import pandas as pd

from pygenerel.annotation.annotate import (
    CHUNK_ROWS,
    HOWS,
    INFER_ROWS,
    _annotate_chunks,
    annotate,
    checked_options,
    checked_traits,
)
from pygenerel.annotation.errors import AnnotateError
from pygenerel.annotation.output import Destination
from pygenerel.annotation.reader import open_table
from pygenerel.annotation.writer import TableWriter, default_output
from pygenerel.builds import normalize_build
from pygenerel.errors import GenerelError
from pygenerel.runtime import load_model, resolve_model
from pygenerel.runtime.bundle import open_bundle

__all__ = ["DONE", "EARLIER", "FAILED", "FileResult", "annotate_ddf", "annotate_files"]

DONE, EARLIER, FAILED = "done", "done earlier", "failed"
MARKER = ".done"  # <output>.done: written only once <output> is complete and in place

_models: dict[str, object] = {}  # bundle path -> Model, one per process
_models_lock = threading.Lock()


@dataclass
class FileResult:
    path: str
    output: str
    status: str  # DONE, EARLIER (complete from an earlier run) or FAILED
    rows: int | None = None
    matched: int | None = None  # rows placed by rsid, position or locus
    seconds: float | None = None
    error: str | None = None  # FAILED: the one-line reason


def worker_model(bundle: str):
    """The model at `bundle`, loaded once per process and kept: loading takes seconds and hundreds
    of MB, so every later task on this worker reuses it. onnxruntime gets the worker's threads,
    not every core (several workers share a machine)."""
    with _models_lock:
        if bundle not in _models:
            try:
                threads = distributed.get_worker().state.nthreads
            except ValueError:  # not on a worker: the client annotating a sample
                threads = None
            _models[bundle] = load_model(bundle, threads=threads)
        return _models[bundle]


def bundle_path(model=None) -> str:
    """The bundle's absolute path, checked on the client: workers get the path (a loaded Model
    would be shipped with every task) and read the bundle themselves, so on a cluster it must be
    on a filesystem they share."""
    if model is not None and not isinstance(model, (str, os.PathLike)):
        raise AnnotateError("model= must be a bundle directory here: each worker loads its own")
    return str(open_bundle(resolve_model(model)[0]).path.resolve())


def annotate_ddf(ddf: dd.DataFrame, traits=(), *, model=None, chunk_rows=CHUNK_ROWS, **options):
    """A lazy Dask DataFrame: `ddf` with the GENEREL columns of pygenerel.annotate, partition by
    partition; options as for annotate (top_k, types, p_threshold, *_col, build, ...).

    The build is decided once, from the first rows, as the single-machine path decides it, and
    given to every partition. Each partition is scored in chunks of chunk_rows from its start, so
    where partitions hold whole multiples of chunk_rows rows (dd.from_pandas(df,
    chunksize=k * chunk_rows)) the result equals annotate(df, chunk_rows=chunk_rows) bit for bit;
    elsewhere scores may differ in the last float32 bit (BLAS and onnxruntime results depend on
    the batch size), as annotate's own do for another chunk_rows.
    """
    bundle = bundle_path(model)
    head = _head(ddf, INFER_ROWS)
    plain = {k: v for k, v in options.items() if k not in ("top_k", "types", "explain")}
    found = annotate(head, model=worker_model(bundle), chunk_rows=chunk_rows, **plain)
    if normalize_build(options.get("build", "auto")) == "auto" and found.attrs["generel"]["build"]:
        options["build"] = found.attrs["generel"]["build"]  # inferred from evidence, as annotate
    sample = annotate(head.iloc[:10], traits, model=worker_model(bundle), **options)
    added = {name: sample[name].dtype for name in sample.columns[len(head.columns) :]}
    return ddf.map_partitions(
        _annotate_partition,
        checked_traits(traits),
        bundle,
        chunk_rows,
        options,
        added,
        meta=_with_columns(ddf._meta, added),
    )


def _head(ddf: dd.DataFrame, rows: int) -> pd.DataFrame:
    """The first `rows` rows, computing only the partitions that hold them."""
    parts, count = [], 0
    for i in range(ddf.npartitions):
        parts.append(ddf.partitions[i].compute())
        count += len(parts[-1])
        if count >= rows:
            break
    return pd.concat(parts).iloc[:rows]


def _annotate_partition(part, traits, bundle, chunk_rows, options, added) -> pd.DataFrame:
    if part.empty:  # no model to load for it, and its columns' types are the meta's
        return _with_columns(part, added)
    result = annotate(part, traits, model=worker_model(bundle), chunk_rows=chunk_rows, **options)
    result.attrs = {}  # the summary of one partition says nothing about the table
    return result


def _with_columns(frame: pd.DataFrame, added: dict) -> pd.DataFrame:
    """`frame` (without rows) with the annotation columns appended, empty."""
    return frame.assign(
        **{name: pd.Series(dtype=t, index=frame.index) for name, t in added.items()}
    )


def annotate_files(
    paths,
    out_dir,
    traits=(),
    *,
    client=None,
    model=None,
    chunk_rows=CHUNK_ROWS,
    on_result=None,
    **options,
) -> list[FileResult]:
    """Annotate every table in `paths` as one Dask task each, into out_dir/<name>.generel.<ext>
    (the name `pygenerel annotate` would give it), written atomically as by annotate.

    Options as for annotate (top_k, types, p_threshold, *_col, build, force_build, explain); they
    are checked here, before any task starts. A table whose output is complete for this input,
    model and options (its `.done` marker says so) is not annotated again. A table that fails is
    reported (FAILED, with its one-line error) and the others go on. on_result(FileResult) is
    called as each table finishes. client: a distributed.Client (default: the current one).
    Returns one FileResult per path, in order.
    """
    overrides, checked = checked_options(traits, **options)
    bundle = bundle_path(model)
    client = client or _current_client()
    outputs = _outputs(paths, out_dir)
    identity = {"model": open_bundle(bundle).digest, "columns": overrides, "options": checked}
    results: dict[int, FileResult] = {}
    pending = {}
    for i, (path, out) in enumerate(outputs):
        key = _task_key(path, identity, chunk_rows)
        record = _finished(out, key)
        if record is not None:
            results[i] = _file_result(path, out, EARLIER, record)
            if on_result:
                on_result(results[i])
            continue
        future = client.submit(
            _annotate_file,
            path,
            out,
            bundle,
            overrides,
            checked,
            chunk_rows,
            key,
            key=f"annotate-{Path(path).name}-{os.urandom(4).hex()}",
            pure=False,
        )
        pending[future] = i
    for future in distributed.as_completed(list(pending)):
        i = pending[future]
        path, out = outputs[i]
        try:
            record = future.result()
        except Exception as error:  # noqa: BLE001  (whatever sank one table, the others go on)
            record = {"error": _one_line(error)}
        if "error" in record:
            results[i] = FileResult(path, out, FAILED, error=record["error"])
        else:
            results[i] = _file_result(path, out, DONE, record)
        if on_result:
            on_result(results[i])
    return [results[i] for i in range(len(outputs))]


def _current_client():
    try:
        return distributed.get_client()
    except ValueError:
        raise AnnotateError(
            "no Dask client: start one (distributed.Client(...)) or pass client="
        ) from None


def _outputs(paths, out_dir) -> list[tuple[str, str]]:
    """(input, output) as absolute paths (workers run elsewhere); two inputs that would write the
    same output are refused before anything runs."""
    out_dir = Path(os.path.abspath(out_dir))
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise AnnotateError(f"{out_dir}: cannot create ({error.strerror or error})") from None
    pairs, seen = [], {}
    paths = [paths] if isinstance(paths, (str, os.PathLike)) else paths
    for path in map(os.path.abspath, paths):
        out = str(out_dir / default_output(path).name)
        if out in seen:
            raise AnnotateError(f"{seen[out]} and {path} would both be written to {out}")
        seen[out] = path
        pairs.append((path, out))
    return pairs


def _task_key(path: str, identity: dict, chunk_rows: int) -> dict:
    """What an output is the annotation of: the input as it is now, the model and the options.
    A marker from another input version, model or option set does not count."""
    try:
        stat = os.stat(path)
        version = {"size": stat.st_size, "mtime_ns": stat.st_mtime_ns}
    except OSError:
        version = None  # the task reports why the file cannot be read
    key = {"input": path, "version": version, **identity, "chunk_rows": chunk_rows}
    return json.loads(json.dumps(key))  # as a marker reads back: lists, not tuples


def _finished(out: str, key: dict) -> dict | None:
    """The marker's record when `out` is complete for `key`: the marker is written only after the
    output was renamed into place and records its size, so a partial, truncated, replaced or
    stale output never counts as done."""
    try:
        record = json.loads(Path(out + MARKER).read_text())
        complete = record["key"] == key and os.stat(out).st_size == record["output_size"]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return record if complete else None


def _annotate_file(path, out, bundle, overrides, options, chunk_rows, key) -> dict:
    """One table, on a worker: annotated through the atomic writer, then its marker. Bad input
    is a result ({"error": its one line}), not a task failure: the worker logs no traceback for
    it. Anything else (a bug, a worker killed) fails the task."""
    try:
        return _write_table(path, out, bundle, overrides, options, chunk_rows, key)
    except GenerelError as error:
        return {"error": _one_line(error)}


def _write_table(path, out, bundle, overrides, options, chunk_rows, key) -> dict:
    target = Path(os.path.realpath(out))
    for stale in target.parent.glob(glob.escape(f".{target.name}.") + "*.partial"):
        stale.unlink(missing_ok=True)  # left by a worker killed mid-write on an earlier try
    Path(out + MARKER).unlink(missing_ok=True)  # the output is about to change
    start = time.perf_counter()
    source = open_table(path)
    writer = TableWriter(out, [path], source.meta_lines, csv_delimiter=source.csv_delimiter)
    try:
        summary = _annotate_chunks(
            source, worker_model(bundle), overrides, options, chunk_rows, _silent, writer.write
        )
        writer.commit()
    except BaseException:
        writer.abort()
        raise
    record = {
        "key": key,
        "output_size": os.stat(out).st_size,
        "seconds": time.perf_counter() - start,
        "summary": summary.as_dict(),
    }
    marker = Destination(out + MARKER)
    try:
        marker.stream.write(json.dumps(record, indent=1).encode())
        marker.commit()
    except BaseException:
        marker.discard()
        raise
    return record


def _silent(message: str) -> None:
    """The per-table report stays on the worker; the client reports from the results."""


def _file_result(path: str, out: str, status: str, record: dict) -> FileResult:
    summary = record["summary"]
    matched = sum(summary[f"matched_{how}"] for how in HOWS if how != "none")
    return FileResult(path, out, status, summary["rows"], matched, record["seconds"])


def _one_line(error: BaseException) -> str:
    """A failure as one line: a GenerelError's message is that already (it names the file and
    line); anything else is named by its type."""
    text = str(error) if isinstance(error, GenerelError) else f"{type(error).__name__}: {error}"
    return " ".join(text.split())
