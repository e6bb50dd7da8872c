"""Training: TOML configs and presets, multi-task sampling, weighted InfoNCE, the trainer (torch)."""

from __future__ import annotations

from pathlib import Path

from pygenerel.train.config import TrainConfig, load_config, preset_names


def train(
    preset: str | None = "cpu-default",
    corpus_dir=None,
    out_dir=None,
    config=None,
    resume: bool = True,
    **overrides,
) -> Path:
    """Train a model into `out_dir` (loadable by GenerelModel.load). Runs under torchrun as well;
    a run whose checkpoint exists in `out_dir` continues from it."""
    from pygenerel.train.trainer import Trainer

    if corpus_dir is None or out_dir is None:
        raise ValueError("train() needs corpus_dir and out_dir")
    cfg = config if isinstance(config, TrainConfig) else load_config(preset, config, **overrides)
    return Trainer(cfg, corpus_dir, out_dir).run(resume=resume)


__all__ = ["TrainConfig", "load_config", "preset_names", "train"]
