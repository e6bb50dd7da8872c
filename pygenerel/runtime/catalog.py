"""The concept catalog: ids and names for lookup and search, embeddings for neighbour search.

Embedding tens of thousands of names takes a while, so unless the bundle ships them they are
computed on first use and kept in the user cache directory under the model's digest (a new or
changed bundle never reuses stale vectors; a damaged cache is recomputed, see cache.py).
Lookup by id and search by name read the table alone, so they need no embeddings.
"""

from __future__ import annotations

import sys

import numpy as np
import pandas as pd

from pygenerel.arguments import whole_number
from pygenerel.errors import InputError, shown
from pygenerel.runtime.cache import load_verified, model_cache_dir, save_verified
from pygenerel.runtime.int8 import Int8Rows, quantize_rows
from pygenerel.runtime.items import concept_id

# Names that are identifiers more than names, look-alikes of one another in the text space and
# never a useful default top concept: clone and placeholder genes (RP11-1072A3.3, AF064858.10,
# LOC100128288, KIAA1217), unnamed metabolites ("X-18899 measurement") and research compound codes
# (drugs only: "cx516", "vx-809"; a gene symbol such as IL23R looks the same).
IDENTIFIER_LIKE = (
    r"^(RP\d+-|CT[ABCD]-|[A-Z]{1,2}\d{6}\.\d+$|LOC\d+$|ENSG\d+|KIAA\d+$|FLJ\d+$|X-\d{4,} )"
)
COMPOUND_CODE = r"^[A-Za-z]{1,4}-?\d{2,}[A-Za-z]?\d*$"
GENE = "gene"


class ConceptCatalog:
    def __init__(self, bundle, text_encoder, encoder_name: str):
        self.table = pd.read_csv(
            bundle.file("concepts.tsv.gz"), sep="\t", dtype=str, keep_default_na=False
        )
        self._bundle = bundle
        self._text_encoder = text_encoder
        self._cache_dir = model_cache_dir("concepts", bundle, encoder_name)
        self._embeddings = None
        self._rows = None
        names = self.table["name"]
        code = names.str.match(COMPOUND_CODE) & (self.table["type"] == "drug")
        self.identifier_like = (names.str.match(IDENTIFIER_LIKE) | code).to_numpy(dtype=bool)
        # one key per name, however cased or punctuated: "Crohn's disease" from DOID, EFO and HPO
        keys = names.str.lower().str.replace(r"'s\b|[^0-9a-z]+", "", regex=True)
        self.name_codes = pd.factorize(keys.where(keys != "", names.str.lower()))[0]

    def __len__(self) -> int:
        return len(self.table)

    @property
    def embeddings(self) -> Int8Rows:
        if self._embeddings is None:
            self._embeddings = self._load()
        return self._embeddings

    def rows(self, ids) -> np.ndarray:
        """Catalog rows of ids in the catalog's spelling (items.concept_id). An unknown id is an
        error: embedding it as text would score about 0 with no sign of what went wrong."""
        if self._rows is None:
            first = ~self.table["id"].duplicated()  # a repeated id keeps its first, preferred name
            self._rows = dict(zip(self.table["id"][first], np.flatnonzero(first)))
        unknown = [i for i in ids if i not in self._rows]
        if unknown:
            raise InputError(f"unknown concept id {unknown[0]!r}; see `pygenerel search`")
        return np.array([self._rows[i] for i in ids], dtype=np.int64)

    def candidates(self, types=None, snp_query: bool = False) -> np.ndarray:
        """Rows to rank as top concepts: those of the given types, all of them; by default every
        row but identifier-like names and, for a SNP query, genes (a locus's own gene names are
        look-alikes of its nearest gene, which is reported apart: see nearby_genes.py)."""
        types = self.parse_types(types)
        if types:
            return np.flatnonzero(self.table["type"].isin(types).to_numpy())
        keep = ~self.identifier_like
        if snp_query:
            keep &= self.table["type"].to_numpy() != GENE
        return np.flatnonzero(keep)

    def top(self, emb: np.ndarray, k: int, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The k best of `rows` for each query vector, one per name (a concept named alike in
        several ontologies appears once, as its best-scoring entry): (catalog rows [n, k'], -1
        where fewer; scores [n, k'], NaN there), k' = min(k, len(rows)) so a huge k costs nothing."""
        k = min(k, len(rows))
        best = np.full((len(emb), k), -1, dtype=np.int64)
        best_scores = np.full((len(emb), k), np.nan, dtype=np.float32)
        if not len(emb) or not len(rows):
            return best, best_scores
        scores = self.embeddings.scores(emb, rows)
        room = min(len(rows), 4 * k + 16)  # enough for the duplicates of k names
        if room < len(rows):
            part = np.argpartition(-scores, room - 1, axis=1)[:, :room]
        else:
            part = np.tile(np.arange(len(rows)), (len(emb), 1))
        # best score first; equal scores (one name in two ontologies) by catalog order, so a
        # query ranks the same alone or in a batch of any shape
        order = np.lexsort((part, -np.take_along_axis(scores, part, 1)), axis=1)
        part = np.take_along_axis(part, order, 1)
        codes = self.name_codes[rows]
        for i, candidates in enumerate(part):
            candidates = candidates[np.isfinite(scores[i, candidates])]
            _, first = np.unique(codes[candidates], return_index=True)  # best entry of each name
            keep = candidates[np.sort(first)[:k]]
            best[i, : len(keep)], best_scores[i, : len(keep)] = rows[keep], scores[i, keep]
        return best, best_scores

    def search(self, text, types=None, n=20) -> pd.DataFrame:
        """Concepts (id, name, type) whose id is `text`, in any spelling concept_id() accepts, then
        those whose name contains all its words, ranked: exact name, name starting with `text`,
        shorter name. Plain string matching, so it needs no embeddings and answers at once."""
        if not isinstance(text, str) or not text.strip():
            raise InputError(f"search text must be a non-empty string, got {shown(text)}")
        n = whole_number(n, "n")
        types = self.parse_types(types)
        table = self.table[self.table["type"].isin(types)] if types else self.table
        query = " ".join(text.split()).lower()
        ids, names = table["id"].str.lower(), table["name"].str.lower()
        is_id = ids == (concept_id(query) or query).lower()
        has_words = np.logical_and.reduce(
            [names.str.contains(w, regex=False) for w in query.split()]
        )
        rank = pd.DataFrame(
            {
                "not_id": ~is_id,
                "not_exact": names != query,
                "not_prefix": ~names.str.startswith(query),
                "length": names.str.len(),
            }
        )[is_id | has_words]
        order = rank.sort_values(list(rank.columns), kind="stable").index[:n]
        return table.loc[order, ["id", "name", "type"]].reset_index(drop=True)

    def parse_types(self, types, also=()) -> list[str]:
        """types (a list, one comma-separated string or None) as a list, empty for every type;
        InputError names any that is neither a catalog type nor among `also`."""
        if isinstance(types, str):
            types = types.split(",")
        types = [str(t).strip() for t in ([] if types is None else types) if str(t).strip()]
        known = sorted(set(self.table["type"]) | set(also))
        unknown = sorted(set(types) - set(known))
        if unknown:
            raise InputError(f"unknown types {shown(unknown, 200)}; this model has {known}")
        return types

    def _load(self) -> Int8Rows:
        bundle, n, dim = self._bundle, len(self.table), self._text_encoder.dim
        if bundle.has("concept_embeddings.npy"):
            return Int8Rows(
                bundle.array("concept_embeddings.npy", np.int8, (n, dim)),
                bundle.array("concept_scales.npy", np.float32, (n,)),
            )
        expected = {"codes": ((n, dim), np.int8), "scales": ((n,), np.float32)}
        cached = load_verified(self._cache_dir, expected)
        if cached is not None:
            return Int8Rows(cached["codes"], cached["scales"])
        print(
            f"pygenerel: embedding {n} concept names once; cached in {self._cache_dir}",
            file=sys.stderr,
        )
        codes, scales = quantize_rows(self._text_encoder.encode_uncached(list(self.table["name"])))
        save_verified(self._cache_dir, {"codes": codes, "scales": scales})
        return Int8Rows(codes, scales)
