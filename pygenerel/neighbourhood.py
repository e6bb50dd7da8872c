"""Nearby vocabulary SNPs: a locus borrows what the model learned about the known SNPs around it.

A lead SNP that the vocabulary lacks (or that never had a training link) usually sits in LD with
SNPs that did: the random split's unseen SNPs and most loci in a user's table are such SNPs. Its
embedding e becomes normalise(e + strength * m), m the distance-weighted mean of the embeddings of
the nearest PER_SIDE vocabulary SNPs on each side within RADIUS (weights exp(-d / DECAY), scaled
down where their total is below 1, so one far neighbour counts little). A SNP is never its own
neighbour. Numpy only: the evaluator and the torch-free runtime use the same code.

The weights factor, exp(-(x - p) / DECAY) = exp(-(x - q) / DECAY) * exp(-(q - p) / DECAY), so the
sum over any run of neighbours is the difference of two running sums along the chromosome
(`_decayed_sums`): a position reads 4 rows, however many neighbours it has.
"""

from __future__ import annotations

import numpy as np

from pygenerel.genome import chrom_codes

RADIUS = 250_000
DECAY = 25_000
STRENGTH = 1.0
PER_SIDE = 8  # nearest vocabulary SNPs looked at on each side
CHUNK = 512  # positions a step: its gathered rows (4 x 385 floats each, 3 MB) stay in cache
BLOCK_DECAYS = 200  # a running sum restarts its scale every 200 decays: exp(200) fits float64


def manifest_entry() -> dict:
    """The bundle manifest's `neighbours`: the runtime smooths every placed SNP and locus so."""
    return {"strength": STRENGTH, "radius": RADIUS, "decay": DECAY}


class SnpNeighbourhood:
    def __init__(
        self,
        chroms,
        pos38,
        embeddings,
        strength: float = STRENGTH,
        radius: int = RADIUS,
        decay: float = DECAY,
    ):
        """`embeddings` [n, dim]: anything that numpy fancy indexing with a row array turns into
        float rows (an array, or the runtime's int8 rows), kept: a chromosome's rows are read into
        its running sums when a position on it is first asked for."""
        codes = chrom_codes(chroms)
        pos = np.asarray(pos38, dtype=np.int64)
        self.strength, self.radius, self.decay = strength, radius, decay
        self._embeddings = embeddings
        self._rows = {}  # chromosome code -> (its vocabulary rows, their positions), by position
        for code in np.unique(codes[(codes >= 0) & (pos > 0)]):
            rows = np.flatnonzero((codes == code) & (pos > 0))
            rows = rows[np.argsort(pos[rows], kind="stable")]
            self._rows[code] = (rows, pos[rows])
        self._sums = {}  # chromosome code -> its running sums, made on first use
        self.dim = np.asarray(embeddings[np.arange(0)]).shape[1]  # also with no chromosome

    def _on_chrom(self, code) -> tuple[np.ndarray, np.ndarray]:
        """(sorted positions, upstream then downstream running sums) of one chromosome, computed
        when a position on it is first asked for: a small table touches a few chromosomes."""
        if code not in self._sums:
            rows, known = self._rows[code]
            # each row's embedding and a 1, so the weights' total comes with the weighted sum
            values = np.asarray(self._embeddings[rows], dtype=np.float32)
            values = np.column_stack([values, np.ones(len(rows), dtype=np.float32)])
            upstream = _decayed_sums(known, values, self.decay)
            downstream = _decayed_sums(-known[::-1], values[::-1], self.decay)[::-1]
            self._sums[code] = np.concatenate([upstream, downstream])
        return self._rows[code][1], self._sums[code]

    def mean(self, chroms, pos38) -> np.ndarray:
        """float32 [n, dim]: each position's weighted neighbour mean (zeros where none)."""
        out = np.empty((len(pos38), self.dim), dtype=np.float32)
        for at, mean in self._means(chroms, pos38):
            out[at] = mean
        return out

    def _means(self, chroms, pos38):
        """(positions, their neighbour means) a chunk at a time, every position once: a chunk's
        rows stay in cache, and no genome-wide temporary is made."""
        codes = chrom_codes(chroms)
        pos = np.asarray(pos38, dtype=np.int64)
        alone = np.ones(len(pos), dtype=bool)
        for code in self._rows:
            found = np.flatnonzero((codes == code) & (pos > 0))
            alone[found] = False
            for lo in range(0, len(found), CHUNK):
                at = found[lo : lo + CHUNK]
                yield at, self._mean_on_chrom(*self._on_chrom(code), pos[at])
        alone = np.flatnonzero(alone)
        for lo in range(0, len(alone), CHUNK):
            at = alone[lo : lo + CHUNK]
            yield at, np.zeros((len(at), self.dim), dtype=np.float32)

    def _mean_on_chrom(self, known, sums, pos) -> np.ndarray:
        """The neighbours before pos are rows [first_up, near) of the upstream sums (sums[:n]),
        those after it rows [first_down, last_down] of the downstream ones (sums[n:]); a SNP at
        pos itself is neither. Each run's sum: the sum at its near end minus the one past its far
        end, both carried to pos."""
        n = len(known)
        near = np.searchsorted(known, pos, side="left")
        first_up = np.maximum(near - PER_SIDE, np.searchsorted(known, pos - self.radius, "left"))
        first_down = np.searchsorted(known, pos, side="right")
        last_down = np.minimum(
            near + PER_SIDE - 1, np.searchsorted(known, pos + self.radius, "right") - 1
        )
        last_down = np.maximum(last_down, first_down - 1)  # none after pos: an empty run
        ends = np.stack([near - 1, first_up - 1, first_down, last_down + 1], axis=1)
        inside = (ends >= 0) & (ends < n)
        ends = np.clip(ends, 0, n - 1)
        carry = np.exp(-np.abs(pos[:, None] - known[ends]) / self.decay) * inside
        carry = (carry * [1, -1, 1, -1]).astype(np.float32)
        ends[:, 2:] += n  # downstream rows
        total = np.einsum("nk,nkd->nd", carry, sums[ends])
        return total[:, :-1] / np.maximum(total[:, -1:], 1.0)  # its last column: the weights

    def smooth(self, chroms, pos38, embeddings: np.ndarray, rows=None) -> np.ndarray:
        """normalise(embeddings[rows] + strength * neighbour mean) per position; rows (default:
        one embedding per position) lets positions share an embedding without copying it out."""
        embeddings = np.asarray(embeddings, dtype=np.float32)
        rows = np.arange(len(pos38)) if rows is None else np.asarray(rows, dtype=np.int64)
        out = np.empty((len(rows), embeddings.shape[1]), dtype=np.float32)
        for at, mixed in self._means(chroms, pos38):
            mixed *= np.float32(self.strength)
            mixed += embeddings[rows[at]]
            norm = np.sqrt(np.einsum("nd,nd->n", mixed, mixed))
            mixed /= np.maximum(norm, 1e-12)[:, None]
            out[at] = mixed
        return out


def _decayed_sums(pos, values, decay) -> np.ndarray:
    """float32 [n, d]: row i is sum over j <= i of exp(-(pos[i] - pos[j]) / decay) * values[j]
    (pos ascending). Cumulative sums in float64 within blocks of BLOCK_DECAYS decays, each block
    carrying the last sum of the one before."""
    out = np.empty(values.shape, dtype=np.float32)
    block = (pos - pos[0]) // int(BLOCK_DECAYS * decay)
    starts = np.flatnonzero(np.diff(block, prepend=-1))
    carried = np.zeros(values.shape[1])
    for start, end in zip(starts, [*starts[1:], len(pos)]):
        offset = (pos[start:end] - pos[start]) / decay
        sums = np.cumsum(np.exp(offset)[:, None] * values[start:end], axis=0)
        sums *= np.exp(-offset)[:, None]
        if start > 0:
            sums += np.exp(-(pos[start:end] - pos[start - 1]) / decay)[:, None] * carried
        carried = sums[-1]
        out[start:end] = sums
    return out
