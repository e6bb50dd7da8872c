"""Text-encoding throughput: torch vs ONNX fp32 vs ONNX int8, as ratios from one run.

Exports the all-MiniLM-L6-v2 text tower (the shipped model's base) to a temporary directory,
quantises it as `pygenerel export` does, and encodes the same concept names with each, with the
same thread count, batch size and length-sorted batching. Target: int8 >= 2x torch.

    .venv/bin/python bench/text_encoder_throughput.py [--texts 2000] [--threads 2] [--batch-size 64]
"""

import argparse
import gzip
import tempfile
import time
from pathlib import Path

import numpy as np
import torch

from pygenerel.export.onnx_export import bundle_tokenizer, export_text_encoder
from pygenerel.export.quantize import quantize_text_encoder
from pygenerel.model.text_tower import TextTower, load_base
from pygenerel.runtime.text_encoder import TextEncoder

ROOT = Path(__file__).resolve().parents[1]
MAX_LENGTH = 32


def concept_names(raw: Path, n: int) -> list[str]:
    with gzip.open(raw / "ontologies" / "ccbhms_efo_labels.tsv.gz", "rt") as handle:
        next(handle)
        names = list(dict.fromkeys(line.split("\t")[1] for line in handle))
    return list(np.random.default_rng(0).choice(names, size=min(n, len(names)), replace=False))


def torch_encode(tower, hf_tokenizer, texts, batch_size):
    order = np.argsort([len(hf_tokenizer.tokenize(t)) for t in texts], kind="stable")
    with torch.inference_mode():
        for lo in range(0, len(texts), batch_size):
            batch = [texts[i] for i in order[lo : lo + batch_size]]
            tokens = hf_tokenizer(
                batch, padding=True, truncation=True, max_length=MAX_LENGTH, return_tensors="pt"
            )
            tower(tokens["input_ids"], tokens["attention_mask"])


def rate(fn, texts) -> float:
    fn(texts[:64])  # warm-up
    start = time.perf_counter()
    fn(texts)
    return len(texts) / (time.perf_counter() - start)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--texts", type=int, default=2000)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--raw", type=Path, default=ROOT.parent / "shared" / "data" / "raw")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    texts = concept_names(args.raw, args.texts)
    encoder, hf_tokenizer = load_base("all-MiniLM-L6-v2")
    tower = TextTower(encoder).eval()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        bundle_tokenizer(hf_tokenizer, MAX_LENGTH).save(str(tmp / "tokenizer.json"))
        export_text_encoder(
            tower, tmp / "tokenizer.json", MAX_LENGTH, tmp / "fp32.onnx", texts[:32]
        )
        quantize_text_encoder(tmp / "fp32.onnx", tmp / "int8.onnx")
        onnx = {
            name: TextEncoder(
                tmp / f"{name}.onnx",
                tmp / "tokenizer.json",
                MAX_LENGTH,
                batch_size=args.batch_size,
                threads=args.threads,
            )
            for name in ("fp32", "int8")
        }
        rates = {
            "torch": rate(lambda t: torch_encode(tower, hf_tokenizer, t, args.batch_size), texts),
            "onnx fp32": rate(onnx["fp32"].encode_uncached, texts),
            "onnx int8": rate(onnx["int8"].encode_uncached, texts),
        }
    print(
        f"{len(texts)} concept names, batch {args.batch_size}, {args.threads} threads, "
        f"max_length {MAX_LENGTH}"
    )
    for name, value in rates.items():
        print(f"  {name:10s} {value:8.0f} texts/s   {value / rates['torch']:.2f}x torch")
    verdict = "meets" if rates["onnx int8"] >= 2 * rates["torch"] else "MISSES"
    print(f"int8 {verdict} the 2x-torch target")


if __name__ == "__main__":
    main()
