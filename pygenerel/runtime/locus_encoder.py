"""Embeds any GRCh38 position with the locus SNP tower, so SNPs outside the vocabulary still score.

The features are the ones the model trained on (genome.py): position bins at each scale and a
distance-weighted mix of the text-encoder embeddings of the genes around the position (manifest
`locus_genes`; bundles without it read the nearest gene's symbol alone). The genes' embeddings are
computed once per model, for every gene in the bundle, and kept in the user cache: a locus then
scores the same whichever other loci share its table.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from pygenerel.builds import past_chromosome_end
from pygenerel.errors import BundleError
from pygenerel.genome import Liftover, LocusGenes, PositionBinner
from pygenerel.runtime.bundle import GENES, LIFTOVER, SNP_ENCODER, SNP_INPUTS, SNP_OUTPUT
from pygenerel.runtime.cache import load_verified, model_cache_dir, save_verified
from pygenerel.runtime.distinct import distinct_rows
from pygenerel.runtime.text_encoder import TextTable, make_session

GENE_CACHE_KIND = "gene_vectors"  # not "genes": caches from before held one more (zero) row


class LocusEncoder:
    def __init__(
        self,
        bundle,
        text_encoder,
        encoder_name: str,
        threads: int | None = None,
        batch_size: int = 4096,
    ):
        manifest = bundle.manifest
        # no spinning: between its batches, numpy mixes genes and the writer compresses output
        # on the same cores (1M rows: 10.1 s against 10.8 s with spinning threads)
        self.session = make_session(bundle.file(SNP_ENCODER), threads, spin=False)
        widths = {i.name: i.shape[-1] for i in self.session.get_inputs()}
        fits = (
            widths.get(SNP_INPUTS[0]) == len(manifest["bin_scales"])
            and self.session.get_outputs()[0].shape[-1] == text_encoder.dim
        )
        if not fits:
            raise BundleError(
                f"{bundle.path}: {SNP_ENCODER} does not fit the manifest's bin_scales and dim"
            )
        self.binner = PositionBinner(manifest["bin_scales"])
        genes = pd.read_csv(
            bundle.file(GENES),
            sep="\t",
            dtype={"symbol": str, "name": str, "chr": str},
            keep_default_na=False,
        )
        options = manifest.get("locus_genes", {"k": 1, "decay": 50_000, "text": "symbol"})
        self.genes = LocusGenes(genes, options["k"], options["decay"], options["text"])
        self.gene_texts = np.unique(self.genes.texts[self.genes.texts != ""].astype(str))
        # each gene's row in gene_texts (its embedding), then the zero row, for "no gene" (-1)
        texts = self.genes.texts.astype(str)
        text_rows = np.where(
            texts != "", np.searchsorted(self.gene_texts, texts), len(self.gene_texts)
        )
        self._gene_text_rows = np.append(text_rows, len(self.gene_texts))
        self._gene_cache = model_cache_dir(GENE_CACHE_KIND, bundle, encoder_name)
        self._gene_table = None
        self._lazy_genes = None  # a TextTable of gene_texts while not all are encoded
        self.liftover = Liftover.load(bundle.file(LIFTOVER))
        self.text_encoder = text_encoder
        self.batch_size = batch_size

    def locatable(self, chroms, pos38) -> np.ndarray:
        """True where the position can be embedded: on a known chromosome, within its GRCh38
        length (the bins would clip chr1:99999999999 to the end of chr1, and score it)."""
        inside = ~past_chromosome_end(chroms, pos38, "GRCh38")
        return inside & (self.binner.bins(chroms, pos38) > 0).all(axis=1)

    def gene_vectors(self, rows: np.ndarray) -> np.ndarray:
        """float32 [*rows.shape, dim]: the embeddings of gene_texts rows (the row past the end: a
        zero vector, for "no gene"). Only the genes asked for are encoded (a first query near one
        locus costs a few batches); once all are, the table goes to the user cache."""
        n = len(self.gene_texts)
        if self._gene_table is None:  # every gene's vector, then the zero row
            self._gene_table = np.zeros((n + 1, self.text_encoder.dim), dtype=np.float32)
            shape = (n, self.text_encoder.dim)
            cached = load_verified(self._gene_cache, {"embeddings": (shape, np.float32)})
            if cached is not None:
                self._gene_table[:-1] = cached["embeddings"]
            else:
                # encodes straight into the table: a view of its rows but the zero row
                out = self._gene_table[:-1]
                self._lazy_genes = TextTable(self.text_encoder, self.gene_texts, out=out)
        if self._lazy_genes is not None:
            self._lazy_genes.encode(rows[rows < n])
            if self._lazy_genes.complete:
                save_verified(self._gene_cache, {"embeddings": self._gene_table[:-1]})
                self._lazy_genes = None
        return self._gene_table[rows]

    def __call__(self, chroms, pos38) -> np.ndarray:
        """float32 [n, dim] unit rows; callers pass only locatable positions."""
        vectors, inverse = self.distinct(chroms, pos38)
        return vectors[inverse]

    def distinct(self, chroms, pos38) -> tuple[np.ndarray, np.ndarray]:
        """(float32 [m, dim] unit rows, one per distinct locus; each position's row among them).

        Many positions share one locus (same bins, same genes and weights), so each distinct
        locus is encoded once, and a table's rows need not each hold their own copy.
        """
        rows, weights = self.genes.index.nearby(chroms, pos38, self.genes.k, self.genes.decay)
        gene_rows = self._gene_text_rows[rows]  # row -1 (no gene): the zero row
        bins = self.binner.bins(chroms, pos38)
        n_bins, k = bins.shape[1], gene_rows.shape[1]
        keys = np.column_stack([bins, gene_rows, weights.view(np.int32)])
        inverse, first = distinct_rows(keys)  # each position's locus; each locus's first position
        loci = keys[first]
        out = np.empty((len(loci), self.text_encoder.dim), dtype=np.float32)
        for lo in range(0, len(loci), self.batch_size):
            part = slice(lo, lo + self.batch_size)
            genes = self.gene_vectors(loci[part, n_bins : n_bins + k])
            gene_emb = np.einsum("lkd,lk->ld", genes, weights[first[part]]).astype(np.float32)
            bins = np.ascontiguousarray(loci[part, :n_bins])
            feed = dict(zip(SNP_INPUTS, (bins, gene_emb)))
            out[part] = self.session.run([SNP_OUTPUT], feed)[0]
        return out, inverse
