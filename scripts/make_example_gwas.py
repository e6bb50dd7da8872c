"""Write inst/extdata/example_gwas.tsv: a small simulated GWAS table for the R vignette and examples.

The SNPs and their positions are real (HapMap3, GRCh37 and GRCh38 lists in ../shared/data/raw), the
association statistics are simulated: null everywhere except strong signals at a few well-known lead SNPs
and decaying signals at their neighbours, so a Manhattan plot has recognisable peaks. No third-party
summary statistics are copied.

    .venv/bin/python scripts/make_example_gwas.py [--raw DIR] [--out PATH] [--seed 2024]
"""

import argparse
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]

# Lead SNPs of well-known loci with their strength (z-score) in the simulation. rs1333049 and rs9939609
# are not in HapMap3, so their positions (dbSNP; GRCh37 and GRCh38) and alleles are written here.
LEADS = [
    # rsid, chr, pos GRCh37, pos GRCh38, a1, a2, z, locus
    ("rs7903146", "10", 114758349, 112998590, "T", "C", 14.0, "TCF7L2, type 2 diabetes"),
    (
        "rs1333049",
        "9",
        22125503,
        22125504,
        "C",
        "G",
        11.0,
        "9p21 CDKN2B-AS1, coronary artery disease",
    ),
    ("rs9939609", "16", 53820527, 53786615, "A", "T", 10.0, "FTO, obesity"),
    ("rs2476601", "1", 114377568, 113834946, "A", "G", 9.0, "PTPN22, autoimmunity"),
    ("rs11209026", "1", 67705958, 67240275, "A", "G", 8.0, "IL23R, Crohn's disease"),
    (
        "rs4420638",
        "19",
        45422946,
        44919689,
        "G",
        "A",
        12.0,
        "APOE/APOC1, LDL and Alzheimer's disease",
    ),
]
NEIGHBOURS = 30  # HapMap3 SNPs sampled within WINDOW of each lead
WINDOW = 400_000
BACKGROUND = 1_820  # genome-wide null SNPs


def read_hapmap3(raw: Path) -> pd.DataFrame:
    """HapMap3 SNPs on the autosomes with a position in both builds, one row per rsid."""
    ref = raw / "snp_reference"
    cols = ["rsid", "A1", "A2", "CHR", "POS"]
    b37 = pd.read_csv(
        ref / "hapmap3_db150_hg19.snplist.gz", sep="\t", names=cols, header=0, dtype=str
    )
    b38 = pd.read_csv(
        ref / "hapmap3_db151_hg38.snplist.gz", sep="\t", names=cols, header=0, dtype=str
    )
    both = b37.merge(b38[["rsid", "CHR", "POS"]], on="rsid", suffixes=("", "_38"))
    both = both[(both["CHR"] == both["CHR_38"]) & both["CHR"].isin([str(c) for c in range(1, 23)])]
    both = both.drop_duplicates("rsid", keep=False)
    return pd.DataFrame(
        {
            "SNP": both["rsid"],
            "CHR": both["CHR"].astype(int),
            "BP_GRCh37": both["POS"].astype(np.int64),
            "BP_GRCh38": both["POS_38"].astype(np.int64),
            "A1": both["A1"],
            "A2": both["A2"],
        }
    ).reset_index(drop=True)


def simulate(snps: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    lead_rows = pd.DataFrame(
        [(r, int(c), p37, p38, a1, a2) for r, c, p37, p38, a1, a2, _, _ in LEADS],
        columns=snps.columns,
    )
    pool = snps[~snps["SNP"].isin(lead_rows["SNP"])]
    z_mean = pd.Series(0.0, index=pool.index)
    picked = []
    for rsid, chrom, pos37, _, _, _, z, _ in LEADS:
        near = pool[(pool["CHR"] == int(chrom)) & ((pool["BP_GRCh37"] - pos37).abs() < WINDOW)]
        near = near.sample(min(NEIGHBOURS, len(near)), random_state=rng)
        # Association fades with distance from the lead, a crude stand-in for linkage disequilibrium.
        z_mean[near.index] = z * np.exp(-(near["BP_GRCh37"] - pos37).abs() / 80_000)
        picked.append(near)
    picked = pd.concat(picked)
    rest = pool.drop(picked.index).sample(BACKGROUND, random_state=rng)
    table = pd.concat([lead_rows, picked, rest])
    mean = np.concatenate([[z for *_, z, _ in LEADS], z_mean[picked.index], np.zeros(len(rest))])
    # A random sign per SNP: the effect allele is not always the risk allele.
    sign = rng.choice([-1.0, 1.0], size=len(table))
    zscore = sign * (np.abs(mean) + rng.standard_normal(len(table)) * np.where(mean > 0, 0.7, 1.0))
    maf = rng.uniform(0.05, 0.5, len(table))
    se = 1.0 / np.sqrt(2 * maf * (1 - maf) * 50_000)  # a 50,000-sample study
    table = table.assign(BETA=zscore * se, SE=se, P=2 * _norm_sf(np.abs(zscore)))
    return table.sort_values(["CHR", "BP_GRCh37"]).reset_index(drop=True)


def _norm_sf(z: np.ndarray) -> np.ndarray:
    """Upper normal tail, accurate to tiny P (erfc from math, no scipy needed)."""
    from math import erfc, sqrt

    return np.array([0.5 * erfc(v / sqrt(2.0)) for v in z])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--raw", type=Path, default=ROOT.parent / "shared" / "data" / "raw")
    parser.add_argument("--out", type=Path, default=ROOT / "inst" / "extdata" / "example_gwas.tsv")
    parser.add_argument("--seed", type=int, default=2024)
    args = parser.parse_args()
    rng = np.random.default_rng(args.seed)
    table = simulate(read_hapmap3(args.raw), rng)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    table.to_csv(args.out, sep="\t", index=False, float_format="%.6g")
    print(f"wrote {len(table)} SNPs to {args.out}")


if __name__ == "__main__":
    main()
