"""SNP towers: an id embedding table + MLP (the paper), and a locus-aware tower.

Most GWAS SNPs have a single association, so an id embedding learns nothing for a SNP whose one
link is held out, and nothing exists for a SNP outside the vocabulary. The locus tower adds
features every positioned SNP has: learned embeddings of multi-scale GRCh38 position bins (LD
neighbours share bins) and the text-tower embedding of its nearest gene (carried through a
residual, so an untrained SNP already sits at its gene). `LocusEncoder` is its own module so it
can be exported to ONNX and embed any chr:pos.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn


def mlp(d_in: int, hidden: int, d_out: int) -> nn.Sequential:
    return nn.Sequential(nn.Linear(d_in, hidden), nn.GELU(), nn.Linear(hidden, d_out))


class LocusEncoder(nn.Module):
    """(bins int64 [B, n_scales], gene_emb float32 [B, dim]) -> L2-normalised [B, dim]."""

    def __init__(self, bin_sizes: list[int], bin_dim: int, dim: int, hidden: int):
        super().__init__()
        self.bins = nn.ModuleList(nn.Embedding(n, bin_dim, padding_idx=0) for n in bin_sizes)
        self.mlp = mlp(len(bin_sizes) * bin_dim + dim, hidden, dim)
        for table in self.bins:
            nn.init.normal_(table.weight, std=0.02)
            table.weight.data[0].zero_()

    def features(self, bins: torch.Tensor, gene_emb: torch.Tensor) -> torch.Tensor:
        parts = [table(bins[:, k]) for k, table in enumerate(self.bins)]
        return gene_emb + self.mlp(torch.cat([*parts, gene_emb], dim=-1))

    def forward(self, bins: torch.Tensor, gene_emb: torch.Tensor) -> torch.Tensor:
        return F.normalize(self.features(bins, gene_emb), dim=-1)


class SnpTower(nn.Module):
    """snp_index [B] (-1 outside the vocabulary), bins, gene_emb -> L2-normalised [B, dim].

    The id table is sparse (SparseAdam): a step touches only the rows in the batch. In the locus
    tower the table starts at zero, so a SNP without training links is embedded by its locus alone.
    """

    def __init__(
        self,
        kind: str,
        n_snps: int,
        id_dim: int,
        dim: int,
        hidden: int,
        bin_sizes: list[int],
        bin_dim: int,
    ):
        super().__init__()
        self.kind = kind
        self.id_embedding = nn.Embedding(max(n_snps, 1), id_dim, sparse=True)
        if kind == "id":
            self.id_mlp = mlp(id_dim, hidden, dim)
        else:
            nn.init.zeros_(self.id_embedding.weight)
            self.id_proj = nn.Linear(id_dim, dim, bias=False)
            self.locus = LocusEncoder(bin_sizes, bin_dim, dim, hidden)

    def forward(
        self, snp_index: torch.Tensor, bins: torch.Tensor, gene_emb: torch.Tensor
    ) -> torch.Tensor:
        known = (snp_index >= 0).unsqueeze(-1).to(gene_emb.dtype)
        ids = self.id_embedding(snp_index.clamp(min=0)) * known
        if self.kind == "id":
            return F.normalize(self.id_mlp(ids), dim=-1)
        return F.normalize(self.locus.features(bins, gene_emb) + self.id_proj(ids), dim=-1)
