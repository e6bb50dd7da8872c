"""Identifier and name normalisation, so that one concept gets one id whichever source names it.

Benchmark leakage is checked on these normalised forms, so every source must go through them.
"""

from __future__ import annotations

import functools
import re
import unicodedata

import numpy as np
import pandas as pd

# Namespace spellings used by the ontologies' xrefs and by URIs -> the prefix used in concept ids.
NAMESPACES = {
    "MONDO": "MONDO",
    "DOID": "DOID",
    "EFO": "EFO",
    "HP": "HP",
    "UBERON": "UBERON",
    "GO": "GO",
    "MESH": "MESH",
    "MSH": "MESH",
    "UMLS": "UMLS",
    "UMLS_CUI": "UMLS",
    "OMIM": "OMIM",
    "MIM": "OMIM",
    "ORPHANET": "Orphanet",
    "ORPHA": "Orphanet",
    "ORDO": "Orphanet",
}

_NON_ALNUM = re.compile(r"[^0-9a-z]+")
_URI_TAIL = re.compile(r"([A-Za-z]+)_([A-Za-z0-9]+)$")


@functools.lru_cache(maxsize=1_000_000)
def normalize_name(text: str) -> str:
    """Lower-case, accent-free, punctuation-free form of a name: 'Crohn's Disease' -> 'crohn s disease'."""
    text = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode()
    return _NON_ALNUM.sub(" ", text.lower()).strip()


def normalize_names(texts) -> pd.Series:
    """normalize_name over a column (None stays None)."""
    return map_distinct(texts, lambda t: normalize_name(t) if isinstance(t, str) else None)


def map_distinct(values, function) -> pd.Series:
    """function(value) for each value, computed once per distinct value; an object Series
    (Python strings map much faster than Arrow-backed ones)."""
    values = np.asarray(values, dtype=object)
    results = {}
    for value in values:
        if value not in results:
            results[value] = function(value)
    return pd.Series([results[v] for v in values], dtype=object)


def curie(namespace: str, local_id: str) -> str | None:
    """('MSH', 'D003924') -> 'MESH:D003924'; ('mondo', '0005148') -> 'MONDO:0005148'; None if unused."""
    prefix = NAMESPACES.get(str(namespace).upper())
    if prefix is None or not local_id:
        return None
    local_id = str(local_id)
    if ":" in local_id:  # 'DOID:1234' given as the local part
        local_id = local_id.split(":", 1)[1]
    return f"{prefix}:{local_id}"


def curie_from_uri(uri: str) -> str | None:
    """'http://www.ebi.ac.uk/efo/EFO_0004703' -> 'EFO:0004703'; Orphanet, GO, HP, UBERON likewise."""
    match = _URI_TAIL.search(str(uri).strip())
    return curie(match.group(1), match.group(2)) if match else None


def normalize_phecode(code) -> str:
    """'008' / 8 / '8.0' -> '8', '250.20' -> '250.2': phecodes are decimal numbers written many ways."""
    text = str(code).strip()
    whole, _, fraction = text.partition(".")
    whole = whole.lstrip("0") or "0"
    fraction = fraction.rstrip("0")
    return f"{whole}.{fraction}" if fraction else whole


def drug_key(name: str) -> str:
    """Drugs are matched by normalised name across DrugCentral, DGIdb and Hetionet."""
    return normalize_name(name)


class GeneIds:
    """Maps Entrez ids, Ensembl ids, UniProt accessions and symbols to HGNC ids.

    Approved symbols win over alias and previous symbols; an alias shared by several genes maps
    to none of them, because guessing would put a gene pair in the wrong place.
    """

    def __init__(self, hgnc: pd.DataFrame):
        self.symbol_of = dict(zip(hgnc["hgnc_id"], hgnc["symbol"]))
        self.by_entrez = _unique_map(hgnc["entrez_id"], hgnc["hgnc_id"])
        self.by_ensembl = _unique_map(hgnc["ensembl_id"], hgnc["hgnc_id"])
        uniprot = hgnc[["hgnc_id", "uniprot_ids"]].explode("uniprot_ids")
        self.by_uniprot = _unique_map(uniprot["uniprot_ids"], uniprot["hgnc_id"])
        aliases = hgnc[["hgnc_id", "aliases"]].explode("aliases")
        alias = _unique_map(aliases["aliases"].str.upper(), aliases["hgnc_id"])
        approved = dict(zip(hgnc["symbol"].str.upper(), hgnc["hgnc_id"]))
        self.by_symbol = {**alias, **approved}

    def from_entrez(self, ids) -> pd.Series:
        return map_distinct(ids, lambda i: self.by_entrez.get(str(i).strip()))

    def from_ensembl(self, ids) -> pd.Series:
        return map_distinct(ids, lambda i: self.by_ensembl.get(str(i).split(".")[0]))

    def from_uniprot(self, accessions) -> pd.Series:
        return map_distinct(accessions, self.by_uniprot.get)

    def from_symbol(self, symbols) -> pd.Series:
        return map_distinct(symbols, lambda s: self.by_symbol.get(str(s).strip().upper()))


def _unique_map(keys, values) -> dict:
    """{key: value} keeping only keys that map to exactly one value."""
    frame = pd.DataFrame({"key": pd.Series(keys).to_numpy(), "value": pd.Series(values).to_numpy()})
    frame = frame.dropna()
    frame = frame[frame["key"].map(str).str.len() > 0].drop_duplicates()
    frame = frame[~frame["key"].duplicated(keep=False)]
    return dict(zip(frame["key"], frame["value"]))
