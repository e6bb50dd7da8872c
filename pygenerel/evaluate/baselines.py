"""Baselines scored on exactly the benchmark pairs the model is scored on.

- BaseTextScorer: the untuned base encoder, text only; a SNP or locus is represented by the name
  of its nearest gene (the usual way to read a GWAS hit without a SNP model).
- GraphScorer: a truncated SVD of the normalised training graph (all split=train links, SNPs and
  concepts as nodes alike): what the training links alone say, with no text at all.
- RegionLookupScorer: what a catalog lookup gives a user today: the best untuned-encoder cosine
  between the trait and any trait that a training GWAS link ties to a SNP within 250 kb.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import scipy.sparse as sp
import torch
from sklearn.utils.extmath import randomized_svd

from pygenerel.evaluate.scorers import TextCache, normalise, parse_loci
from pygenerel.genome import normalize_chroms


class BaseTextScorer:
    uses_text = True

    def __init__(
        self,
        name: str,
        base_model: str,
        snp_genes: dict[str, str],
        max_length: int = 32,
        gene_index=None,
    ):
        from pygenerel.model.text_tower import TextTower, load_base

        torch.manual_seed(0)  # a random "tiny" base is the same every time
        encoder, self.tokenizer = load_base(base_model)
        self.tower = TextTower(encoder).eval()
        self.name, self.snp_genes, self.max_length = name, snp_genes, max_length
        self.gene_index = gene_index
        self.texts = TextCache(self._encode)

    @torch.no_grad()
    def _encode(self, texts, batch_size: int = 256) -> np.ndarray:
        order = np.argsort([len(t) for t in texts], kind="stable")  # similar lengths pad little
        out = np.zeros((len(texts), self.tower.dim), dtype=np.float32)
        for lo in range(0, len(texts), batch_size):
            idx = order[lo : lo + batch_size]
            tokens = self.tokenizer(
                [texts[i] for i in idx],
                padding=True,
                truncation=True,
                max_length=self.max_length,
                return_tensors="pt",
            )
            out[idx] = self.tower(tokens["input_ids"], tokens["attention_mask"]).numpy()
        return out

    def embed_texts(self, ids, texts) -> np.ndarray:
        return self.texts(list(texts))

    def embed_snps(self, rsids) -> np.ndarray:
        return self._embed_genes([self.snp_genes.get(r, "") for r in rsids])

    def embed_loci(self, ids) -> np.ndarray:
        chroms, pos = parse_loci(ids)
        return self._embed_genes(list(self.gene_index.nearest(chroms, pos)))

    def _embed_genes(self, genes) -> np.ndarray:
        out = np.full((len(genes), self.tower.dim), np.nan, dtype=np.float32)
        rows = [i for i, g in enumerate(genes) if g]
        if rows:
            out[rows] = self.texts([genes[i] for i in rows])
        return out


class GraphScorer:
    uses_text = False

    def __init__(self, name: str, corpus_dir, dim: int = 128, seed: int = 0):
        links = pd.read_parquet(
            Path(corpus_dir) / "links.parquet",
            columns=["left_id", "right_id", "weight"],
            filters=[("split", "==", "train")],
        )
        nodes, codes = np.unique(
            np.concatenate([links["left_id"].values, links["right_id"].values]).astype(str),
            return_inverse=True,
        )
        left, right = codes[: len(links)], codes[len(links) :]
        weight = links["weight"].values.astype(np.float64)
        keep = left != right  # synonym links join a concept to itself
        n = len(nodes)
        adj = sp.coo_matrix(
            (
                np.concatenate([weight[keep], weight[keep]]),
                (
                    np.concatenate([left[keep], right[keep]]),
                    np.concatenate([right[keep], left[keep]]),
                ),
            ),
            shape=(n, n),
        ).tocsr()
        degree = np.asarray(adj.sum(axis=1)).ravel()
        scale = sp.diags(1 / np.sqrt(degree.clip(min=1e-12)))
        u, s, _ = randomized_svd(
            scale @ adj @ scale, n_components=min(dim, n - 1), random_state=seed
        )
        self.name = name
        self.index = {node: i for i, node in enumerate(nodes)}
        self.emb = normalise((u * np.sqrt(s)).astype(np.float32))
        self.emb[degree == 0] = np.nan

    def _lookup(self, ids) -> np.ndarray:
        out = np.full((len(ids), self.emb.shape[1]), np.nan, dtype=np.float32)
        rows = [(i, self.index[x]) for i, x in enumerate(ids) if x in self.index]
        if rows:
            at, found = zip(*rows)
            out[list(at)] = self.emb[list(found)]
        return out

    def embed_texts(self, ids, texts) -> np.ndarray:
        return self._lookup(list(ids))

    def embed_snps(self, rsids) -> np.ndarray:
        return self._lookup(list(rsids))


class RegionLookupScorer:
    """Scores (SNP or locus, trait) pairs by the traits known around the SNP; NaN where no training
    GWAS SNP lies within `radius` (or the pair has no SNP side)."""

    uses_text = True
    benchmarks = ("gwas_heldout", "gwas_temporal", "pgrm_ukbb")

    def __init__(self, name: str, corpus_dir, texts: TextCache, radius: int = 250_000):
        corpus_dir = Path(corpus_dir)
        links = pd.read_parquet(
            corpus_dir / "links.parquet",
            columns=["left_id", "right_text", "task"],
            filters=[("split", "==", "train")],
        )
        links = links[links["task"] == "gwas"]
        snps = pd.read_parquet(corpus_dir / "snps.parquet", columns=["rsid", "chr", "pos_grch38"])
        self.position = dict(zip(snps["rsid"], zip(snps["chr"].astype(str), snps["pos_grch38"])))
        known = links.merge(snps, left_on="left_id", right_on="rsid").reset_index(drop=True)
        self.name, self.texts, self.radius = name, texts, radius
        self.traits = known["right_text"].to_numpy(dtype=object)
        self._trait_emb = None
        self._by_chrom = {}
        for chrom, group in known.groupby("chr"):
            group = group.sort_values("pos_grch38")
            self._by_chrom[str(chrom)] = (group["pos_grch38"].to_numpy(), group.index.to_numpy())

    def score_pairs(self, rows: pd.DataFrame) -> np.ndarray:
        out = np.full(len(rows), np.nan)
        chroms, pos = self._places(rows)
        queries = rows["right_text"].to_numpy(dtype=object)
        query_emb = normalise(self.texts(list(queries)))
        if self._trait_emb is None:
            self._trait_emb = normalise(self.texts(list(self.traits)))
        for i, (chrom, p) in enumerate(zip(chroms, pos)):
            if chrom not in self._by_chrom or p <= 0:
                continue
            known, index = self._by_chrom[chrom]
            lo, hi = np.searchsorted(known, [p - self.radius, p + self.radius + 1])
            if hi > lo:
                out[i] = float((self._trait_emb[index[lo:hi]] @ query_emb[i]).max())
        return out

    def _places(self, rows) -> tuple[np.ndarray, np.ndarray]:
        kind, ids = rows["left_kind"].to_numpy(), rows["left_id"].to_numpy()
        chroms = np.full(len(rows), "", dtype=object)
        pos = np.full(len(rows), -1, dtype=np.int64)
        is_locus = kind == "locus"
        if is_locus.any():
            chroms[is_locus], pos[is_locus] = parse_loci(ids[is_locus])
        for i in np.flatnonzero(kind == "snp"):
            chroms[i], pos[i] = self.position.get(ids[i], ("", -1))
        return normalize_chroms(chroms).astype(str), pos
