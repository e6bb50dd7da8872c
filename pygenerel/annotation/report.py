"""`pygenerel report`: one HTML page for a GWAS table and a trait, to read and to pass on.

The annotate and loci tables answer "which loci relate to my trait" row by row; a reader takes it
in at a glance as a Manhattan plot coloured by relatedness, then reads the loci table and the
known associations behind the top loci. The page is one self-contained file (the plot is an
inline PNG; no scripts, stylesheets or network), so it can be mailed, archived or opened offline.
"""

from __future__ import annotations

import base64
import io
import os
from html import escape
from pathlib import Path

import numpy as np
import pandas as pd

from pygenerel.annotation.annotate import _load, annotate, trait_column
from pygenerel.annotation.columns import detect_columns
from pygenerel.annotation.errors import AnnotateError
from pygenerel.annotation.loci import (
    LEAD_P,
    TOP_K,
    WINDOW,
    _p_values,
    _places,
    input_names,
    loci_of,
)
from pygenerel.arguments import user_path, whole_number
from pygenerel.builds import BUILDS, CHROM_LENGTHS, DEFAULT_BUILD

NULL_P = 1e-3  # rows with larger P are the bulk of a table and read as a floor: subsampled
MAX_NULL_POINTS = 50_000
STYLE = """body{font-family:system-ui,sans-serif;margin:2em;color:#222} img{max-width:100%}
table{border-collapse:collapse;font-size:13px;margin:.5em 0 1.5em} th{background:#f2f2f2}
th,td{border:1px solid #ccc;padding:3px 6px;text-align:left;vertical-align:top;white-space:nowrap}
.loci td:nth-child(n+9){white-space:normal} .meta{color:#555}"""
PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>pygenerel report: {trait}</title>
<style>{style}</style></head><body>
<h1>{trait}: GWAS loci and their relatedness</h1>
<p class="meta">{meta}</p>
<img src="data:image/png;base64,{png}" alt="Manhattan plot coloured by relatedness to {trait}">
<h2>Loci</h2>
{loci}
{evidence}
</body></html>
"""
LOCI_COLUMNS = {  # loci column ("{}": the trait's) -> header
    "locus": "locus",
    "lead": "lead",
    "chr": "chr",
    "pos": "position",
    "p": "P",
    "snps": "SNPs",
    "{}": "relatedness",
    "{}_pct": "percentile",
    "generel_genes": "nearest genes",
    "generel_top1_name": "closest concept",
    "{}_evidence": "closest known association",
}


def report(
    path_or_df,
    trait,
    out,
    build="auto",
    p_threshold=LEAD_P,
    window=WINDOW,
    top=5,
    model=None,
    force_build=False,
    **column_options,
) -> Path:
    """Write an HTML report to `out` and return its path: a Manhattan plot coloured by the
    `generel_<trait>` score, the loci table (`loci`) and the evidence (`Model.explain`) of the
    `top` strongest loci. column_options: snp_col, chr_col, pos_col, p_col."""
    try:
        from matplotlib.figure import Figure  # savefig renders it with the Agg backend
    except ImportError:
        raise AnnotateError(
            "pygenerel report needs matplotlib: pip install 'pygenerel[plot]'"
        ) from None
    top, model = whole_number(top, "top"), _load(model)
    scored = annotate(
        path_or_df,
        traits=[trait],
        build=build,
        force_build=force_build,
        model=model,
        **column_options,
    )
    names = input_names(scored)
    found = loci_of(
        scored, names, [trait], p_threshold, window, TOP_K, None, model, **column_options
    )
    overrides = {role: column_options.get(f"{role}_col") for role in ("snp", "chr", "pos", "p")}
    sample = {n: scored[n].head(200).astype("string").tolist() for n in names}
    columns = detect_columns(names, overrides, sample, "input")
    chroms, positions, _ = _places(scored, columns, model)
    summary = scored.attrs["generel"]
    table_build = summary["build"] if summary["build"] in BUILDS else DEFAULT_BUILD
    score = scored[trait_column(trait)].to_numpy(dtype=float, na_value=np.nan)
    figure = Figure(figsize=(14, 4.8), dpi=110, layout="constrained")
    p = _p_values(scored, columns)
    _manhattan(figure, chroms, positions, p, score, table_build, trait, summary["source"])
    figure.axes[0].axhline(-np.log10(p_threshold), color="#c0392b", ls="--", lw=1)
    png = io.BytesIO()
    figure.savefig(png, format="png")
    page = PAGE.format(
        style=STYLE,
        trait=escape(trait),
        meta=f"{escape(summary['source'])}: {summary['rows']:,} rows, build {table_build};"
        f" {len(found):,} loci from {found.attrs['generel']['significant']:,} SNPs with"
        f" P &le; {p_threshold:g} ({window:,} bp window)."
        + "".join(f" {escape(line)}." for line in summary["trait_notes"]),
        png=base64.b64encode(png.getvalue()).decode(),
        loci=_table(_loci_columns(found, trait), "loci"),
        evidence=_evidence(found.head(top), trait, model, table_build),
    )
    return _write(Path(user_path(out)), page)


def _manhattan(figure, chroms, positions, p, score, build, trait, source) -> None:
    """-log10 P along the genome: unscored points in alternating greys, scored ones coloured."""
    keep = np.flatnonzero(pd.notna(chroms) & (positions > 0) & np.isfinite(p))
    null = keep[p[keep] > NULL_P]
    if len(null) > MAX_NULL_POINTS:
        dropped = np.random.default_rng(0).choice(null, len(null) - MAX_NULL_POINTS, replace=False)
        keep = np.setdiff1d(keep, dropped)
    if not len(keep):
        raise AnnotateError(f"{source}: no row has a chromosome, a position and a P value to plot")
    chroms, positions, p, score = chroms[keep], positions[keep], p[keep], score[keep]
    lengths, present = CHROM_LENGTHS[build], set(chroms)
    order = [c for c in lengths if c in present] + sorted(present - set(lengths))
    sizes = np.array([lengths.get(c) or positions[chroms == c].max() for c in order])
    ends = np.cumsum(sizes)
    starts = ends - sizes
    x = pd.Series(chroms).map(dict(zip(order, starts))).to_numpy() + positions
    y = -np.log10(np.clip(p, np.finfo(float).tiny, 1))
    ax = figure.add_subplot()
    for start, end in zip(starts[1::2], ends[1::2]):
        ax.axvspan(start, end, color="#f4f4f4", lw=0, zorder=0)
    grey = np.isnan(score)
    odd = np.isin(chroms[grey], order[1::2])
    ax.scatter(x[grey], y[grey], s=4, c=np.where(odd, "#999999", "#cccccc"), lw=0)
    ranked = np.flatnonzero(~grey)[np.argsort(score[~grey])]  # the most related drawn on top
    low, high = np.percentile(score[ranked], [1, 99]) if len(ranked) else (0, 1)
    dots = ax.scatter(
        x[ranked], y[ranked], s=6, c=score[ranked], cmap="viridis", vmin=low, vmax=high, lw=0
    )
    label = "relatedness to " + trait.replace("$", r"\$")  # a plain label, not mathtext
    figure.colorbar(dots, ax=ax, pad=0.01, extend="both").set_label(label)
    ax.set_xticks(starts + sizes / 2, order, fontsize=8)
    ax.set_xlim(0, ends[-1])
    ax.set_ylim(0, y.max() * 1.05)
    ax.set(xlabel="chromosome", ylabel=r"$-\log_{10} P$")


def _loci_columns(found: pd.DataFrame, trait: str) -> pd.DataFrame:
    """The loci columns a reader needs, with readable headers; percentiles as percentages."""
    shown = {name.format(trait_column(trait)): header for name, header in LOCI_COLUMNS.items()}
    table = found[[c for c in shown if c in found.columns]].rename(columns=shown)
    table["percentile"] = 100 * table["percentile"]
    return table


def _evidence(leads: pd.DataFrame, trait, model, build) -> str:
    """Per top locus, `Model.explain` of its lead: score, genes, eQTL and known associations."""
    if model.evidence is None:
        return "<p>This model bundle has no evidence table: no known associations to show.</p>"
    parts = [f"<h2>Evidence for the top {len(leads)} loci</h2>"]
    for row in leads.itertuples():
        by_rsid = str(row.generel_match).startswith("rsid")  # else placed by its position
        why = model.explain(row.lead if by_rsid else f"{row.chr}:{row.pos}", trait, build=build)
        found = why["associations"]
        where = f"{escape(row.lead)} (chr{row.chr}:{row.pos:,}, P {row.p:.3g})"
        shown = found is not None and len(found)
        parts += [
            f"<h3>Locus {row.locus}: {where}</h3>",
            f"<p>relatedness {why['score']:.3f} (percentile {why['percentile']:.1%});",
            f"nearest genes: {escape(why['genes'] or '-')};",
            f"eQTL genes: {escape(why['eqtl'] or '-')}</p>",
            _table(found) if shown else f"<p>{escape(why['evidence'])}</p>",
        ]
    return "\n".join(parts)


def _table(frame: pd.DataFrame, kind: str = "evidence") -> str:
    """HTML-escaped table; floats to three significant digits, missing values blank."""
    return frame.to_html(
        index=False, border=0, classes=kind, na_rep="", float_format="{:.3g}".format
    )


def _write(out: Path, page: str) -> Path:
    """Atomically: a half-written report never stands under `out`."""
    temporary = out.with_name(f".{out.name}.{os.getpid()}.tmp")
    try:
        temporary.write_text(page, encoding="utf-8")
        os.replace(temporary, out)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return out
