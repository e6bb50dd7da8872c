"""Seeded, order-independent splits.

A pair's split is a hash of its key (the equivalence classes of its two ends) and the seed, so
the same pair lands in the same split whatever the row order, and all equivalent pairs (the same
SNP with a trait named two ways, say) land together.
"""

from __future__ import annotations

import hashlib

import numpy as np
import pandas as pd

# Held-out fractions (test, valid) per task; the test parts feed the internal benchmarks.
FRACTIONS = {
    "synonym": (0.02, 0.01),
    "relation": (0.05, 0.02),
    "gwas": (0.10, 0.05),
    "eqtl": (0.0, 0.02),
    "biobank": (0.0, 0.0),  # the biobank pairs held out are chosen by HELD_OUT below
}
# Share of pairs held out as benchmarks: biobank correlation benchmarks (value benchmarks need
# many rows), and the external gene-disease and drug-target sets, whose other pairs train.
HELD_OUT = {"pgrm_ukbb": 0.5, "bbj_rg": 0.3, "disgenet": 0.3, "drugcentral": 0.3}


def pair_keys(left_keys, right_keys, ordered: bool) -> pd.Series:
    """One string per pair; unordered pairs (text-text relations) ignore which end is left."""
    left = np.asarray(left_keys, dtype=object)
    right = np.asarray(right_keys, dtype=object)
    if not ordered:
        swap = left > right
        left, right = np.where(swap, right, left), np.where(swap, left, right)
    return pd.Series(left + "||" + right, dtype=object)


def hashed_fraction(keys, seed: int, salt: str) -> np.ndarray:
    """A number in [0, 1) per key, fixed by (key, seed, salt)."""
    hash_key = hashlib.sha256(f"{seed}:{salt}".encode()).hexdigest()[:16]
    hashes = pd.util.hash_array(pd.Series(keys, dtype=object).to_numpy(), hash_key=hash_key)
    return (hashes >> np.uint64(11)).astype(np.float64) / float(2**53)


def held_out(keys, seed: int, benchmark: str) -> np.ndarray:
    """True for the pairs (by key) that `benchmark` holds out: HELD_OUT[benchmark] of them."""
    return hashed_fraction(keys, seed, benchmark) < HELD_OUT[benchmark]


def assign_splits(keys, seed: int, salt: str, test: float, valid: float) -> np.ndarray:
    fraction = hashed_fraction(keys, seed, salt)
    return np.where(fraction < test, "test", np.where(fraction < test + valid, "valid", "train"))
