"""Embeds any GRCh38 position with the locus SNP tower, so SNPs outside the vocabulary still score.

The features are the ones the model trained on (genome.py): position bins at each scale and the
text-encoder embedding of the nearest gene's symbol (zeros when no gene is known).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from pygenerel.genome import GeneIndex, Liftover, PositionBinner
from pygenerel.runtime.text_encoder import make_session


class LocusEncoder:
    def __init__(self, bundle, text_encoder, threads: int | None = None, batch_size: int = 4096):
        manifest = bundle.manifest
        self.session = make_session(bundle.file("snp_encoder.onnx"), threads)
        self.binner = PositionBinner(manifest["bin_scales"])
        genes = pd.read_csv(
            bundle.file("genes.tsv.gz"),
            sep="\t",
            dtype={"symbol": str, "chr": str},
            keep_default_na=False,
        )
        self.genes = GeneIndex.from_table(genes)
        self.liftover = Liftover.load(bundle.file("liftover.tsv.gz"))
        self.text_encoder = text_encoder
        self.batch_size = batch_size

    def locatable(self, chroms, pos38) -> np.ndarray:
        """True where the position falls in a known bin, i.e. it can be embedded."""
        return (self.binner.bins(chroms, pos38) > 0).all(axis=1)

    def __call__(self, chroms, pos38) -> np.ndarray:
        """float32 [n, dim] unit rows; callers pass only locatable positions.

        Many rows share one locus (same bins, same nearest gene), so each distinct locus and each
        distinct gene symbol is encoded once: a 1M-row table has only tens of thousands of loci.
        """
        symbols = self.genes.nearest(chroms, pos38)
        gene_names, gene_codes = np.unique(symbols.astype(str), return_inverse=True)
        keys = np.column_stack([self.binner.bins(chroms, pos38), gene_codes.reshape(-1)])
        loci, inverse = np.unique(keys, axis=0, return_inverse=True)
        bins, locus_genes = loci[:, :-1], loci[:, -1]
        gene_table = np.zeros((len(gene_names), self.text_encoder.dim), dtype=np.float32)
        named = np.flatnonzero(gene_names != "")
        if len(named):
            gene_table[named] = self.text_encoder(list(gene_names[named]))
        gene_emb = gene_table[locus_genes]
        out = np.empty((len(loci), self.text_encoder.dim), dtype=np.float32)
        for lo in range(0, len(loci), self.batch_size):
            part = slice(lo, lo + self.batch_size)
            feed = {"bins": np.ascontiguousarray(bins[part]), "gene_emb": gene_emb[part]}
            out[part] = self.session.run(["snp_embedding"], feed)[0]
        return out[inverse.reshape(-1)]
