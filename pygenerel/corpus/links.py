"""The links table: one training pair per row, built the same way by every task, and the weight
formulas that turn association statistics into a pair weight in (0, 1]."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .concepts import ConceptRegistry

LINK_COLUMNS = [
    "left_id",
    "left_text",
    "right_id",
    "right_text",
    "left_kind",
    "right_kind",
    "task",
    "relation",
    "source",
    "weight",
    "split",
    "published",  # ISO date of the study for dated GWAS Catalog links, else None
]

# Written into corpus.json so that a reader of the corpus knows what a weight means.
WEIGHT_FORMULAS = {
    "synonym": "1.0 for every synonym, cross-reference and reported->mapped trait pair",
    "relation": "1.0 for curated relations; 0.5 for expression-derived Hetionet edges "
    "(up/down-regulation, co-variation); 0.5 for symptomatic indications",
    "gwas": "w = 0.2 + 0.8 * (s_p + s_e) / 2, s_p = min(-log10 p, 30) / 30, "
    "s_e = min(|ln OR|, ln 2) / ln 2 when an odds ratio is known, else s_e = s_p; "
    "the maximum over repeated reports of a pair",
    "eqtl": "w = 0.2 + 0.8 * (s_p + s_e) / 2, s_p = min(-log10 p, 30) / 30, s_e = min(|slope|, 1); "
    "the maximum over tissues",
    "biobank": "SNP-phecode: the gwas formula with the UK Biobank p and odds ratio; "
    "trait-trait: w = clip(|rg|, 0.05, 1), pairs with p < 0.05 only",
}


def association_weight(mlog_p, odds_ratio=None, effect=None) -> np.ndarray:
    """Weight of a SNP association from -log10 p and either an odds ratio or an absolute effect
    (see WEIGHT_FORMULAS): strong, large effects count most, but every link keeps at least 0.2."""
    s_p = np.clip(np.nan_to_num(np.asarray(mlog_p, dtype=float), nan=0.0), 0, 30) / 30
    if odds_ratio is not None:
        with np.errstate(divide="ignore", invalid="ignore"):
            s_e = np.minimum(
                np.abs(np.log(np.asarray(odds_ratio, dtype=float))), np.log(2)
            ) / np.log(2)
    else:
        s_e = np.minimum(np.abs(np.asarray(effect, dtype=float)), 1.0)
    s_e = np.where(np.isfinite(s_e), s_e, s_p)
    return 0.2 + 0.8 * (s_p + s_e) / 2


def text_links(
    concepts: ConceptRegistry, left_ids, right_ids, task: str, relation, source, weight=1.0
) -> pd.DataFrame:
    """Text-text pairs between concepts, each side shown by its preferred name."""
    left_ids = pd.Series(left_ids, dtype=object).reset_index(drop=True)
    right_ids = pd.Series(right_ids, dtype=object).reset_index(drop=True)
    return _frame(
        left_ids,
        concepts.names(left_ids),
        right_ids,
        concepts.names(right_ids),
        "text",
        task,
        relation,
        source,
        weight,
    )


def snp_links(
    concepts: ConceptRegistry, rsids, right_ids, task: str, relation, source, weight, published=None
) -> pd.DataFrame:
    """SNP-text pairs: the SNP (shown as its rsid) on the left, a concept on the right."""
    rsids = pd.Series(rsids, dtype=object).reset_index(drop=True)
    right_ids = pd.Series(right_ids, dtype=object).reset_index(drop=True)
    links = _frame(
        rsids, rsids, right_ids, concepts.names(right_ids), "snp", task, relation, source, weight
    )
    if published is not None:
        links["published"] = pd.Series(published, dtype=object).replace("", None).to_numpy()
    return links


def _frame(left_ids, left_texts, right_ids, right_texts, left_kind, task, relation, source, weight):
    n = len(left_ids)
    return pd.DataFrame(
        {
            "left_id": left_ids.to_numpy(),
            "left_text": left_texts.to_numpy(),
            "right_id": right_ids.to_numpy(),
            "right_text": right_texts.to_numpy(),
            "left_kind": left_kind,
            "right_kind": "text",
            "task": task,
            "relation": _column(relation, n),
            "source": _column(source, n),
            "weight": np.broadcast_to(np.asarray(weight, dtype=float), (n,)).copy(),
            "split": "train",
            "published": None,
        },
        columns=LINK_COLUMNS,
    )


def _column(value, n):
    return (
        np.asarray(value, dtype=object)
        if not isinstance(value, str)
        else np.full(n, value, dtype=object)
    )
