#!/usr/bin/env bash
# One run on a lent GPU machine, from the repository root, with the payload of
# `python scripts/gpu_payload.py pack` in .gpu/: the evaluation model A and the release model B
# (the `gpu` preset; B trains on everything) side by side on one GPU, then A's evaluation.
# B's trained tensors come back first, so a run cut short still returns the release model.
set -uo pipefail
export PYTHONUNBUFFERED=1 PYTHONPATH=$PWD HF_HUB_OFFLINE=1 TOKENIZERS_PARALLELISM=false
W=/tmp/gpu; OUT=${OUT:-/tmp/gpu-out}; MINUTES=${MINUTES:-5.8}; STEPS=${STEPS:-6000}
PRESET=${PRESET:-gpu}; BASE=${BASE:-$W/base}; EVAL_SECONDS=${EVAL_SECONDS:-170}
SETS=${SETS:-}  # extra config overrides for both runs, e.g. "--set lr_table=2e-3"
mkdir -p $W/logs $W/keep $OUT
cli() { python3 -c 'from pygenerel.cli import main; main()' "$@"; }
nvidia-smi --query-gpu=name,memory.total --format=csv,noheader 2>/dev/null
python3 scripts/gpu_payload.py unpack --payload .gpu --work $W || exit 1
train() {
  local name=$1 corpus=$2; shift 2
  cli train --preset $PRESET --corpus $W/$corpus --out $W/runs/$name --fresh \
    --set model.base_model="\"$BASE\"" --set max_minutes=$MINUTES --set steps=$STEPS \
    --set num_threads=6 $SETS "$@" > $W/logs/train_$name.log 2>&1
  echo "train $name: exit $?"
}
date
train A corpus-eval &
train B corpus-release &
wait
date
python3 scripts/gpu_payload.py slim --model $W/runs/B --out $W/release.slim.safetensors
split -b 15M -d $W/release.slim.safetensors $OUT/release.slim.part
keep() {
  for run in A B; do
    mkdir -p $W/keep/$run
    cp $W/runs/$run/{config.json,training.json,train_log.jsonl,evaluation.json,evaluation.md} \
      $W/keep/$run/ 2>/dev/null
  done
  cp $W/runs/B/{snp_vocab.tsv.gz,genes.tsv.gz} $W/keep/B/
  cp $W/logs/* $W/keep/
  tar -czf $OUT/runs.tar.gz -C $W/keep .
}
keep
timeout $EVAL_SECONDS python3 -c 'from pygenerel.cli import main; main()' evaluate \
  --model $W/runs/A --corpus $W/corpus-eval --no-baselines > $W/logs/eval_A.log 2>&1
echo "evaluate A: exit $?"
date
keep
ls -la $OUT
cat $W/runs/A/evaluation.md 2>/dev/null || tail -5 $W/logs/eval_A.log
grep -h steps_done $W/runs/*/training.json
