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
        """float32 [n, dim] unit rows; callers pass only locatable positions."""
        bins = self.binner.bins(chroms, pos38)
        symbols = self.genes.nearest(chroms, pos38)
        gene_emb = np.zeros((len(bins), self.text_encoder.dim), dtype=np.float32)
        named = np.flatnonzero(symbols != "")
        if len(named):
            gene_emb[named] = self.text_encoder(list(symbols[named]))
        out = np.empty((len(bins), self.text_encoder.dim), dtype=np.float32)
        for lo in range(0, len(bins), self.batch_size):
            part = slice(lo, lo + self.batch_size)
            feed = {"bins": bins[part], "gene_emb": gene_emb[part]}
            out[part] = self.session.run(["snp_embedding"], feed)[0]
        return out
