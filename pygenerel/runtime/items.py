"""Tell rsids, `chr:pos` loci and concept texts apart, so one list can mix all three.

Auto-detection is deliberately narrow (an rsid is `rs` + digits; a locus is chromosome:position,
optionally with alleles); everything else is text. `kind` overrides it for the whole list or
per item.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pygenerel.errors import InputError
from pygenerel.genome import normalize_chrom

KINDS = ("auto", "snp", "text")
RSID = re.compile(r"^rs\d+$", re.IGNORECASE)
LOCUS = re.compile(
    r"^(?:chr)?([0-9]{1,2}|X|Y|XY|MT?)[:_\s-](\d+)(?:[:_\s-][ACGTN]+[:_/\s-][ACGTN]+)?$",
    re.IGNORECASE,
)


@dataclass
class Items:
    """Parsed items: `form` is rsid, chrpos, text or invalid for each."""

    raw: list
    form: list[str]
    rsid: list[str]
    chrom: list[str | None]
    pos: list[int]
    text: list[str]


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
    parsed = Items(items, [], [], [], [], [])
    for item, item_kind in zip(items, kinds):
        form, rsid, chrom, pos, text = _parse(item, item_kind)
        parsed.form.append(form)
        parsed.rsid.append(rsid)
        parsed.chrom.append(chrom)
        parsed.pos.append(pos)
        parsed.text.append(text)
    return parsed


def _parse(item, kind):
    if not isinstance(item, str) or not item.strip():
        return "invalid", "", None, -1, ""
    value = item.strip()
    if kind != "text":
        if RSID.match(value):
            return "rsid", value.lower(), None, -1, ""
        locus = LOCUS.match(value)
        if locus and normalize_chrom(locus.group(1)):
            return "chrpos", "", normalize_chrom(locus.group(1)), int(locus.group(2)), ""
        if kind == "snp":
            return "invalid", "", None, -1, ""
    return "text", "", None, -1, value
