"""Short CPU ablations of the training recipe: task weights, text learning rate, layers, steps.

Each row trains a preset (`cpu-default`) with a few overrides on the evaluation corpus (every
benchmark held out), evaluates it, and the table compares the rows. Runs are kept in --work, so a
stopped script resumes where it left off (a row with an evaluation is not run again).

    .venv/bin/python scripts/cpu_ablation.py --work /tmp/ablation --steps 600
"""

from __future__ import annotations

import argparse
import json
import shlex
import subprocess
import sys
import time
from pathlib import Path

STREAM_WEIGHTS = ("disease_gene", "drug_gene", "gene_phenotype", "disease_phenotype")
UNIFORM = {t: 1.0 for t in ("synonym", "relation", "gwas", "eqtl", "biobank")} | {
    f"relation/{s}": 1.0 for s in STREAM_WEIGHTS
}
SNP_X2 = {"gwas": 4.0, "eqtl": 2.0, "biobank": 2.0}
# name, what changes from the preset, overrides (JSON values), steps multiplier
ROWS = [
    ("base", "cpu-default", {}, 1),
    ("seed1", "seed 1 (run-to-run noise)", {"seed": 1}, 1),
    ("uniform", "every task and stream weight 1", {"task_weights": UNIFORM}, 1),
    (
        "snp_x2",
        "gwas, eqtl, biobank weights x2",
        {"task_weights": SNP_X2},
        1,
    ),
    (
        "relation_x2",
        "relation weights x2",
        {
            "task_weights": {
                "relation": 3.0,
                "relation/disease_gene": 8.0,
                "relation/drug_gene": 6.0,
            }
        },
        1,
    ),
    ("steps_x3", "3x the steps", {}, 3),
    (
        "snp_x2_steps_x3",
        "gwas, eqtl, biobank weights x2, 3x the steps",
        {"task_weights": SNP_X2},
        3,
    ),
    ("lr_1e-4", "text lr 1e-4 (preset 5e-4)", {"lr": 1e-4}, 1),
    (
        "genes4",
        "4 nearest genes by symbol and name (preset: 1 by symbol)",
        {"model.locus_genes": 4, "model.gene_text": "symbol_name"},
        1,
    ),
    ("layers4", "top 4 encoder layers train (preset: 2)", {"model.trainable_layers": 4}, 1),
    ("layers6", "all 6 encoder layers train (preset: 2)", {"model.trainable_layers": 6}, 1),
]
COLUMNS = [
    ("gwas_temporal", "auc", "temporal"),
    ("gwas_temporal", "auc_locus_only", "temporal locus-only"),
    ("gwas_heldout", "auc_unseen", "random, no training link"),
    ("disgenet", "auc", "DisGeNET"),
    ("drugcentral", "auc", "DrugCentral"),
    ("relation_heldout", "auc", "relations"),
    ("synonym_heldout", "acc@1", "synonyms acc@1"),
    ("pgrm_ukbb", "spearman", "PGRM"),
    ("bbj_rg", "spearman", "BBJ"),
]
# SNP benchmarks read "locus tower / + nearby SNPs"; the text ones are the same in both.
METHODS = ("GENEREL locus tower", "GENEREL locus tower + nearby SNPs")


def cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "pygenerel.cli", *args]


def command(row, preset: str, corpus: Path, out: Path, steps: int, threads: int) -> list[str]:
    _, _, overrides, times = row
    sets = {"steps": steps * times, "warmup_steps": max(steps // 10, 1), "num_threads": threads}
    sets |= {"valid_every": 0, **overrides}
    args = ["train", "--preset", preset, "--corpus", str(corpus), "--out", str(out)]
    for key, value in sets.items():
        args += ["--set", f"{key}={json.dumps(value)}"]
    return cli(*args)


def run_row(row, args) -> dict:
    name = row[0]
    out = args.work / "runs" / name
    evaluation = out / "evaluation.json"
    if not evaluation.exists():
        train = command(row, args.preset, args.corpus, out, args.steps, args.threads)
        (args.work / "logs").mkdir(parents=True, exist_ok=True)
        with open(args.work / "logs" / f"{name}.log", "w") as log:
            started = time.time()
            subprocess.run(train, check=True, stdout=log, stderr=subprocess.STDOUT)
            minutes = (time.time() - started) / 60
            evaluate = cli("evaluate", "--model", str(out), "--corpus", str(args.corpus))
            evaluate += ["--no-baselines", "--threads", str(args.threads)]
            subprocess.run(evaluate, check=True, stdout=log, stderr=subprocess.STDOUT)
        (out / "ablation.json").write_text(
            json.dumps({"command": shlex.join(train), "train_minutes": round(minutes, 1)})
        )
    results = json.loads(evaluation.read_text())["results"]
    return {method: results[method] for method in METHODS}


def cell(result: dict, benchmark: str, metric: str) -> str:
    values = [f"{result[method][benchmark][metric]:.3f}" for method in METHODS]
    return values[0] if values[0] == values[1] else " / ".join(values)


def table(work: Path, results: dict, steps: int) -> str:
    head = ["row", "change", "steps", "train min"] + [label for _, _, label in COLUMNS]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for name, change, _, times in ROWS:
        if name not in results:
            continue
        meta = json.loads((work / "runs" / name / "ablation.json").read_text())
        cells = [name, change, str(steps * times), str(meta["train_minutes"])]
        cells += [cell(results[name], b, m) for b, m, _ in COLUMNS]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--work", type=Path, required=True)
    parser.add_argument("--raw", type=Path, default=Path("../shared/data/raw"))
    parser.add_argument("--corpus", type=Path, help="evaluation corpus (default: built in --work)")
    parser.add_argument("--preset", default="cpu-default")
    parser.add_argument("--steps", type=int, default=600)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--rows", nargs="*", help="row names (default: all)")
    args = parser.parse_args()
    args.corpus = args.corpus or args.work / "corpus-eval"
    if not (args.corpus / "corpus.json").exists():
        build = cli("corpus", "build", "--raw", str(args.raw), "--out", str(args.corpus))
        subprocess.run(build, check=True)
    results = {}
    for row in ROWS:
        if args.rows and row[0] not in args.rows:
            continue
        results[row[0]] = run_row(row, args)
        print(table(args.work, results, args.steps), flush=True)
        print(flush=True)
    (args.work / "ablation.md").write_text(table(args.work, results, args.steps) + "\n")


if __name__ == "__main__":
    main()
