"""genome.py on the real HapMap3 lists and GTEx gene positions."""

import numpy as np
import pandas as pd
import pytest

from pygenerel.genome import GeneIndex, Liftover, LocusGenes, PositionBinner, normalize_chrom


@pytest.fixture(scope="module")
def hapmap3_both(raw_dir):
    ref = raw_dir / "snp_reference"
    dtype = {"#CHROM": str}
    b37 = pd.read_csv(ref / "hapmap3_db150_hg19.snplist.gz", sep="\t", dtype=dtype)
    b38 = pd.read_csv(ref / "hapmap3_db151_hg38.snplist.gz", sep="\t", dtype=dtype)
    both = b37.merge(b38, on="rsid", suffixes=("_37", "_38"))
    return both[both["#CHROM_37"] == both["#CHROM_38"]].reset_index(drop=True)


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("chr1", "1"),
        ("1", "1"),
        (1, "1"),
        ("01", "1"),
        ("23", "X"),
        ("chrX", "X"),
        ("x", "X"),
        ("25", "X"),
        ("26", "MT"),
        ("chrM", "MT"),
        ("MT", "MT"),
        ("22.0", "22"),
        ("chr27", None),
        ("", None),
        ("rs123", None),
    ],
)
def test_normalize_chrom(raw, expected):
    assert normalize_chrom(raw) == expected


def test_liftover_predicts_held_out_hapmap3_positions(hapmap3_both):
    held_out = hapmap3_both.iloc[::20]
    learn = hapmap3_both.drop(held_out.index)
    liftover = Liftover.from_pairs(
        learn["#CHROM_37"], learn["POS_37"], learn["#CHROM_38"], learn["POS_38"]
    )
    lifted = liftover.to_grch38(held_out["#CHROM_37"], held_out["POS_37"])
    exact = np.mean(lifted == held_out["POS_38"].to_numpy())
    assert exact > 0.99, exact
    # rs7903146 (TCF7L2): GRCh37 chr10:114758349 -> GRCh38 chr10:112998590
    assert liftover.to_grch38(["10"], [114_758_349])[0] == 112_998_590


def test_liftover_round_trips_through_its_file(hapmap3_both, tmp_path):
    sample = hapmap3_both.iloc[::50]
    liftover = Liftover.from_pairs(
        sample["#CHROM_37"], sample["POS_37"], sample["#CHROM_38"], sample["POS_38"]
    )
    liftover.save(tmp_path / "liftover.tsv.gz")
    again = Liftover.load(tmp_path / "liftover.tsv.gz")
    probe = hapmap3_both.iloc[5::97]
    np.testing.assert_array_equal(
        liftover.to_grch38(probe["#CHROM_37"], probe["POS_37"]),
        again.to_grch38(probe["#CHROM_37"], probe["POS_37"]),
    )


def test_liftover_unknown_far_from_anchors():
    liftover = Liftover.from_pairs(
        ["1", "1"], [1_000_000, 1_000_100], ["1", "1"], [1_100_000, 1_100_100]
    )
    assert list(
        liftover.to_grch38(["1", "1", "2", "bogus"], [1_000_050, 90_000_000, 1_000_000, 5])
    ) == [
        1_100_050,
        -1,
        -1,
        -1,
    ]


def test_position_bins_are_distinct_per_chromosome_and_zero_when_unknown():
    binner = PositionBinner(scales=(1_000_000, 100_000))
    bins = binner.bins(
        ["1", "chr1", "2", "X", "nope", "3"], [1_500_000, 1_550_000, 1_500_000, 5, 10, -1]
    )
    assert bins[0, 0] == bins[1, 0]  # same megabase
    assert bins[0, 1] == bins[1, 1]  # same 100 kb bin
    assert bins[0, 0] != bins[2, 0]  # other chromosome
    assert (bins[4] == 0).all() and (bins[5] == 0).all()
    assert (bins < np.array(binner.sizes)).all()


def test_nearest_gene_of_tcf7l2_lead_snp(raw_dir):
    genes = pd.read_csv(
        raw_dir / "gtex_eqtl" / "Whole_Blood.v8.egenes.txt.gz",
        sep="\t",
        usecols=["gene_name", "gene_chr", "gene_start", "gene_end", "strand"],
    )
    tss = np.where(genes["strand"] == "+", genes["gene_start"], genes["gene_end"])
    index = GeneIndex(
        genes["gene_name"], genes["gene_chr"], genes["gene_start"], genes["gene_end"], tss
    )
    # rs7903146 sits in a TCF7L2 intron (chr10:112998590, GRCh38); FTO's rs9939609 at chr16:53786615
    nearest = index.nearest(["10", "16", "nope"], [112_998_590, 53_786_615, 1])
    assert nearest[0] == "TCF7L2"
    assert nearest[1] == "FTO"
    assert nearest[2] == ""


@pytest.fixture(scope="module")
def gene_table(raw_dir):
    genes = pd.read_csv(
        raw_dir / "gtex_eqtl" / "Whole_Blood.v8.egenes.txt.gz",
        sep="\t",
        usecols=["gene_name", "gene_chr", "gene_start", "gene_end", "strand"],
    )
    return pd.DataFrame(
        {
            "symbol": genes["gene_name"],
            "chr": genes["gene_chr"],
            "start": genes["gene_start"],
            "end": genes["gene_end"],
            "tss": np.where(genes["strand"] == "+", genes["gene_start"], genes["gene_end"]),
        }
    )


def test_nearby_genes_start_with_the_nearest_and_weigh_by_distance(gene_table):
    index = GeneIndex.from_table(gene_table)
    chroms, pos = ["10", "16", "6", "nope"], [112_998_590, 53_786_615, 32_000_000, 1]
    rows, weights = index.nearby(chroms, pos, k=4, decay=50_000)
    nearest = index.nearest(chroms, pos)
    symbols = gene_table["symbol"].to_numpy()
    assert list(symbols[rows[:3, 0]]) == list(nearest[:3])
    assert (rows[3] == -1).all() and (weights[3] == 0).all()
    assert np.allclose(weights[:3].sum(axis=1), 1)
    assert (np.diff(weights[:3], axis=1) <= 1e-7).all()  # nearer genes weigh more
    assert len(set(rows[2])) == 4  # the MHC is gene-dense: four distinct genes


def test_locus_genes_read_symbol_and_name(gene_table):
    named = gene_table.assign(
        name=np.where(gene_table["symbol"] == "TCF7L2", "transcription factor 7 like 2", "")
    )
    texts, _ = LocusGenes(named, 2, 50_000, "symbol_name")(["10"], [112_998_590])
    assert texts[0, 0] == "TCF7L2 transcription factor 7 like 2"
    texts, _ = LocusGenes(named, 1, 50_000, "symbol")(["10"], [112_998_590])
    assert texts[0, 0] == "TCF7L2"
    with pytest.raises(ValueError, match="gene_text"):
        LocusGenes(named, 1, 50_000, "initials")
