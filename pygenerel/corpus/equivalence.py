"""Equivalence classes of concept ids, used to split and to remove benchmark leakage.

Two ids are one concept when an ontology cross-references one to the other (MONDO <-> DOID <->
EFO <-> MeSH <-> UMLS <-> OMIM/Orphanet) or when their preferred names normalise to the same text.
Only one-to-one cross-references count: a target claimed by several terms of one ontology (a broad
MeSH heading), or a term pointing to several ids of one namespace (DOID 'myopia' listing the OMIM
ids of all its subtypes), groups related concepts rather than naming one, and would chain whole
disease families into one class.
"""

from __future__ import annotations

import pandas as pd

from .ids import map_distinct, normalize_names


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
        pairs = terms[["id", "xrefs"]].explode("xrefs").dropna().drop_duplicates()
        pairs["namespace"] = pairs["xrefs"].str.split(":").str[0]
        claimed_once = pairs.groupby("xrefs")["id"].transform("size") == 1
        one_per_namespace = pairs.groupby(["id", "namespace"])["xrefs"].transform("size") == 1
        pairs = pairs[claimed_once & one_per_namespace]
        self.union(pairs["id"], pairs["xrefs"])

    def add_same_names(self, ids, names) -> None:
        """Ids whose names normalise to the same text are one concept."""
        frame = pd.DataFrame({"id": list(ids), "key": normalize_names(list(names)).to_numpy()})
        frame = frame[frame["key"].str.len() > 0]
        first = frame.groupby("key")["id"].transform("first")
        self.union(frame["id"], first)

    def keys(self, ids) -> pd.Series:
        """The class key of each id (itself when it is in no class)."""
        return map_distinct(ids, self._find)

    def sizes(self) -> pd.Series:
        roots = pd.Series([self._find(i) for i in list(self._parent)])
        return roots.value_counts()
