"""TrainConfig: one TOML file holds a whole training recipe (model included).

Presets live in `presets/<name>.toml`; a user file or keyword overrides go on top. Dotted keys
("model.trainable_layers") override the nested model table.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import tomllib

from pygenerel.model.config import ModelConfig

PRESETS = Path(__file__).parent / "presets"
TASKS = ("synonym", "relation", "gwas", "eqtl", "biobank")
# Settings that change how a run is driven, not what it computes: a resumed run may change them.
RUN_CONTROL = (
    "stop_at",
    "max_minutes",
    "num_threads",
    "device",
    "log_every",
    "valid_every",
    "checkpoint_every",
    "keep_checkpoints",
)


@dataclasses.dataclass
class TrainConfig:
    model: ModelConfig = dataclasses.field(default_factory=ModelConfig)
    seed: int = 0
    steps: int = 1000
    batch_size: int = 64  # global pairs per step (all ranks together)
    task_batch_size: dict = dataclasses.field(default_factory=dict)  # per task (or stream) override
    # per task; "task/relation" keys weight a relation stream within its task
    task_weights: dict = dataclasses.field(default_factory=lambda: {t: 1.0 for t in TASKS})
    size_power: float = 1.0  # task probability ~ weight * n_train ** size_power
    split_by_relation: list = dataclasses.field(default_factory=lambda: ["relation", "biobank"])
    max_pairs_per_task: int = 0  # per stream; 0 = all, else a fixed random slice (tiny runs)
    temperature: float = 0.05
    lr: float = 5e-5  # text tower
    lr_head: float = 1e-3  # SNP towers (dense parts)
    lr_table: float = 1e-2  # SNP id tables (SparseAdam)
    weight_decay: float = 0.01
    warmup_steps: int = 100
    grad_clip: float = 1.0
    valid_every: int = 500  # 0 = only at the end
    valid_pairs: int = 512  # per stream
    checkpoint_every: int = 500
    keep_checkpoints: int = 1
    log_every: int = 50
    num_threads: int = 0  # 0 = torch default
    device: str = "auto"  # auto = cuda when available
    amp: bool = False  # bf16 autocast on CUDA (the loss stays fp32)
    gene_refresh: int = 0  # re-embed all locus gene texts every N steps; 0 = per batch (exact)
    stop_at: int = 0  # stop after checkpointing at this step; `resume` continues the same run
    max_minutes: float = 0  # on a lent machine: past this, finish and save the model (0 = no limit)

    @classmethod
    def from_dict(cls, values: dict) -> TrainConfig:
        values = dict(values)
        model = ModelConfig.from_dict(values.pop("model", {}))
        names = {f.name for f in dataclasses.fields(cls)}
        unknown = set(values) - names
        if unknown:
            raise ValueError(f"unknown training config keys: {sorted(unknown)}")
        unknown_tasks = {
            k for k in values.get("task_weights", {}) if k.split("/", 1)[0] not in TASKS
        }
        if unknown_tasks:
            raise ValueError(f"unknown tasks in task_weights: {sorted(unknown_tasks)}")
        return cls(model=model, **values)

    def to_dict(self) -> dict:
        return dataclasses.asdict(self)

    def recipe(self) -> dict:
        """The config without RUN_CONTROL settings, as JSON would return it."""
        return json.loads(
            json.dumps({k: v for k, v in self.to_dict().items() if k not in RUN_CONTROL})
        )

    def save(self, path) -> None:
        Path(path).write_text(json.dumps(self.to_dict(), indent=2))

    def batch_size_for(self, stream: str) -> int:
        task = stream.split("/", 1)[0]
        return int(
            self.task_batch_size.get(stream, self.task_batch_size.get(task, self.batch_size))
        )


def preset_names() -> list[str]:
    return sorted(p.stem for p in PRESETS.glob("*.toml"))


def _merge(base: dict, extra: dict) -> dict:
    out = dict(base)
    for key, value in extra.items():
        out[key] = (
            _merge(out[key], value)
            if isinstance(value, dict) and isinstance(out.get(key), dict)
            else value
        )
    return out


def _nest(overrides: dict) -> dict:
    nested: dict = {}
    for key, value in overrides.items():
        *parents, leaf = key.split(".")
        node = nested
        for part in parents:
            node = node.setdefault(part, {})
        node[leaf] = value
    return nested


def load_config(
    preset: str | None = "cpu-default", config: str | Path | None = None, **overrides
) -> TrainConfig:
    """Preset, then a TOML file, then keyword overrides (dotted keys reach into [model])."""
    values: dict = {}
    if preset:
        path = PRESETS / f"{preset}.toml"
        if not path.exists():
            raise ValueError(f"unknown preset {preset!r}; presets: {preset_names()}")
        values = tomllib.loads(path.read_text())
    if config:
        values = _merge(values, tomllib.loads(Path(config).read_text()))
    values = _merge(values, _nest(overrides))
    return TrainConfig.from_dict(values)
