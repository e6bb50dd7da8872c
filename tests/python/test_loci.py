"""`pygenerel loci`: one row per independent locus, on the real summary statistics."""

import gzip
import itertools

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

import pygenerel
from pygenerel.annotation.loci import clump
from pygenerel.cli import main


@pytest.fixture(scope="module")
def uc(raw_dir):
    return raw_dir / "sumstats" / "topr_UC_UKBB_p1e-3_hg38.tsv.gz"


@pytest.fixture(scope="module")
def uc_loci(uc):
    return pygenerel.loci(uc, traits=["ulcerative colitis"], build="GRCh38")


def test_one_row_per_locus_with_leads_further_apart_than_the_window(uc, uc_loci):
    table = pd.read_csv(uc, sep="\t")
    significant = table[table["P"] <= 5e-8]
    assert uc_loci["snps"].sum() == len(significant) == uc_loci.attrs["generel"]["significant"]
    assert len(uc_loci) > 20 and uc_loci["p"].is_monotonic_increasing
    for chrom, group in uc_loci.groupby("chr"):
        pos = np.sort(group["pos"].to_numpy())
        assert (np.diff(pos) > 500_000).all(), chrom
    # every lead is its locus's smallest P, and in the table at its own position
    first = uc_loci.iloc[0]
    assert first["p"] == significant["P"].min()
    row = table[table["ID"] == first["lead"]].iloc[0]
    assert (str(row["CHROM"]).removeprefix("chr"), row["POS"]) == (first["chr"], first["pos"])


def test_each_lead_carries_its_scores_genes_and_concepts(uc_loci):
    assert uc_loci["generel_ulcerative_colitis"].notna().all()
    assert uc_loci["generel_ulcerative_colitis_pct"].between(0, 1).all()
    assert (uc_loci["generel_genes"] != "").mean() > 0.9
    assert uc_loci["generel_top1_name"].notna().all()
    # a textbook UC locus: the HLA region on chromosome 6 is among the leads
    hla = uc_loci[(uc_loci["chr"] == "6") & uc_loci["pos"].between(28_500_000, 33_500_000)]
    assert len(hla) >= 1


def test_clump_by_hand():
    chroms = np.array(["1", "1", "1", "2", None], dtype=object)
    pos = np.array([1_000_000, 1_400_000, 2_000_000, 1_000_000, -1])
    p = np.array([1e-9, 1e-12, 1e-10, 1e-8, 1e-20])
    leads, lead_of = clump(chroms, pos, p, window=500_000)
    assert list(leads) == [1, 2, 3]  # 0 joins 1 (400 kb); 2 is 600 kb from 1; chr2 apart
    assert list(lead_of) == [1, 1, 2, 3, -1]


def clump_by_definition(chroms, pos, p, window):
    """Each SNP in order of P, unless taken, leads and takes every untaken SNP within window."""
    lead_of, leads = [-1] * len(pos), []
    for i in sorted(range(len(pos)), key=lambda i: p[i]):
        if lead_of[i] >= 0 or chroms[i] is None or pos[i] <= 0:
            continue
        for j in range(len(pos)):
            if lead_of[j] < 0 and chroms[j] == chroms[i] and pos[j] > 0:
                lead_of[j] = i if abs(pos[j] - pos[i]) <= window else lead_of[j]
        leads.append(i)
    return leads, lead_of


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["1", "2", "X", None]),
            st.integers(-2, 3_000),
            st.integers(0, 5),  # ties in P: the earlier row leads, as a stable sort gives
        ),
        max_size=40,
    ),
    st.integers(0, 1_000),
)
def test_clump_matches_its_definition(snps, window):
    chroms = np.array([c for c, _, _ in snps], dtype=object)
    pos = np.array([x for _, x, _ in snps], dtype=np.int64)
    p = np.array([q for _, _, q in snps], dtype=float)
    leads, lead_of = clump(chroms, pos, p, window=window)
    expected_leads, expected_lead_of = clump_by_definition(list(chroms), list(pos), list(p), window)
    assert list(leads) == expected_leads and list(lead_of) == expected_lead_of


def test_the_cli_prints_or_writes_the_table(uc, tmp_path):
    out = tmp_path / "loci.tsv"
    result = CliRunner().invoke(
        main,
        ["loci", str(uc), "--trait", "ulcerative colitis", "--build", "GRCh38", "-o", str(out)],
    )
    assert result.exit_code == 0, result.output
    written = pd.read_csv(out, sep="\t")
    assert list(written.columns[:6]) == ["locus", "lead", "chr", "pos", "p", "snps"]
    result = CliRunner().invoke(main, ["loci", str(uc), "--build", "GRCh38", "--window", "0"])
    assert result.exit_code == 2 and "--window" in result.output


def test_the_accessor_gives_the_same_loci(uc, uc_loci):
    frame = pd.read_csv(uc, sep="\t")
    again = frame.generel.loci(traits=["ulcerative colitis"], build="GRCh38")
    assert list(again["lead"]) == list(uc_loci["lead"])
    assert np.allclose(again["generel_ulcerative_colitis"], uc_loci["generel_ulcerative_colitis"])


def test_a_table_without_a_hit_gives_an_empty_loci_table_with_every_column(uc, uc_loci):
    table = pd.read_csv(uc, sep="\t", dtype=str, keep_default_na=False)
    quiet = table[table["P"].astype(float) > 1e-5].head(500)
    found = pygenerel.loci(quiet, traits=["ulcerative colitis"], build="GRCh38")
    assert len(found) == 0 and found.attrs["generel"]["significant"] == 0
    assert list(found.columns) == list(uc_loci.columns)


@pytest.mark.parametrize("command", ["loci", "report"])
def test_a_contradicted_build_is_kept_with_force_build_as_the_error_says(uc, tmp_path, command):
    # the error told loci and report users to add --force-build, which they did not accept
    if command == "report":
        pytest.importorskip("matplotlib")
    table = tmp_path / "uc.tsv"
    with gzip.open(uc, "rt") as handle:
        table.write_text("".join(itertools.islice(handle, 5000)))
    out = tmp_path / ("out.html" if command == "report" else "out.tsv")
    args = [command, str(table), "--trait", "colitis", "--build", "GRCh37", "-o", str(out)]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 2 and "add --force-build to keep GRCh37" in result.output
    assert not out.exists()
    result = CliRunner().invoke(main, [*args, "--force-build", "-q"])
    assert result.exit_code == 0 and result.output == "" and out.stat().st_size > 0
