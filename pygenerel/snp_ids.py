"""How SNP ids are written, in one place for every reader of them: the item parser
(runtime/items.py, one item at a time), the SNP column parser (annotation/variants.py, a column at
a time in Arrow) and the header and SNP column sniffing (annotation/columns.py). Each pattern is a
string that both Python's re and Arrow's RE2 compile, case-insensitive; a chromosome is named `c`,
a position `p`, an rs number `n`."""

CHROM = r"(?:chr)?(?P<c>[0-9]{1,2}|x|y|xy|mt?)"
# an rs id and nothing else: rs7903146
RSID = r"(?i)^rs(?P<n>[0-9]+)$"
# an rs id inside a longer SNP id: 10:112998590_rs7903146
RSID_INSIDE = r"(?i)(?:^|[^a-z0-9])rs(?P<n>[0-9]+)"
# chromosome:position starting a SNP id, whatever follows: chr1:12345:A:G, 1_12345_A_G_b38
LOCUS_START = r"(?i)^" + CHROM + r"[:_\-](?P<p>[0-9]+)"
# an item that is a locus, alleles optional: chr10:112998590, 10 112998590, 10:112998590:C:T
LOCUS_ITEM = r"(?i)^" + CHROM + r"[:_\s-](?P<p>[0-9]+)(?:[:_\s-][acgtn]+[:_/\s-][acgtn]+)?$"
# what starts like an rs id or a locus but is neither (rs7903146x, chr10:11299859O, 1:12345:I:D):
# a typo of a SNP id, never a concept name
SNP_LIKE = (
    r"(?i)^(?:rs[0-9]{3,}\S+|chr[0-9xym]{1,2}[:_-]\S*|(?:[0-9]{1,2}|x|y|mt?)[:_][0-9]{3,}\S*)$"
)
# a field that starts with an rs id or a chromosome:position (a data line, a SNP column's value)
SNP_START = r"(?i)^\s*(?:rs[0-9]+|" + CHROM + r"[:_][0-9]+)"
