"""The training loop: composes model, multi-task sampler, loss, optimisers, checkpoints, validation.

Dense parameters use AdamW (text tower at `lr`, SNP-tower heads at `lr_head`); the SNP id tables
use SparseAdam (`lr_table`), so a step only touches the rows in its batch. Both follow one
schedule: linear warm-up, then linear decay to zero at `steps`.
"""

from __future__ import annotations

import hashlib
import json
import time
from pathlib import Path

import numpy as np
import torch
from torch import nn

from pygenerel.model import GenerelModel
from pygenerel.train import checkpoint, distributed
from pygenerel.train.config import TrainConfig
from pygenerel.train.data import load_pairs, stream_task
from pygenerel.train.loss import weighted_info_nce
from pygenerel.train.sampler import MultiTaskSampler
from pygenerel.train.validation import pair_embeddings, validate

EMA = 0.95


def lr_factor(step: int, config: TrainConfig) -> float:
    warm = max(config.warmup_steps, 1)
    if step < warm:
        return (step + 1) / warm
    return max(0.0, (config.steps - step) / max(config.steps - warm, 1))


def weight_digest(model: nn.Module) -> str:
    digest = hashlib.sha256()
    for key, value in sorted(model.state_dict().items()):
        digest.update(key.encode())
        digest.update(value.detach().cpu().contiguous().numpy().tobytes())
    return digest.hexdigest()[:16]


class Trainer:
    def __init__(self, config: TrainConfig, corpus_dir, out_dir):
        self.config, self.corpus_dir, self.out_dir = config, Path(corpus_dir), Path(out_dir)
        self.env = distributed.setup(config.device)
        if config.num_threads:
            torch.set_num_threads(config.num_threads)
        torch.manual_seed(config.seed)  # identical initial weights on every rank
        self.model = GenerelModel.build(config.model, corpus_dir).to(self.env.device)
        tasks = [t for t, w in config.task_weights.items() if w > 0 and "/" not in t]
        known = self.model.snp_vocab.row
        split = config.split_by_relation
        self.train_pairs = load_pairs(
            corpus_dir, "train", tasks, known, config.max_pairs_per_task, config.seed, split
        )
        self.valid_pairs = load_pairs(
            corpus_dir, "valid", tasks, known, config.valid_pairs, config.seed, split
        )
        if not self.train_pairs:
            raise ValueError(f"no training links for tasks {tasks} in {corpus_dir}")
        sizes = {t: config.batch_size_for(t) for t in self.train_pairs}
        self.sampler = MultiTaskSampler(
            self.train_pairs, sizes, config.task_weights, config.size_power, config.seed
        )
        self.optimizers = self._optimizers()
        self.amp = config.amp and self.env.device.type == "cuda"
        if self.env.device.type == "cuda":
            torch.backends.cuda.matmul.allow_tf32 = True
        self.net = self.model
        if self.env.world > 1:
            tables = [
                n for n, _ in self.model.named_parameters() if n.endswith("id_embedding.weight")
            ]
            nn.parallel.DistributedDataParallel._set_params_and_buffers_to_ignore_for_model(
                self.model, tables
            )
            self.net = nn.parallel.DistributedDataParallel(
                self.model,
                device_ids=[self.env.device.index] if self.env.device.type == "cuda" else None,
                find_unused_parameters=True,
            )

    def _optimizers(self) -> dict:
        c, m = self.config, self.model
        tables = [p for n, p in m.named_parameters() if n.endswith("id_embedding.weight")]
        text = [p for p in m.text_tower.parameters() if p.requires_grad]
        taken = {id(p) for p in tables + text}
        heads = [p for p in m.parameters() if p.requires_grad and id(p) not in taken]
        groups = [
            {"params": text, "lr": c.lr, "base_lr": c.lr},
            {"params": heads, "lr": c.lr_head, "base_lr": c.lr_head},
        ]
        dense = torch.optim.AdamW(
            [g for g in groups if g["params"]], weight_decay=c.weight_decay, fused=True
        )
        sparse = torch.optim.SparseAdam(
            [{"params": tables, "lr": c.lr_table, "base_lr": c.lr_table}]
        )
        return {"dense": dense, "sparse": sparse}

    def _set_lr(self, step: int) -> None:
        factor = lr_factor(step, self.config)
        for optimizer in self.optimizers.values():
            for group in optimizer.param_groups:
                group["lr"] = group["base_lr"] * factor

    def step(self, stream: str, index: np.ndarray) -> float:
        """One optimisation step on a global batch of one stream; returns the (global) loss."""
        env, pairs = self.env, self.train_pairs[stream]
        index = index[: len(index) - len(index) % env.world]
        with torch.autocast("cuda", dtype=torch.bfloat16, enabled=self.amp):
            out = pair_embeddings(self.model, pairs, env.shard(index), env.device, self.net)
        out = {name: value.float() for name, value in out.items()}
        weight = torch.as_tensor(pairs.weight[index], device=env.device)
        temperature = self.config.temperature
        loss = weighted_info_nce(
            env.gather(out["left"]), env.gather(out["right"]), weight, temperature
        )
        total = loss
        if "aux_left" in out and pairs.has_snp(index):
            total = total + weighted_info_nce(
                env.gather(out["aux_left"]), env.gather(out["aux_right"]), weight, temperature
            )
        for optimizer in self.optimizers.values():
            optimizer.zero_grad(set_to_none=True)
        total.backward()
        self.env.reduce_sparse(
            p for g in self.optimizers["sparse"].param_groups for p in g["params"]
        )
        dense = [
            p
            for g in self.optimizers["dense"].param_groups
            for p in g["params"]
            if p.grad is not None
        ]
        if self.config.grad_clip:
            torch.nn.utils.clip_grad_norm_(dense, self.config.grad_clip)
        for optimizer in self.optimizers.values():
            optimizer.step()
        return loss.item()

    def _save_checkpoint(self, step: int, ema: dict) -> None:
        if self.env.main:
            checkpoint.save_checkpoint(
                self.out_dir / "checkpoints",
                step,
                self.model,
                self.optimizers,
                {"sampler": self.sampler.state_dict(), "ema": ema, "config": self.config.to_dict()},
                keep=self.config.keep_checkpoints,
            )

    def _resume(self) -> tuple[int, dict]:
        found = checkpoint.latest_checkpoint(self.out_dir / "checkpoints")
        if found is None:
            return 0, {}
        state = checkpoint.load_checkpoint(found, self.model, self.optimizers, self.env.device)
        saved = TrainConfig.from_dict(state["config"]).recipe()
        if saved != self.config.recipe():
            raise ValueError(f"{found} belongs to a different config; use another --out or --fresh")
        self.sampler.load_state_dict(state["sampler"])
        return state["step"], state["ema"]

    def _log(self, record: dict) -> None:
        if self.env.main:
            with open(self.out_dir / "train_log.jsonl", "a") as handle:
                handle.write(json.dumps(record) + "\n")

    def run(self, resume: bool = True) -> Path:
        from tqdm.auto import tqdm

        c = self.config
        self.out_dir.mkdir(parents=True, exist_ok=True)
        start, ema = self._resume() if resume else (0, {})
        end = min(c.steps, c.stop_at) if c.stop_at else c.steps
        seconds: dict[str, list] = {}
        self.net.train()
        bar = tqdm(total=c.steps, initial=start, disable=not self.env.main, dynamic_ncols=True)
        deadline = time.monotonic() + c.max_minutes * 60 if c.max_minutes else None
        for step in range(start, end):
            if deadline is not None and time.monotonic() > deadline:
                self._log({"step": step, "stopped": f"max_minutes={c.max_minutes} reached"})
                end = step
                break
            if c.gene_refresh and (step == start or step % c.gene_refresh == 0):
                self._refresh_gene_table()
            stream, index = self.sampler.next()
            self._set_lr(step)
            began = time.perf_counter()
            loss = self.step(stream, index)
            task = stream_task(stream)
            seconds.setdefault(task, []).append(time.perf_counter() - began)
            ema[task] = loss if task not in ema else EMA * ema[task] + (1 - EMA) * loss
            bar.update(1)
            bar.set_postfix({t[:4]: f"{v:.3f}" for t, v in sorted(ema.items())}, refresh=False)
            done = step + 1
            if c.log_every and done % c.log_every == 0 or done == end:
                self._log({"step": done, "stream": stream, "loss": loss, "ema": ema})
            if c.valid_every and done % c.valid_every == 0 and done < c.steps and self.env.main:
                self._log({"step": done, "valid": self.validate()})
            if c.checkpoint_every and done % c.checkpoint_every == 0 or done == end:
                self._save_checkpoint(done, ema)
        bar.close()
        if end == c.steps or deadline is not None:
            self._finish(ema, seconds, end)
        distributed.teardown(self.env)
        return self.out_dir

    def _refresh_gene_table(self) -> None:
        with torch.autocast("cuda", dtype=torch.bfloat16, enabled=self.amp):
            self.model.cache_gene_embeddings()

    def validate(self) -> dict:
        return validate(
            self.model,
            self.valid_pairs,
            min(self.config.batch_size, 256),
            self.config.temperature,
            self.env.device,
        )

    def _finish(self, ema: dict, seconds: dict, steps_done: int) -> None:
        digests = [weight_digest(self.model)]
        if self.env.world > 1:
            import torch.distributed as dist

            digests = [None] * self.env.world
            dist.all_gather_object(digests, weight_digest(self.model))
        if not self.env.main:
            return
        if self.config.gene_refresh:
            self._refresh_gene_table()
        valid = self.validate()
        self._log({"step": self.config.steps, "valid": valid})
        self.model.save(self.out_dir)
        summary = {
            "config": self.config.to_dict(),
            "steps_done": steps_done,
            "corpus_dir": str(self.corpus_dir),
            "world_size": self.env.world,
            "train_pairs": {t: len(p) for t, p in self.train_pairs.items()},
            "stream_probabilities": dict(
                zip(self.sampler.names, np.round(self.sampler.probs, 4).tolist())
            ),
            "steps_per_second": {
                t: round(len(s) / sum(s), 3) for t, s in seconds.items() if sum(s) > 0
            },
            "final_ema_loss": ema,
            "valid": valid,
            "rank_weight_digests": digests,
        }
        (self.out_dir / "training.json").write_text(json.dumps(summary, indent=2))
