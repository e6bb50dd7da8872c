"""Orchestration: read every source, build concepts, SNPs, genes and links, split, cut the
benchmarks, remove their positives from training, and write the Parquet tables and corpus.json."""

from __future__ import annotations

import json
import time
from datetime import datetime, timezone
from pathlib import Path

import numpy as np
import pandas as pd

from pygenerel.genome import Liftover

from . import benchmarks as bench
from . import readers, temporal
from .associations import biobank_links, eqtl_links, gwas_links
from .concepts import (
    ConceptRegistry,
    DrugIds,
    register_drug_synonyms,
    register_genes,
    register_ontologies,
    register_phecodes,
)
from .equivalence import ConceptClasses
from .evidence import evidence_table
from .ids import GeneIds, normalize_names
from .links import WEIGHT_FORMULAS
from .positions import rsid_positions
from .rawfiles import FORBIDDEN, RawDir
from .relations import MAX_LINKS_PER_RELATION, relation_links
from .snps import gene_table, snp_vocabulary
from .split import FRACTIONS, HELD_OUT, assign_splits, held_out, pair_keys
from .synonyms import synonym_links

FORMAT_VERSION = 1
TASKS = ("synonym", "relation", "gwas", "eqtl", "biobank")
SPLITS = ("train", "valid", "test")
BENCHMARKS = (
    "gwas_heldout",
    "gwas_temporal",
    "relation_heldout",
    "disgenet",
    "drugcentral",
    "pgrm_ukbb",
    "bbj_rg",
    "synonym_heldout",
)
CLASS_TYPES = ("disease", "phenotype", "trait")  # types whose same-named ids are one concept
# External benchmarks whose pairs not held out train as relation links: (relation, source).
EXTERNAL_RELATIONS = {
    "disgenet": ("disease_gene", "DisGeNET"),
    "drugcentral": ("drug_gene", "DrugCentral"),
}


def build_corpus(raw_dir, out_dir, seed: int = 0, release: bool = False) -> Path:
    """Build the corpus from the raw folder into `out_dir` and return `out_dir`.

    The evaluation corpus (default) holds every benchmark out of training. A `release` corpus
    trains on everything, benchmark positives and post-cutoff GWAS included; its benchmarks are
    kept only as sanity checks (they are no longer held out)."""
    started = time.time()
    raw, out = RawDir(raw_dir), Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)

    concepts = ConceptRegistry()
    ontologies = {
        "mondo": readers.read_mondo(raw),
        "doid": readers.read_doid(raw),
        "efo": readers.read_efo(raw),
        "hpo": readers.read_hpo(raw),
        "mesh": readers.read_mesh(raw),
    }
    register_ontologies(concepts, ontologies)
    hgnc = readers.read_hgnc(raw)
    genes = GeneIds(hgnc)
    register_genes(concepts, hgnc)
    register_phecodes(concepts, readers.read_phecodes(raw))
    drugcentral = readers.read_drugcentral_structures(raw)
    drugs = DrugIds(drugcentral)
    concepts.add(drugs.ids(drugcentral["name"]), drugcentral["name"], "drug", "DrugCentral")

    relation, relation_report = relation_links(
        raw, concepts, genes, drugs, ontologies["efo"], ontologies["mondo"], seed
    )
    gwas, reported_to_mapped = gwas_links(raw, concepts)
    eqtl = eqtl_links(raw, concepts, genes)
    biobank, ukbb_values, bbj_pairs = biobank_links(raw, concepts)
    register_drug_synonyms(concepts, ontologies["mesh"])
    synonym = synonym_links(concepts, ontologies, reported_to_mapped)
    links = pd.concat([synonym, relation, gwas, eqtl, biobank], ignore_index=True)

    positions, positions_report = rsid_positions(raw)
    snps, vocabulary = snp_vocabulary(raw, links, positions)
    in_vocabulary = (links["left_kind"] != "snp") | links["left_id"].isin(snps["rsid"])
    vocabulary["links_dropped"] = _counts(links.loc[~in_vocabulary, "source"])
    links = links[in_vocabulary].reset_index(drop=True)

    # External benchmarks register their concepts only now, so that their names (DisGeNET's
    # disease names) never become synonym links.
    external = {
        "disgenet": bench.disgenet(raw, concepts, genes),
        "drugcentral": bench.drugcentral(raw, concepts, genes, drugs),
    }
    catalogue = concepts.table()
    classes = _concept_classes(catalogue, ontologies, reported_to_mapped)
    # the id that names each concept's class, "" where the class is the concept alone: the
    # runtime lists a class once among top concepts ("type 2 diabetes" of DOID, MONDO and EFO)
    root = classes.keys(catalogue["id"]).to_numpy(dtype=object)
    in_class = pd.Series(root).duplicated(keep=False).to_numpy()
    catalogue["class"] = np.where(in_class, root, "")
    # a protein panel's level is named by the protein ("moesin measurement"): a look-alike of the
    # locus's own genes, left out of a SNP's top concepts; a level that GWAS Catalog studies took
    # as their trait (LDL cholesterol, C-reactive protein, HbA1c: 86) is a clinical trait and stays
    efo = ontologies["efo"]
    protein = catalogue["id"].isin(efo.loc[efo["gene_product"], "id"])
    catalogue["gene_product"] = protein & ~catalogue["id"].isin(gwas["right_id"])
    external, external_links = _split_external(external, classes, seed, links.columns, release)
    links = pd.concat([links, external_links], ignore_index=True)
    # A relation between two names of one concept (an is-a between equivalent terms) is no relation.
    left_keys, right_keys = classes.keys(links["left_id"]), classes.keys(links["right_id"])
    same_concept = (links["task"] == "relation").to_numpy() & (left_keys == right_keys).to_numpy()
    relation_report["same_concept_dropped"] = int(same_concept.sum())
    links = links[~same_concept].reset_index(drop=True)
    keys = bench.link_keys(links, classes)
    links["split"] = _splits(links, keys, catalogue, seed)
    after_cutoff = temporal.after_cutoff(links)
    new_pairs = temporal.new_pairs(links, keys["pair"], after_cutoff)
    if not release:
        links.loc[after_cutoff, "split"] = "after_cutoff"
    temporal_report = temporal.report(links, after_cutoff, new_pairs)
    found = _benchmarks(links, external, ukbb_values, bbj_pairs, snps, concepts, classes, seed)
    benchmarks = {
        **found,
        "gwas_temporal": bench.from_links("gwas_temporal", links[new_pairs], concepts),
    }
    benchmarks = {name: benchmarks[name] for name in BENCHMARKS}
    if release:
        links.loc[links["split"] == "test", "split"] = "train"
        leakage = {name: {} for name in benchmarks}
    else:
        links = links[~after_cutoff].reset_index(drop=True)
        keys = {name: key[~after_cutoff].reset_index(drop=True) for name, key in keys.items()}
        links, leakage = _remove_leakage(links, keys, benchmarks, classes)
    benchmarks = _with_negatives(benchmarks, links, classes, seed)
    benchmarks, temporal_report["without_position"] = temporal.as_loci(benchmarks, positions)
    snps = _used_snps(snps, links, benchmarks)
    evidence, evidence_report = evidence_table(raw, positions)

    tables = {
        "concepts": catalogue,
        "snps": snps,
        "genes": gene_table(raw, genes, hgnc),
        "links": links,
        "benchmarks": benchmarks,
        "rsid_positions": positions,
        "evidence": evidence,
    }
    for name, table in tables.items():
        table.to_parquet(out / f"{name}.parquet", index=False)
    # GRCh37 -> GRCh38 offsets from HapMap3, so models and bundles can place GRCh37-only variants.
    Liftover.from_hapmap3(raw.root).save(out / "liftover.tsv.gz")
    manifest = _manifest(
        raw, seed, tables, vocabulary, relation_report, leakage, time.time() - started
    )
    manifest["rsid_positions"] = positions_report
    manifest["release"] = release
    manifest["gwas_temporal"] = temporal_report
    manifest["evidence"] = evidence_report
    (out / "corpus.json").write_text(json.dumps(manifest, indent=2) + "\n")
    return out


def _used_snps(snps, links, benchmarks) -> pd.DataFrame:
    """The vocabulary: SNPs that some kept link or SNP benchmark names (an evaluation corpus
    leaves out SNPs known only from after the temporal cutoff: they are locus-only there)."""
    used = set(links.loc[links["left_kind"] == "snp", "left_id"])
    used |= set(benchmarks.loc[benchmarks["left_kind"] == "snp", "left_id"])
    return snps[snps["rsid"].isin(used)].reset_index(drop=True)


def _concept_classes(catalogue, ontologies, reported_to_mapped) -> ConceptClasses:
    classes = ConceptClasses()
    for terms in ontologies.values():
        if "xrefs" in terms:
            classes.add_xrefs(terms)
    table = catalogue[catalogue["type"].isin(CLASS_TYPES)]
    classes.add_same_names(table["id"], table["name"])
    unique = reported_to_mapped[reported_to_mapped["unique"]]
    classes.union(unique["reported"], unique["mapped"])
    return classes


def _split_external(
    external: dict, classes: ConceptClasses, seed: int, columns, release: bool
) -> tuple[dict, pd.DataFrame]:
    """Hold out HELD_OUT[name] of each external benchmark's pairs (by concept-class pair); the
    rest (all of them for a release corpus) become relation links, so the model learns curated
    gene-disease and drug-target pairs and is scored on pairs it never saw."""
    test_pairs, train = {}, []
    for name, pairs in external.items():
        test = held_out(bench.class_pair_keys(pairs, classes).to_numpy(), seed, name)
        test_pairs[name] = pairs[test].reset_index(drop=True)
        relation, source = EXTERNAL_RELATIONS[name]
        trained = pairs if release else pairs[~test]
        train.append(trained.assign(task="relation", relation=relation, source=source, weight=1.0))
    return test_pairs, pd.concat(train, ignore_index=True).reindex(columns=columns)


def _splits(links, keys, catalogue, seed) -> np.ndarray:
    """Seeded split per task on concept-class pair keys. Held-out synonyms are (text, concept)
    pairs whose text is no concept's preferred name, so that the text never reaches training
    through a relation link."""
    split = np.full(len(links), "train", dtype=object)
    for task, (test, valid) in FRACTIONS.items():
        rows = (links["task"] == task).to_numpy()
        task_keys = keys["backward"] if task == "synonym" else keys["pair"]
        split[rows] = assign_splits(task_keys.to_numpy()[rows], seed, task, test, valid)
    preferred = set(normalize_names(catalogue["name"]))
    can_hold_out = (links["relation"] == "exact_synonym") & ~normalize_names(
        links["right_text"]
    ).isin(preferred)
    split[((links["task"] == "synonym") & ~can_hold_out).to_numpy() & (split == "test")] = "train"
    for relation, benchmark in (("snp_phecode", "pgrm_ukbb"), ("genetic_correlation", "bbj_rg")):
        rows = ((links["task"] == "biobank") & (links["relation"] == relation)).to_numpy()
        split[rows] = np.where(
            held_out(keys["pair"].to_numpy()[rows], seed, benchmark), "test", "train"
        )
    return split


def _benchmarks(links, external, ukbb_values, bbj_pairs, snps, concepts, classes, seed) -> dict:
    test = links[links["split"] == "test"]
    found = {
        "gwas_heldout": bench.from_links("gwas_heldout", test[test["task"] == "gwas"], concepts),
        "relation_heldout": bench.from_links(
            "relation_heldout", test[test["task"] == "relation"], concepts
        ),
        "synonym_heldout": bench.synonym_heldout(test[test["task"] == "synonym"], concepts),
        **external,
    }
    ukbb = ukbb_values[ukbb_values["rsid"].isin(snps["rsid"])]
    ukbb_keys = pair_keys(ukbb["rsid"], classes.keys(ukbb["right_id"]), ordered=False)
    ukbb = ukbb[held_out(ukbb_keys, seed, "pgrm_ukbb")]
    found["pgrm_ukbb"] = bench.from_links(
        "pgrm_ukbb",
        ukbb.assign(
            left_id=ukbb["rsid"],
            left_text=ukbb["rsid"],
            left_kind="snp",
            right_text=concepts.names(ukbb["right_id"]).to_numpy(),
            right_kind="text",
        ),
        concepts,
        ukbb["value"].to_numpy(),
    )
    bbj = bbj_pairs[held_out(bench.class_pair_keys(bbj_pairs, classes), seed, "bbj_rg")]
    found["bbj_rg"] = bench.from_links(
        "bbj_rg",
        bbj.assign(
            left_text=concepts.names(bbj["left_id"]).to_numpy(),
            left_kind="text",
            right_text=concepts.names(bbj["right_id"]).to_numpy(),
            right_kind="text",
        ),
        concepts,
        bbj["value"].to_numpy(),
    )
    return found


def _remove_leakage(links, keys, benchmarks, classes):
    """Drop every train/valid link that repeats a positive of any benchmark; count by source."""
    trainable = (links["split"] != "test").to_numpy()
    leaked = np.zeros(len(links), dtype=bool)
    report = {}
    for name, positives in benchmarks.items():
        mask = bench.leakage_mask(keys, positives, classes) & trainable
        report[name] = _counts(links.loc[mask, "source"])
        leaked |= mask
    return links[~leaked].reset_index(drop=True), report


def _with_negatives(benchmarks, links, classes, seed) -> pd.DataFrame:
    """Positives plus one type-matched negative each (not for the correlation benchmarks)."""
    known = set(bench.class_pair_keys(links, classes))
    for positives in benchmarks.values():
        known |= set(bench.class_pair_keys(positives, classes))
    parts = []
    for index, (name, positives) in enumerate(benchmarks.items()):
        parts.append(positives)
        if name not in bench.CORRELATION_BENCHMARKS:
            parts.append(bench.add_negatives(positives, known, classes, seed + index))
    return pd.concat(parts, ignore_index=True)


def _counts(values: pd.Series) -> dict:
    return {str(k): int(v) for k, v in values.value_counts().sort_index().items()}


def _manifest(raw, seed, tables, vocabulary, relation_report, leakage, seconds) -> dict:
    links, benchmarks, concepts = tables["links"], tables["benchmarks"], tables["concepts"]
    by_task = links.groupby(["task", "split"]).size()
    return {
        "format_version": FORMAT_VERSION,
        "created": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "seed": seed,
        "split_seeds": {
            "seed": seed,
            "fractions": {t: {"test": f[0], "valid": f[1]} for t, f in FRACTIONS.items()},
            "biobank_held_out": HELD_OUT,
        },
        "sources": [
            {**entry, "licence": readers.licence_of(entry["path"])} for entry in raw.manifest()
        ],
        "excluded_sources": {
            path: "DrugBank content is CC BY-NC 4.0: never read" for path in FORBIDDEN
        },
        "tables": {name: len(table) for name, table in tables.items()},
        "concepts_by_type": _counts(concepts["type"]),
        "links_by_task_split": {t: {s: int(by_task.get((t, s), 0)) for s in SPLITS} for t in TASKS},
        "links_by_relation": _counts(links["relation"]),
        "benchmarks": {
            name: {
                "positives": int((group["label"] != 0).sum()),
                "negatives": int((group["label"] == 0).sum()),
            }
            for name, group in benchmarks.groupby("benchmark", sort=False)
        },
        "leakage_removed": leakage,
        "snp_vocabulary": vocabulary,
        "removed": {
            "hetionet_cbg_cc_by_nc_rows": relation_report["hetionet_cbg_dropped_cc_by_nc"],
            "dgidb_drugbank_claim_rows": relation_report["dgidb_drugbank_claims_dropped"],
            "relation_between_equivalent_concepts": relation_report["same_concept_dropped"],
            "relation_capped": {
                "max_links_per_relation": MAX_LINKS_PER_RELATION,
                **relation_report["capped"],
            },
            "snp_links_outside_the_vocabulary": vocabulary["links_dropped"],
        },
        "weights": WEIGHT_FORMULAS,
        "build_seconds": round(seconds, 1),
    }


def summary(manifest: dict) -> str:
    """The build summary printed by `pygenerel corpus build`."""
    lines = ["concepts by type:"]
    lines += [f"  {t:<10} {n:>9,}" for t, n in manifest["concepts_by_type"].items()]
    vocab = manifest["snp_vocabulary"]
    kept = ", ".join(f"{s} {n:,}" for s, n in vocab["by_source"].items())
    outside = ", ".join(f"{s} {n:,}" for s, n in vocab["by_source_outside_hapmap3"].items())
    dropped = ", ".join(
        f"{s} {n:,} ({vocab['dropped_why'][s]})" for s, n in vocab["dropped"].items()
    )
    lines.append(f"SNPs: {vocab['n']:,} ({kept}; outside HapMap3: {outside}); left out: {dropped}")
    cut = manifest["gwas_temporal"]
    lines.append(
        f"gwas_temporal: studies from {cut['cutoff']}: {cut['links_after_cutoff']:,} links held out "
        f"of training, {cut['new_pairs']:,} new (SNP, trait) pairs, "
        f"{cut['without_position']:,} without a position dropped"
    )
    lines.append(f"genes: {manifest['tables']['genes']:,}")
    positions = manifest["rsid_positions"]
    found = ", ".join(f"{s} {n:,}" for s, n in positions["by_source"].items())
    lines.append(f"rsid positions: {positions['n']:,} rsids ({found})")
    lines.append(f"links by task and split:  {'train':>9} {'valid':>9} {'test':>9}")
    for task, splits in manifest["links_by_task_split"].items():
        lines.append(f"  {task:<22} " + " ".join(f"{splits[s]:>9,}" for s in SPLITS))
    lines.append(f"benchmarks:               {'positives':>9} {'negatives':>9}")
    for name, sizes in manifest["benchmarks"].items():
        lines.append(f"  {name:<22} {sizes['positives']:>9,} {sizes['negatives']:>9,}")
    lines.append("leakage removed from training (benchmark: source n):")
    for name, by_source in manifest["leakage_removed"].items():
        detail = ", ".join(f"{s} {n:,}" for s, n in by_source.items()) or "none"
        lines.append(f"  {name:<22} {detail}")
    lines.append(f"built in {manifest['build_seconds']} s")
    return "\n".join(lines)
