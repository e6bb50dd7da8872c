"""Concept texts -> unit vectors with the bundle's ONNX text encoder and `tokenizers` alone.

Texts are sorted by token length before batching so a batch pads little, and every text's
embedding is cached for the life of the process (traits and gene symbols recur constantly).
"""

from __future__ import annotations

import numpy as np
import onnxruntime as ort
from tokenizers import Tokenizer


def make_session(path, threads: int | None = None) -> ort.InferenceSession:
    options = ort.SessionOptions()
    if threads:
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
    return ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])


def load_tokenizer(path, max_length: int) -> tuple[Tokenizer, int]:
    """The bundle tokenizer with truncation on and padding off (batches are padded here)."""
    tokenizer = Tokenizer.from_file(str(path))
    pad_id = (tokenizer.padding or {}).get("pad_id", 0)
    tokenizer.no_padding()
    tokenizer.enable_truncation(max_length)
    return tokenizer, pad_id


class TextEncoder:
    def __init__(
        self,
        onnx_path,
        tokenizer_path,
        max_length: int,
        batch_size: int = 64,
        threads: int | None = None,
    ):
        self.session = make_session(onnx_path, threads)
        self.tokenizer, self.pad_id = load_tokenizer(tokenizer_path, max_length)
        self.batch_size = batch_size
        self.dim = self.session.get_outputs()[0].shape[1]
        self._cache: dict[str, np.ndarray] = {}

    def __call__(self, texts) -> np.ndarray:
        """list of str -> float32 [n, dim], unit rows."""
        texts = [str(t) for t in texts]
        todo = list(dict.fromkeys(t for t in texts if t not in self._cache))
        if todo:
            for text, row in zip(todo, self.encode_uncached(todo)):
                self._cache[text] = row
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return np.stack([self._cache[t] for t in texts])

    def encode_uncached(self, texts: list[str]) -> np.ndarray:
        encodings = self.tokenizer.encode_batch(texts)
        order = np.argsort([len(e.ids) for e in encodings], kind="stable")
        out = np.empty((len(texts), self.dim), dtype=np.float32)
        for lo in range(0, len(texts), self.batch_size):
            rows = order[lo : lo + self.batch_size]
            out[rows] = self.run([encodings[i].ids for i in rows])
        return out

    def run(self, id_lists: list[list[int]]) -> np.ndarray:
        width = max(len(ids) for ids in id_lists)
        input_ids = np.full((len(id_lists), width), self.pad_id, dtype=np.int64)
        mask = np.zeros((len(id_lists), width), dtype=np.int64)
        for i, ids in enumerate(id_lists):
            input_ids[i, : len(ids)] = ids
            mask[i, : len(ids)] = 1
        feed = {"input_ids": input_ids, "attention_mask": mask}
        return self.session.run(["sentence_embedding"], feed)[0]
