"""The evaluation report as a Markdown table: one row per benchmark metric, one column per method."""

from __future__ import annotations

import math

ROWS = [  # (metric key, label, n key)
    ("auc", "AUC", "n_pos"),
    ("auc_seen", "AUC, seen SNPs", "n_seen"),
    ("auc_unseen", "AUC, unseen SNPs", "n_unseen"),
    ("auc_vocabulary", "AUC, vocabulary SNPs", "n_vocabulary"),
    ("auc_locus_only", "AUC, locus-only SNPs", "n_locus_only"),
    ("spearman", "Spearman vs value", "n_value"),
    ("acc@1", "accuracy@1", "n_retrieval"),
    ("acc@10", "accuracy@10", "n_retrieval"),
]
VALUE_NAMES = {"pgrm_ukbb": "Spearman vs |log OR|", "bbj_rg": "Spearman vs |rg|"}


def _cell(value) -> str:
    return (
        "—" if value is None or (isinstance(value, float) and math.isnan(value)) else f"{value:.3f}"
    )


def markdown(report: dict) -> str:
    """The table; retrieval rows' n reads "queries / candidates"."""
    methods = report["methods"]
    lines = [
        "| benchmark | metric | n | " + " | ".join(methods) + " |",
        "|---|---|---|" + "---|" * len(methods),
    ]
    for bench in sorted({b for m in methods for b in report["results"][m]}):
        per = {m: report["results"][m].get(bench, {}) for m in methods}
        for key, label, n_key in ROWS:
            if not any(key in r for r in per.values()):
                continue
            n = next((r[n_key] for r in per.values() if n_key in r), "")
            if n_key == "n_retrieval":
                n = next(
                    (
                        f"{r['n_retrieval']} / {r['n_candidates']}"
                        for r in per.values()
                        if "n_candidates" in r
                    ),
                    n,
                )
            if key == "auc":
                n = next((f"{r['n_pos']}+{r['n_neg']}" for r in per.values() if "n_neg" in r), n)
            if key == "spearman":
                label = VALUE_NAMES.get(bench, label)
            cells = " | ".join(_cell(per[m].get(key)) for m in methods)
            lines.append(f"| {bench} | {label} | {n} | {cells} |")
    return "\n".join(lines) + "\n"
