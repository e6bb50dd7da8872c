"""GenerelModel: one embedding space for SNPs and biomedical text.

A text item is embedded by the text tower; a SNP by the SNP tower, whose locus features include
a distance-weighted mix of the text-tower embeddings of the genes around it (computed without
gradient: the genes' texts are a feature, the text tower learns from the text tasks). Items of both kinds can be mixed in one batch.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import torch
from safetensors.torch import load_file, save_file
from torch import nn

from pygenerel.model.config import ModelConfig
from pygenerel.model.snp_tower import SnpTower
from pygenerel.model.snp_vocab import SnpVocab
from pygenerel.model.text_tower import TextTower, encoder_from_config, load_base

ENCODE_BATCH = 256


def weighted_rows(table: torch.Tensor, slot: torch.Tensor, weight: torch.Tensor) -> torch.Tensor:
    """sum_k weight[:, k] * table[slot[:, k]]; slot -1 picks nothing."""
    slot = slot.to(table.device)
    picked = table[slot.clamp(min=0)] * (slot >= 0).unsqueeze(-1)
    return (picked * weight.to(table.device, table.dtype).unsqueeze(-1)).sum(dim=1)


class GenerelModel(nn.Module):
    def __init__(self, config: ModelConfig, encoder: nn.Module, tokenizer, snp_vocab: SnpVocab):
        super().__init__()
        config.text_config = encoder.config.to_dict()
        config.dim = encoder.config.hidden_size
        self.config = config
        self.tokenizer = tokenizer
        self.snp_vocab = snp_vocab
        self.text_tower = TextTower(encoder, config.trainable_layers)
        bin_sizes = snp_vocab.binner.sizes
        tower = (
            len(snp_vocab),
            config.snp_id_dim,
            config.dim,
            config.mlp_hidden,
            bin_sizes,
            config.bin_dim,
        )
        self.snp_tower = SnpTower(config.snp_tower, *tower)
        self.aux_snp_tower = (
            SnpTower("id", *tower) if config.aux_id_tower and config.snp_tower == "locus" else None
        )
        self.gene_table: torch.Tensor | None = None  # see cache_gene_embeddings
        self.gene_table_slot: np.ndarray | None = None

    @classmethod
    def build(cls, config: ModelConfig, corpus_dir) -> GenerelModel:
        """A new model on a base encoder, with the corpus SNPs as its vocabulary."""
        encoder, tokenizer = load_base(config.base_model)
        return cls(config, encoder, tokenizer, SnpVocab.from_corpus(corpus_dir, config))

    @property
    def device(self) -> torch.device:
        return next(self.parameters()).device

    # ---- featurising: items -> tensors -------------------------------------------------------
    def tokenize(self, texts) -> dict:
        out = self.tokenizer(
            list(texts),
            padding=True,
            truncation=True,
            max_length=self.config.max_length,
            return_tensors="pt",
        )
        return {"input_ids": out["input_ids"], "attention_mask": out["attention_mask"]}

    def snp_features(self, rows: np.ndarray, bins: np.ndarray, gene_texts, gene_weights) -> dict:
        """Tensors for SNPs given vocabulary rows (-1 outside), bins, and the texts [n, k] and
        weights [n, k] of the genes around each."""
        genes = np.asarray(gene_texts, dtype=object)
        unique, slot = np.unique(genes.astype(str), return_inverse=True)
        slot = slot.reshape(genes.shape)
        named = unique != ""
        slot = np.where(named[slot], np.cumsum(named)[slot] - 1, -1)
        features = {
            "index": torch.as_tensor(rows, dtype=torch.long),
            "bins": torch.as_tensor(bins, dtype=torch.long),
            "gene_slot": torch.as_tensor(slot, dtype=torch.long),
            "gene_weight": torch.as_tensor(np.asarray(gene_weights, dtype=np.float32)),
        }
        if named.any():
            tokens = self.tokenize(unique[named])
            features["gene_ids"], features["gene_mask"] = (
                tokens["input_ids"],
                tokens["attention_mask"],
            )
        return features

    def featurize(self, kinds, keys) -> dict:
        """Tensors for a batch of items: `kinds` "snp"/"text", `keys` rsid or exact text."""
        kinds = np.asarray(kinds, dtype=object)
        keys = np.asarray(keys, dtype=object)
        is_snp = kinds == "snp"
        text_pos, snp_pos = np.flatnonzero(~is_snp), np.flatnonzero(is_snp)
        order = np.empty(len(kinds), dtype=np.int64)
        order[np.concatenate([text_pos, snp_pos])] = np.arange(len(kinds))
        batch = {"order": torch.as_tensor(order)}
        if len(text_pos):
            batch["text"] = self.tokenize(keys[text_pos])
        if len(snp_pos):
            rows = self.snp_vocab.rows(keys[snp_pos])
            if (rows < 0).any():
                raise KeyError(f"SNPs outside the vocabulary: {list(keys[snp_pos][rows < 0][:5])}")
            vocab = self.snp_vocab
            if self.gene_table is not None:
                batch["snp"] = {
                    "index": torch.as_tensor(rows, dtype=torch.long),
                    "bins": torch.as_tensor(vocab.bins[rows], dtype=torch.long),
                    "gene_slot": torch.as_tensor(self.gene_table_slot[rows], dtype=torch.long),
                    "gene_weight": torch.as_tensor(vocab.gene_weights[rows], dtype=torch.float32),
                }
            else:
                batch["snp"] = self.snp_features(
                    rows, vocab.bins[rows], vocab.gene_texts[rows], vocab.gene_weights[rows]
                )
        return batch

    def cache_gene_embeddings(self) -> None:
        """Embed every vocabulary gene text once; SNP batches then look their genes up instead of
        tokenising and encoding thousands of gene texts per step (the gene feature carries no
        gradient anyway). Training refreshes the table every `gene_refresh` steps."""
        genes = self.snp_vocab.gene_texts.astype(str)
        unique, slot = np.unique(genes, return_inverse=True)
        table = self.encode_texts(unique)
        table[torch.as_tensor(unique == "")] = 0.0  # no gene nearby: a zero gene feature
        self.gene_table = table.to(self.device)
        self.gene_table_slot = slot.reshape(genes.shape)

    # ---- embedding -----------------------------------------------------------------------------
    def gene_embeddings(self, snp: dict) -> torch.Tensor:
        """The weighted mix of each SNP's gene embeddings (zeros where no gene is known)."""
        slot = snp["gene_slot"]
        if self.gene_table is not None and "gene_ids" not in snp:
            return weighted_rows(self.gene_table, slot, snp["gene_weight"])
        genes = torch.zeros(1, self.config.dim, device=slot.device)
        if "gene_ids" in snp:
            with torch.no_grad():
                genes = torch.cat(
                    [self.text_tower(snp["gene_ids"], snp["gene_mask"]).float(), genes]
                )
        return weighted_rows(genes, slot, snp["gene_weight"])

    def forward(self, left: dict, right: dict) -> dict:
        """Embeddings of both sides of a pair batch, plus `aux_left`/`aux_right` when the model has
        the id-only baseline tower (its SNP rows, with the text rows detached)."""
        out = {}
        for name, side in (("left", left), ("right", right)):
            main, aux = [], []
            if "text" in side:
                text = self.text_tower(**side["text"])
                main.append(text)
                aux.append(text.detach())
            if "snp" in side:
                snp = side["snp"]
                gene_emb = self.gene_embeddings(snp)
                main.append(self.snp_tower(snp["index"], snp["bins"], gene_emb))
                if self.aux_snp_tower is not None:
                    aux.append(self.aux_snp_tower(snp["index"], snp["bins"], gene_emb))
            out[name] = torch.cat(main)[side["order"]]
            if self.aux_snp_tower is not None:
                out[f"aux_{name}"] = torch.cat(aux)[side["order"]]
        return out

    @torch.no_grad()
    def encode_texts(self, texts, batch_size: int = ENCODE_BATCH) -> torch.Tensor:
        """[n, dim] on CPU; texts are sorted by length so batches pad little."""
        was_training = self.training
        self.eval()
        texts = list(texts)
        order = np.argsort([len(t) for t in texts], kind="stable")
        out = torch.zeros(len(texts), self.config.dim)
        for lo in range(0, len(texts), batch_size):
            idx = order[lo : lo + batch_size]
            tokens = {
                k: v.to(self.device) for k, v in self.tokenize([texts[i] for i in idx]).items()
            }
            out[torch.as_tensor(idx)] = self.text_tower(**tokens).float().cpu()
        self.train(was_training)
        return out

    @torch.no_grad()
    def _encode_snp_features(
        self, rows, bins, gene_texts, gene_weights, tower: str, batch_size: int = 4096
    ) -> torch.Tensor:
        was_training = self.training
        self.eval()
        module = self.aux_snp_tower if tower == "aux" else self.snp_tower
        genes = np.asarray(gene_texts, dtype=object).astype(str)
        unique, slot = np.unique(genes, return_inverse=True)
        table = self.encode_texts(unique)
        table[torch.as_tensor(unique == "")] = 0.0  # no gene nearby: a zero gene feature
        gene_emb = weighted_rows(
            table,
            torch.as_tensor(slot.reshape(genes.shape)),
            torch.as_tensor(np.asarray(gene_weights, dtype=np.float32)),
        )
        out = torch.zeros(len(rows), self.config.dim)
        for lo in range(0, len(rows), batch_size):
            sl = slice(lo, lo + batch_size)
            out[sl] = (
                module(
                    torch.as_tensor(rows[sl]).to(self.device),
                    torch.as_tensor(bins[sl]).to(self.device),
                    gene_emb[sl].to(self.device),
                )
                .float()
                .cpu()
            )
        self.train(was_training)
        return out

    def encode_snps(self, rsids, tower: str = "main") -> torch.Tensor:
        """[n, dim] for vocabulary rsids (NaN rows for unknown ones); tower "aux" = the id-only baseline."""
        rows = self.snp_vocab.rows(list(rsids))
        known = np.flatnonzero(rows >= 0)
        out = torch.full((len(rows), self.config.dim), float("nan"))
        if len(known):
            r = rows[known]
            vocab = self.snp_vocab
            out[torch.as_tensor(known)] = self._encode_snp_features(
                r, vocab.bins[r], vocab.gene_texts[r], vocab.gene_weights[r], tower
            )
        return out

    def encode_loci(self, chroms, pos38) -> torch.Tensor:
        """[n, dim] for any GRCh38 chr:pos from its locus alone (locus tower only)."""
        if self.config.snp_tower != "locus":
            raise ValueError("only the locus SNP tower embeds positions outside the vocabulary")
        bins, texts, weights = self.snp_vocab.locus(chroms, pos38)
        return self._encode_snp_features(np.full(len(bins), -1), bins, texts, weights, "main")

    # ---- persistence ---------------------------------------------------------------------------
    def save(self, directory) -> Path:
        directory = Path(directory)
        directory.mkdir(parents=True, exist_ok=True)
        self.config.save(directory / "config.json")
        state = {k: v.detach().cpu().contiguous() for k, v in self.state_dict().items()}
        save_file(state, directory / "model.safetensors", metadata={"format": "pygenerel"})
        self.tokenizer.save_pretrained(directory)
        self.snp_vocab.save(directory)
        return directory

    @classmethod
    def load(cls, directory, device: str = "cpu") -> GenerelModel:
        directory = Path(directory)
        config = ModelConfig.load(directory / "config.json")
        encoder = encoder_from_config(config.text_config)
        from transformers import AutoTokenizer

        tokenizer = AutoTokenizer.from_pretrained(directory, local_files_only=True)
        model = cls(config, encoder, tokenizer, SnpVocab.load(directory, config))
        model.load_state_dict(load_file(directory / "model.safetensors", device=device))
        return model.to(device).eval()
