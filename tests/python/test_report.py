"""`pygenerel report`: one self-contained HTML page for a real GWAS table (UC, UK Biobank)."""

import base64
import io
import re

import pandas as pd
import pytest

import pygenerel
from pygenerel.annotation.report import report
from pygenerel.errors import InputError

image = pytest.importorskip("matplotlib.image")

TRAIT = "ulcerative colitis"


@pytest.fixture(scope="module")
def uc(raw_dir):
    return raw_dir / "sumstats" / "topr_UC_UKBB_p1e-3_hg38.tsv.gz"


@pytest.fixture(scope="module")
def model():
    return pygenerel.load_model()


@pytest.fixture(scope="module")
def page(uc, model, tmp_path_factory):
    out = tmp_path_factory.mktemp("report") / "uc.html"
    assert report(uc, TRAIT, out, build="GRCh38", model=model) == out
    assert [p.name for p in out.parent.iterdir()] == ["uc.html"]  # no temporary file left
    return out.read_text(encoding="utf-8")


def test_the_plot_is_one_inline_png_wide_enough_to_read(page):
    assert page.count("<img") == 1
    (encoded,) = re.findall(r'<img src="data:image/png;base64,([A-Za-z0-9+/=]+)"', page)
    png = base64.b64decode(encoded, validate=True)
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and png[12:16] == b"IHDR"
    width, height = int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")
    assert width >= 800 and height >= 300
    assert image.imread(io.BytesIO(png), format="png").shape[:2] == (height, width)
    assert len(png) < 1_000_000  # null points subsampled, the page stays light


def test_the_loci_table_has_a_row_per_locus_and_the_top_loci_their_evidence(page, uc, model):
    found = pygenerel.loci(uc, traits=[TRAIT], build="GRCh38", model=model)
    table = re.search(r'<table class="dataframe loci">.*?</table>', page, re.DOTALL).group(0)
    assert table.split("<tbody>")[1].count("<tr") == len(found) > 20
    assert f"<td>{found['lead'].iloc[0]}</td>" in table
    assert "<th>relatedness</th>" in table and "<th>nearest genes</th>" in table
    assert page.count("<h3>Locus ") == 5 and page.count('class="dataframe evidence"') >= 4
    assert "HLA-DRB1" in page  # locus 1 is the HLA region on chromosome 6


def test_the_page_needs_no_network(page):
    assert not re.search(r"""(src|href)\s*=\s*["']?\s*(https?:)?//""", page, re.IGNORECASE)
    assert not re.search(r"<script|<link|@import|url\(", page, re.IGNORECASE)
    assert "http://" not in page and "https://" not in page


def test_a_dataframe_and_a_trait_to_escape(uc, model, tmp_path):
    frame = pd.read_csv(uc, sep="\t").head(20_000)
    out = report(frame, "colitis <i>&", tmp_path / "r.html", build="GRCh38", top=1, model=model)
    page = out.read_text(encoding="utf-8")
    assert "colitis &lt;i&gt;&amp;" in page and "<i>" not in page
    assert page.count("<h3>Locus ") == 1


def test_a_table_with_nothing_to_plot_is_an_error_naming_it(model, tmp_path):
    table = tmp_path / "no_p.tsv"
    table.write_text("SNP\tP\nrs7903146\tNA\nrs1\tNA\n")
    with pytest.raises(InputError, match="no_p.tsv: no row has a chromosome, a position"):
        report(table, TRAIT, tmp_path / "r.html", model=model)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["no_p.tsv"]
