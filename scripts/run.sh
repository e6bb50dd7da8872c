#!/usr/bin/env bash
# The README's run command: set up the runtime and annotate the example GWAS table with the
# shipped default model, then print the concepts most related to its lead SNPs.
# Without a shipped bundle under onnx/ it builds the small test model first (needs the raw data).
set -euo pipefail
cd "$(dirname "$0")/.."
export OMP_NUM_THREADS="${OMP_NUM_THREADS:-2}"

bundle="$(ls -d onnx/*/ 2>/dev/null | head -n 1 || true)"
if [ -n "$bundle" ]; then
  bash scripts/setup.sh
else
  bash scripts/setup.sh --extras=train
  raw="${PYGENEREL_RAW:-../shared/data/raw}"
  bundle=.cache/run-tiny-bundle
  if [ ! -f "$bundle/manifest.json" ]; then
    echo "run: no shipped model under onnx/; building the small test model from $raw" >&2
    [ -f .cache/run-corpus/corpus.json ] || .venv/bin/pygenerel corpus build --raw "$raw" --out .cache/run-corpus
    .venv/bin/pygenerel train --preset tiny --corpus .cache/run-corpus --out .cache/run-tiny-model
    .venv/bin/pygenerel export .cache/run-tiny-model "$bundle" --corpus .cache/run-corpus
  fi
  export PYGENEREL_MODEL="$PWD/$bundle"
fi

out=.cache/example_gwas.generel.tsv
mkdir -p .cache
.venv/bin/pygenerel annotate inst/extdata/example_gwas.tsv --pos-col BP_GRCh38 --build GRCh38 \
  --trait "type 2 diabetes" --trait "coronary artery disease" --trait "body mass index" \
  --top-k 3 --p-threshold 5e-8 --out "$out"
echo
echo "Lead SNPs (P < 5e-8) and their most related concepts, from $out:"
.venv/bin/python - "$out" <<'PY'
import sys
import pandas as pd
table = pd.read_csv(sys.argv[1], sep="\t")
leads = table[table["P"] < 5e-8].sort_values("P").drop_duplicates("SNP").head(8)
scores = [c for c in table.columns if c.startswith("generel_") and not c.startswith("generel_top")]
tops = [c for c in table.columns if c.startswith("generel_top") and c.endswith(("_name", "_score"))]
pd.set_option("display.width", 250)
print(leads[["SNP", "CHR", "P"] + scores].to_string(index=False))
print()
print(leads[["SNP"] + tops].to_string(index=False))
PY
