"""Evaluation sets and leakage removal.

Internal benchmarks are the held-out (split=test) links of the gwas, relation and synonym tasks
and the held-out biobank pairs; external ones are DisGeNET curated gene-disease pairs and
DrugCentral drug-target pairs, which never enter training. Every benchmark positive is then
removed from every training source, matching pairs on concept classes (genes by HGNC id,
diseases through xrefs and normalised names, drugs by normalised name, SNPs by rsid).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from . import readers
from .concepts import ConceptRegistry, DrugIds
from .equivalence import ConceptClasses
from .ids import GeneIds, normalize_names
from .rawfiles import RawDir
from .split import pair_keys

BENCHMARK_COLUMNS = [
    "benchmark",
    "left_id",
    "left_text",
    "left_kind",
    "right_id",
    "right_text",
    "right_kind",
    "label",
    "value",
    "right_type",
]
CORRELATION_BENCHMARKS = ("pgrm_ukbb", "bbj_rg")
NEGATIVE_TRIES = 30


def from_links(
    name: str, links: pd.DataFrame, concepts: ConceptRegistry, value=np.nan
) -> pd.DataFrame:
    """Benchmark positives from link rows (label 1, or NaN with a value for correlations)."""
    label = np.nan if name in CORRELATION_BENCHMARKS else 1.0
    return pd.DataFrame(
        {
            "benchmark": name,
            "left_id": links["left_id"].to_numpy(),
            "left_text": links["left_text"].to_numpy(),
            "left_kind": links["left_kind"].to_numpy(),
            "right_id": links["right_id"].to_numpy(),
            "right_text": links["right_text"].to_numpy(),
            "right_kind": links["right_kind"].to_numpy(),
            "label": label,
            "value": value,
            "right_type": concepts.types(links["right_id"]).to_numpy(),
        },
        columns=BENCHMARK_COLUMNS,
    )


def synonym_heldout(test_synonyms: pd.DataFrame, concepts: ConceptRegistry) -> pd.DataFrame:
    """Retrieval: the held-out synonym text on the left, its concept (preferred name) on the right."""
    flipped = test_synonyms.rename(columns={"left_text": "right_text", "right_text": "left_text"})
    return from_links("synonym_heldout", flipped, concepts)


def disgenet(raw: RawDir, concepts: ConceptRegistry, genes: GeneIds) -> pd.DataFrame:
    """DisGeNET curated gene (HGNC) - disease (UMLS CUI) pairs; the diseases join the catalogue."""
    table = readers.read_disgenet(raw)
    table = table.assign(gene=genes.from_entrez(table["entrez_id"]).to_numpy()).dropna(
        subset=["gene"]
    )
    concepts.add(table["umls_id"], table["disease_name"], "disease", "DisGeNET")
    pairs = pd.DataFrame(
        {"left_id": table["gene"].to_numpy(), "right_id": table["umls_id"].to_numpy()}
    )
    return _concept_pairs("disgenet", pairs.drop_duplicates(), concepts)


def drugcentral(
    raw: RawDir, concepts: ConceptRegistry, genes: GeneIds, drugs: DrugIds
) -> pd.DataFrame:
    """DrugCentral drug - human target gene pairs (UniProt accessions mapped to HGNC)."""
    table = readers.read_drugcentral_targets(raw)
    table = table.assign(gene=genes.from_uniprot(table["accession"]).to_numpy()).dropna(
        subset=["gene"]
    )
    drug_ids = drugs.ids(table["drug_name"])
    concepts.add(drug_ids, table["drug_name"], "drug", "DrugCentral")
    pairs = pd.DataFrame({"left_id": drug_ids.to_numpy(), "right_id": table["gene"].to_numpy()})
    return _concept_pairs("drugcentral", pairs.drop_duplicates(), concepts)


def _concept_pairs(name, pairs, concepts) -> pd.DataFrame:
    links = pairs.assign(
        left_text=concepts.names(pairs["left_id"]).to_numpy(),
        right_text=concepts.names(pairs["right_id"]).to_numpy(),
        left_kind="text",
        right_kind="text",
    )
    return from_links(name, links, concepts)


def add_negatives(
    positives: pd.DataFrame, known_pairs: set, classes: ConceptClasses, seed: int
) -> pd.DataFrame:
    """One type-matched negative per positive: the same left item with a right item of the same
    type drawn from this benchmark's right items, not linked to the left item anywhere.
    Drawing from the positives' right items keeps popular items equally common in both labels."""
    rng = np.random.default_rng(seed)
    negatives = positives.copy()
    negatives["label"] = 0.0
    left_keys = classes.keys(negatives["left_id"]).to_numpy()
    ok = np.zeros(len(negatives), dtype=bool)
    pools = {
        t: g[["right_id", "right_text"]].to_numpy() for t, g in positives.groupby("right_type")
    }
    types = negatives["right_type"].to_numpy()
    for _ in range(NEGATIVE_TRIES):
        for kind, pool in pools.items():
            todo = np.flatnonzero(~ok & (types == kind))
            if len(todo) == 0:
                continue
            drawn = pool[rng.integers(0, len(pool), size=len(todo))]
            negatives.iloc[todo, negatives.columns.get_loc("right_id")] = drawn[:, 0]
            negatives.iloc[todo, negatives.columns.get_loc("right_text")] = drawn[:, 1]
            keys = pair_keys(left_keys[todo], classes.keys(drawn[:, 0]).to_numpy(), ordered=False)
            ok[todo] = [key not in known_pairs for key in keys]
    return negatives[ok]


def class_pair_keys(pairs: pd.DataFrame, classes: ConceptClasses) -> pd.Series:
    """The unordered pair of concept classes of each row's ends: what leakage and held-out
    splits match on, so that two ids of one concept count as one."""
    return pair_keys(classes.keys(pairs["left_id"]), classes.keys(pairs["right_id"]), ordered=False)


def link_keys(links: pd.DataFrame, classes: ConceptClasses) -> dict[str, pd.Series]:
    """The keys leakage is matched on, computed once for all links: the pair of concept classes,
    and (normalised text, class of the other end) in both directions for held-out synonyms."""
    left, right = classes.keys(links["left_id"]), classes.keys(links["right_id"])
    return {
        "pair": pair_keys(left, right, ordered=False),
        "forward": pair_keys(normalize_names(links["left_text"]), right, ordered=True),
        "backward": pair_keys(normalize_names(links["right_text"]), left, ordered=True),
    }


def leakage_mask(
    keys: dict[str, pd.Series], benchmark: pd.DataFrame, classes: ConceptClasses
) -> np.ndarray:
    """Which links repeat a benchmark positive (as concept classes), or for held-out synonyms,
    pair the held-out text with its concept."""
    if benchmark["benchmark"].iloc[0] == "synonym_heldout":
        held_out = set(
            pair_keys(
                normalize_names(benchmark["left_text"]),
                classes.keys(benchmark["right_id"]),
                ordered=True,
            )
        )
        return (keys["forward"].isin(held_out) | keys["backward"].isin(held_out)).to_numpy()
    return keys["pair"].isin(set(class_pair_keys(benchmark, classes))).to_numpy()
