"""Checkpoints that resume exactly and contain no pickled code: safetensors + JSON.

A checkpoint holds the model and optimiser tensors (safetensors), the torch RNG state (a uint8
tensor) and, in `state.json`, the step, optimiser hyper-parameters, sampler state (numpy
generator state included) and the config it belongs to.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import torch
from safetensors.torch import load_file, save_file

PREFIX = "step-"


def _optimizer_parts(name: str, optimizer) -> tuple[dict, dict]:
    state = optimizer.state_dict()
    tensors, scalars = {}, {}
    for pid, entry in state["state"].items():
        for key, value in entry.items():
            if torch.is_tensor(value):
                tensors[f"{name}/{pid}/{key}"] = value.detach().cpu().contiguous()
            else:
                scalars[f"{pid}/{key}"] = value
    return tensors, {"param_groups": state["param_groups"], "scalars": scalars}


def _optimizer_state(name: str, tensors: dict, meta: dict) -> dict:
    state: dict = {}
    for key, value in tensors.items():
        if key.startswith(f"{name}/"):
            _, pid, field = key.split("/")
            state.setdefault(int(pid), {})[field] = value
    for key, value in meta["scalars"].items():
        pid, field = key.split("/")
        state.setdefault(int(pid), {})[field] = value
    return {"state": state, "param_groups": meta["param_groups"]}


def save_checkpoint(
    directory: Path, step: int, model, optimizers: dict, extra: dict, keep: int = 1
) -> Path:
    """Write `directory/step-N` atomically (temp dir, then rename) and keep the newest `keep`."""
    directory = Path(directory)
    target = directory / f"{PREFIX}{step:08d}"
    tmp = directory / f".tmp-{PREFIX}{step:08d}"
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    save_file(
        {k: v.detach().cpu().contiguous() for k, v in model.state_dict().items()},
        tmp / "model.safetensors",
    )
    tensors, metas = {"rng/torch": torch.get_rng_state()}, {}
    if torch.cuda.is_available():
        tensors["rng/cuda"] = torch.cuda.get_rng_state()
    for name, optimizer in optimizers.items():
        t, metas[name] = _optimizer_parts(name, optimizer)
        tensors.update(t)
    save_file(tensors, tmp / "optimizer.safetensors")
    (tmp / "state.json").write_text(
        json.dumps({"step": step, "optimizers": metas, **extra}, indent=1)
    )
    shutil.rmtree(target, ignore_errors=True)
    tmp.rename(target)
    for old in sorted(directory.glob(f"{PREFIX}*"))[:-keep]:
        shutil.rmtree(old)
    return target


def latest_checkpoint(directory: Path) -> Path | None:
    found = sorted(Path(directory).glob(f"{PREFIX}*"))
    return found[-1] if found else None


def load_checkpoint(path: Path, model, optimizers: dict, device) -> dict:
    """Restore model, optimisers and torch RNG in place; returns state.json (step, sampler, ...)."""
    path = Path(path)
    state = json.loads((path / "state.json").read_text())
    model.load_state_dict(load_file(path / "model.safetensors", device=str(device)))
    tensors = load_file(path / "optimizer.safetensors")
    for name, optimizer in optimizers.items():
        optimizer.load_state_dict(_optimizer_state(name, tensors, state["optimizers"][name]))
    torch.set_rng_state(tensors["rng/torch"])
    if "rng/cuda" in tensors and torch.cuda.is_available():
        torch.cuda.set_rng_state(tensors["rng/cuda"])
    return state
