"""Task `synonym` (text-text), standing in for UMLS: names of one concept should embed together.

Three kinds of pair: a concept's preferred name with each of its synonyms (ontology synonyms,
MeSH entry terms, HGNC aliases, drug names), cross-ontology equivalents (xrefs between loaded
concepts), and GWAS reported traits with the trait the catalog mapped them to.
"""

from __future__ import annotations

import pandas as pd

from .concepts import ConceptRegistry
from .ids import normalize_names
from .links import LINK_COLUMNS, text_links


def synonym_links(
    concepts: ConceptRegistry, ontologies: dict[str, pd.DataFrame], reported_to_mapped: pd.DataFrame
) -> pd.DataFrame:
    """Call after every source has registered its concepts, so all synonyms are known."""
    table = concepts.table()
    exploded = (
        table[["id", "name", "source", "synonyms"]].explode("synonyms").dropna(subset=["synonyms"])
    )
    exact = pd.DataFrame(
        {
            "left_id": exploded["id"].to_numpy(),
            "left_text": exploded["name"].to_numpy(),
            "right_id": exploded["id"].to_numpy(),
            "right_text": exploded["synonyms"].to_numpy(),
            "left_kind": "text",
            "right_kind": "text",
            "task": "synonym",
            "relation": "exact_synonym",
            "source": exploded["source"].to_numpy(),
            "weight": 1.0,
            "split": "train",
        },
        columns=LINK_COLUMNS,
    )

    xrefs = []
    for name, terms in ontologies.items():
        if "xrefs" not in terms:
            continue
        pairs = terms[["id", "xrefs"]].explode("xrefs").dropna()
        known = pairs["xrefs"].map(lambda i: i in concepts)
        xrefs.append(
            text_links(
                concepts,
                pairs.loc[known, "id"],
                pairs.loc[known, "xrefs"],
                "synonym",
                "xref",
                name.upper(),
            )
        )
    xref = pd.concat(xrefs, ignore_index=True)
    unordered = pd.DataFrame(
        {
            "a": xref[["left_id", "right_id"]].min(axis=1),
            "b": xref[["left_id", "right_id"]].max(axis=1),
        }
    )
    xref = xref[~unordered.duplicated().to_numpy()]

    mapped = text_links(
        concepts,
        reported_to_mapped["reported"],
        reported_to_mapped["mapped"],
        "synonym",
        "mapped_trait",
        "GWAS Catalog",
    )
    links = pd.concat(
        [exact, _differently_named(xref), _differently_named(mapped)], ignore_index=True
    )
    return links.sort_values(["relation", "left_id", "right_text"], ignore_index=True)


def _differently_named(links: pd.DataFrame) -> pd.DataFrame:
    """Pairs whose two texts normalise to the same string teach nothing; drop them."""
    same = (
        normalize_names(links["left_text"]).to_numpy()
        == normalize_names(links["right_text"]).to_numpy()
    )
    return links[~same]
