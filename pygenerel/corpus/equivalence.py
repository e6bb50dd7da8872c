"""Equivalence classes of concept ids, used to split and to remove benchmark leakage.

Two ids are one concept when an ontology cross-references one to the other (MONDO <-> DOID <->
EFO <-> MeSH <-> UMLS <-> OMIM/Orphanet) or when their preferred names normalise to the same text.
A cross-reference target claimed by several terms of one ontology (a broad MeSH heading, say) is
ambiguous and is not used, so that classes stay concept-sized.
"""
from __future__ import annotations

import pandas as pd

from .ids import normalize_names

MAX_CLAIMS = 2  # an xref target named by more terms of one ontology than this is ambiguous


class ConceptClasses:
    def __init__(self):
        self._parent: dict[str, str] = {}

    def _find(self, item: str) -> str:
        parent = self._parent
        root = item
        while parent.get(root, root) != root:
            root = parent[root]
        while item != root:  # path compression
            parent[item], item = root, parent[item]
        return root

    def union(self, left_ids, right_ids) -> None:
        for left, right in zip(left_ids, right_ids):
            a, b = self._find(left), self._find(right)
            if a != b:
                self._parent[max(a, b)] = min(a, b)  # the smaller id is the root: order-independent

    def add_xrefs(self, terms: pd.DataFrame) -> None:
        """terms: id, xrefs (list of CURIEs) of one ontology."""
        pairs = terms[["id", "xrefs"]].explode("xrefs").dropna()
        claims = pairs.groupby("xrefs")["id"].transform("nunique")
        pairs = pairs[claims <= MAX_CLAIMS]
        self.union(pairs["id"], pairs["xrefs"])

    def add_same_names(self, ids, names) -> None:
        """Ids whose names normalise to the same text are one concept."""
        frame = pd.DataFrame({"id": list(ids), "key": normalize_names(list(names)).to_numpy()})
        frame = frame[frame["key"].str.len() > 0]
        first = frame.groupby("key")["id"].transform("first")
        self.union(frame["id"], first)

    def keys(self, ids) -> pd.Series:
        """The class key of each id (itself when it is in no class)."""
        ids = pd.Series(ids, dtype=object)
        uniques = ids.unique()
        return ids.map(dict(zip(uniques, (self._find(i) for i in uniques))))

    def sizes(self) -> pd.Series:
        roots = pd.Series([self._find(i) for i in list(self._parent)])
        return roots.value_counts()
