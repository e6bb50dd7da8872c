#!/usr/bin/env bash
# Build the R package `generel` and run `R CMD check --no-manual` on it, with its testthat tests and
# vignette running against the real Python runtime and a real model bundle.
# Fails unless the check log says "Status: OK" and the tests ran without a skip.
#   GENEREL_PYTHON   Python with pygenerel (default: .venv/bin/python)
#   PYGENEREL_MODEL  model bundle (default: the newest complete .cache/test-tiny-bundle-*, else onnx/*/)
set -uo pipefail
cd "$(dirname "$0")/.."
root=$PWD

export GENEREL_PYTHON="${GENEREL_PYTHON:-$root/.venv/bin/python}"
if [ -z "${PYGENEREL_MODEL:-}" ]; then
  done_file=$(ls -t .cache/test-tiny-bundle-*/.complete 2>/dev/null | head -n 1)
  if [ -n "$done_file" ]; then
    PYGENEREL_MODEL="$root/$(dirname "$done_file")"
  else
    manifest=$(ls onnx/*/manifest.json 2>/dev/null | head -n 1)
    [ -n "$manifest" ] && PYGENEREL_MODEL="$root/$(dirname "$manifest")"
  fi
fi
export PYGENEREL_MODEL="${PYGENEREL_MODEL:-}"
if [ ! -x "$GENEREL_PYTHON" ]; then
  echo "r_check: GENEREL_PYTHON ($GENEREL_PYTHON) is not an executable Python" >&2; exit 1
fi
if [ ! -f "$PYGENEREL_MODEL/manifest.json" ]; then
  echo "r_check: no model bundle: set PYGENEREL_MODEL, build the tiny test bundle (pytest) or ship onnx/<name>/" >&2
  exit 1
fi
echo "r_check: GENEREL_PYTHON=$GENEREL_PYTHON PYGENEREL_MODEL=$PYGENEREL_MODEL"

work=$(mktemp -d "${TMPDIR:-/tmp}/generel-check.XXXXXX")
trap 'rm -rf "$work"' EXIT
export _R_CHECK_FORCE_SUGGESTS_=false OMP_NUM_THREADS="${OMP_NUM_THREADS:-2}"

(cd "$work" && R CMD build --no-manual "$root") > "$work/build.log" 2>&1
tarball=$(ls "$work"/generel_*.tar.gz 2>/dev/null | head -n 1)
if [ -z "$tarball" ]; then
  echo "r_check: R CMD build failed" >&2; tail -n 40 "$work/build.log" >&2; exit 1
fi
(cd "$work" && R CMD check --no-manual "$tarball") > "$work/check.log" 2>&1

check_dir="$work/generel.Rcheck"
echo "---- R CMD check log (tail) ----"
tail -n 25 "$work/check.log"
status=0
if ! grep -q "^Status: OK" "$work/check.log"; then
  echo "r_check: FAIL: R CMD check status is not OK" >&2
  for f in "$check_dir"/00check.log "$check_dir"/tests/testthat.Rout.fail; do
    [ -f "$f" ] && { echo "---- $f ----"; tail -n 60 "$f"; } >&2
  done
  status=1
fi
tests_out="$check_dir/tests/testthat.Rout"
[ -f "$tests_out" ] || tests_out="$check_dir/tests/testthat.Rout.fail"
summary=$(grep -E "\[ FAIL [0-9]+ \| WARN [0-9]+ \| SKIP [0-9]+ \| PASS [0-9]+ \]" "$tests_out" 2>/dev/null | tail -n 1)
echo "testthat: ${summary:-no summary found}"
if [ -z "$summary" ]; then
  echo "r_check: FAIL: no testthat summary in $tests_out" >&2; status=1
elif ! echo "$summary" | grep -q "SKIP 0 "; then
  echo "r_check: FAIL: R tests were skipped:" >&2
  grep -A3 -E "^── Skip|Skipped tests" "$tests_out" >&2
  status=1
fi
exit $status
