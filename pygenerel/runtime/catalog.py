"""The concept catalog: ids and names for lookup and search, and the top concepts of any query.

Top concepts come in two steps: the bundle's compact index (concept_index.py) proposes each
query's best few hundred candidates, and those are ranked by their real vectors
(concept_vectors.py, encoded on demand; scored by the rescore graph, export/search_graphs.py).
So the first search needs no catalog embedding, every reported score is exact, and only a
candidate the index misses can be lost (the shipped index's recall:
tests/python/test_concept_index.py, bench/concept_index.py). Queries that stand close together
(the loci of a table, Model.proposals) may share one proposal's candidates, one index scan
for several. Lookup by id and search by name read the table alone.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from pygenerel.arguments import whole_number
from pygenerel.errors import BundleError, InputError, shown
from pygenerel.runtime.bundle import CONCEPT_CLASSES, CONCEPT_INDEX, CONCEPTS, GENE_PRODUCTS
from pygenerel.runtime.concept_index import ConceptIndex
from pygenerel.runtime.concept_vectors import ConceptVectors
from pygenerel.runtime.items import PREFIXES, concept_id
from pygenerel.runtime.names import readable_names
from pygenerel.runtime.text_encoder import make_session

# Names that are identifiers more than names, look-alikes of one another in the text space and
# never a useful default top concept: clone and placeholder genes (RP11-1072A3.3, AF064858.10,
# LOC100128288, KIAA1217), unnamed metabolites ("X-18899 measurement") and MeSH's chromosome
# headings ("Chromosomes, Human, Pair 2": where a SNP is, not what it does).
IDENTIFIER_LIKE = (
    r"^(RP\d+-|CT[ABCD]-|[A-Z]{1,2}\d{6}\.\d+$|LOC\d+$|ENSG\d+|KIAA\d+$|FLJ\d+$|X-\d{4,} "
    r"|Chromosomes, Human\b)"
)
APOSTROPHES = str.maketrans("", "", "'\u2019\u2018`")  # search: "crohns" finds "Crohn's disease"
# Research compounds named by a code, identifier-like too: a series and a number ("cx516", "vx-809",
# "ly294002"), or a code mixing digits and letters ("ags-1c4d4", "imc-3c5", "a2p5p", "1d09c3",
# "4sc-202"): 2,216 drugs in the shipped catalog. Drugs only: a gene symbol such as IL23R looks
# the same.
COMPOUND_CODE = (
    r"^[A-Za-z]{1,4}-?\d{2,}[A-Za-z]?\d*$"
    r"|^[A-Za-z]{1,5}-?\d+(?:[A-Za-z]+\d+)+[A-Za-z]*$"
    r"|^\d+[A-Za-z]+-?\d+(?:[A-Za-z]+\d*)*$"
)
# Tracer copies of a ligand, labelled with an isotope: "[125i]vip (human)", "[3h]maraviroc",
# "[111in,90y]dota-toc" (DGIdb's IUPHAR ligands: 431 in the shipped catalog): reagents, never a
# useful default top concept, and look-alikes of the unlabelled ligand, usually in the catalog too.
RADIOLABELLED = r"\[\d+[a-z]{1,2}(?:,\d+[a-z]{1,2})*\]"
# Tool compounds numbered in a vendor's series, look-alikes of one another: "jak3 inhibitor ii",
# "jak3 inhibitor iv", "jak3 inhibitor vi" (drugs only: 43 in the shipped catalog).
NUMBERED_REAGENT = r"\binhibitor [ivx]{1,5}$"
GENE = "gene"
QUERY_BLOCK = 256  # queries scored against the whole catalog at once: bounds the score matrix
RESCORE_BLOCK = 16  # proposers whose candidates are rescored at once: their vectors stay small
SHARED_CANDIDATES = 2  # times the candidates a query gets from a proposal shared with others
SHORTLIST = 4  # times k: the candidates a query's names are picked from, when they suffice
BLOCK = 16  # catalog rows per block when picking a query's best candidates (best_columns)
RESCORE_GRAPH = Path(__file__).with_name("rescore.onnx")  # written by export/search_graphs.py


def candidates_for(k: int) -> int:
    """Candidates per query that the index proposes for a top k: enough that the exact top k is
    almost always among them (see tests/python/test_concept_index.py), few enough to encode."""
    return 16 * k + 64


class ConceptCatalog:
    def __init__(self, bundle, text_encoder, encoder_name: str):
        self.table = pd.read_csv(bundle.file(CONCEPTS), sep="\t", dtype=str, keep_default_na=False)
        # what each concept's vector embeds: its name as the model learned it, markup and all
        self.texts = self.table["name"].to_numpy(dtype=object)
        self.table["name"] = readable_names(self.table["name"])
        self.vectors = ConceptVectors(self.texts, text_encoder, bundle, encoder_name)
        self._bundle = bundle
        self._index = None
        self._rows = None
        self._names = None
        self._rescorer = None
        names = self.table["name"]
        drug = self.table["type"] == "drug"
        code = (names.str.match(COMPOUND_CODE) | names.str.contains(NUMBERED_REAGENT)) & drug
        tracer = names.str.contains(RADIOLABELLED)
        self.identifier_like = (names.str.match(IDENTIFIER_LIKE) | code | tracer).to_numpy(bool)
        self.gene_product = self._gene_products(bundle)
        # one key per name, however cased or punctuated: "Crohn's disease" from DOID, EFO and HPO
        keys = names.str.lower().str.replace(r"'s\b|[^0-9a-z]+", "", regex=True)
        keys = keys.where(keys != "", names.str.lower())
        self.concept_codes = concept_codes(keys, self._classes(bundle))

    def _classes(self, bundle) -> pd.Series | None:
        """Each row's concept class ("" for none), from the bundle's CONCEPT_CLASSES if any."""
        if not bundle.has(CONCEPT_CLASSES):
            return None
        table = pd.read_csv(
            bundle.file(CONCEPT_CLASSES), sep="\t", dtype=str, keep_default_na=False
        )
        if not {"id", "class"} <= set(table.columns):
            raise BundleError(f"{bundle.path}: {CONCEPT_CLASSES} needs the columns id and class")
        return self.table["id"].map(dict(zip(table["id"], table["class"]))).fillna("")

    def _gene_products(self, bundle) -> np.ndarray:
        """True for the rows the bundle's GENE_PRODUCTS names (a protein's level, named by the
        protein); none for bundles without it."""
        if not bundle.has(GENE_PRODUCTS):
            return np.zeros(len(self.table), dtype=bool)
        table = pd.read_csv(bundle.file(GENE_PRODUCTS), sep="\t", dtype=str, keep_default_na=False)
        if "id" not in table.columns:
            raise BundleError(f"{bundle.path}: {GENE_PRODUCTS} needs the column id")
        return self.table["id"].isin(table["id"]).to_numpy(bool)

    def __len__(self) -> int:
        return len(self.table)

    @property
    def index(self) -> ConceptIndex | None:
        """The bundle's compact index (None for bundles exported without one)."""
        if self._index is None and self._bundle.has(CONCEPT_INDEX):
            self._index = ConceptIndex(self._bundle, len(self.table), self.vectors.table.dim)
        return self._index

    def has(self, concept_id: str) -> bool:
        return concept_id in self._rows_by_id()

    def is_name(self, text: str) -> bool:
        """Whether some concept is named `text` (in any case)."""
        if self._names is None:
            self._names = set(self.table["name"].str.lower())
        return text.lower() in self._names

    def _rows_by_id(self) -> dict:
        if self._rows is None:
            first = ~self.table["id"].duplicated()  # a repeated id keeps its first, preferred name
            self._rows = dict(zip(self.table["id"][first], np.flatnonzero(first)))
        return self._rows

    def rows(self, ids) -> np.ndarray:
        """Catalog rows of ids in the catalog's spelling (items.concept_id). An unknown id is an
        error: embedding it as text would score about 0 with no sign of what went wrong."""
        unknown = [i for i in ids if not self.has(i)]
        if unknown:
            prefix = unknown[0].split(":")[0]
            present = set(self.table["id"].str.split(":").str[0])
            held = [p for p in PREFIXES.split() if p in present]
            if prefix not in held:
                raise InputError(
                    f"unknown concept id {unknown[0]!r}: this model's catalog has no {prefix} ids "
                    f"(it has {', '.join(held)}); give the concept's name, or find its id with "
                    "`pygenerel search`"
                )
            raise InputError(f"unknown concept id {unknown[0]!r}; see `pygenerel search`")
        return np.array([self._rows[i] for i in ids], dtype=np.int64)

    def candidates(self, types=None, snp_query: bool = False) -> np.ndarray:
        """Rows to rank as top concepts: those of the given types, all of them; by default every
        row but identifier-like names and, for a SNP query, genes and gene products (a locus's
        own gene names, and its proteins' levels, are look-alikes of its nearest genes, which are
        reported apart: see nearby_genes.py)."""
        types = self.parse_types(types)
        if types:
            return np.flatnonzero(self.table["type"].isin(types).to_numpy())
        keep = ~self.identifier_like
        if snp_query:
            keep &= (self.table["type"].to_numpy() != GENE) & ~self.gene_product
        return np.flatnonzero(keep)

    def top(
        self, emb: np.ndarray, k: int, rows: np.ndarray, exact: bool = False, proposals=None
    ) -> tuple[np.ndarray, np.ndarray]:
        """The k best of `rows` for each query vector, one per concept (a name spelt alike in
        several ontologies, or a class of cross-referenced ids, appears once, as its best-scoring
        entry): (catalog rows [n, k'], -1 where fewer; scores [n, k'], NaN there),
        k' = min(k, len(rows)) so a huge k costs nothing.

        Candidates come from each query itself, or with proposals = (vectors [g, dim], each
        query's row among them, -1: itself) from its proposal, shared by the queries near it: one
        index scan for several queries, with twice the candidates. Either way a query's result
        depends on that query (and its proposal) alone, never on the others in the call, and
        every score is the query's exact cosine. exact=True ranks every row by its real vector,
        as for a bundle without an index (the reference the index is measured against; it
        encodes every row)."""
        emb, rows = np.asarray(emb, dtype=np.float32), np.asarray(rows, dtype=np.int64)
        k = min(k, len(rows))
        if proposals is None:
            return self._rank_alone(emb, rows, k, exact)
        proposers, proposer_of = proposals
        own = proposer_of < 0  # those propose for themselves
        best = np.full((len(emb), k), -1, dtype=np.int64)
        best_scores = np.full((len(emb), k), np.nan, dtype=np.float32)
        best[own], best_scores[own] = self._rank_alone(emb[own], rows, k, exact)
        room = SHARED_CANDIDATES * candidates_for(k)
        best[~own], best_scores[~own] = self._rank(
            emb[~own], rows, k, exact, proposers, proposer_of[~own], room
        )
        return best, best_scores

    def _rank_alone(self, emb, rows, k, exact):
        """_rank for queries that each propose for themselves."""
        return self._rank(emb, rows, k, exact, emb, np.arange(len(emb)), candidates_for(k))

    def _rank(self, emb, rows, k, exact, proposers, proposer_of, room):
        """top() for queries emb whose candidates are the `room` best of their proposers'."""
        best = np.full((len(emb), k), -1, dtype=np.int64)
        best_scores = np.full((len(emb), k), np.nan, dtype=np.float32)
        if not len(emb) or not len(rows):
            return best, best_scores
        candidates = rows[self._candidates(proposers, rows, room, exact)]
        used = np.zeros(len(self), dtype=bool)
        used[candidates.ravel()] = True
        self.vectors.ensure(np.flatnonzero(used))
        for members, proposer in _blocks_by_proposer(proposer_of, len(proposers)):
            shared = candidates[proposer]  # [b, room]
            scores = self._scores(emb, members, shared)  # [b, m, room]
            member = members >= 0
            query_candidates = np.broadcast_to(shared[:, None, :], scores.shape)[member]
            queries = members[member]
            best[queries], best_scores[queries] = self._best_per_concept(
                scores[member], query_candidates, k
            )
        return best, best_scores

    def _candidates(self, emb, rows: np.ndarray, room: int, exact: bool) -> np.ndarray:
        """[n, min(room, len(rows))] positions in `rows` of each query's best candidates: by the
        index's approximate cosines, or by the real ones (exact, or a bundle without an index)."""
        if room >= len(rows):
            return np.broadcast_to(np.arange(len(rows)), (len(emb), len(rows)))
        if not exact and self.index is not None:
            return self.index.scan(emb, rows, room)
        points = _padded(self.vectors.rows(rows).rows(np.arange(len(rows))))
        out = np.empty((len(emb), room), dtype=np.int64)
        for lo in range(0, len(emb), QUERY_BLOCK):
            scores = emb[lo : lo + QUERY_BLOCK] @ points.T
            scores[:, len(rows) :] = -np.inf  # the padding
            out[lo : lo + QUERY_BLOCK] = best_columns(scores, room)
        return out

    def _scores(self, emb, members: np.ndarray, candidates: np.ndarray) -> np.ndarray:
        """Real cosines [b, m, c] of queries emb[members] ([b, m], -1: none) with the
        candidates [b, c] of their proposer (encoded already): one run of the rescore graph."""
        if self._rescorer is None:  # its threads sleep between runs: the ranking in numpy between
            # them gets the cores (1M rows --top-k 5: 70 s of CPU, against 78-92 s spinning)
            self._rescorer = make_session(RESCORE_GRAPH, spin=False)
        table = self.vectors.table
        feed = {
            "codes": table.codes,
            "scales": table.scales,
            "queries": emb[np.maximum(members, 0)],
            "candidates": candidates,
        }
        scores = self._rescorer.run(["scores"], feed)[0]
        return np.where(np.isfinite(scores), scores, -np.inf)

    def _best_per_concept(self, scores: np.ndarray, candidates: np.ndarray, k: int):
        """The k best candidates [n, c] of each query by their scores [n, c], one per concept
        (concept_codes); ties go to the earlier catalog row. Ranked among each
        query's SHORTLIST * k best only, where those hold k concepts that all beat every other
        candidate (the same result, a fraction of the sorting); among all of them elsewhere."""
        shortlist = SHORTLIST * k
        if scores.shape[1] <= shortlist:
            return self._ranked_per_concept(scores, candidates, k)
        part = np.argpartition(-scores, shortlist, axis=1)
        beyond = np.take_along_axis(scores, part[:, shortlist : shortlist + 1], 1)[:, 0]
        part = part[:, :shortlist]
        best, best_scores = self._ranked_per_concept(
            np.take_along_axis(scores, part, 1), np.take_along_axis(candidates, part, 1), k
        )
        redo = ~(best_scores[:, -1] > beyond)  # fewer than k concepts there, or a tie at the cut
        if redo.any():
            best[redo], best_scores[redo] = self._ranked_per_concept(
                scores[redo], candidates[redo], k
            )
        return best, best_scores

    def _ranked_per_concept(self, scores: np.ndarray, candidates: np.ndarray, k: int):
        order = np.lexsort((candidates, -scores), axis=1)
        candidates = np.take_along_axis(candidates, order, 1)
        scores = np.take_along_axis(scores, order, 1)
        concepts = self.concept_codes[candidates]
        by_concept = np.argsort(concepts, axis=1, kind="stable")
        sorted_concepts = np.take_along_axis(concepts, by_concept, 1)
        repeat = np.zeros(concepts.shape, dtype=bool)
        repeat[:, 1:] = sorted_concepts[:, 1:] == sorted_concepts[:, :-1]
        # a later entry of an earlier concept
        np.put_along_axis(repeat, by_concept, repeat.copy(), 1)
        keep = ~repeat & np.isfinite(scores)
        rank = np.cumsum(keep, axis=1) - 1
        keep &= rank < k
        best = np.full((len(scores), k), -1, dtype=np.int64)
        best_scores = np.full((len(scores), k), np.nan, dtype=np.float32)
        query, column = np.nonzero(keep)
        best[query, rank[query, column]] = candidates[query, column]
        best_scores[query, rank[query, column]] = scores[query, column]
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
        is_id = table["id"].str.lower() == (concept_id(query) or query).lower()
        query = query.translate(APOSTROPHES)
        names = table["name"].str.lower().str.translate(APOSTROPHES)
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


def concept_codes(name_keys: pd.Series, classes: pd.Series | None) -> np.ndarray:
    """One code per concept: rows that share a name key or a class ("type 2 diabetes mellitus" of
    DOID, "type ii diabetes mellitus" of EFO), directly or through others, share a code."""
    by_name = pd.factorize(name_keys)[0]
    if classes is None:
        return by_name
    in_class = (classes != "").to_numpy()
    by_class = pd.factorize(classes[in_class])[0]
    code = by_name.copy()
    while True:
        before = code.copy()
        code[in_class] = pd.Series(code[in_class]).groupby(by_class).transform("min").to_numpy()
        code = pd.Series(code).groupby(by_name).transform("min").to_numpy(copy=True)
        if (code == before).all():
            return code


def _padded(points: np.ndarray) -> np.ndarray:
    """points with zero rows appended up to a multiple of BLOCK rows (see best_columns)."""
    out = np.zeros((-len(points) % BLOCK + len(points), points.shape[1]), np.float32)
    out[: len(points)] = points
    return out


def best_columns(scores: np.ndarray, r: int) -> np.ndarray:
    """Columns of the r largest scores in each row, in no order; the width is a multiple of BLOCK.

    Columns j, j + w, ..., j + (BLOCK - 1) w (w = width / BLOCK) form block j, and a row's r best
    lie in its r blocks with the highest maxima: one fast pass for the maxima, then only those
    blocks are partitioned, instead of a partition of every whole row."""
    n_rows, width = scores.shape
    stride = width // BLOCK
    if r >= stride:
        return np.argpartition(-scores, r - 1, axis=1)[:, :r]
    maxima = scores.reshape(n_rows, BLOCK, stride).max(axis=1)
    blocks = np.argpartition(-maxima, r - 1, axis=1)[:, :r]
    columns = (blocks[:, :, None] + stride * np.arange(BLOCK)).reshape(n_rows, -1)
    values = np.take_along_axis(scores, columns, 1)
    return np.take_along_axis(columns, np.argpartition(-values, r - 1, axis=1)[:, :r], 1)


def _blocks_by_proposer(proposer_of: np.ndarray, n_proposers: int):
    """(members [b, m], query rows sharing a proposer, -1 past its last; proposers [b]) in
    blocks of at most RESCORE_BLOCK proposers and RESCORE_BLOCK * BLOCK padded members: proposers
    taken in order of their number of queries, so a block's padding stays small."""
    order = np.argsort(proposer_of, kind="stable")
    counts = np.bincount(proposer_of, minlength=n_proposers)
    starts = np.cumsum(counts) - counts
    by_size = np.argsort(counts, kind="stable")
    by_size = by_size[counts[by_size] > 0]
    lo = 0
    while lo < len(by_size):
        ahead = counts[by_size[lo : lo + RESCORE_BLOCK]]
        padded = np.arange(1, len(ahead) + 1) * ahead  # members of a block of 1, 2, ... proposers
        b = max(1, int(np.searchsorted(padded, RESCORE_BLOCK * BLOCK, side="right")))
        proposers = by_size[lo : lo + b]
        m = np.arange(counts[proposers[-1]])
        at = starts[proposers][:, None] + m
        members = np.where(
            m < counts[proposers][:, None], order[np.minimum(at, len(order) - 1)], -1
        )
        yield members, proposers
        lo += b
