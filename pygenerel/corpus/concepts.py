"""The concept catalogue: one row per id with its preferred name, type, source and synonyms.

Sources register concepts as they are read; the first registration of an id fixes its name and
type (ontologies are registered first, so free-text names never override curated ones), and later
registrations only add synonyms.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .ids import drug_key, map_distinct, normalize_name

TYPES = ("disease", "phenotype", "trait", "gene", "drug", "pathway", "anatomy")


class ConceptRegistry:
    def __init__(self):
        self._rows: dict[str, list] = {}  # id -> [name, type, source, {normalised synonym: text}]

    def add(self, ids, names, type_, source: str, synonyms=None) -> None:
        frame = pd.DataFrame(
            {
                "id": pd.Series(ids, dtype=object).to_numpy(),
                "name": pd.Series(names, dtype=object).to_numpy(),
                "type": type_ if isinstance(type_, str) else np.asarray(type_, dtype=object),
                "synonyms": None
                if synonyms is None
                else pd.Series(synonyms, dtype=object).to_numpy(),
            }
        )
        if synonyms is None:
            frame = frame.drop_duplicates(["id", "name"])
        for concept_id, name, kind, extra in frame.itertuples(index=False):
            if kind not in TYPES:
                raise ValueError(f"concept {concept_id}: unknown type {kind!r}")
            row = self._rows.get(concept_id)
            if row is None:
                row = self._rows[concept_id] = [name, kind, source, {}]
            for text in ([name] if row[0] != name else []) + list(extra or ()):
                key = normalize_name(text)
                if key and key != normalize_name(row[0]) and key not in row[3]:
                    row[3][key] = text

    def types_by_name(self, texts, among=("disease", "phenotype", "trait")) -> pd.Series:
        """The type of the concepts (of the types `among`, earlier ones winning) whose preferred
        name, else a synonym, matches each text; None where none does. Types a new concept that
        only has a name."""
        by_name = {}
        for kind in among:  # names of any type beat synonyms; earlier types beat later ones
            rows = [row for row in self._rows.values() if row[1] == kind]
            by_name.update({key: kind for row in rows for key in row[3] if key not in by_name})
        for kind in reversed(among):
            rows = [row for row in self._rows.values() if row[1] == kind]
            by_name.update({normalize_name(row[0]): kind for row in rows})
        return map_distinct(texts, lambda text: by_name.get(normalize_name(text)))

    def names_of_type(self, kind: str) -> dict[str, str]:
        return {i: row[0] for i, row in self._rows.items() if row[1] == kind}

    def __contains__(self, concept_id) -> bool:
        return concept_id in self._rows

    def names(self, ids) -> pd.Series:
        return pd.Series([self._rows[i][0] for i in ids], dtype=object)

    def types(self, ids) -> pd.Series:
        return pd.Series([self._rows[i][1] for i in ids], dtype=object)

    def table(self) -> pd.DataFrame:
        ids = sorted(self._rows)
        rows = [self._rows[i] for i in ids]
        return pd.DataFrame(
            {
                "id": ids,
                "name": [r[0] for r in rows],
                "type": [r[1] for r in rows],
                "source": [r[2] for r in rows],
                "synonyms": [list(r[3].values()) for r in rows],
            }
        )


class DrugIds:
    """Drug concept ids by normalised name: the DrugCentral id where the name is a DrugCentral INN,
    else `drug:<normalised name>`, so DGIdb, Hetionet and DrugCentral names meet on one id."""

    def __init__(self, drugcentral: pd.DataFrame):
        keys = drugcentral["name"].map(drug_key)
        self.by_key = dict(zip(keys, [f"DCentral:{i}" for i in drugcentral["struct_id"]]))

    def ids(self, names) -> pd.Series:
        return map_distinct(
            names, lambda name: self.by_key.get(drug_key(name), f"drug:{drug_key(name)}")
        )


def register_ontologies(registry: ConceptRegistry, ontologies: dict[str, pd.DataFrame]) -> None:
    """MONDO, DOID, EFO, HPO and MeSH (diseases, anatomy) terms, in that order of precedence."""
    ontology_types = {"mondo": "disease", "doid": "disease", "efo": None, "hpo": "phenotype"}
    for name, kind in ontology_types.items():  # EFO terms carry their own type
        terms = ontologies[name]
        kinds = terms["type"] if kind is None else kind
        registry.add(terms["id"], terms["name"], kinds, name.upper(), terms["synonyms"])
    mesh = ontologies["mesh"][ontologies["mesh"]["type"] != "chemical"]
    registry.add(mesh["id"], mesh["name"], mesh["type"], "MeSH", mesh["synonyms"])


def register_drug_synonyms(registry: ConceptRegistry, mesh: pd.DataFrame) -> None:
    """MeSH chemical entry terms (brand names, other spellings) become synonyms of the drug
    concept of the same normalised name; DrugCentral and DGIdb carry no synonyms of their own."""
    chemicals = mesh[mesh["type"] == "chemical"]
    by_name = dict(zip(map_distinct(chemicals["name"], drug_key), chemicals["synonyms"]))
    drugs = registry.names_of_type("drug")
    matched = [(i, n, by_name[drug_key(n)]) for i, n in drugs.items() if drug_key(n) in by_name]
    ids, names, synonyms = zip(*matched) if matched else ((), (), ())
    registry.add(list(ids), list(names), "drug", "MeSH", list(synonyms))


def register_genes(registry: ConceptRegistry, hgnc: pd.DataFrame) -> None:
    """HGNC genes named by symbol, with the full name, aliases and previous symbols as synonyms."""
    synonyms = [[name] + aliases for name, aliases in zip(hgnc["name"], hgnc["aliases"])]
    registry.add(hgnc["hgnc_id"], hgnc["symbol"], "gene", "HGNC", synonyms)


def register_phecodes(registry: ConceptRegistry, phecodes: pd.DataFrame) -> None:
    registry.add("phecode:" + phecodes["phecode"], phecodes["name"], "disease", "phecode")
