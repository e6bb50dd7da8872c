"""`pygenerel train` under torchrun: 2 CPU processes (gloo) behave like one process on the global batch."""

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
from safetensors.torch import load_file

from pygenerel.train import train

SETTINGS = {
    "steps": 4,
    "max_pairs_per_task": 300,
    "batch_size": 16,
    "log_every": 1,
    "checkpoint_every": 0,
    "num_threads": 1,
}


def _losses(out: Path) -> list:
    records = [json.loads(line) for line in (out / "train_log.jsonl").read_text().splitlines()]
    return [(r["stream"], r["loss"]) for r in records if "loss" in r]


def test_two_gloo_ranks_match_single_process_training(corpus_dir, tmp_path):
    ddp, single = tmp_path / "ddp", tmp_path / "single"
    torchrun = Path(sys.executable).parent / "torchrun"
    overrides = [arg for key, value in SETTINGS.items() for arg in ("--set", f"{key}={value}")]
    command = [
        str(torchrun),
        "--standalone",
        "--nproc_per_node",
        "2",
        "-m",
        "pygenerel.cli",
        "train",
        "--preset",
        "tiny",
        "--corpus",
        str(corpus_dir),
        "--out",
        str(ddp),
        *overrides,
    ]
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    result = subprocess.run(
        command, env=env, capture_output=True, text=True, timeout=900, check=False
    )
    assert result.returncode == 0, result.stderr[-3000:]
    train(preset="tiny", corpus_dir=corpus_dir, out_dir=single, **SETTINGS)

    summary = json.loads((ddp / "training.json").read_text())
    assert summary["world_size"] == 2
    digests = summary["rank_weight_digests"]
    assert len(digests) == 2 and digests[0] == digests[1], "ranks ended with different weights"

    ddp_losses, single_losses = _losses(ddp), _losses(single)
    assert [s for s, _ in ddp_losses] == [s for s, _ in single_losses]  # same streams, same batches
    assert np.allclose(
        [l for _, l in ddp_losses], [l for _, l in single_losses], rtol=1e-4, atol=1e-4
    )
    a, b = load_file(ddp / "model.safetensors"), load_file(single / "model.safetensors")
    assert max((a[k] - b[k]).abs().max().item() for k in a) < 1e-3
