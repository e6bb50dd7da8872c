"""rsid positions: rsids outside the vocabulary are placed by the bundle's position table
(rsid_positions.npz.xz) and embedded from their locus (how = "rsid_locus").

Checked on the real raw data (the corpus table), the shipped bundle (famous SNPs, the six real
summary-statistics files before and after) and the tiny bundle (export, and older bundles
without the table, which must behave as before).
"""

import json

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner
from conftest import SUMSTATS_FILES

from pygenerel.annotation.annotate import HOWS, MATCH_COLUMN, annotate, trait_column
from pygenerel.cli import main
from pygenerel.export import add_rsid_positions
from pygenerel.runtime import load_model
from pygenerel.runtime.bundle import RSID_POSITIONS, open_bundle, sha256_file

# Outside the old (HapMap3) vocabulary: rsid -> (chr, GRCh37, GRCh38) as dbSNP gives them.
# Corpora built since hold every placed catalog SNP: only LCT stays out of the shipped bundle's.
FAMOUS = {
    "rs429358": ("19", 45411941, 44908684),  # APOE
    "rs4988235": ("2", 136608646, 135851076),  # LCT/MCM6
    "rs9939609": ("16", 53820527, 53786615),  # FTO
    "rs1333049": ("9", 22125503, 22125504),  # 9p21
    "rs2066844": ("16", 50745926, 50712015),  # NOD2
    "rs34637584": ("12", 40734202, 40340400),  # LRRK2
}


def outside(model) -> list[str]:
    """The FAMOUS rsids that `model`'s vocabulary lacks."""
    return [rsid for rsid in FAMOUS if (model.snps.by_rsid([rsid]) < 0).all()]


def without_positions(bundle_dir, out):
    """The bundle as exported before the table existed: its other files (linked), a manifest
    without the table."""
    manifest = json.loads((bundle_dir / "manifest.json").read_text())
    manifest["files"].pop(RSID_POSITIONS, None)
    manifest.pop("rsid_positions", None)
    out.mkdir()
    for name in manifest["files"]:
        (out / name).symlink_to(bundle_dir / name)
    (out / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n")
    return out


@pytest.fixture(scope="module")
def shipped(default_bundle_dir):
    return load_model(default_bundle_dir)


@pytest.fixture(scope="module")
def shipped_before(default_bundle_dir, tmp_path_factory):
    return load_model(without_positions(default_bundle_dir, tmp_path_factory.mktemp("b") / "b"))


# ---- the table, from the real raw data ---------------------------------------------------------


def test_the_corpus_table_covers_every_source(corpus_dir):
    table = pd.read_parquet(corpus_dir / "rsid_positions.parquet")
    report = json.loads((corpus_dir / "corpus.json").read_text())["rsid_positions"]
    print(json.dumps(report, indent=1))
    assert list(table.columns) == ["rsid", "chr", "pos_grch37", "pos_grch38", "sources"]
    assert report["n"] == len(table) == table["rsid"].nunique() > 1_400_000
    assert report["by_source"]["hapmap3"] == 1_213_753  # the union of both HapMap3 lists
    assert report["by_source"]["gtex"] > 250_000
    assert report["by_source"]["pgrm"] > 5_000 and report["by_source"]["gwas"] > 15_000
    assert (table["pos_grch38"] > 0).mean() > 0.999 and (table["pos_grch37"] > 0).mean() > 0.99
    assert table["chr"].isin([str(i) for i in range(1, 23)] + ["X", "Y", "MT"]).all()
    rows = table.set_index("rsid").loc[list(FAMOUS)]
    got = list(zip(rows["chr"], rows["pos_grch37"], rows["pos_grch38"]))
    assert got == list(FAMOUS.values())


def test_hapmap3_positions_are_copied_exactly(corpus_dir, raw_dir):
    table = pd.read_parquet(corpus_dir / "rsid_positions.parquet").set_index("rsid")
    for name, column in (("hg19", "pos_grch37"), ("hg38", "pos_grch38")):
        build = "db150_hg19" if name == "hg19" else "db151_hg38"
        raw = pd.read_csv(
            raw_dir / "snp_reference" / f"hapmap3_{build}.snplist.gz", sep="\t", nrows=20_000
        )
        assert (table.loc[raw["rsid"], column].to_numpy() == raw["POS"].to_numpy()).all()


@pytest.mark.parametrize(
    ("name", "columns", "build"),
    [
        ("echodata_BST1_Nalls2019_PD_locus.tsv.gz", ["SNP", "CHR", "POS"], "GRCh37"),
        ("locuszoomr_SLE_gwas_sub.tsv.gz", ["rsid", "chrom", "pos"], "GRCh37"),
        ("topr_CD_FINNGEN_p1e-3_hg38.tsv.gz", ["ID", "CHROM", "POS"], "GRCh38"),
        ("topr_UC_UKBB_p1e-3_hg38.tsv.gz", ["ID", "CHROM", "POS"], "GRCh38"),
    ],
)
def test_positions_agree_with_the_sumstats_own(shipped, sumstats_dir, name, columns, build):
    """The summary statistics name each SNP by rsid and give its position: an independent check."""
    rsid, chrom, pos = columns
    table = pd.read_csv(sumstats_dir / name, sep="\t", dtype=str, usecols=columns)
    chroms, pos37, pos38 = shipped.snps.positions.lookup(table[rsid])
    found = pos38 > 0
    same = ((pos37 if build == "GRCh37" else pos38)[found] == table[pos][found].astype(int)) & (
        chroms[found] == table[chrom][found].str.removeprefix("chr")
    )
    print(f"{name}: {found.sum():,} rsids in the table, {same.mean():.2%} at the file's position")
    assert found.sum() > 300 and same.mean() > 0.99


# ---- the shipped bundle ------------------------------------------------------------------------


def test_the_shipped_bundle_holds_the_table(default_bundle_dir, shipped):
    manifest = open_bundle(default_bundle_dir).manifest
    entry = manifest["rsid_positions"]
    size = (default_bundle_dir / RSID_POSITIONS).stat().st_size
    print(f"{RSID_POSITIONS}: {size / 2**20:.2f} MiB, {entry['rows']:,} rows, {entry['by_source']}")
    assert entry["file"] == RSID_POSITIONS and entry["rows"] > 1_350_000
    assert size < 8 * 2**20
    assert any("note" in source for source in manifest["sources"])
    vocabulary = set(shipped.snps.table["rsid"])
    _, _, pos38 = shipped.snps.positions.lookup(sorted(vocabulary)[:1000])
    assert (pos38 == -1).all(), "the table holds only rsids outside the vocabulary"


def test_famous_snps_are_placed_by_the_vocabulary_or_the_table(shipped):
    rsids = outside(shipped)
    assert rsids == ["rs4988235"], "LCT has no catalog or PGRM link; the others have"
    chroms, pos37, pos38 = shipped.snps.positions.lookup([r.upper() + " " for r in rsids])
    assert list(zip(chroms, pos37, pos38)) == [FAMOUS[r] for r in rsids]
    matched = shipped.match(list(FAMOUS))
    assert matched["how"].tolist() == ["rsid_locus" if r in rsids else "rsid" for r in FAMOUS]
    assert (matched["rsid"] == "").sum() == len(rsids)  # no vocabulary SNP stands behind them
    emb = shipped.embed(rsids)
    assert np.isfinite(emb).all()
    np.testing.assert_allclose(np.linalg.norm(emb, axis=1), 1, atol=1e-3)
    # the same locus given as chr:pos embeds identically
    loci = [f"{FAMOUS[r][0]}:{FAMOUS[r][2]}" for r in rsids]
    np.testing.assert_allclose(emb, shipped.embed(loci), atol=1e-6)
    near = shipped.neighbors(rsids[0], k=3, types="snp")  # SNPs only: no catalog to embed
    assert len(near) == 3 and (near["type"] == "snp").all()


@pytest.mark.xfail(strict=True, reason="rs334 (HBB, sickle cell) is in none of the raw sources")
def test_rs334_is_placed(shipped):
    assert shipped.match(["rs334"])["how"].tolist() == ["rsid_locus"]


def test_the_cli_scores_an_rsid_outside_the_vocabulary(default_bundle_dir):
    args = ["similarity", "rs429358", "--to", "Alzheimer's disease", "--model"]
    result = CliRunner().invoke(main, [*args, str(default_bundle_dir)])
    assert result.exit_code == 0, result.output
    value = result.output.strip().splitlines()[-1].split("\t")[-1]
    assert value != "NA" and -1 <= float(value) <= 1
    assert "warning" not in result.output


def test_annotate_takes_the_table_only_for_rows_without_a_usable_position(shipped):
    chrom, _, pos38 = FAMOUS["rs4988235"]
    table = pd.DataFrame(
        {
            "SNP": ["rs4988235", "rs4988235", "rs4988235", "rs7903146", "rs1"],
            "CHR": [chrom, chrom, "", "", ""],
            "BP": [pos38 + 250_000, "NA", "", "", ""],
        }
    )
    trait = "lactose intolerance"
    result = annotate(table, traits=[trait], model=shipped, build="GRCh38")
    assert result[MATCH_COLUMN].tolist() == ["locus", "rsid_locus", "rsid_locus", "rsid", "none"]
    scores = result[trait_column(trait)]
    assert scores[1] == scores[2] != scores[0]  # its own position wins over the table's
    assert result.attrs["generel"]["matched_rsid_locus"] == 2


def test_coverage_of_the_real_sumstats_before_and_after(shipped, shipped_before, sumstats_dir):
    """Rows that matched before match the same way; only rows that matched nothing gain."""
    lines = [f"{'file':<42} {'rows':>7}  " + " ".join(f"{h:>10}" for h in HOWS)]
    for name in SUMSTATS_FILES:
        counts = {}
        for label, model in (("before", shipped_before), ("after", shipped)):
            summary = annotate(sumstats_dir / name, model=model).attrs["generel"]
            counts[label] = {h: summary[f"matched_{h}"] for h in HOWS}
            lines.append(
                f"{name + ' ' + label:<42} {summary['rows']:>7,}  "
                + " ".join(f"{counts[label][h]:>10,}" for h in HOWS)
            )
        before, after = counts["before"], counts["after"]
        assert before["rsid_locus"] == 0
        assert all(after[h] == before[h] for h in ("rsid", "chrpos", "locus"))
        assert after["rsid_locus"] + after["none"] == before["none"]
        if name == "locuscomparer_gwas.tsv.gz":  # rsid and P only
            rsids = pd.read_csv(sumstats_dir / name, sep="\t", usecols=["rsid"])["rsid"]
            assert before["rsid"] == rsids.isin(set(shipped.snps.table["rsid"])).sum() < 100
            assert after["rsid_locus"] > 1_000
    print("\n".join(lines))


# ---- export, and bundles without the table -----------------------------------------------------


def test_export_ships_the_table(tiny_bundle_dir):
    bundle = open_bundle(tiny_bundle_dir)
    if bundle.manifest["snp_tower"] != "locus":
        pytest.skip("only a locus tower can embed a position")
    assert bundle.has(RSID_POSITIONS) and bundle.manifest["rsid_positions"]["rows"] > 1_350_000
    model = load_model(tiny_bundle_dir)
    assert {"rs4988235", "rs34637584"} <= set(outside(model))
    assert model.match(outside(model))["how"].tolist() == ["rsid_locus"] * len(outside(model))


def test_a_bundle_without_the_table_behaves_as_before(tiny_bundle_dir, tmp_path):
    old = load_model(without_positions(tiny_bundle_dir, tmp_path / "old"))
    new = load_model(tiny_bundle_dir)
    assert old.snps.positions is None
    vocabulary = old.snps.table.iloc[0]
    locus = f"{vocabulary['chr']}:{vocabulary['pos_grch38'] + 11}"
    items = [vocabulary["rsid"], locus, outside(new)[0], "type 2 diabetes"]
    expected = ["rsid", "locus" if old.locus_encoder else "none", "none", "text"]
    assert old.match(items)["how"].tolist() == expected
    emb_old, emb_new = old.embed(items), new.embed(items)
    assert np.isnan(emb_old[2]).all()
    np.testing.assert_allclose(emb_old[[0, 1, 3]], emb_new[[0, 1, 3]], atol=1e-6)


def test_add_rsid_positions_retrofits_a_bundle(tiny_bundle_dir, corpus_dir, tmp_path):
    bundle_dir = without_positions(tiny_bundle_dir, tmp_path / "b")
    table = pd.read_parquet(corpus_dir / "rsid_positions.parquet")
    some = table[table["rsid"].isin([*FAMOUS, "rs7903146"]) | (table.index % 1000 == 0)]
    add_rsid_positions(bundle_dir, some)
    manifest = json.loads((bundle_dir / "manifest.json").read_text())
    assert sha256_file(bundle_dir / RSID_POSITIONS) == manifest["files"][RSID_POSITIONS]
    vocabulary = pd.read_csv(bundle_dir / "snps.tsv.gz", sep="\t", usecols=["rsid"])["rsid"]
    assert manifest["rsid_positions"]["rows"] == (~some["rsid"].isin(vocabulary)).sum()
    assert "rs7903146" in set(vocabulary)
    assert open_bundle(bundle_dir).verify_all() == len(manifest["files"])
    model = load_model(bundle_dir)
    lacking = outside(model)
    assert len(lacking) >= 2
    assert model.match(lacking)["how"].tolist() == ["rsid_locus"] * len(lacking)
