"""SNP vocabulary: rsid -> table row, with each row's locus features (bins, nearest gene)."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from pygenerel.genome import GeneIndex, PositionBinner

COLUMNS = ["rsid", "chr", "pos_grch37", "pos_grch38", "a1", "a2", "gene"]


class SnpVocab:
    def __init__(self, table: pd.DataFrame, genes: pd.DataFrame, bin_scales):
        """`table` has COLUMNS (gene may be absent: it is then computed); `genes` symbol, chr, start, end, tss."""
        self.table = table.reset_index(drop=True)
        self.genes = genes.reset_index(drop=True)
        self.binner = PositionBinner(bin_scales)
        self.gene_index = GeneIndex.from_table(self.genes)
        if "gene" not in self.table:
            self.table["gene"] = self.gene_index.nearest(self.table["chr"], self.table["pos_grch38"])
        self.table = self.table[COLUMNS]
        self.bins = self.binner.bins(self.table["chr"], self.table["pos_grch38"])
        self.row = {rsid: i for i, rsid in enumerate(self.table["rsid"])}

    @classmethod
    def from_corpus(cls, corpus_dir, bin_scales) -> SnpVocab:
        corpus_dir = Path(corpus_dir)
        snps = pd.read_parquet(corpus_dir / "snps.parquet", columns=COLUMNS[:-1])
        genes = pd.read_parquet(corpus_dir / "genes.parquet", columns=["symbol", "chr", "start", "end", "tss"])
        return cls(snps, genes, bin_scales)

    def __len__(self) -> int:
        return len(self.table)

    def rows(self, rsids) -> np.ndarray:
        """Table rows for rsids; -1 for those outside the vocabulary."""
        return np.array([self.row.get(r, -1) for r in rsids], dtype=np.int64)

    def locus(self, chroms, pos38) -> tuple[np.ndarray, np.ndarray]:
        """(bins, nearest gene symbols) for arbitrary GRCh38 positions."""
        return self.binner.bins(chroms, pos38), self.gene_index.nearest(chroms, pos38)

    def save(self, directory: Path) -> None:
        self.table.to_csv(directory / "snp_vocab.tsv.gz", sep="\t", index=False)
        self.genes.to_csv(directory / "genes.tsv.gz", sep="\t", index=False)

    @classmethod
    def load(cls, directory: Path, bin_scales) -> SnpVocab:
        dtypes = {"rsid": str, "chr": str, "a1": str, "a2": str, "gene": str, "symbol": str}
        table = pd.read_csv(directory / "snp_vocab.tsv.gz", sep="\t", dtype=dtypes, keep_default_na=False)
        genes = pd.read_csv(directory / "genes.tsv.gz", sep="\t", dtype=dtypes, keep_default_na=False)
        return cls(table, genes, bin_scales)
