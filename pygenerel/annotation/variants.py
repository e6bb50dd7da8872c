"""Turning messy SNP, chromosome, position and P columns into clean arrays (vectorised, pyarrow).

Parsing works on copies: the original strings pass through to the output untouched.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from pygenerel import snp_ids
from pygenerel.annotation.errors import AnnotateError
from pygenerel.errors import shown
from pygenerel.genome import normalize_chrom

NA_TOKENS = ["", "na", "nan", "n/a", "null", "none", ".", "-", "?"]
_INT = r"^[0-9]+$"
# a position with digit grouping, as a spreadsheet shows it: '112,998,590', '32 413 051', '1.234.567'
_GROUPED = r"^[0-9]{1,3}([,'\s\x{a0}\x{202f}\x{2009}][0-9]{3})+$|^[0-9]{1,3}(\.[0-9]{3}){2,}$"
# a number written as text: P values, positions, and names that are numbers in a header
NUMBER = r"^[-+]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][-+]?[0-9]+)?$"
# A P reported as a bound: "<1e-300" (past a tool's float range), "< 2.2e-16" (R's format.pval)
_P_BOUND = r"^<\s*"  # on trimmed text (as_strings)
# A P with a decimal comma, "1,5e-8" (a spreadsheet in a German or French locale); a P is at most
# 1, so the comma cannot separate thousands
_DECIMAL_COMMA = r"^(<?\s*[0-9]*),([0-9]+([eE][-+]?[0-9]+)?)$"


@dataclass
class Variants:
    """Per row, as pyarrow arrays: rsid ('rs123' or null), chromosome ('1'..'22', 'X', 'Y', 'MT' or
    null) and position (int64 or null). Rows become numpy only when taken: most never are."""

    rsids: pa.Array
    chroms: pa.Array
    positions: pa.Array

    def __len__(self) -> int:
        return len(self.positions)

    def located(self) -> np.ndarray:
        """Indices of the rows with both a chromosome and a position."""
        return np.flatnonzero(
            pc.and_(pc.is_valid(self.chroms), pc.is_valid(self.positions)).to_numpy(
                zero_copy_only=False
            )
        )

    def take(self, rows=None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(rsids, chroms, positions) for `rows` (default all) as numpy: None and -1 for unknown."""
        arrays = [self.rsids, self.chroms, self.positions]
        if rows is not None:
            arrays = [a.take(pa.array(rows, pa.int64())) for a in arrays]
        rsids, chroms, positions = arrays
        return (
            rsids.to_numpy(zero_copy_only=False),
            chroms.to_numpy(zero_copy_only=False),
            pc.fill_null(positions, -1).to_numpy(),
        )


def as_strings(values) -> pa.Array:
    """Any array-like as a trimmed pyarrow string array (nulls stay null), seen through the
    quotes R's write.table puts around values ('"rs123"' -> 'rs123'); for parsing only."""
    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks()
    if not isinstance(values, pa.Array):
        values = pa.array(np.asarray(values, dtype=object), from_pandas=True, type=pa.string())
    elif not pa.types.is_string(values.type):
        values = pc.cast(values, pa.string())  # large_string (pandas 3, Polars), dictionary, ...
    values = pc.utf8_trim_whitespace(values)
    if pc.any(pc.starts_with(values, '"')).as_py():
        values = pc.utf8_trim_whitespace(pc.replace_substring_regex(values, r'^"(.*)"$', r"\1"))
    return values


def _numeric(values) -> bool:
    return isinstance(values, (pa.Array, pa.ChunkedArray)) and (
        pa.types.is_integer(values.type) or pa.types.is_floating(values.type)
    )


def parse_rsids(values) -> pa.Array:
    """'rs123', 'RS123', '1:123:rs123:A:G' -> 'rs123'; anything else -> null."""
    return _parse_snp(values)[0]


def normalize_chroms(values) -> pa.Array:
    """'chr1', '01', '23', 'X', 'chrM' -> '1', '1', 'X', 'X', 'MT'; junk -> null.

    Each distinct value goes once through genome.normalize_chrom, the project's one definition.
    """
    encoded = pc.dictionary_encode(as_strings(values))
    canonical = pa.array([normalize_chrom(v) for v in encoded.dictionary.to_pylist()], pa.string())
    return pc.take(canonical, encoded.indices)


def parse_positions(values) -> pa.Array:
    """Positive integer positions (also '1.5e+07' as R writes them, '112,998,590' as a spreadsheet
    shows them); anything else -> null (check_positions tells junk from NA)."""
    if _numeric(values):
        values = pc.cast(values, pa.float64())
    text = as_strings(values)
    try:
        ints = pc.cast(text, pa.int64())  # the common, clean case in one pass
    except pa.ArrowInvalid:
        grouped = pc.fill_null(pc.match_substring_regex(text, _GROUPED), False)
        text = pc.if_else(grouped, pc.replace_substring_regex(text, "[^0-9]", ""), text)
        ints = pc.cast(pc.if_else(pc.match_substring_regex(text, _INT), text, None), pa.int64())
        floats = pc.cast(
            pc.if_else(pc.match_substring_regex(text, NUMBER), text, None), pa.float64()
        )
        whole = pc.and_(pc.equal(floats, pc.floor(floats)), pc.less(floats, 1e12))
        ints = pc.coalesce(ints, pc.cast(pc.if_else(whole, floats, None), pa.int64()))
    return pc.if_else(pc.greater(ints, 0), ints, None)


def parse_chrpos(values) -> tuple[pa.Array, pa.Array]:
    """'chr1:12345:A:G', '1_12345_A_G_b38', 'X:5' -> (chromosome, position); others -> nulls."""
    return _parse_snp(values)[1:]


def _parse_snp(values) -> tuple[pa.Array, pa.Array, pa.Array]:
    """(rsid, chromosome, position) from SNP strings; plain rs ids skip the slower regexes."""
    text = pc.utf8_lower(as_strings(values))
    plain = pc.fill_null(pc.match_substring_regex(text, snp_ids.RSID), False)
    rsids = pc.if_else(plain, text, None)
    chroms, positions = pa.nulls(len(text), pa.string()), pa.nulls(len(text), pa.int64())
    messy = pc.invert(plain)
    if pc.any(messy).as_py():
        rest = pc.filter(text, messy)
        found_rs = pc.struct_field(pc.extract_regex(rest, snp_ids.RSID_INSIDE), "n")
        found = pc.extract_regex(rest, snp_ids.LOCUS_START)
        rsids = pc.replace_with_mask(rsids, messy, pc.binary_join_element_wise("rs", found_rs, ""))
        found_chroms = normalize_chroms(pc.struct_field(found, "c"))
        found_positions = pc.if_else(
            pc.is_valid(found_chroms), parse_positions(pc.struct_field(found, "p")), None
        )
        chroms = pc.replace_with_mask(chroms, messy, found_chroms)
        positions = pc.replace_with_mask(positions, messy, found_positions)
    return rsids, chroms, positions


def parse_numbers(
    values, column: str, source: str, locate=lambda row: f"row {row + 1}", bounds: bool = False
) -> pa.Array:
    """Numbers as float64, NA-like tokens as null; any other text is an error naming its line.
    bounds=True (P values) reads a value given as an upper bound ("<1e-300") as that bound, and
    a decimal comma ("1,5e-8") as a decimal point."""
    if _numeric(values):
        return pc.cast(values, pa.float64())
    text = as_strings(values)
    try:
        return pc.cast(text, pa.float64())  # the common, clean case in one pass
    except pa.ArrowInvalid:
        pass
    if bounds:
        text = pc.replace_substring_regex(text, _DECIMAL_COMMA, r"\1.\2")
        text = pc.replace_substring_regex(text, _P_BOUND, "")
    numeric = pc.match_substring_regex(text, NUMBER)
    _refuse_non_numeric(text, numeric, column, source, locate)
    return pc.cast(pc.if_else(numeric, text, None), pa.float64())


def check_positions(values, column: str, source: str, locate=lambda row: f"row {row + 1}"):
    """A position that is neither a number nor NA-like is an error naming its line, as for P:
    read as missing, its row would go unscored with no word of why. Zero, negative or fractional
    numbers are no error (PLINK writes 0 for an unplaced variant): they place nothing."""
    if _numeric(values):
        return
    text = as_strings(values)
    try:
        pc.cast(text, pa.int64())  # the common, clean case in one pass
        return
    except pa.ArrowInvalid:
        pass
    numeric = pc.or_(
        pc.match_substring_regex(text, NUMBER), pc.match_substring_regex(text, _GROUPED)
    )
    _refuse_non_numeric(text, numeric, column, source, locate)


def _refuse_non_numeric(text: pa.Array, numeric: pa.Array, column, source, locate) -> None:
    missing = pc.or_(pc.is_null(text), pc.is_in(pc.utf8_lower(text), value_set=pa.array(NA_TOKENS)))
    bad = pc.invert(pc.or_(pc.fill_null(numeric, False), pc.fill_null(missing, True)))
    if pc.any(bad).as_py():
        row = pc.index(bad, True).as_py()
        raise AnnotateError(
            f"{source} {locate(row)}: column {column!r} has a non-numeric value "
            f"{shown(text[row].as_py())}"
        )


def parse_p_values(column, columns, source: str, locate=lambda row: f"row {row + 1}"):
    """P per row from the table's P or -log10 P column, or None without either: `column(name)`
    gives that column's values; a P given as a bound ("<1e-300") is that bound. One parser for
    annotate's threshold, loci's leads and the report."""
    for role in ("p", "log10p"):
        name = columns.get(role)
        if name is not None:
            values = parse_numbers(column(name), name, source, locate, bounds=role == "p")
            values = values.to_numpy(zero_copy_only=False)
            p = 10.0**-values if role == "log10p" else values
            _check_p_range(p, values, name, role, source, locate)
            return p
    return None


def _check_p_range(p, values, name: str, role: str, source: str, locate) -> None:
    """A P outside [0, 1] is an error naming its line: read as it is, a -log10 P column called
    P would make every true hit insignificant and a negative value a lead."""
    outside = np.flatnonzero(~((p >= 0) & (p <= 1)) & ~np.isnan(p))
    if not len(outside):
        return
    row = int(outside[0])
    if role == "log10p":
        what = "a -log10 P below 0 (P above 1)"
    elif p[row] > 1:
        what = "a P value above 1 (if the column holds -log10 P, name it LOG10P)"
    else:
        what = "a negative P value"
    raise AnnotateError(f"{source} {locate(row)}: column {name!r} has {what}: {values[row]:g}")


def parse_variants(snp=None, chroms=None, positions=None) -> Variants:
    """Combine a SNP column and chromosome/position columns; columns win over a parsed SNP string."""
    n = len(next(v for v in (snp, chroms, positions) if v is not None))
    rsids = pa.nulls(n, pa.string())
    chrom = pa.nulls(n, pa.string())
    pos = pa.nulls(n, pa.int64())
    if chroms is not None and positions is not None:
        chrom, pos = normalize_chroms(chroms), parse_positions(positions)
    if snp is not None:
        rsids, snp_chrom, snp_pos = _parse_snp(snp)
        located = pc.and_(pc.is_valid(chrom), pc.is_valid(pos))
        chrom = pc.if_else(located, chrom, snp_chrom)
        pos = pc.if_else(located, pos, snp_pos)
    located = pc.and_(pc.is_valid(chrom), pc.is_valid(pos))
    return Variants(rsids, pc.if_else(located, chrom, None), pc.if_else(located, pos, None))
