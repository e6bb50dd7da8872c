"""Training throughput: optimisation steps per second for each task (its relation streams mixed), on this machine's CPU cores.

Runs real steps (same code path as `pygenerel train`) of a preset on a corpus and prints steps/s
and pairs/s per task, plus the wall time the preset's `steps` would take at the measured task mix.

    .venv/bin/python bench/train_throughput.py --corpus .cache/dev-corpus --preset cpu-default --threads 2
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time

import numpy as np
import torch


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", required=True)
    parser.add_argument("--preset", default="cpu-default")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--steps", type=int, default=8, help="timed steps per task")
    parser.add_argument("--warmup", type=int, default=2, help="untimed steps per task")
    parser.add_argument("--json", help="also write the results here")
    args = parser.parse_args()

    torch.set_num_threads(args.threads)
    from pygenerel.train.config import load_config
    from pygenerel.train.data import stream_task
    from pygenerel.train.trainer import Trainer

    config = load_config(args.preset, num_threads=args.threads, valid_pairs=8)
    with tempfile.TemporaryDirectory() as out:
        trainer = Trainer(config, args.corpus, out)
        probs = dict(zip(trainer.sampler.names, trainer.sampler.probs))
        by_task: dict[str, list] = {}
        for stream in trainer.sampler.names:
            by_task.setdefault(stream_task(stream), []).append(stream)
        rng = np.random.default_rng(0)
        rows = {}
        for task, streams in by_task.items():
            share = np.array([probs[s] for s in streams])
            draws = rng.choice(streams, size=args.warmup + args.steps, p=share / share.sum())
            times, pairs = [], 0
            for k, stream in enumerate(draws):
                batch = trainer.sampler.streams[stream].next_batch()
                began = time.perf_counter()
                trainer.step(stream, batch)
                if k >= args.warmup:
                    times.append(time.perf_counter() - began)
                    pairs += len(batch)
            rows[task] = {
                "p": float(share.sum()),
                "steps_per_s": len(times) / sum(times),
                "pairs_per_s": pairs / sum(times),
                "median_step_s": float(np.median(times)),
            }
    mean_step = sum(
        r["p"] / r["steps_per_s"] for r in rows.values()
    )  # seconds per step at the task mix
    print(f"preset {args.preset}, {args.threads} threads, corpus {args.corpus}")
    print(f"{'task':<10}{'p(task)':>9}{'steps/s':>9}{'pairs/s':>9}{'median s':>10}")
    for task, r in rows.items():
        print(
            f"{task:<10}{r['p']:>9.3f}{r['steps_per_s']:>9.2f}{r['pairs_per_s']:>9.0f}{r['median_step_s']:>10.3f}"
        )
    print(
        f"mixed: {1 / mean_step:.2f} steps/s; {config.steps} steps ~ {config.steps * mean_step / 60:.1f} min"
    )
    if args.json:
        with open(args.json, "w") as handle:
            json.dump(
                {
                    "preset": args.preset,
                    "threads": args.threads,
                    "tasks": rows,
                    "mixed_steps_per_s": 1 / mean_step,
                    "estimated_minutes": config.steps * mean_step / 60,
                },
                handle,
                indent=2,
            )


if __name__ == "__main__":
    main()
