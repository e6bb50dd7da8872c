"""torchrun support: process group set-up and an autograd-aware all-gather.

Every rank draws the same global batch (same seed) and embeds its own contiguous shard; the
shards are gathered with gradient, so the InfoNCE loss sees the whole global batch as
negatives on every rank. The gather's backward sums the identical per-rank losses' gradients
(x world) and DDP then averages over ranks, so parameters get exactly the single-process
gradient of the global batch.

DDP cannot reduce the sparse gradients of the SNP id tables when a step leaves them unused (text
tasks), so the tables are kept out of DDP and `reduce_sparse` merges their row gradients.
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
    device: torch.device = dataclasses.field(default_factory=lambda: torch.device("cpu"))

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

    def reduce_sparse(self, params) -> None:
        """Average sparse row gradients over ranks (as DDP does for dense ones), in place."""
        if self.world == 1:
            return
        for p in params:
            if p.grad is None:
                rows, values = (
                    torch.zeros(0, dtype=torch.long, device=p.device),
                    p.new_zeros(0, *p.shape[1:]),
                )
            else:
                grad = p.grad.coalesce()
                rows, values = grad.indices()[0], grad.values()
            counts = [torch.zeros(1, dtype=torch.long, device=p.device) for _ in range(self.world)]
            dist.all_gather(counts, torch.tensor([len(rows)], device=p.device))
            longest = int(max(c.item() for c in counts))
            pad = longest - len(rows)
            rows = torch.cat([rows, rows.new_zeros(pad)])
            values = torch.cat([values, values.new_zeros(pad, *values.shape[1:])])
            all_rows = [torch.empty_like(rows) for _ in range(self.world)]
            all_values = [torch.empty_like(values) for _ in range(self.world)]
            dist.all_gather(all_rows, rows)
            dist.all_gather(all_values, values)
            n = [int(c.item()) for c in counts]
            rows = torch.cat([r[:k] for r, k in zip(all_rows, n)])
            values = torch.cat([v[:k] for v, k in zip(all_values, n)]) / self.world
            p.grad = (
                torch.sparse_coo_tensor(rows[None], values, p.shape).coalesce()
                if len(rows)
                else None
            )


def setup(device: str = "auto") -> Dist:
    """One process, or a torchrun rank (gloo on CPU, nccl on GPU)."""
    world = int(os.environ.get("WORLD_SIZE", "1"))
    use_cuda = torch.cuda.is_available() if device == "auto" else device.startswith("cuda")
    if world == 1:
        return Dist(
            device=torch.device("cuda" if use_cuda else "cpu")
            if device == "auto"
            else torch.device(device)
        )
    local = int(os.environ.get("LOCAL_RANK", "0"))
    if use_cuda:
        torch.cuda.set_device(local)
    if not dist.is_initialized():
        dist.init_process_group("nccl" if use_cuda else "gloo")
    return Dist(dist.get_rank(), world, torch.device(f"cuda:{local}" if use_cuda else "cpu"))


def teardown(env: Dist) -> None:
    if env.world > 1 and dist.is_initialized():
        dist.destroy_process_group()
