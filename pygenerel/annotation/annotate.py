"""Annotating a GWAS table: match every row's variant to the model, score it against traits and
the concept catalog, and hand every input row back, in order, untouched, with new columns appended.

Files stream chunk by chunk (memory stays flat); DataFrames go through the same Scorer, so the CLI,
the Python API and the pandas accessor give the same numbers.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import re
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa

from pygenerel.annotation.build import (
    BuildChoice,
    check_given_build,
    infer_build,
    vocabulary_hits,
)
from pygenerel.annotation.columns import ColumnMap, check_unique, detect_columns
from pygenerel.annotation.errors import AnnotateError
from pygenerel.annotation.output import signals_as_exit
from pygenerel.annotation.progress import Progress
from pygenerel.annotation.ranked import RankedMemo
from pygenerel.annotation.reader import Chunk, is_piped, open_table, prefetched, spooled
from pygenerel.annotation.variants import (
    Variants,
    check_positions,
    parse_p_values,
    parse_variants,
)
from pygenerel.annotation.writer import TableWriter, default_output
from pygenerel.arguments import user_path, whole_number
from pygenerel.builds import DEFAULT_BUILD, normalize_build, past_chromosome_end
from pygenerel.errors import shown
from pygenerel.runtime.cosine import cosine_matrix
from pygenerel.runtime.items import looks_like_code, read_as_note

MATCH_COLUMN = "generel_match"
GENES_COLUMN = "generel_genes"
HOWS = ("rsid", "chrpos", "locus", "rsid_locus", "none")
CHUNK_ROWS = 100_000
SOURCE_ATTR = "generel_source"  # how messages name a DataFrame ("data.frame" for R callers)
NO_BUILD = "not needed (no row was placed by its position)"
MAX_TRAIT_CHARS = 1000  # a concept name, not a document: the encoder reads 128 tokens at most
MAX_TOP_K = 100  # 400 columns; more is a mistake, and its score matrices would not fit in memory
INFER_ROWS = 50_000  # positions the build is inferred from
CHECK_ROWS = 5_000  # positions per later chunk re-checked against the inferred build
FLOAT, STRING = pa.float32(), pa.string()


def trait_column(trait: str) -> str:
    """'Type 2 diabetes' -> 'generel_type_2_diabetes'."""
    return "generel_" + (re.sub(r"[^a-z0-9]+", "_", str(trait).lower()).strip("_") or "trait")


@dataclass
class Summary:
    source: str
    rows: int = 0
    matched: Counter = field(default_factory=Counter)
    not_scored: int = 0
    past_end: int = 0
    p_threshold: float | None = None
    build: BuildChoice | None = None
    read_as: dict = field(default_factory=dict)  # trait abbreviation -> the catalog name scored
    notes: list = field(default_factory=list)  # what the traits were read as (trait_notes)

    def as_dict(self) -> dict:
        return {
            "source": self.source,
            "rows": self.rows,
            **{f"matched_{how}": self.matched[how] for how in HOWS},
            "not_scored": self.not_scored,
            "past_chromosome_end": self.past_end,
            "build": self.build.build if self.build else None,
            "build_reason": self.build.reason if self.build else NO_BUILD,
            "traits_read_as": dict(self.read_as),
            "trait_notes": list(self.notes),
        }

    def lines(self) -> list[str]:
        def share(n):
            return f"{n:,} ({n / max(self.rows, 1):.1%})"

        labels = {
            "rsid": "by rsid",
            "chrpos": "by chr:pos",
            "locus": "by locus",
            "rsid_locus": "by rsid position",
            "none": "unmatched",
        }
        out = [
            f"{self.source}: {self.rows:,} rows; "
            + ", ".join(f"{labels[h]} {share(self.matched[h])}" for h in HOWS)
        ]
        if self.p_threshold is not None:
            out.append(
                f"not scored (P above {self.p_threshold:g} or missing): {share(self.not_scored)}"
            )
        if self.past_end:
            out.append(f"positions past the chromosome end (not used): {share(self.past_end)}")
        out += self.notes
        out.append(
            f"build: {self.build.build} ({self.build.reason})"
            if self.build
            else f"build: {NO_BUILD}"
        )
        return out


def trait_notes(traits, read_as: dict) -> list[str]:
    """A line for each trait not scored as written (an abbreviation, read_as) or scored as written
    but likely meaningless so (a phenotype code)."""
    return [
        f"trait {read_as_note(trait, name)}; write the trait out to score other words"
        for trait, name in read_as.items()
    ] + [
        f"trait {shown(trait)} looks like a phenotype code: the model reads its letters, not the "
        "trait, so its scores mean little; give the trait's name (`pygenerel search` lists them)"
        for trait in traits
        if looks_like_code(trait)
    ]


class Scorer:
    """Adds the GENEREL columns to one chunk after another of the same table."""

    def __init__(
        self,
        model,
        columns: ColumnMap,
        names,
        source: str,
        *,
        traits=(),
        top_k=None,
        types=None,
        p_threshold=None,
        build="auto",
        force_build=False,
        explain=False,
    ):
        self.model, self.columns, self.source = model, columns, source
        self.explain = bool(explain)
        if self.explain and not traits:
            raise AnnotateError("--explain needs a --trait: it cites what is known for that trait")
        if self.explain and model.evidence is None:
            raise AnnotateError("this model bundle has no evidence table, which --explain reads")
        self.traits, self.top_k, self.p_threshold = traits, top_k, p_threshold
        build = normalize_build(build)
        self.given = None if build == "auto" else build
        self.force_build = bool(force_build)
        if self.force_build and self.given is None:
            raise AnnotateError("--force-build needs --build GRCh37 or --build GRCh38")
        self.choice: BuildChoice | None = None  # decided from the first rows that need positions
        self.hits = vocabulary_hits(model)
        read_as = model.abbreviations(self.traits)
        self.summary = Summary(
            source,
            p_threshold=self.p_threshold,
            read_as=read_as,
            notes=trait_notes(self.traits, read_as),
        )
        if self.p_threshold is not None and not (columns.get("p") or columns.get("log10p")):
            raise AnnotateError(
                f"{source}: --p-threshold needs a P column; none found among "
                f"{shown(list(names), 300)} (name it with --p-col)"
            )
        self.trait_columns = [trait_column(t) for t in self.traits]
        per_trait = ("", "_pct", "_evidence") if self.explain else ("", "_pct")
        trait_and_pct = [f"{name}{end}" for name in self.trait_columns for end in per_trait]
        self.added = [MATCH_COLUMN, *trait_and_pct, *self._top_columns()]
        clash = [c for c in self.added if c in set(names)] or _repeated(self.added)
        if clash:
            raise AnnotateError(
                f"{source}: output column {shown(clash[0])} would appear twice (already "
                "in the table, or two traits whose names differ only in case and punctuation; "
                "a column name keeps only a-z and 0-9)"
            )
        # kind="text": a trait is never read as a SNP, and an ontology id scores as its concept
        self.trait_vectors = model.embed(self.traits, kind="text") if self.traits else None
        self.percentiles = (
            model.reference("snp").against(self.trait_vectors) if self.traits else None
        )
        self.catalog_rows = self._catalog_rows(types) if self.top_k else None
        self._ranked = RankedMemo(self.top_k or 0)

    def _top_columns(self) -> list[str]:
        if not self.top_k:
            return []
        fields = ("id", "name", "type", "score")
        tops = [f"generel_top{r}_{f}" for r in range(1, self.top_k + 1) for f in fields]
        return [GENES_COLUMN, *tops]

    def _catalog_rows(self, types) -> np.ndarray:
        """Concepts to rank for every row (SNP queries: no genes unless --types asks)."""
        types = self.model.search_types(types)
        if types and "snp" in types:
            raise AnnotateError("--types snp is for `pygenerel neighbors`; annotate lists concepts")
        return self.model.catalog.candidates(types, snp_query=True)

    def __call__(self, chunk: Chunk) -> pa.Table:
        """The new columns for this chunk, one row per input row."""
        table, n = chunk.table, chunk.table.num_rows
        scored = np.flatnonzero(self._scored(table, chunk))
        if len(scored) == n:
            variants = self._variants(table)
            build = self._build(variants, chunk)
        else:  # parse only the rows to score, and the first rows for the build
            build = self._build(self._variants(table.slice(0, INFER_ROWS)), chunk)
            variants = self._variants(table.take(pa.array(scored, pa.int64())))
        rsids, chroms, positions = variants.take()
        past_end = past_chromosome_end(chroms, positions, build)
        positions = np.where(past_end, -1, positions)
        self.summary.past_end += int(past_end.sum())
        placed = self.model.place(rsids, chroms, positions, build=build)
        how = np.full(n, None, dtype=object)
        how[scored] = placed.how
        columns = {MATCH_COLUMN: pa.array(how, pa.string())}
        if self.traits:
            # each distinct embedding scored once, then spread to its rows
            scores = cosine_matrix(placed.vectors, self.trait_vectors)
            percentiles = self.percentiles(scores)
            for j, name in enumerate(self.trait_columns):
                columns[name] = _spread(_rows_of(scores[:, j], placed), scored, n)
                columns[f"{name}_pct"] = _spread(_rows_of(percentiles[:, j], placed), scored, n)
                if self.explain:
                    lines = self.model.evidence.best(
                        placed.chroms, placed.pos, self.trait_vectors[j]
                    )
                    columns[f"{name}_evidence"] = _spread(lines, scored, n, STRING)
        if self.top_k:
            columns.update(self._top(placed, scored, n))
        self.summary.rows += n
        self.summary.not_scored += n - len(scored)
        counts = pd.Series(how[scored]).value_counts()
        self.summary.matched.update({h: int(c) for h, c in counts.items()})
        return pa.table(columns)

    def _variants(self, table: pa.Table) -> Variants:
        names = (self.columns.get(role) for role in ("snp", "chr", "pos"))
        return parse_variants(*(None if name is None else table.column(name) for name in names))

    def _scored(self, table: pa.Table, chunk: Chunk) -> np.ndarray:
        """Rows to score: all, or those with P at or below the threshold. P and positions are
        checked either way."""
        name = self.columns.get("pos")
        if name is not None:
            check_positions(table.column(name), name, self.source, chunk.locate)
        p = parse_p_values(table.column, self.columns, self.source, chunk.locate)
        if self.p_threshold is None:
            return np.ones(table.num_rows, dtype=bool)
        return np.nan_to_num(p, nan=np.inf) <= self.p_threshold

    def _build(self, variants: Variants, chunk: Chunk) -> str:
        """The build for positions: given (and checked against them) or inferred, decided by the
        first chunk whose rows need their positions, and re-checked on a sample of every later
        chunk so a table that switches builds fails. Positions too few to tell the build are an
        error asking for --build, never a silent default."""
        located = variants.located()
        if self.choice is None and len(located):
            rsids, chroms, positions = variants.take(located[:INFER_ROWS])
            if self.given and self.force_build:
                self.choice = BuildChoice(self.given, "given (--force-build)")
            elif self.given:
                self.choice = check_given_build(
                    self.given, self.hits, chroms, positions, self.source
                )
            elif self._need_positions(rsids):
                self.choice = infer_build(self.hits, chroms, positions, self.source)
                if not self.choice.evidence:
                    raise AnnotateError(
                        f"{self.source}: cannot tell the genome build of the positions: "
                        f"{self.choice.reason}; pass --build GRCh37 or --build GRCh38"
                    )
            self.summary.build = self.choice
        elif self.choice is not None and self.choice.evidence and len(located):
            _, chroms, positions = variants.take(located[:CHECK_ROWS])
            here = infer_build(self.hits, chroms, positions, self.source)
            if here.evidence and here.build != self.choice.build:
                raise AnnotateError(
                    f"{self.source}: mixed builds: rows from {chunk.locate(0)} look like "
                    f"{here.build}, earlier rows like {self.choice.build}; pass --build or split it"
                )
        return self.choice.build if self.choice else self.given or DEFAULT_BUILD

    def _need_positions(self, rsids) -> bool:
        """Whether some located rows lack a vocabulary rsid, so their position places them."""
        return bool((self.model.snps.by_rsid(rsids) < 0).any())

    def _top(self, placed, scored: np.ndarray, n: int) -> dict:
        """The nearest genes and the top_k catalog concepts (no genes by default) per scored row.
        Each variant (a SNP repeated, a position given twice) is ranked once per table (see
        ranked.py), loci from candidates shared with the loci around them (Model.proposals)."""
        catalog, k = self.model.catalog, self.top_k
        keys = placed.identities()
        at = self._ranked.find(keys)
        best = np.full((len(keys) + 1, k), -1, dtype=np.int64)  # last row: unplaced
        best_scores = np.full((len(keys) + 1, k), np.nan, dtype=np.float32)
        known = np.flatnonzero(at >= 0)
        best[known], best_scores[known] = (
            self._ranked.rows[at[known]],
            self._ranked.scores[at[known]],
        )
        new = np.flatnonzero(at < 0)
        if len(new):
            proposals = self.model.proposals(placed, new)
            vectors = placed.vectors[new]
            rows, scores = catalog.top(vectors, k, self.catalog_rows, proposals=proposals)
            best[new, : rows.shape[1]], best_scores[new, : rows.shape[1]] = rows, scores
            self._ranked.add(keys[new], best[new], best_scores[new])
        best, best_scores = best[placed.which], best_scores[placed.which]  # -1: the last row
        valid = np.flatnonzero(placed.which >= 0)
        genes = np.full(len(scored), None, dtype=object)
        genes[valid] = self.model.nearby_genes.describe(placed.chroms[valid], placed.pos[valid])
        columns = {GENES_COLUMN: _spread(genes, scored, n, STRING)}
        fields = {f: catalog.table[f].to_numpy() for f in ("id", "name", "type")}
        for r in range(k):
            hit = best[:, r] >= 0
            for field_name, catalog_values in fields.items():
                values = np.full(len(scored), None, dtype=object)
                values[hit] = catalog_values[best[hit, r]]
                columns[f"generel_top{r + 1}_{field_name}"] = _spread(values, scored, n, STRING)
            columns[f"generel_top{r + 1}_score"] = _spread(best_scores[:, r], scored, n)
        return columns


def checked_traits(traits) -> list[str]:
    """Trait texts to score: each a non-blank string (an empty trait scores nothing useful)."""
    traits = [traits] if isinstance(traits, str) else list(traits or ())
    for trait in traits:
        if not isinstance(trait, str) or not trait.strip():
            raise AnnotateError(f"--trait must be a non-empty text, got {shown(trait)}")
        if len(trait) > MAX_TRAIT_CHARS:
            raise AnnotateError(
                f"--trait must be at most {MAX_TRAIT_CHARS} characters, got "
                f"{len(trait):,}: {shown(trait)}"
            )
    return traits


def checked_top_k(top_k) -> int | None:
    return None if top_k is None else whole_number(top_k, "--top-k", MAX_TOP_K)


def checked_p_threshold(p_threshold) -> float | None:
    if p_threshold is None:
        return None
    try:
        value = float(p_threshold)
    except (TypeError, ValueError):
        value = float("nan")
    if isinstance(p_threshold, bool) or not 0.0 <= value <= 1.0:
        raise AnnotateError(
            f"--p-threshold must be a P value from 0 to 1, got {shown(p_threshold)}"
        )
    return value


def _spread(values: np.ndarray, rows: np.ndarray, n: int, kind: pa.DataType = FLOAT) -> pa.Array:
    """Values for `rows` placed in a column of n, the rest null."""
    text = kind == STRING
    full = np.full(n, None if text else np.nan, dtype=object if text else np.float32)
    full[rows] = values
    return pa.array(full, kind, from_pandas=True)


def _rows_of(values: np.ndarray, placed) -> np.ndarray:
    """Per-embedding values as per-variant ones (NaN where a variant was not placed)."""
    out = np.full(len(placed.which), np.nan, dtype=np.float32)
    known = placed.which >= 0
    out[known] = values[placed.which[known]]
    return out


def _repeated(names) -> list[str]:
    return [name for name, count in Counter(names).items() if count > 1]


def checked_options(
    traits=(),
    top_k=None,
    types=None,
    p_threshold=None,
    snp_col=None,
    chr_col=None,
    pos_col=None,
    p_col=None,
    build="auto",
    force_build=False,
    explain=False,
) -> tuple[dict, dict]:
    """annotate()'s column overrides and scoring options, checked: every entry point (annotate,
    the Dask client before any task starts) refuses a bad option with the same one line."""
    if types and not top_k:  # it would be ignored: there are no top concepts to pick types of
        raise AnnotateError("--types needs --top-k: it picks the types of the top concepts")
    overrides = {"snp": snp_col, "chr": chr_col, "pos": pos_col, "p": p_col}
    options = {
        "traits": checked_traits(traits),
        "top_k": checked_top_k(top_k),
        "types": types,
        "p_threshold": checked_p_threshold(p_threshold),
        "build": normalize_build(build),
        "force_build": bool(force_build),
        "explain": bool(explain),
    }
    return overrides, options


def annotate(
    path_or_df,
    traits=(),
    top_k=None,
    types=None,
    p_threshold=None,
    snp_col=None,
    chr_col=None,
    pos_col=None,
    p_col=None,
    build="auto",
    force_build=False,
    explain=False,
    out=None,
    model=None,
    chunk_rows=CHUNK_ROWS,
    verbose=False,
    progress=False,
):
    """Annotate a GWAS table (a path, or a pandas or Polars DataFrame or pyarrow Table) with
    GENEREL matches and scores.

    Returns a DataFrame (the input's columns untouched, then `generel_match`, one
    `generel_<trait>` column per trait (with explain=True, `generel_<trait>_evidence`: the known
    association nearest in trait within 500 kb) and `generel_top<r>_{id,name,type,score}` for top_k),
    or, when `out` is given for a file, the path written. `df.attrs["generel"]` holds the summary.
    progress=True draws a progress line on stderr while a file is read.
    """
    overrides, options = checked_options(
        traits,
        top_k,
        types,
        p_threshold,
        snp_col,
        chr_col,
        pos_col,
        p_col,
        build,
        force_build,
        explain,
    )
    log = _logger(verbose)
    path_or_df = _frame_or_path(path_or_df)
    if isinstance(path_or_df, pd.DataFrame):
        if out is not None:
            raise AnnotateError("out= is for files; write the returned DataFrame yourself")
        return _annotate_frame(path_or_df, model, overrides, options, chunk_rows, log)
    path_or_df, out = user_path(path_or_df), user_path(out)
    # a signal still removes the temporary files: a piped table's copy, the unfinished output
    with signals_as_exit(), spooled(path_or_df) as path:
        return _annotate_file(path, out, model, overrides, options, chunk_rows, log, progress)


def _frame_or_path(value):
    """A pandas DataFrame, a table that converts to one (a pyarrow Table, a Polars DataFrame), or
    a path; anything else is an error saying what was given (a Polars frame failed in Polars)."""
    if isinstance(value, (pd.DataFrame, str, os.PathLike)):
        return value
    if hasattr(value, "to_pandas") and hasattr(value, "columns"):
        return value.to_pandas()
    raise AnnotateError(
        "expected a file path or a DataFrame (pandas, Polars or a pyarrow Table), "
        f"got {type(value).__name__}"
    )


def _annotate_file(path, out, model, overrides, options, chunk_rows, log, progress):
    source = open_table(path)
    log(source.describe())
    args = (source, model, overrides, options, chunk_rows, log)
    shown_progress = Progress() if progress else None
    if out is None:
        parts = []
        summary = _annotate_chunks(*args, parts.append, shown_progress)
        frame = pa.concat_tables(parts).to_pandas()
        frame.attrs["generel"] = summary.as_dict()
        frame.attrs["meta_lines"] = list(source.meta_lines)
        return frame
    writer = None
    try:
        writer = TableWriter(
            out, [source.path], source.meta_lines, csv_delimiter=source.csv_delimiter
        )
        _annotate_chunks(*args, writer.write, shown_progress)
        name = writer.commit()
    except BaseException:
        if writer is not None:
            writer.abort()
        raise
    log(f"wrote {name}")
    return Path(name) if name != "-" else name


def annotate_file(path, out=None, **options):
    """The CLI's entry: write `<input>.generel.tsv.gz` (or `out`) and return its path."""
    if out is None and is_piped(path):
        raise AnnotateError(f"{path}: a piped table has no file name to derive one from; pass -o")
    return annotate(path, out=out or default_output(path), **options)


def _annotate_chunks(
    source, model, overrides, options, chunk_rows, log, emit, progress=None
) -> Summary:
    # closed on any exit, a signal's SystemExit included: the read-ahead thread must stop
    # before the interpreter does (a daemon thread inside pyarrow at shutdown can abort it)
    with contextlib.closing(prefetched(source.chunks(chunk_rows))) as chunks:
        first = next(chunks)
        sample = {name: first.table.column(name).slice(0, 200).to_pylist() for name in source.names}
        columns = detect_columns(source.names, overrides, sample, str(source.path))
        for line in columns.describe():
            log(f"  {line}")
        scorer = Scorer(_load(model), columns, source.names, str(source.path), **options)
        for chunk in itertools.chain([first], chunks):
            table = chunk.table
            for name, column in zip(scorer.added, scorer(chunk).columns):
                table = table.append_column(name, column)
            emit(table)
            if progress:
                progress.update(scorer.summary.rows, chunk.done)
    if progress:
        progress.close(scorer.summary.rows)
    for line in scorer.summary.lines():
        log(line)
    return scorer.summary


def _annotate_frame(df: pd.DataFrame, model, overrides, options, chunk_rows, log) -> pd.DataFrame:
    names = [str(c) for c in df.columns]
    source = df.attrs.get(SOURCE_ATTR, "DataFrame")
    check_unique(names, source)
    sample = {name: [_text(v) for v in df.iloc[:200, i]] for i, name in enumerate(names)}
    columns = detect_columns(names, overrides, sample, source)
    for line in columns.describe():
        log(f"  {line}")
    scorer = Scorer(_load(model), columns, names, source, **options)
    needed = {name: names.index(name) for name in set(columns.names.values())}
    # a filtered frame's rows are known by their index labels; messages give both
    labelled = not df.index.equals(pd.RangeIndex(len(df)))
    parts = []
    for lo in range(0, max(len(df), 1), chunk_rows):  # no rows: one empty part, the columns
        part = df.iloc[lo : lo + chunk_rows]
        table = pa.table({name: _arrow(part.iloc[:, i]) for name, i in needed.items()})
        labels = part.index.tolist() if labelled else None
        parts.append(scorer(Chunk(table, lo + 1, unit="row", labels=labels)))
    added = pa.concat_tables(parts).to_pandas()
    added.index = df.index
    result = pd.concat([df, added], axis=1)
    result.attrs["generel"] = scorer.summary.as_dict()
    for line in scorer.summary.lines():
        log(line)
    return result


def _arrow(series: pd.Series) -> pa.Array:
    """A DataFrame column for parsing: numbers stay numbers, everything else becomes text."""
    if pd.api.types.is_numeric_dtype(series.dtype) and not pd.api.types.is_bool_dtype(series.dtype):
        return pa.array(series.to_numpy(dtype=np.float64, na_value=np.nan), from_pandas=True)
    return pa.array(series.astype("string"), pa.string(), from_pandas=True)


def _text(value):
    return (
        None
        if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NA
        else str(value)
    )


def _load(model):
    """A Model as given, or loaded from a bundle path (None: the default bundle); after the input
    has been checked, so bad input fails fast."""
    if model is None or isinstance(model, (str, Path)):
        from pygenerel.runtime import BundleError, load_model

        try:
            return load_model(model)
        except BundleError as error:
            raise AnnotateError(str(error)) from None
    return model


def _logger(verbose: bool):
    def log(message: str) -> None:
        if verbose:
            print(message, file=sys.stderr, flush=True)

    return log
