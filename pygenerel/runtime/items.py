"""Tell rsids, `chr:pos` loci, concept ids and concept texts apart, so one list can mix them.

Auto-detection is deliberately narrow (an rsid is `rs` + digits; a locus is chromosome:position,
optionally with alleles; a concept id is a known ontology prefix and a code, or a code that names
its scheme alone, D003924 or ENSG00000148737); everything else is
text, but for what starts like an rsid or locus and does not parse (a typo: rs7903146x,
chr10:11299859O, 1:12345:I:D), which is invalid (NaN), never embedded as a concept name. `kind`
overrides it for the whole list or per item: "snp" never reads an id, "text" reads an id as its
concept (an id is a concept, never text to embed as written). A trait abbreviation (T2D, SCZ, BMI)
stands for its concept where the catalog has it, unless it is a catalog name of its own (CAD, the
gene) and not read as a trait (kind "text", as traits are read).
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from pathlib import Path

from pygenerel import snp_ids
from pygenerel.errors import InputError, shown
from pygenerel.genome import normalize_chrom

KINDS = ("auto", "snp", "text")
RSID, LOCUS, SNP_LIKE = (
    re.compile(p) for p in (snp_ids.RSID, snp_ids.LOCUS_ITEM, snp_ids.SNP_LIKE)
)
# Catalog id prefixes as the catalog spells them, keyed by lower case, plus other spellings of them.
PREFIXES = (
    "EFO MONDO DOID HP MESH HGNC phecode OMIM Orphanet UMLS UBERON GO DECIPHER ENSEMBL DCentral"
)
ALIASES = {"orpha": "Orphanet", "mim": "OMIM", "drugcentral": "DCentral"}
# Schemes the catalog does not hold. Their ids are still ids, an error naming them, never texts to
# embed: "NCBIGene:6934" as text scores about 0.05 against anything, with no sign of what is wrong.
FOREIGN_PREFIXES = (
    "NCBIGene Entrez GeneID CHEBI ChEMBL DrugBank NCIT SNOMEDCT SNOMEDCT_US SCTID ICD9 ICD9CM "
    "ICD10 ICD10CM ICD11 MedDRA RxNorm KEGG PubChem UniProtKB UniProt Reactome NCBITaxon CL PR "
    "GARD MedGen"
)
ID_PREFIXES = {p.lower(): p for p in (PREFIXES + " " + FOREIGN_PREFIXES).split()} | ALIASES
# PREFIX:code or PREFIX_code (as in OBO URIs, which may be given whole), code like 0000384,
# D003924, C0011860, ENSG00000139618, 250.2 or (another scheme's) E11.9, hsa04930.
CONCEPT_ID = re.compile(
    r"^(?:https?://\S*/)?([A-Za-z][A-Za-z0-9]*(?:_US)?)[:_]([A-Za-z0-9.-]*\d[A-Za-z0-9.-]*)$"
)
KNOWN_CODE = re.compile(r"^[A-Za-z]{0,4}\d+(?:\.\d+)?$")
# Trait abbreviations as GWAS papers write them, each with the catalog id it stands for: read as
# written, "T2D" sits among gene names (TM2D2, TSTD2) and a score against it means nothing.
with open(Path(__file__).with_name("trait_abbreviations.tsv"), newline="") as _file:
    ABBREVIATIONS = {
        row["abbreviation"].lower(): row["id"] for row in csv.DictReader(_file, delimiter="\t")
    }
# Phenotype codes (FinnGen T2D_WIDE, UK Biobank 20002_1223 or f.21001.0.0, ICD-10 E11.9) written
# as a trait: the model reads their letters, not the trait (T2D_WIDE scores 0.10 with rs7903146).
CODE_LIKE = re.compile(
    r"^(?:[A-Z0-9]+(?:_[A-Z0-9]+)+|\d+(?:[_.]\d+)*|[A-Z]\d{2}(?:\.\d+)?|f\.\d+(?:\.\d+)*)$"
)
# Ids written without their prefix, where the code alone says the scheme.
BARE_IDS = (
    (re.compile(r"^ENS[GTP]\d{11}(?:\.\d+)?$", re.IGNORECASE), "ENSEMBL"),  # GTEx adds a version
    (re.compile(r"^D\d{6}$", re.IGNORECASE), "MESH"),
    (re.compile(r"^C\d{7}$", re.IGNORECASE), "UMLS"),
    (re.compile(r"^CHEMBL\d+$", re.IGNORECASE), "ChEMBL"),
    (re.compile(r"^DB\d{5}$", re.IGNORECASE), "DrugBank"),
)


@dataclass
class Items:
    """Parsed items: `form` is rsid, chrpos, id, abbreviation (of a trait, with the id it stands
    for), text or invalid for each."""

    raw: list
    form: list[str]
    rsid: list[str]
    chrom: list[str | None]
    pos: list[int]
    text: list[str]
    concept_id: list[str | None]


def concept_id(value: str) -> str | None:
    """The catalog's spelling of an ontology id (efo_0000384 -> EFO:0000384, ENSG00000148737.17
    -> ENSEMBL:ENSG00000148737); None if not an id. Ids of schemes the catalog lacks come out
    as PREFIX:code, for the catalog to refuse by name."""
    value = value.strip()
    for pattern, prefix in BARE_IDS:
        if pattern.match(value):
            value = f"{prefix}:{value}"
    found = CONCEPT_ID.match(value)
    if not found or found.group(1).lower() not in ID_PREFIXES:
        return None
    prefix, code = ID_PREFIXES[found.group(1).lower()], found.group(2)
    if prefix not in PREFIXES.split():
        return f"{prefix}:{code}"
    if prefix == "ENSEMBL":
        code = code.split(".")[0]
    return f"{prefix}:{code.upper()}" if KNOWN_CODE.match(code) else None


def read_as_note(item: str, name: str) -> str:
    """What an abbreviation was read as, in the words the CLI, R and annotate all use."""
    return f"{shown(item)} read as {shown(name)}, as GWAS abbreviate it"


def looks_like_code(text: str) -> bool:
    """Whether a text reads as a phenotype code rather than a name (ids and abbreviations aside)."""
    text = text.strip()
    return (
        bool(CODE_LIKE.match(text)) and not concept_id(text) and text.lower() not in ABBREVIATIONS
    )


def parse_items(items, kind="auto") -> Items:
    if isinstance(items, str):
        items = [items]
    items = list(items)
    kinds = [kind] * len(items) if isinstance(kind, str) else list(kind)
    if len(kinds) != len(items):
        raise InputError(f"kind has {len(kinds)} entries for {len(items)} items")
    bad = set(kinds) - set(KINDS)
    if bad:
        raise InputError(f"kind must be one of {KINDS}, got {sorted(bad)}")
    parsed = Items(items, [], [], [], [], [], [])
    for item, item_kind in zip(items, kinds):
        form, rsid, chrom, pos, text, cid = _parse(item, item_kind)
        parsed.form.append(form)
        parsed.rsid.append(rsid)
        parsed.chrom.append(chrom)
        parsed.pos.append(pos)
        parsed.text.append(text)
        parsed.concept_id.append(cid)
    return parsed


def _parse(item, kind):
    if not isinstance(item, str) or not item.strip():
        return "invalid", "", None, -1, "", None
    value = item.strip()
    if kind != "text":
        if RSID.match(value):
            return "rsid", value.lower(), None, -1, "", None
        locus = LOCUS.match(value)
        if locus and normalize_chrom(locus["c"]):
            return "chrpos", "", normalize_chrom(locus["c"]), int(locus["p"]), "", None
        if kind == "snp" or SNP_LIKE.match(value):
            return "invalid", "", None, -1, "", None
    cid = concept_id(value)
    if not cid and value.lower() in ABBREVIATIONS:
        return "abbreviation", "", None, -1, value, ABBREVIATIONS[value.lower()]
    return ("id" if cid else "text"), "", None, -1, value, cid
