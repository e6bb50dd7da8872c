"""Plain-Python conversions for the R package `generel`, in one place.

reticulate 1.28 cannot convert numpy 2 arrays or pandas 3 DataFrames, and it turns R's NA into "NA",
-2147483648 or True. So nothing numpy or pandas crosses the border: matrices travel as little-endian
float32 bytes in column-major order (R reads them with `readBin(..., size = 4)`), tables as "table specs":

    {"nrow": n, "columns": [{"name": str, "kind": "double" | "integer" | "logical" | "character",
                             "data": bytearray | list[str], "na": list[int]}]}

double data are float64 bytes (NaN missing), integer and logical data int32 bytes (R's NA_integer_,
-2**31, missing), character data strings with "" at the 0-based rows listed in "na".

No exception crosses the border either: every function returns {"value": ...} or, when it fails,
{"error": one line, "type": class name}, from which R raises a condition of class `generel_error`.
Items that resolve to nothing add {"warning": one line}, which R raises as a `generel_warning`;
what a trait abbreviation was read as adds {"message": lines}, which R shows as a message.
"""

import functools
import re
from dataclasses import dataclass, field

import click
import numpy as np
import pandas as pd

from pygenerel.errors import shown
from pygenerel.runtime.items import read_as_note

_INT_NA = np.iinfo(np.int32).min
_model = None
# Messages are written once, in the command line's terms; R users read them in R's.
IN_R_TERMS = {
    "--build GRCh37": '`build = "GRCh37"`',
    "--build GRCh38": '`build = "GRCh38"`',
    "--force-build": "`force_build = TRUE`",
    "--explain": "`explain = TRUE`",
    "`pygenerel search`": "generel_search()",
    "`pygenerel neighbors`": "generel_neighbors()",
}
_CLI_TERM = re.compile(
    "|".join(re.escape(term) for term in IN_R_TERMS) + r"|(?<![\w-])--([a-z]+(?:-[a-z]+)*)(?![\w-])"
)


def _for_r(function):
    """Python failures reach R as {"error": one line, "type": class}, from which R raises its own
    condition: no traceback to parse, and no exception object left for R's garbage collector. A
    Warned value reaches R as {"value", "warning"}, and R warns."""

    @functools.wraps(function)
    def call(*args, **kwargs):
        try:
            value = function(*args, **kwargs)
        except Exception as error:  # noqa: BLE001 - every failure becomes an R condition
            return {"error": _message(error), "type": type(error).__name__}
        if isinstance(value, Warned):
            said = {"warning": value.warning, "message": _in_r_terms("\n".join(value.notes))}
            return {"value": value.value, **{k: v for k, v in said.items() if v}}
        return {"value": value}

    return call


@dataclass
class Warned:
    value: object
    warning: str | None
    notes: list = field(default_factory=list)  # lines for R to show as a message


def _unresolved_warned(value, model, *item_lists) -> Warned:
    """value, with a warning naming the items that resolve to nothing (their scores are NA), and
    a note on each abbreviation read as its concept."""
    items = [item for items in item_lists if items is not None for item in items]
    lost = model.unresolved(items)
    notes = [read_as_note(item, name) for item, name in model.abbreviations(items, "auto").items()]
    if not lost:
        return Warned(value, None, notes)
    named = ", ".join(shown(item) for item in lost[:5]) + (", ..." if len(lost) > 5 else "")
    return Warned(
        value,
        f"{len(lost)} item(s) could not be resolved (an rsid the model does not know, or not an "
        f"rsid, chr:pos or text), so their scores are NA: {named}",
        notes,
    )


def _noted(frame) -> Warned:
    """A table spec of an annotated frame, with the notes on how its traits were read."""
    return Warned(encode_table(frame), None, frame.attrs["generel"]["trait_notes"])


def _message(error: Exception) -> str:
    """The error's message on one line. A pygenerel.errors.GenerelError (InputError, BundleError) is a
    click exception, whose message is its text (format_message() adds what click.BadParameter knows);
    anything else is shown as str(), prefixed by its class when that says nothing on its own."""
    if isinstance(error, click.ClickException):
        text = error.format_message()
    else:
        text = str(error)
        if isinstance(error, (KeyError, IndexError)) or not text.strip():
            text = f"{type(error).__name__}: {text}".rstrip(": ")
    return _in_r_terms(" ".join(text.split()))


def _in_r_terms(text: str) -> str:
    """--build GRCh37 -> `build = "GRCh37"`, --top-k -> `top_k`, `pygenerel search` ->
    generel_search()."""

    def term(found: re.Match) -> str:
        option = found.group(1)
        return f"`{option.replace('-', '_')}`" if option else IN_R_TERMS[found.group(0)]

    return _CLI_TERM.sub(term, text)


@_for_r
def use_model(path=None) -> dict:
    """Load the bundle at `path` (default: $PYGENEREL_MODEL, else the shipped one) for later calls."""
    global _model
    from pygenerel.runtime import load_model

    _model = load_model(path)
    return _plain(_model.info())


def _current():
    global _model
    if _model is None:
        from pygenerel.runtime import load_model

        _model = load_model()
    return _model


@_for_r
def info() -> dict:
    return _plain(_current().info())


@_for_r
def embed(items) -> Warned:
    items, model = _strings(items), _current()
    return _unresolved_warned(_matrix(model.embed(items)), model, items)


@_for_r
def similarity(a, b=None, pairwise=False, percentile=False) -> Warned:
    a, b, model = _strings(a), None if b is None else _strings(b), _current()
    if not percentile:
        value = _matrix(model.similarity(a, b, pairwise=bool(pairwise)))
    else:
        scores, ranks = model.similarity(a, b, pairwise=bool(pairwise), percentile=True)
        value = {"similarity": _matrix(scores), "percentile": _matrix(ranks)}
    return _unresolved_warned(value, model, a, b)


@_for_r
def neighbors(query, k=10, types=None) -> Warned:
    query, model = _strings(query), _current()
    types = None if types is None else _strings(types)
    return _unresolved_warned(encode_table(model.neighbors(query, k=k, types=types)), model, query)


@_for_r
def search(text, types=None, n=20) -> dict:
    types = None if types is None else _strings(types)
    return encode_table(_current().catalog.search(text, types, n))


@_for_r
def annotate(data, traits=None, **options) -> dict:
    """Annotate a table spec (from an R data.frame) or a file path with the model in use."""
    from pygenerel.annotation import annotate as run

    table = data if isinstance(data, str) else decode_table(data)
    options = {key: value for key, value in options.items() if value is not None}
    if "types" in options:
        options["types"] = _strings(options["types"])
    return _noted(run(table, traits=_strings(traits or []), model=_current(), **options))


@_for_r
def loci(data, traits=None, **options) -> dict:
    """One row per independent locus of a table spec (from an R data.frame) or a file path."""
    from pygenerel.annotation import loci as run

    table = data if isinstance(data, str) else decode_table(data)
    options = {key: value for key, value in options.items() if value is not None}
    for whole in ("window", "top_k"):
        if whole in options:
            options[whole] = int(options[whole])
    return _noted(run(table, traits=_strings(traits or []), model=_current(), **options))


def _strings(x) -> list[str]:
    """R passes a length-1 vector as a scalar and a longer one as a list."""
    return [x] if isinstance(x, str) else [str(v) for v in x]


def _matrix(values) -> dict:
    values = np.asarray(values, dtype="<f4")
    if values.ndim == 1:
        return {"dim": [len(values)], "data": bytearray(values.tobytes())}
    return {"dim": list(values.shape), "data": bytearray(values.tobytes(order="F"))}


def _plain(value):
    """numpy scalars and arrays, paths and tuples inside a dict become plain Python for reticulate."""
    if isinstance(value, dict):
        return {str(key): _plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple, np.ndarray)):
        return [_plain(item) for item in value]
    if isinstance(value, np.generic):
        return value.item()
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return str(value)


def encode_table(frame: pd.DataFrame) -> dict:
    columns = []
    for name in frame.columns:
        series = frame[name]
        missing = series.isna().to_numpy()
        dtype = series.dtype
        if pd.api.types.is_bool_dtype(dtype):
            kind = "logical"
            data = np.where(missing, _INT_NA, series.fillna(False).astype(bool)).astype("<i4")
        elif pd.api.types.is_integer_dtype(dtype) and _fits_int32(series):
            kind = "integer"
            data = np.where(missing, _INT_NA, series.fillna(0).astype("int64")).astype("<i4")
        elif pd.api.types.is_numeric_dtype(dtype):
            kind = "double"
            data = series.astype("float64").to_numpy(na_value=np.nan).astype("<f8")
        else:
            kind = "character"
            data = ["" if gone else _text(v) for v, gone in zip(series.tolist(), missing.tolist())]
        if kind != "character":
            data = bytearray(np.ascontiguousarray(data).tobytes())
        columns.append(
            {
                "name": str(name),
                "kind": kind,
                "data": data,
                "na": np.flatnonzero(missing).tolist() if kind == "character" else [],
            }
        )
    return {"nrow": len(frame), "columns": columns}


def decode_table(spec: dict) -> pd.DataFrame:
    from pygenerel.annotation.annotate import SOURCE_ATTR

    nrow = int(spec["nrow"])
    data = {}
    for column in spec["columns"]:
        kind, raw = column["kind"], column["data"]
        if kind == "double":
            values = np.frombuffer(bytes(raw), dtype="<f8").astype("float64")
        elif kind in ("integer", "logical"):
            ints = np.frombuffer(bytes(raw), dtype="<i4").astype("int64")
            gone = ints == _INT_NA
            if kind == "logical":
                values = pd.array(
                    [None if g else bool(v) for v, g in zip(ints, gone)], dtype="boolean"
                )
            else:
                values = pd.array(np.where(gone, 0, ints), dtype="Int64")
                values[gone] = pd.NA
        else:
            values = np.array(_strings(raw) if nrow else [], dtype=object)
            values[[int(i) for i in _list(column.get("na"))]] = None
        data[column["name"]] = values
    frame = pd.DataFrame(data, index=pd.RangeIndex(nrow))
    frame.attrs[SOURCE_ATTR] = "data.frame"  # what an R user calls it, in messages
    return frame


def _list(x) -> list:
    return [] if x is None else [x] if isinstance(x, (int, float)) else list(x)


def _fits_int32(series: pd.Series) -> bool:
    values = series.dropna()
    return values.empty or (values.min() > _INT_NA and values.max() <= np.iinfo(np.int32).max)


def _text(value) -> str:
    if isinstance(value, (list, tuple, np.ndarray)):
        return "|".join(_text(v) for v in value)
    return str(value)
