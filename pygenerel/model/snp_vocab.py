"""SNP vocabulary: rsid -> table row, with each row's locus features (bins, genes around it)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from pygenerel.genome import GeneIndex, LocusGenes, PositionBinner

COLUMNS = ["rsid", "chr", "pos_grch37", "pos_grch38", "a1", "a2", "gene"]
GENE_COLUMNS = ["symbol", "name", "chr", "start", "end", "tss"]


class SnpVocab:
    def __init__(
        self,
        table: pd.DataFrame,
        genes: pd.DataFrame,
        bin_scales,
        locus_genes: int = 1,
        gene_decay: float = 50_000,
        gene_text: str = "symbol",
    ):
        """`table` has COLUMNS (gene may be absent: it is then computed); `genes` GENE_COLUMNS."""
        self.table = table.reset_index(drop=True)
        self.genes = genes.reset_index(drop=True)
        if "name" not in self.genes:
            self.genes["name"] = ""
        self.binner = PositionBinner(bin_scales)
        self.gene_index = GeneIndex.from_table(self.genes)
        self.locus_genes = LocusGenes(self.genes, locus_genes, gene_decay, gene_text)
        if "gene" not in self.table:
            self.table["gene"] = self.gene_index.nearest(
                self.table["chr"], self.table["pos_grch38"]
            )
        self.table = self.table[COLUMNS]
        self.bins = self.binner.bins(self.table["chr"], self.table["pos_grch38"])
        self.gene_texts, self.gene_weights = self.locus_genes(
            self.table["chr"], self.table["pos_grch38"]
        )
        self.row = {rsid: i for i, rsid in enumerate(self.table["rsid"])}

    @classmethod
    def from_corpus(cls, corpus_dir, config) -> SnpVocab:
        corpus_dir = Path(corpus_dir)
        snps = pd.read_parquet(corpus_dir / "snps.parquet", columns=COLUMNS[:-1])
        genes = pd.read_parquet(corpus_dir / "genes.parquet")
        genes = genes.reindex(columns=GENE_COLUMNS).fillna({"name": ""})
        return cls(snps, genes, **cls.options(config))

    @staticmethod
    def options(config) -> dict:
        return {
            "bin_scales": config.bin_scales,
            "locus_genes": config.locus_genes,
            "gene_decay": config.gene_decay,
            "gene_text": config.gene_text,
        }

    def __len__(self) -> int:
        return len(self.table)

    def rows(self, rsids) -> np.ndarray:
        """Table rows for rsids; -1 for those outside the vocabulary."""
        return np.array([self.row.get(r, -1) for r in rsids], dtype=np.int64)

    def locus(self, chroms, pos38) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(bins, gene texts, gene weights) for arbitrary GRCh38 positions."""
        return (self.binner.bins(chroms, pos38), *self.locus_genes(chroms, pos38))

    def save(self, directory: Path) -> None:
        self.table.to_csv(directory / "snp_vocab.tsv.gz", sep="\t", index=False)
        self.genes.to_csv(directory / "genes.tsv.gz", sep="\t", index=False)

    @classmethod
    def load(cls, directory: Path, config) -> SnpVocab:
        dtypes = {
            "rsid": str,
            "chr": str,
            "a1": str,
            "a2": str,
            "gene": str,
            "symbol": str,
            "name": str,
        }
        table = pd.read_csv(
            directory / "snp_vocab.tsv.gz", sep="\t", dtype=dtypes, keep_default_na=False
        )
        genes = pd.read_csv(
            directory / "genes.tsv.gz", sep="\t", dtype=dtypes, keep_default_na=False
        )
        return cls(table, genes, **cls.options(config))
