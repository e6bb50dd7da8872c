"""scripts/cpu_ablation.py: each row trains with its overrides, is evaluated, enters the table;
a second call resumes instead of training again."""

import json
import shlex
import subprocess
import sys

from conftest import ROOT


def ablate(work, corpus_dir, *rows):
    command = [sys.executable, "scripts/cpu_ablation.py", "--work", str(work)]
    command += ["--corpus", str(corpus_dir), "--preset", "tiny", "--steps", "4", "--rows", *rows]
    done = subprocess.run(command, check=False, cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-3000:]
    lines = (work / "ablation.md").read_text().splitlines()
    return {line.split(" | ")[0].strip("| "): line.strip("| ").split(" | ") for line in lines[2:]}


def test_rows_train_with_their_overrides_and_a_rerun_resumes(tmp_path, corpus_dir):
    table = ablate(tmp_path, corpus_dir, "snp_x2")
    cells = table["snp_x2"]
    assert list(table) == ["snp_x2"] and cells[2] == "4"
    values = [float(v) for cell in cells[4:] for v in cell.split(" / ")]
    assert len(values) >= 9 and all(-1 <= v <= 1 for v in values)

    run = tmp_path / "runs" / "snp_x2"
    weights = json.loads((run / "training.json").read_text())["config"]["task_weights"]
    assert (weights["gwas"], weights["eqtl"], weights["biobank"]) == (4.0, 2.0, 2.0)
    command = shlex.split(json.loads((run / "ablation.json").read_text())["command"])
    assert command[command.index("--preset") + 1] == "tiny"
    assert 'task_weights={"gwas": 4.0, "eqtl": 2.0, "biobank": 2.0}' in command

    written = (run / "model.safetensors").stat().st_mtime_ns
    assert ablate(tmp_path, corpus_dir, "snp_x2") == table
    assert (run / "model.safetensors").stat().st_mtime_ns == written
