#!/usr/bin/env bash
# The torch-free test job: proves the runtime needs no torch. A venv with only pygenerel's runtime
# dependencies (a non-editable install of this checkout, model included, plus the [plot] extra and
# the test tools) runs the tests that use the shipped bundle through the runtime, annotate and the
# pandas accessor, and the README's Python blocks. It fails if torch or transformers are installed
# there or imported, or if the installed pygenerel does not find its packaged model.
#   scripts/test_torch_free.sh [pytest args]
set -euo pipefail
cd "$(dirname "$0")/.."
venv=.venv-runtime
export PYGENEREL_CACHE="${PYGENEREL_CACHE:-$PWD/.cache}" OMP_NUM_THREADS="${OMP_NUM_THREADS:-2}"
export PIP_DISABLE_PIP_VERSION_CHECK=1
unset PYGENEREL_MODEL

[ -x "$venv/bin/python" ] || python3 -m venv "$venv"
# pip reinstalls a local directory every time (seconds once the dependencies are there).
"$venv/bin/pip" install -q ".[plot]" "pytest>=8" "hypothesis>=6"
if "$venv/bin/pip" list 2>/dev/null | grep -iE "^(torch|transformers) "; then
  echo "test_torch_free: torch or transformers is installed in $venv" >&2; exit 1
fi

# -P: the checkout (the working directory) is not on sys.path, so tests import the installed copy.
"$venv/bin/python" -P - "$@" <<'PY'
import sys

import pytest

import pygenerel
from pygenerel.runtime import resolve_model

assert "site-packages" in pygenerel.__file__, f"not the installed pygenerel: {pygenerel.__file__}"
path, why = resolve_model()
assert why.startswith("the default model installed with pygenerel"), (path, why)
print(f"test_torch_free: pygenerel from {pygenerel.__file__}; model {path}")


class NoTorch:
    """Any import of torch or transformers fails, and fails the run even if a test catches it."""

    attempts = []

    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in ("torch", "transformers"):
            self.attempts.append(name)
            raise ImportError(f"torch-free job: {name} must not be imported")
        return None


sys.meta_path.insert(0, NoTorch())
tests = [
    "tests/python/test_model_resolution.py",
    "tests/python/test_call_independence.py",
    "tests/python/test_known_snps.py",
    "tests/python/test_annotate_io.py",
    "tests/python/test_columns.py",
    "tests/python/test_readme.py::test_python_blocks_run",  # the API and the pandas accessor
]
status = pytest.main([*tests, *sys.argv[1:]])
if NoTorch.attempts:
    print(f"test_torch_free: FAIL: imported {sorted(set(NoTorch.attempts))}", file=sys.stderr)
sys.exit(status or bool(NoTorch.attempts))
PY
