"""Does the score pick out a GWAS's own hits? On the real summary statistics in raw/sumstats/,
the cosine of each SNP with the study's trait, for lead SNPs (P < 5e-8, one per 500 kb, greedy
by P) against null SNPs (P > 1e-5, at most 20,000, sampled with a fixed seed): the Mann-Whitney
AUC (ties count half), with the share of rows the model could score and how it placed them.
Target: AUC >= 0.80 in each file with positions.

    .venv/bin/python bench/sumstats_auc.py [--model DIR] [--raw ../shared/data/raw]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
import pandas as pd

from pygenerel.runtime import load_model

# file -> trait, build (SOURCES.md; the SLE build is GRCh37: its rsids sit at their hg19
# positions in snp_reference/hapmap3_db150_hg19), then the rsid, chromosome, position, P columns
FILES = {
    "echodata_BST1_Nalls2019_PD_locus.tsv.gz": ("Parkinson's disease", "GRCh37", "SNP CHR POS P"),
    "locuszoomr_SLE_gwas_sub.tsv.gz": (
        "systemic lupus erythematosus",
        "GRCh37",
        "rsid chrom pos p",
    ),
    "topr_CD_FINNGEN_p1e-3_hg38.tsv.gz": ("Crohn's disease", "GRCh38", "ID CHROM POS P"),
    "topr_CD_UKBB_p1e-3_hg38.tsv.gz": ("Crohn's disease", "GRCh38", "ID CHROM POS P"),
    "topr_UC_UKBB_p1e-3_hg38.tsv.gz": ("ulcerative colitis", "GRCh38", "ID CHROM POS P"),
    "locuscomparer_gwas.tsv.gz": ("coronary artery disease", None, "rsid - - pval"),
}
LEAD_P, NULL_P, WINDOW, MAX_NULLS = 5e-8, 1e-5, 500_000, 20_000


def clump(chrom: np.ndarray, pos: np.ndarray, p: np.ndarray) -> np.ndarray:
    """Indices of the leads: the smallest P, then drop all within WINDOW on its chromosome."""
    left, leads = np.flatnonzero(p < LEAD_P), []
    while len(left):
        best = left[np.argmin(p[left])]
        leads.append(best)
        left = left[(chrom[left] != chrom[best]) | (np.abs(pos[left] - pos[best]) >= WINDOW)]
    return np.array(leads, dtype=int)


def auc(leads: np.ndarray, nulls: np.ndarray) -> float:
    """Mann-Whitney U / (n_leads * n_nulls), ties counted half."""
    ranks = pd.Series(np.concatenate([leads, nulls])).rank().to_numpy()[: len(leads)]
    return (ranks.sum() - len(leads) * (len(leads) + 1) / 2) / (len(leads) * len(nulls))


def evaluate(model, path: Path, trait: str, build: str | None, columns: str) -> tuple[list, str]:
    """One table row and a note (what was sampled or missing)."""
    rsid, chrom, pos, p = columns.split()
    table = pd.read_csv(path, sep="\t", dtype={rsid: str, chrom: str})
    with_pos = pos != "-"
    emb, how, chroms38, pos38 = model.place_variants(
        rsids=table[rsid].to_numpy(dtype=object),
        chroms=table[chrom].to_numpy(dtype=object) if with_pos else None,
        positions=table[pos].to_numpy() if with_pos else None,
        build=build or "GRCh38",
    )
    score = emb @ model.embed_texts([trait])[0]
    scored = ~np.isnan(score)
    # an rsid-only file is clumped on where the model placed each SNP (GRCh38)
    chrom_c = table[chrom].to_numpy(dtype=object) if with_pos else chroms38
    pos_c = table[pos].to_numpy(dtype=np.int64) if with_pos else pos38
    pval = pd.to_numeric(table[p], errors="coerce").to_numpy()
    leads = clump(chrom_c, pos_c, np.where(with_pos | (pos38 >= 0), pval, np.nan))
    leads = leads[scored[leads]]
    nulls = np.flatnonzero((pval > NULL_P) & scored)
    notes = []
    if len(nulls) > MAX_NULLS:
        notes.append(f"{len(nulls):,} nulls, {MAX_NULLS:,} sampled (seed 0)")
        nulls = np.sort(np.random.default_rng(0).choice(nulls, MAX_NULLS, replace=False))
    if not len(leads):
        notes.append("no scored SNP at P < 5e-8")
    if not len(nulls):
        notes.append("no scored SNP at P > 1e-5")
    ways = pd.Series(how[scored]).value_counts()
    placed = ", ".join(f"{k} {v:,}" for k, v in ways.items())
    value = f"{auc(score[leads], score[nulls]):.3f}" if len(leads) and len(nulls) else "n/a"
    row = [
        path.name,
        trait,
        build or "rsid only",
        f"{len(table):,}",
        f"{scored.mean():.1%} ({placed})",
        len(leads),
        f"{len(nulls):,}",
        value,
    ]
    return row, "; ".join(notes)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", help="bundle directory (default: the shipped model)")
    parser.add_argument("--raw", default=Path(__file__).resolve().parents[2] / "shared/data/raw")
    args = parser.parse_args()
    model = load_model(args.model)
    header = ["file", "trait", "build", "rows", "scored share", "leads", "nulls", "AUC"]
    print(f"model: {model!r}\n")
    print("| " + " | ".join(header) + " |\n|" + "---|" * len(header))
    notes = []
    for name, (trait, build, columns) in FILES.items():
        row, note = evaluate(model, Path(args.raw) / "sumstats" / name, trait, build, columns)
        print("| " + " | ".join(map(str, row)) + " |")
        notes += [f"- {name}: {note}"] if note else []
    print("\n" + "\n".join(notes) + "\n" if notes else "")
    print("target: AUC >= 0.80 in each file with positions")
    return 0


if __name__ == "__main__":
    sys.exit(main())
