"""ModelConfig: everything needed to rebuild a GenerelModel, as plain JSON."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

DEFAULT_BASE_MODEL = "all-MiniLM-L6-v2"

# The random encoder behind base_model="tiny": small enough that tests train in seconds.
TINY_TEXT_CONFIG = {
    "model_type": "bert",
    "hidden_size": 64,
    "num_hidden_layers": 2,
    "num_attention_heads": 2,
    "intermediate_size": 128,
    "max_position_embeddings": 128,
    "hidden_dropout_prob": 0.0,  # deterministic, so distributed and single-process runs agree
    "attention_probs_dropout_prob": 0.0,
}


@dataclasses.dataclass
class ModelConfig:
    base_model: str = DEFAULT_BASE_MODEL  # package default, "tiny", or a local HF directory
    snp_tower: str = "locus"  # "locus" (position bins + nearest gene + id) or "id" (paper design)
    dim: int = 0  # set from the text encoder's hidden size when the model is built
    trainable_layers: int = 2  # top encoder layers that train; -1 = all (embeddings too)
    max_length: int = 32
    snp_id_dim: int = 128
    bin_dim: int = 32
    bin_scales: list = dataclasses.field(default_factory=lambda: [1_000_000, 100_000])
    mlp_hidden: int = 512
    locus_genes: int = 1  # genes around a locus mixed into its gene feature, by distance
    gene_decay: int = 50_000  # bp; a gene's weight is exp(-distance / gene_decay)
    gene_text: str = "symbol"  # what the text tower reads per gene: "symbol" or "symbol_name"
    aux_id_tower: bool = True  # also train an id-only tower on detached text (the paper baseline)
    text_config: dict = dataclasses.field(default_factory=dict)  # HF config, filled when built

    def __post_init__(self):
        if self.snp_tower not in ("locus", "id"):
            raise ValueError(f"snp_tower must be 'locus' or 'id', not {self.snp_tower!r}")

    @classmethod
    def from_dict(cls, values: dict) -> ModelConfig:
        names = {f.name for f in dataclasses.fields(cls)}
        unknown = set(values) - names
        if unknown:
            raise ValueError(f"unknown model config keys: {sorted(unknown)}")
        return cls(**values)

    def to_dict(self) -> dict:
        return dataclasses.asdict(self)

    def save(self, path: Path) -> None:
        Path(path).write_text(json.dumps(self.to_dict(), indent=2))

    @classmethod
    def load(cls, path: Path) -> ModelConfig:
        return cls.from_dict(json.loads(Path(path).read_text()))
