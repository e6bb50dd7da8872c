#!/usr/bin/env bash
# The README's test command: set up everything, then run every Python and R test.
# Fails if any test fails, if R CMD check is not "Status: OK", or if the R tests were skipped.
set -uo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --r --extras=train,dev || exit 1
export PYGENEREL_CACHE="$PWD/.cache" GENEREL_PYTHON="$PWD/.venv/bin/python" OMP_NUM_THREADS=2

# Style first, in seconds: an unformatted or lint-failing file fails the run before any test.
.venv/bin/ruff format --check . || { echo "ruff format: run '.venv/bin/ruff format .'"; exit 1; }
.venv/bin/ruff check --quiet . || exit 1

.venv/bin/python -m pytest tests/python "$@"
py_status=$?

# The same runtime tests from a non-editable install without torch (about 2 minutes).
bash scripts/test_torch_free.sh
free_status=$?

bash scripts/r_check.sh
r_status=$?

echo "python tests exit $py_status; torch-free tests exit $free_status; R check exit $r_status"
[ "$py_status" = 0 ] && [ "$free_status" = 0 ] && [ "$r_status" = 0 ]
