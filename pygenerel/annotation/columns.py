"""Which column is which: header aliases kept as data (column_aliases.tsv), explicit overrides, and
a look at the values when no header name says where the SNPs are."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

from pygenerel import snp_ids
from pygenerel.annotation.errors import AnnotateError
from pygenerel.annotation.variants import NUMBER
from pygenerel.errors import shown

ROLES = ("snp", "chr", "pos", "effect_allele", "other_allele", "beta", "or", "se", "p", "log10p")
_RSID_OR_LOCUS = re.compile(snp_ids.SNP_START)
_NUMBER = re.compile(NUMBER)


def normalize_name(name) -> str:
    """'P-value', 'p_value', 'P.VALUE' and '#pvalue' all become 'pvalue'."""
    return re.sub(r"[^a-z0-9]", "", str(name).lower())


@lru_cache(maxsize=1)
def aliases() -> dict[str, list[str]]:
    """role -> normalised aliases, in priority order."""
    table: dict[str, list[str]] = {role: [] for role in ROLES}
    text = resources.files("pygenerel.annotation").joinpath("column_aliases.tsv").read_text()
    rows = [line.split("\t") for line in text.splitlines() if line and not line.startswith("#")]
    for role, alias in rows[1:]:
        table[role].append(normalize_name(alias))
    return table


@dataclass
class ColumnMap:
    """role -> column name, and for each role a few words on why."""

    names: dict[str, str] = field(default_factory=dict)
    why: dict[str, str] = field(default_factory=dict)

    def get(self, role: str) -> str | None:
        return self.names.get(role)

    def describe(self) -> list[str]:
        return [f"{self.names[r]!r} -> {r} ({self.why[r]})" for r in ROLES if r in self.names]


def check_unique(names, source: str) -> None:
    seen: dict[str, int] = {}
    for i, name in enumerate(names, 1):
        if name in seen:
            raise AnnotateError(
                f"{source}: duplicate column name {shown(name)} (columns {seen[name]} and {i})"
            )
        seen[name] = i


def looks_like_data(fields) -> bool:
    """Whether a line's fields look like a data row: an rs id or chr:pos, or mostly numbers."""
    fields = [str(f).strip().strip('"') for f in fields]
    numbers = sum(bool(_NUMBER.match(f)) for f in fields)
    return any(_RSID_OR_LOCUS.match(f) for f in fields) or 2 * numbers > len(fields)


def known_names(names) -> int:
    """How many of the names are aliases of a role (SNP, CHR, BP, P, ...)."""
    known = {alias for role_aliases in aliases().values() for alias in role_aliases}
    return sum(normalize_name(n) in known for n in names)


def check_header_is_names(names, where: str) -> None:
    """A file whose first line is a data row (written without a header: a PLINK .bim, R's
    col.names = FALSE) would lose that row into the header and be read by guesses: refused."""
    named = known_names(names) > 0  # 'SNP P 2015 2016 2017' is a header
    if looks_like_data(names) and not named:
        raise AnnotateError(
            f"{where}: the header looks like a data row ({shown(names, 120)}), not column names; "
            "add a header line (for example SNP CHR BP P)"
        )


def detect_columns(names, overrides=None, sample=None, source: str = "input") -> ColumnMap:
    """Map roles to columns: overrides first, then header aliases, then SNP-like values.

    `overrides` maps role -> column name (e.g. from --snp-col); `sample` maps column name -> a few
    values, used only when no header names a SNP or position column.
    """
    names = [str(n) for n in names]
    check_unique(names, source)
    found = ColumnMap()
    for role, name in (overrides or {}).items():
        if name is None:
            continue
        if name not in names:
            raise AnnotateError(
                f"{source}: no column {shown(name)} for --{role}-col; columns are {shown(names, 300)}"
            )
        found.names[role], found.why[role] = name, f"--{role}-col"
    normalized = [normalize_name(n) for n in names]
    for role, role_aliases in aliases().items():
        if role in found.names:
            continue
        taken = set(found.names.values())
        for alias in role_aliases:
            hits = [n for n, norm in zip(names, normalized) if norm == alias and n not in taken]
            if hits:
                found.names[role], found.why[role] = hits[0], "header alias"
                break
    if "snp" not in found.names and sample is not None:
        _sniff_snp(found, names, sample)
    if "snp" not in found.names and not ("chr" in found.names and "pos" in found.names):
        raise AnnotateError(
            f"{source}: no SNP column and no chromosome + position columns among {shown(names, 300)}; "
            "name them with --snp-col, or --chr-col and --pos-col"
        )
    return found


def _sniff_snp(found: ColumnMap, names, sample) -> None:
    """Take the first unclaimed column whose values are mostly rs ids or chr:pos strings."""
    taken = set(found.names.values())
    for name in names:
        values = [str(v) for v in list(sample.get(name, []))[:200] if v is not None and str(v)]
        if name in taken or not values:
            continue
        if sum(bool(_RSID_OR_LOCUS.match(v)) for v in values) >= 0.8 * len(values):
            found.names["snp"], found.why["snp"] = name, "values look like SNP ids"
            return
