"""Multi-task batch sampler: which task each step trains, and which of its pairs.

Each step draws one task (probability ~ weight * size ** power), then one of its streams
(probability ~ weight * size ** power among the task's streams, a stream's weight keyed
"task/relation" and 1 by default; see data.load_pairs), and a batch from that
stream's shuffled pairs in which no item repeats: a concept id, rsid or text already in the batch would be
a false in-batch negative, so such a pair waits for a later batch instead. The whole state is
JSON, so a checkpoint resumes the exact sequence of batches.
"""

from __future__ import annotations

import numpy as np

from pygenerel.train.data import PairTable, stream_task

MAX_DEFERRED_BATCHES = (
    8  # deferred pairs kept, in batches; beyond that they wait for the next epoch
)


class TaskStream:
    """Endless epochs over one task's pairs, building batches free of repeated items."""

    def __init__(self, pairs: PairTable, batch_size: int, seed: int, task_index: int):
        self.pairs, self.batch_size = pairs, batch_size
        self.seed, self.task_index = seed, task_index
        self.epoch, self.cursor, self.deferred = 0, 0, []
        self._perm = self._permutation()

    def _permutation(self) -> np.ndarray:
        return np.random.default_rng([self.seed, self.task_index, self.epoch]).permutation(
            len(self.pairs)
        )

    def _items(self, i: int):
        p = self.pairs
        return (p.left_id[i], p.right_id[i], p.left_key[i], p.right_key[i])

    def next_batch(self) -> np.ndarray:
        batch, seen, waiting = [], set(), []

        def offer(i) -> bool:
            items = self._items(i)
            if seen.intersection(items):
                return False
            seen.update(items)
            batch.append(i)
            return True

        for i in self.deferred:
            if len(batch) >= self.batch_size or not offer(i):
                waiting.append(i)
        scanned = 0
        while len(batch) < self.batch_size and scanned < len(self.pairs):
            if self.cursor == len(self.pairs):
                self.epoch, self.cursor = self.epoch + 1, 0
                self._perm = self._permutation()
            i = int(self._perm[self.cursor])
            self.cursor += 1
            scanned += 1
            if not offer(i):
                waiting.append(i)
        self.deferred = waiting[: MAX_DEFERRED_BATCHES * self.batch_size]
        return np.asarray(batch, dtype=np.int64)

    def state_dict(self) -> dict:
        return {
            "epoch": self.epoch,
            "cursor": self.cursor,
            "deferred": [int(i) for i in self.deferred],
        }

    def load_state_dict(self, state: dict) -> None:
        self.epoch, self.cursor, self.deferred = (
            state["epoch"],
            state["cursor"],
            list(state["deferred"]),
        )
        self._perm = self._permutation()


class MultiTaskSampler:
    def __init__(
        self,
        streams: dict[str, PairTable],
        batch_sizes: dict[str, int],
        weights: dict[str, float],
        size_power: float,
        seed: int,
    ):
        self.names = sorted(streams)
        self.streams = {
            s: TaskStream(streams[s], batch_sizes[s], seed, i) for i, s in enumerate(self.names)
        }
        sizes = np.array([len(streams[s]) for s in self.names], dtype=float)
        tasks = np.array([stream_task(s) for s in self.names])
        self.probs = np.zeros(len(self.names))
        for task in np.unique(tasks):
            mine = tasks == task
            share = sizes[mine] ** size_power * np.array(
                [weights.get(s, 1.0) for s in np.array(self.names)[mine]]
            )
            self.probs[mine] = (
                weights.get(task, 1.0) * sizes[mine].sum() ** size_power * share / share.sum()
            )
        if self.probs.sum() <= 0:
            raise ValueError("every task has zero weight")
        self.probs /= self.probs.sum()
        self.rng = np.random.default_rng([seed, 7919])

    def next(self) -> tuple[str, np.ndarray]:
        task = self.names[self.rng.choice(len(self.names), p=self.probs)]
        return task, self.streams[task].next_batch()

    def state_dict(self) -> dict:
        return {
            "rng": self.rng.bit_generator.state,
            "streams": {t: s.state_dict() for t, s in self.streams.items()},
        }

    def load_state_dict(self, state: dict) -> None:
        self.rng.bit_generator.state = state["rng"]
        for task, stream_state in state["streams"].items():
            self.streams[task].load_state_dict(stream_state)
