"""How source names are shown. Some sources write names in HTML: DGIdb's IUPHAR ligands
("17&beta;-estradiol", "pgd<sub>2</sub>") and a few GWAS Catalog traits ("&beta;2-Glycoprotein I").
They are shown as text ("17β-estradiol", "pgd2"). The model embeds a name as it learned it, markup
and all, so only what is shown changes, never a score.
"""

from __future__ import annotations

import html

import pandas as pd

MARKUP_TAG = r"</?(?:sub|sup|i|b|em|strong|small)\s*>"


def readable_names(names: pd.Series) -> pd.Series:
    """names with HTML entities and inline tags turned into text; others as they are."""
    marked = names.str.contains("&", regex=False) | names.str.contains(MARKUP_TAG)
    readable = names[marked].map(html.unescape).str.replace(MARKUP_TAG, "", regex=True)
    return names.mask(marked, readable)
