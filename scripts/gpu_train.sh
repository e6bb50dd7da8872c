#!/usr/bin/env bash
# One run on a lent GPU machine, from the repository root, with the payload of
# `python scripts/gpu_payload.py pack` in .gpu/: five trainings side by side on one GPU (the
# evaluation model A, the release model B on everything, and ablations C-E of A), then their
# evaluations; the release model's trained tensors and every log come back under $OUT.
#   C: one gene, by symbol (the old locus features)   D: top 2 layers, lr 5e-4 (the CPU recipe)
#   E: four genes, by symbol only
set -uo pipefail
export PYTHONUNBUFFERED=1 PYTHONPATH=$PWD HF_HUB_OFFLINE=1 TOKENIZERS_PARALLELISM=false
W=/tmp/gpu; OUT=${OUT:-/tmp/gpu-out}; MINUTES=${MINUTES:-4.2}; STEPS=${STEPS:-5000}
PRESET=${PRESET:-gpu}; BASE=${BASE:-$W/base}
mkdir -p $W/logs $OUT
cli() { python3 -c 'from pygenerel.cli import main; main()' "$@"; }
nvidia-smi --query-gpu=name,memory.total --format=csv,noheader 2>/dev/null
python3 scripts/gpu_payload.py unpack --payload .gpu --work $W || exit 1
train() {
  local name=$1 corpus=$2; shift 2
  cli train --preset $PRESET --corpus $W/$corpus --out $W/runs/$name --fresh \
    --set model.base_model="\"$BASE\"" --set max_minutes=$MINUTES --set steps=$STEPS --set num_threads=3 "$@" \
    > $W/logs/train_$name.log 2>&1
  echo "train $name: exit $?"
}
date
train A corpus-eval &
train B corpus-release &
train C corpus-eval --set model.locus_genes=1 --set 'model.gene_text="symbol"' &
train D corpus-eval --set model.trainable_layers=2 --set lr=5e-4 &
train E corpus-eval --set 'model.gene_text="symbol"' &
wait
date
evaluate() {
  local name=$1; shift
  cli evaluate --model $W/runs/$name --corpus $W/corpus-eval ${EVAL_ARGS:-} "$@" > $W/logs/eval_$name.log 2>&1
  echo "evaluate $name: exit $?"
}
evaluate A &
evaluate C --no-baselines &
evaluate D --no-baselines &
evaluate E --no-baselines &
wait
date
python3 scripts/gpu_payload.py slim --model $W/runs/B --out $W/release.slim.safetensors
split -b 15M -d $W/release.slim.safetensors $OUT/release.slim.part
mkdir -p $W/keep
for run in A B C D E; do
  mkdir -p $W/keep/$run
  cp $W/runs/$run/{config.json,training.json,train_log.jsonl,evaluation.json,evaluation.md} $W/keep/$run/ 2>/dev/null
done
cp $W/runs/B/{snp_vocab.tsv.gz,genes.tsv.gz} $W/keep/B/
cp $W/logs/* $W/keep/
tar -czf $OUT/runs.tar.gz -C $W/keep .
ls -la $OUT
cat $W/runs/A/evaluation.md 2>/dev/null
for run in C D E; do echo "== $run"; grep -E "gwas|synonym|disgenet|drugcentral|relation" $W/runs/$run/evaluation.md; done
