"""Concept texts -> unit vectors with the bundle's ONNX text encoder and `tokenizers` alone.

A query text (a trait, a concept name in a call) is encoded on its own: the int8 encoder scales
its activations per batch, so inside a batch a text's vector would move with its batch mates and
padding, and a score would depend on what else is in the call. Its embedding is then cached for
the life of the process (traits recur constantly). The concept catalog's names are encoded alone
too (runtime/concept_vectors.py); other fixed tables (gene symbols, evidence traits) are encoded
in batches sorted by token length, once per model, always in the same order.
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import onnxruntime as ort
from tokenizers import Tokenizer

from pygenerel.runtime.bundle import TEXT_INPUTS, TEXT_OUTPUT

PARALLEL_TEXTS = 256  # texts encoded alone at once from which every core takes a share


def make_session(
    path, threads: int | None = None, spin: bool = True, constants: dict | None = None
) -> ort.InferenceSession:
    """A CPU session; spin=False lets its threads sleep between runs instead of busy-waiting
    for the next one, leaving the cores to the numpy and I/O work done between them.
    `constants` ({name: OrtValue}, kept alive by the caller as long as the session) replace the
    graph's initializers of those names: onnxruntime prepacks a constant matrix once, where the
    same matrix fed as an input is repacked on every run."""
    options = ort.SessionOptions()
    for name, value in (constants or {}).items():
        options.add_initializer(name, value)
    if threads:
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
    if not spin:
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
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
        # one text at a time runs ~3x faster on one thread (no thread hand-offs per operator),
        # with the very same result; many texts alone run on one such session per core
        self._path, self._singles = onnx_path, []
        self._workers = max(1, threads or os.cpu_count() or 1)
        self.tokenizer, self.pad_id = load_tokenizer(tokenizer_path, max_length)
        self.batch_size = batch_size
        self.dim = self.session.get_outputs()[0].shape[1]
        self._cache: dict[str, np.ndarray] = {}

    def __call__(self, texts) -> np.ndarray:
        """list of str -> float32 [n, dim], unit rows, each independent of the others."""
        texts = [str(t) for t in texts]
        new = list(dict.fromkeys(t for t in texts if t not in self._cache))
        self._cache.update(zip(new, self.alone(new)))
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return np.stack([self._cache[t] for t in texts])

    def alone(self, texts: list[str]) -> np.ndarray:
        """Each text encoded on its own (so its vector never depends on the others), uncached:
        float32 [n, dim]."""
        encodings = self.tokenizer.encode_batch(list(texts))
        out = np.empty((len(texts), self.dim), dtype=np.float32)
        workers = self._workers if len(texts) >= PARALLEL_TEXTS else 1
        while len(self._singles) < workers:
            self._singles.append(make_session(self._path, 1))

        def encode(worker: int) -> None:
            for i in range(worker, len(texts), workers):
                out[i] = self.run([encodings[i].ids], self._singles[worker])[0]

        with ThreadPoolExecutor(workers) as pool:  # onnxruntime runs without the GIL
            list(pool.map(encode, range(workers)))
        return out

    def encode_uncached(self, texts: list[str]) -> np.ndarray:
        """A fixed table of texts, in batches (fast; vectors depend on the table, not the call)."""
        return TextTable(self, texts).rows(np.arange(len(texts)))

    def run(self, id_lists: list[list[int]], session=None) -> np.ndarray:
        width = max(len(ids) for ids in id_lists)
        input_ids = np.full((len(id_lists), width), self.pad_id, dtype=np.int64)
        mask = np.zeros((len(id_lists), width), dtype=np.int64)
        for i, ids in enumerate(id_lists):
            input_ids[i, : len(ids)] = ids
            mask[i, : len(ids)] = 1
        feed = dict(zip(TEXT_INPUTS, (input_ids, mask)))
        return (session or self.session).run([TEXT_OUTPUT], feed)[0]


class TextTable:
    """A fixed table of texts, encoded in fixed batches (by token length) as they are needed.

    A batch's int8 activation scales depend on its texts, so the batches are fixed by the whole
    table: a text's vector is the same whichever rows were asked for first, and a query that
    needs a few texts encodes a few batches, not the table.
    """

    def __init__(self, encoder: TextEncoder, texts, out: np.ndarray | None = None):
        """`out` (float32 [len(texts), dim], e.g. a view of a larger table) receives the vectors."""
        self.encoder = encoder
        self._ids = [e.ids for e in encoder.tokenizer.encode_batch([str(t) for t in texts])]
        order = np.argsort([len(ids) for ids in self._ids], kind="stable")
        self._batches = [
            order[lo : lo + encoder.batch_size] for lo in range(0, len(order), encoder.batch_size)
        ]
        self._batch_of = np.empty(len(order), dtype=np.int64)
        for number, rows in enumerate(self._batches):
            self._batch_of[rows] = number
        self._encoded = np.zeros(len(self._batches), dtype=bool)
        shape = (len(order), encoder.dim)
        self.vectors = np.zeros(shape, dtype=np.float32) if out is None else out

    @property
    def complete(self) -> bool:
        return bool(self._encoded.all())

    def encode(self, rows) -> None:
        """Encode the batches these rows are in, if not yet done."""
        for number in np.unique(self._batch_of[np.asarray(rows, dtype=np.int64)]):
            if not self._encoded[number]:
                batch = self._batches[number]
                self.vectors[batch] = self.encoder.run([self._ids[i] for i in batch])
                self._encoded[number] = True

    def rows(self, rows) -> np.ndarray:
        """float32 [len(rows), dim]: these rows' vectors, after encoding the batches they are in."""
        self.encode(rows)
        return self.vectors[rows]
