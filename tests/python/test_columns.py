"""Column detection: header aliases (data), overrides, value sniffing, and clear errors."""

import string

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pygenerel.annotation.columns import ROLES, aliases, detect_columns, normalize_name
from pygenerel.annotation.errors import AnnotateError
from pygenerel.annotation.reader import open_table

EXPECTED = {  # file -> role -> column, as a statistical geneticist reads these headers
    "echodata_BST1_Nalls2019_PD_locus.tsv.gz": {
        "snp": "SNP",
        "chr": "CHR",
        "pos": "POS",
        "p": "P",
        "beta": "Effect",
        "se": "StdErr",
        "effect_allele": "A1",
        "other_allele": "A2",
    },
    "locuscomparer_gwas.tsv.gz": {"snp": "rsid", "p": "pval"},
    "locuszoomr_SLE_gwas_sub.tsv.gz": {
        "snp": "rsid",
        "chr": "chrom",
        "pos": "pos",
        "p": "p",
        "beta": "beta",
        "se": "se",
        "or": "OR",
        "effect_allele": "effect_allele",
        "other_allele": "other_allele",
    },
    "topr_CD_FINNGEN_p1e-3_hg38.tsv.gz": {
        "snp": "ID",
        "chr": "CHROM",
        "pos": "POS",
        "p": "P",
        "beta": "BETA",
        "effect_allele": "ALT",
        "other_allele": "REF",
    },
    "topr_CD_UKBB_p1e-3_hg38.tsv.gz": {
        "snp": "ID",
        "chr": "CHROM",
        "pos": "POS",
        "p": "P",
        "or": "OR",
        "effect_allele": "ALT",
        "other_allele": "REF",
    },
    "topr_UC_UKBB_p1e-3_hg38.tsv.gz": {
        "snp": "ID",
        "chr": "CHROM",
        "pos": "POS",
        "p": "P",
        "or": "OR",
        "effect_allele": "ALT",
        "other_allele": "REF",
    },
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_detects_the_real_sumstats_headers(sumstats_dir, name):
    source = open_table(sumstats_dir / name)
    assert detect_columns(source.names).names == EXPECTED[name]


def test_every_sumstats_file_is_covered(sumstats_dir):
    assert sorted(p.name for p in sumstats_dir.iterdir()) == sorted(EXPECTED)


def test_aliases_are_data_with_one_role_each():
    table = aliases()
    assert set(table) == set(ROLES) and all(table[role] for role in ROLES)
    seen = [alias for role in ROLES for alias in table[role]]
    assert len(seen) == len(set(seen)), "an alias may name only one role"


@pytest.mark.parametrize(
    "header, role, column",
    [
        (["MarkerName", "P-value"], "p", "P-value"),
        (
            ["variant_id", "p_value", "chromosome", "base_pair_location"],
            "pos",
            "base_pair_location",
        ),
        (["#CHROM", "POS", "ID", "LOG10P"], "log10p", "LOG10P"),
        (["#CHROM", "POS", "ID", "LOG10P"], "chr", "#CHROM"),
        (["SNP", "rsid", "P"], "snp", "rsid"),  # the first-listed alias wins
        (["Chr", "BP", "snp.id", "P.VALUE"], "snp", "snp.id"),
        # GEMMA, SAIGE, GWAS Catalog harmonised and Pan-UK Biobank files (roles they missed)
        (
            ["chr", "rs", "ps", "n_miss", "allele1", "allele0", "af", "beta", "se", "p_wald"],
            "pos",
            "ps",
        ),
        (
            ["chr", "rs", "ps", "n_miss", "allele1", "allele0", "af", "beta", "se", "p_wald"],
            "p",
            "p_wald",
        ),
        (["chr", "rs", "ps", "allele1", "allele0", "p_lrt"], "p", "p_lrt"),
        (
            ["CHR", "POS", "MarkerID", "Allele1", "Allele2", "BETA", "SE", "p.value"],
            "snp",
            "MarkerID",
        ),
        (
            ["hm_variant_id", "hm_rsid", "hm_chrom", "hm_pos", "p_value", "variant_id"],
            "snp",
            "hm_rsid",
        ),
        (
            ["chr", "pos", "ref", "alt", "beta_meta", "se_meta", "neglog10_pval_meta"],
            "log10p",
            "neglog10_pval_meta",
        ),
    ],
)
def test_aliases_match_common_spellings(header, role, column):
    assert detect_columns(header).get(role) == column


def test_name_normalisation():
    assert {normalize_name(n) for n in ("P-value", "p_value", "P.VALUE", "#pvalue", "p value")} == {
        "pvalue"
    }


def test_override_wins_and_is_reported():
    found = detect_columns(["SNP", "MyID", "P"], {"snp": "MyID"})
    assert found.get("snp") == "MyID" and "--snp-col" in found.describe()[0]


def test_override_of_a_missing_column_names_it():
    with pytest.raises(AnnotateError, match="no column 'nope' for --snp-col"):
        detect_columns(["SNP", "P"], {"snp": "nope"})


def test_duplicate_column_names_are_an_error():
    with pytest.raises(AnnotateError, match=r"duplicate column name 'P' \(columns 2 and 3\)"):
        detect_columns(["SNP", "P", "P"], source="gwas.tsv")


@pytest.mark.parametrize("header", [["BETA", "SE", "P"], ["CHR", "BETA", "P"], []])
def test_no_snp_or_position_columns_is_an_error(header):
    with pytest.raises(AnnotateError, match="no SNP column and no chromosome"):
        detect_columns(header, source="gwas.tsv")


def test_sniffs_a_snp_column_from_its_values():
    sample = {"tag": ["rs1", "rs22", "chr1:5:A:G"], "effect": ["0.1", "0.2", "0.3"]}
    found = detect_columns(["tag", "effect"], sample=sample)
    assert found.get("snp") == "tag" and found.why["snp"] == "values look like SNP ids"


names = st.text(alphabet=string.ascii_letters + string.digits + "#_.- ()|>", max_size=12)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(names, max_size=12), st.dictionaries(names, st.lists(st.text(max_size=15), max_size=5))
)
def test_random_headers_give_a_result_or_a_clear_error(header, sample):
    try:
        found = detect_columns(header, sample=sample, source="random.tsv")
    except AnnotateError as error:
        assert "random.tsv" in str(error) and "\n" not in str(error)
        return
    assert set(found.names) <= set(ROLES)
    assert set(found.names.values()) <= set(header)
    assert len(set(found.names.values())) == len(found.names), "one column, one role"
    assert found.get("snp") or (found.get("chr") and found.get("pos"))


@settings(max_examples=100, deadline=None)
@given(
    st.permutations(
        list(EXPECTED["echodata_BST1_Nalls2019_PD_locus.tsv.gz"].values())
        + ["Freq", "MAF", "N_cases", "leadSNP", "mean.PP"]
    )
)
def test_shuffled_columns_map_the_same(header):
    assert detect_columns(header).names == EXPECTED["echodata_BST1_Nalls2019_PD_locus.tsv.gz"]
