"""What is known around a locus, from the bundle's evidence table (corpus/evidence.py): the
associations and eQTL genes a user can cite next to a learned score.

For a (locus, trait) pair the associations within WINDOW are ranked by how close their trait is
to the asked one (cosine of the two trait texts); the best one is the pair's evidence. A score
with no association nearby rests on the model alone, and says so. The trait texts' embeddings
are computed once per model and kept in the user cache.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from pygenerel.genome import normalize_chroms
from pygenerel.runtime.bundle import EVIDENCE
from pygenerel.runtime.cache import cached_array, model_cache_dir
from pygenerel.runtime.names import readable_names

WINDOW = 500_000  # bp each side, the usual span of a GWAS locus
EQTL_WINDOW = 10_000  # an eQTL lead this close to the SNP names its gene
NONE = "no known association within 500 kb: the score rests on the model alone"


class Evidence:
    def __init__(self, bundle, text_encoder, encoder_name: str):
        table = pd.read_csv(
            bundle.file(EVIDENCE),
            sep="\t",
            dtype={"chr": str, "rsid": str, "trait": str, "pubmed": str, "source": str},
            keep_default_na=False,
            na_values={"p": [""], "effect": [""]},
        )
        table["chr"] = normalize_chroms(table["chr"].to_numpy())
        self.table = table.sort_values(["chr", "pos_grch38"], kind="stable").reset_index(drop=True)
        gwas = (self.table["kind"] == "gwas").to_numpy()
        self.traits, self._trait_row = np.unique(
            self.table["trait"].to_numpy(dtype=str), return_inverse=True
        )  # embedded as the model learned them; shown as text (names.py)
        self.table["trait"] = readable_names(self.table["trait"])
        self._by_chrom = {}
        for chrom, rows in self.table.groupby("chr").indices.items():
            self._by_chrom[chrom] = {
                kind: (self.table["pos_grch38"].to_numpy()[r], r)
                for kind, r in (("gwas", rows[gwas[rows]]), ("eqtl", rows[~gwas[rows]]))
            }
        self._cache = model_cache_dir("evidence", bundle, encoder_name)
        self._trait_emb = None
        self._rows: dict[int, dict] = {}  # evidence rows cited so far, as dicts
        self.text_encoder = text_encoder

    @property
    def trait_embeddings(self) -> np.ndarray:
        """float32 [len(traits), dim], one per distinct evidence trait."""
        if self._trait_emb is None:
            shape = (len(self.traits), self.text_encoder.dim)
            encode = self.text_encoder.encode_uncached
            self._trait_emb = cached_array(
                self._cache, "traits", shape, np.float32, lambda: encode(list(self.traits))
            )
        return self._trait_emb

    def _window(self, chrom, pos: int, kind: str, window: int) -> np.ndarray:
        if chrom not in self._by_chrom or pos <= 0:
            return np.zeros(0, dtype=np.int64)
        positions, rows = self._by_chrom[chrom][kind]
        lo, hi = np.searchsorted(positions, [pos - window, pos + window + 1])
        return rows[lo:hi]

    def associations(self, chrom, pos38: int, trait_emb: np.ndarray, n: int = 5) -> pd.DataFrame:
        """The associations within WINDOW, closest trait first: source, rsid, trait, distance_kb,
        trait_cosine, p, effect (odds ratio), pubmed."""
        rows = self._window(normalize_chroms([chrom])[0], int(pos38), "gwas", WINDOW)
        found = self.table.iloc[rows].copy()
        found["trait_cosine"] = self.trait_embeddings[self._trait_row[rows]] @ trait_emb
        found["distance_kb"] = (found["pos_grch38"] - int(pos38)).abs() / 1000
        # PGRM repeats catalog associations: for the same SNP and trait, cite the catalog
        found["catalog"] = found["source"] == "GWAS Catalog"
        found = found.sort_values(
            ["trait_cosine", "catalog", "p"], ascending=[False, False, True], kind="stable"
        )
        columns = [
            "source",
            "rsid",
            "trait",
            "distance_kb",
            "trait_cosine",
            "p",
            "effect",
            "pubmed",
        ]
        return found.drop_duplicates(["rsid", "trait"]).head(n)[columns].reset_index(drop=True)

    def eqtl_genes(self, chrom, pos38: int) -> str:
        """ "GENE (n tissues)" for the eQTL leads within EQTL_WINDOW, most tissues first."""
        rows = self._window(normalize_chroms([chrom])[0], int(pos38), "eqtl", EQTL_WINDOW)
        found = self.table.iloc[rows].sort_values("effect", ascending=False, kind="stable")
        found = found.drop_duplicates("trait").head(3)
        return "; ".join(
            f"{g} ({t:.0f} tissue{'s' if t != 1 else ''})"
            for g, t in zip(found["trait"], found["effect"])
        )

    def best(self, chroms, pos38, trait_emb: np.ndarray) -> np.ndarray:
        """Per locus, its closest-trait association as one line (NONE where there is none).
        Vectorised per chromosome (a table of millions of rows must not loop per row)."""
        cosine = self.trait_embeddings @ trait_emb
        chroms = np.asarray(normalize_chroms(chroms), dtype=object)
        pos38 = np.asarray(pos38, dtype=np.int64)
        out = np.full(len(chroms), NONE, dtype=object)
        for chrom in self._by_chrom.keys() & set(chroms[pos38 > 0]):
            at = np.flatnonzero((chroms == chrom) & (pos38 > 0))
            positions, rows = self._by_chrom[chrom]["gwas"]
            values = cosine[self._trait_row[rows]]
            lo = np.searchsorted(positions, pos38[at] - WINDOW)
            hi = np.searchsorted(positions, pos38[at] + WINDOW + 1)
            pick = range_argmax(values, lo, hi)
            found = pick >= 0
            out[at[found]] = [
                describe(self._row(rows[b]), values[b], p)
                for b, p in zip(pick[found], pos38[at[found]])
            ]
        return out

    def _row(self, row: int) -> dict:
        if row not in self._rows:
            self._rows[row] = self.table.iloc[row].to_dict()
        return self._rows[row]


def range_argmax(values: np.ndarray, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    """Per query, the index of the largest of values[lo:hi] (the first one on ties, as np.argmax),
    or -1 where the range is empty: a sparse table, O(n log n) once and O(1) per query."""
    levels = [np.arange(len(values))]
    while 2 ** len(levels) <= len(values):
        half, prev = 2 ** (len(levels) - 1), levels[-1]
        left, right = prev[:-half], prev[half:]
        levels.append(np.where(values[right] > values[left], right, left))
    out = np.full(len(lo), -1, dtype=np.int64)
    size = hi - lo
    some = np.flatnonzero(size > 0)
    level = np.floor(np.log2(size[some])).astype(np.int64)
    for k in np.unique(level):
        q = some[level == k]
        left, right = levels[k][lo[q]], levels[k][hi[q] - 2**k]
        out[q] = np.where(values[right] > values[left], right, left)
    return out


def describe(row, trait_cosine: float, pos: int) -> str:
    """ "ulcerative colitis (rs6017342, 12 kb, trait cosine 0.93, P 2e-15, PMID 21297633, GWAS
    Catalog)"."""
    parts = [
        row["rsid"],
        f"{abs(int(row['pos_grch38']) - int(pos)) / 1000:.0f} kb",
        f"trait cosine {trait_cosine:.2f}",
    ]
    if pd.notna(row["p"]):
        parts.append(f"P {row['p']:.2g}")
    if row["pubmed"]:
        parts.append(f"PMID {row['pubmed']}")
    parts.append(row["source"])
    return f"{row['trait']} ({', '.join(parts)})"
