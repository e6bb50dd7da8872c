"""The evidence behind a score: the bundle's table of known links, `explain`, `annotate --explain`
and the loci table, on the shipped model and the real summary statistics."""

import pandas as pd
import pytest
from click.testing import CliRunner

import pygenerel
from pygenerel.cli import main
from pygenerel.runtime.evidence import NONE


@pytest.fixture(scope="module")
def model():
    return pygenerel.load_model()


def test_rs7903146_and_type_2_diabetes_cite_a_catalog_association(model):
    found = model.explain("rs7903146", "type 2 diabetes")
    table = found["associations"]
    assert found["how"] == "rsid" and found["evidence"] == ""
    top = table.iloc[0]
    assert top["source"] == "GWAS Catalog"
    assert "type 2 diabetes" in top["trait"].lower() and top["trait_cosine"] > 0.9
    assert top["rsid"] == "rs7903146" and top["distance_kb"] == 0
    assert top["pubmed"].isdigit() and top["p"] < 5e-8
    assert table["trait_cosine"].is_monotonic_decreasing
    assert "TCF7L2" in found["genes"]


def test_html_trait_names_are_shown_as_text(model):
    # the catalog writes "&beta;2-Glycoprotein I (&beta;2-GPI) plasma levels" near rs2647528
    table = model.explain("rs2647528", "beta-2-glycoprotein I plasma levels")["associations"]
    assert "β2-Glycoprotein I (β2-GPI) plasma levels" in set(table["trait"])
    assert not model.evidence.table["trait"].str.contains(r"&[a-z]+;").any()


def test_a_locus_with_nothing_known_says_the_score_rests_on_the_model(model):
    # chr1:1,000,000 sits in a region without GWAS Catalog or PGRM associations in 2015
    found = model.explain("chr1:1000000", "type 2 diabetes")
    if found["associations"].empty:
        assert found["evidence"] == NONE
    else:  # the check below holds either way: every listed association lies within 500 kb
        assert (found["associations"]["distance_kb"] <= 500).all()


def test_the_explain_command_prints_the_evidence(tmp_path):
    result = CliRunner().invoke(main, ["explain", "rs7903146", "type 2 diabetes", "-n", "3"])
    assert result.exit_code == 0, result.output
    assert "percentile" in result.output and "pubmed" in result.output
    assert len([line for line in result.output.splitlines() if "rs7903146\t" in line]) >= 1
    result = CliRunner().invoke(main, ["explain", "asthma", "type 2 diabetes"])
    assert result.exit_code == 2 and "not an rsid or chr:pos" in result.output
    for unplaced in ("rs999999999", "chr1:99999999999"):  # not NaN scores and "no genes"
        result = CliRunner().invoke(main, ["explain", unplaced, "type 2 diabetes"])
        assert result.exit_code == 2 and f"'{unplaced}' could not be placed" in result.output
    result = CliRunner().invoke(main, ["explain", "rs7903146", " "])  # was "score nan", exit 0
    assert result.exit_code == 2 and "trait must be a non-empty text, got ' '" in result.output


def test_annotate_explain_cites_the_trait_at_each_lead(raw_dir):
    path = raw_dir / "sumstats" / "topr_UC_UKBB_p1e-3_hg38.tsv.gz"
    out = pygenerel.annotate(
        path, traits=["ulcerative colitis"], p_threshold=1e-10, build="GRCh38", explain=True
    )
    column = out["generel_ulcerative_colitis_evidence"]
    scored = out["generel_ulcerative_colitis"].notna()
    assert column[scored].notna().all() and column[~scored].isna().all()
    cited = column[scored]
    assert cited.str.contains("PMID").mean() > 0.5
    assert cited.str.lower().str.contains("colitis|inflammatory bowel|crohn").mean() > 0.5
    with pytest.raises(pygenerel.annotation.AnnotateError, match="needs a --trait"):
        pygenerel.annotate(path, explain=True)


def test_loci_carry_the_evidence(raw_dir):
    path = raw_dir / "sumstats" / "topr_CD_UKBB_p1e-3_hg38.tsv.gz"
    found = pygenerel.loci(path, traits=["Crohn's disease"], build="GRCh38")
    evidence = found["generel_crohn_s_disease_evidence"]
    assert evidence.notna().all()
    nod2 = found[found["generel_genes"].str.contains("NOD2")]
    assert len(nod2) == 1 and "crohn" in nod2["generel_crohn_s_disease_evidence"].iloc[0].lower()


def test_the_corpus_evidence_table(corpus_dir):
    evidence = pd.read_parquet(corpus_dir / "evidence.parquet")
    assert set(evidence["source"]) == {"GWAS Catalog", "PGRM", "GTEx v8"}
    assert not evidence["source"].str.contains("DrugBank", case=False).any()
    catalog = evidence[evidence["source"] == "GWAS Catalog"]
    assert len(catalog) > 15_000 and (catalog["pubmed"].str.isdigit()).mean() > 0.99
    positions = pd.read_parquet(corpus_dir / "rsid_positions.parquet").set_index("rsid")
    sample = evidence.sample(500, random_state=0)
    assert (positions.loc[sample["rsid"], "pos_grch38"].to_numpy() == sample["pos_grch38"]).all()


def test_best_evidence_per_locus_matches_the_per_locus_search(model):
    """The vectorised best() cites, for every locus, the association a search of its own 500 kb
    window would pick: real catalog positions, positions between them, and nothing-known ones."""
    import numpy as np

    from pygenerel.runtime.evidence import WINDOW, describe, range_argmax

    evidence = model.evidence
    gwas = evidence.table[evidence.table["kind"] == "gwas"].sample(400, random_state=0)
    shift = np.random.default_rng(0).integers(-400_000, 400_000, len(gwas))
    chroms = np.concatenate([gwas["chr"].to_numpy(), gwas["chr"].to_numpy(), ["1", "Y", "5"]])
    pos = np.concatenate([gwas["pos_grch38"], gwas["pos_grch38"] + shift, [1_000_000, 5, -1]])
    trait = model.embed(["ulcerative colitis"])[0]
    cosine = evidence.trait_embeddings @ trait
    expected = []
    for chrom, p in zip(chroms, pos):
        rows = evidence._window(chrom, int(p), "gwas", WINDOW)
        if not len(rows):
            expected.append(NONE)
            continue
        at = rows[np.argmax(cosine[evidence._trait_row[rows]])]
        expected.append(describe(evidence.table.iloc[at], cosine[evidence._trait_row[at]], p))
    assert evidence.best(chroms, pos, trait).tolist() == expected
    assert (np.array(expected) != NONE).sum() > 700

    values = np.array([3.0, 1.0, 3.0, 2.0, 5.0, 5.0])
    lo, hi = np.array([0, 1, 1, 3, 2, 4]), np.array([6, 2, 4, 3, 4, 6])
    assert range_argmax(values, lo, hi).tolist() == [4, 1, 2, -1, 2, 4]
