"""torchrun support: process group set-up and an autograd-aware all-gather.

Every rank draws the same global batch (same seed) and embeds its own contiguous shard; the
shards are gathered with gradient, so the InfoNCE loss sees the whole global batch as
negatives on every rank. The gather's backward sums the identical per-rank losses' gradients
(x world) and DDP then averages over ranks, so parameters get exactly the single-process
gradient of the global batch.
"""
from __future__ import annotations

import dataclasses
import os

import numpy as np
import torch
import torch.distributed as dist


@dataclasses.dataclass
class Dist:
    rank: int = 0
    world: int = 1
    device: torch.device = torch.device("cpu")

    @property
    def main(self) -> bool:
        return self.rank == 0

    def shard(self, index: np.ndarray) -> np.ndarray:
        """This rank's contiguous share of a global batch trimmed to a multiple of the world size."""
        index = index[: len(index) - len(index) % self.world]
        return np.array_split(index, self.world)[self.rank]

    def gather(self, tensor: torch.Tensor) -> torch.Tensor:
        if self.world == 1:
            return tensor
        from torch.distributed.nn.functional import all_gather

        return torch.cat(all_gather(tensor.contiguous()))


def setup(device: str = "auto") -> Dist:
    """One process, or a torchrun rank (gloo on CPU, nccl on GPU)."""
    world = int(os.environ.get("WORLD_SIZE", "1"))
    use_cuda = torch.cuda.is_available() if device == "auto" else device.startswith("cuda")
    if world == 1:
        return Dist(device=torch.device("cuda" if use_cuda else "cpu") if device == "auto" else torch.device(device))
    local = int(os.environ.get("LOCAL_RANK", "0"))
    if use_cuda:
        torch.cuda.set_device(local)
    if not dist.is_initialized():
        dist.init_process_group("nccl" if use_cuda else "gloo")
    return Dist(dist.get_rank(), world, torch.device(f"cuda:{local}" if use_cuda else "cpu"))


def teardown(env: Dist) -> None:
    if env.world > 1 and dist.is_initialized():
        dist.destroy_process_group()
