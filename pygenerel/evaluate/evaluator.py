"""Scores every benchmark of the corpus `benchmarks` table with a set of scorers.

Per benchmark: AUC of cosine (positives vs their fixed type-matched negatives) with n; Spearman of
cosine with `value` where the benchmark has one (|log OR|, |rg|); for synonym benchmarks,
retrieval accuracy@1/@10 of the concept among all concepts of the same type. The held-out GWAS
AUC is also split by whether the pair's SNP had any training link (seen) or none (unseen); the
temporal GWAS AUC, whose SNPs are loci ("chr:pos"), by whether the position is a vocabulary SNP.
A scorer with `score_pairs` (the region lookup) scores pairs directly instead of by cosine.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from pygenerel.evaluate.metrics import auc, retrieval_accuracy, spearman
from pygenerel.evaluate.scorers import normalise

SPLIT_BY_SEEN = ("gwas_heldout",)
SPLIT_BY_VOCABULARY = ("gwas_temporal",)
TEXT_ONLY = ("synonym_heldout",)  # same concept id on both sides: id-based scorers would be trivial


def seen_snps(corpus_dir) -> set:
    links = pd.read_parquet(
        Path(corpus_dir) / "links.parquet",
        columns=["left_id", "right_id", "left_kind", "right_kind"],
        filters=[("split", "==", "train")],
    )
    out = set()
    for side in ("left", "right"):
        out.update(links.loc[links[f"{side}_kind"] == "snp", f"{side}_id"])
    return out


class Evaluator:
    def __init__(self, corpus_dir, max_candidates: int | None = None, seed: int = 0, log=None):
        """`max_candidates` caps the retrieval candidates per type (every target stays in, the
        other candidates are one fixed random sample for all methods); None = all concepts."""
        corpus_dir = Path(corpus_dir)
        self.benchmarks = pd.read_parquet(corpus_dir / "benchmarks.parquet")
        concepts = pd.read_parquet(corpus_dir / "concepts.parquet", columns=["id", "name", "type"])
        self.concepts = self._candidates(concepts, max_candidates, seed)
        self.seen = seen_snps(corpus_dir)
        snps = pd.read_parquet(corpus_dir / "snps.parquet", columns=["chr", "pos_grch38"])
        self.vocabulary_loci = set(snps["chr"].astype(str) + ":" + snps["pos_grch38"].astype(str))
        self.log = log or (lambda message: None)

    def _candidates(self, concepts: pd.DataFrame, max_candidates, seed) -> pd.DataFrame:
        concepts = concepts.drop_duplicates("id")
        if not max_candidates:
            return concepts
        targets = set(self.benchmarks.loc[self.benchmarks["benchmark"].isin(TEXT_ONLY), "right_id"])
        keep = []
        for _, group in concepts.groupby("type", sort=True):
            is_target = group["id"].isin(targets).values
            others = np.flatnonzero(~is_target)
            room = max(max_candidates - int(is_target.sum()), 0)
            chosen = np.random.default_rng(seed).choice(
                others, min(room, len(others)), replace=False
            )
            keep.append(group.iloc[np.sort(np.concatenate([np.flatnonzero(is_target), chosen]))])
        return pd.concat(keep)

    def _embed(self, scorer, kinds, ids, texts) -> np.ndarray:
        """Embed items once per distinct (kind, id, text); NaN rows where the scorer has nothing."""
        keys = (
            pd.Series(kinds).astype(str)
            + "\x00"
            + pd.Series(ids).astype(str)
            + "\x00"
            + pd.Series(texts).astype(str)
        )
        _, first_row, inverse = np.unique(keys.values, return_index=True, return_inverse=True)
        first = pd.DataFrame({"kind": kinds, "id": ids, "text": texts}).iloc[first_row]
        kind = first["kind"].values
        masks = {"snp": kind == "snp", "locus": kind == "locus"}
        masks["text"] = ~(masks["snp"] | masks["locus"])
        parts = {}
        if masks["text"].any():
            parts["text"] = scorer.embed_texts(
                first["id"].values[masks["text"]], first["text"].values[masks["text"]]
            )
        if masks["snp"].any():
            parts["snp"] = scorer.embed_snps(first["id"].values[masks["snp"]])
        if masks["locus"].any() and hasattr(scorer, "embed_loci"):
            parts["locus"] = scorer.embed_loci(first["id"].values[masks["locus"]])
        if not any(p.size for p in parts.values()):
            return np.full((len(kinds), 1), np.nan, dtype=np.float32)
        dim = next(p.shape[1] for p in parts.values() if p.size)
        emb = np.full((len(first), dim), np.nan, dtype=np.float32)
        for name, part in parts.items():
            emb[masks[name]] = part
        return emb[inverse.ravel()]

    def cosine(self, scorer, rows: pd.DataFrame) -> tuple[np.ndarray, float]:
        """Cosine per pair (0 where either side is missing) and the share of pairs covered."""
        if hasattr(scorer, "score_pairs"):
            score = scorer.score_pairs(rows)
            covered = ~np.isnan(score)
            return np.where(covered, score, 0.0), float(covered.mean()) if len(covered) else float(
                "nan"
            )
        left = self._embed(
            scorer, rows["left_kind"].values, rows["left_id"].values, rows["left_text"].values
        )
        right = self._embed(
            scorer, rows["right_kind"].values, rows["right_id"].values, rows["right_text"].values
        )
        cos = (normalise(np.nan_to_num(left)) * normalise(np.nan_to_num(right))).sum(axis=1)
        covered = ~(np.isnan(left).any(axis=1) | np.isnan(right).any(axis=1))
        return np.where(covered, cos, 0.0), float(covered.mean()) if len(covered) else float("nan")

    def retrieval(self, scorer, rows: pd.DataFrame) -> dict:
        """acc@1/@10 of each positive's concept among the concepts of its type, by cosine."""
        rows = rows[rows["label"] != 0]
        hits, total = {"acc@1": 0.0, "acc@10": 0.0}, 0
        for ctype, group in rows.groupby("right_type"):
            cands = self.concepts[self.concepts["type"] == ctype].reset_index(drop=True)
            position = dict(zip(cands["id"], cands.index))
            group = group[group["right_id"].isin(position)]
            if not len(group):
                continue
            cand_emb = normalise(
                np.nan_to_num(scorer.embed_texts(cands["id"].values, cands["name"].values))
            )
            query = normalise(
                np.nan_to_num(
                    scorer.embed_texts(group["left_id"].values, group["left_text"].values)
                )
            )
            target = group["right_id"].map(position).values
            for key, value in retrieval_accuracy(query, cand_emb, target).items():
                hits[key] += value * len(group)
            total += len(group)
        sizes = self.concepts["type"].value_counts()
        candidates = int(sizes[rows["right_type"].unique()].sum()) if total else 0
        return (
            {k: v / total for k, v in hits.items()}
            | {"n_retrieval": total, "n_candidates": candidates}
            if total
            else {}
        )

    def score(self, scorer) -> dict:
        """{benchmark: metrics} for one scorer."""
        results = {}
        for name, rows in self.benchmarks.groupby("benchmark", sort=True):
            if name in TEXT_ONLY and not scorer.uses_text:
                continue
            if getattr(scorer, "benchmarks", None) and name not in scorer.benchmarks:
                continue
            self.log(f"{scorer.name}: {name}")
            rows = rows.reset_index(drop=True)
            cos, coverage = self.cosine(scorer, rows)
            metrics = {"coverage": round(coverage, 4)}
            labelled = rows["label"].notna().values
            if labelled.any() and rows.loc[labelled, "label"].nunique() == 2:
                metrics["auc"] = auc(cos[labelled], rows.loc[labelled, "label"].values)
                metrics["n_pos"] = int((rows.loc[labelled, "label"] == 1).sum())
                metrics["n_neg"] = int((rows.loc[labelled, "label"] == 0).sum())
            valued = rows["value"].notna().values
            if valued.sum() >= 3:
                metrics["spearman"] = spearman(cos[valued], rows.loc[valued, "value"].values)
                metrics["n_value"] = int(valued.sum())
            if name in SPLIT_BY_SEEN:
                snp = np.where(rows["left_kind"] == "snp", rows["left_id"], rows["right_id"])
                is_seen = np.array([s in self.seen for s in snp])
                for label, mask in (("seen", is_seen), ("unseen", ~is_seen)):
                    m = mask & labelled
                    metrics[f"auc_{label}"] = auc(cos[m], rows.loc[m, "label"].values)
                    metrics[f"n_{label}"] = int(m.sum())
            if name in SPLIT_BY_VOCABULARY:
                known = rows["left_id"].isin(self.vocabulary_loci).values
                for label, mask in (("vocabulary", known), ("locus_only", ~known)):
                    m = mask & labelled
                    metrics[f"auc_{label}"] = auc(cos[m], rows.loc[m, "label"].values)
                    metrics[f"n_{label}"] = int(m.sum())
            if name in TEXT_ONLY:
                metrics |= self.retrieval(scorer, rows)
            results[name] = {
                k: (round(v, 4) if isinstance(v, float) else v) for k, v in metrics.items()
            }
        return results
