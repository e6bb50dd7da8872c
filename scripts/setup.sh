#!/usr/bin/env bash
# Idempotent set-up on a fresh Debian machine (root): a .venv with pygenerel and the chosen extras,
# and with --r the R toolchain from Debian. Fast when everything is already there.
#   scripts/setup.sh [--r] [--extras=train,dev]
set -euo pipefail
cd "$(dirname "$0")/.."
want_r=0
extras=""
for arg in "$@"; do
  case "$arg" in
    --r) want_r=1 ;;
    --extras=*) extras="${arg#--extras=}" ;;
    *) echo "setup.sh: unknown option $arg" >&2; exit 2 ;;
  esac
done

if [ "$want_r" = 1 ]; then
  missing=""
  for pkg in r-base-core r-cran-reticulate r-cran-testthat r-cran-knitr r-cran-rmarkdown qpdf pandoc; do
    dpkg -s "$pkg" >/dev/null 2>&1 || missing="$missing $pkg"
  done
  if [ -n "$missing" ]; then
    echo "setup: installing from Debian:$missing"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing >/dev/null
  fi
fi

[ -x .venv/bin/python ] || python3 -m venv .venv
stamp=.venv/.pygenerel-setup
key="$(cat pyproject.toml | sha256sum | cut -c1-16) extras=$extras"
if [ "$(cat "$stamp" 2>/dev/null)" != "$key" ]; then
  export PIP_DISABLE_PIP_VERSION_CHECK=1 RPY2_CFFI_MODE=ABI
  # torch first, pinned: the CPU wheel is on disk; unpinned, a dependency would pull a CUDA build.
  case "$extras" in *train*) .venv/bin/pip install -q torch==2.13.0 ;; esac
  if [ -n "$extras" ]; then
    .venv/bin/pip install -q -e ".[$extras]"
  else
    .venv/bin/pip install -q -e .
  fi
  echo "$key" > "$stamp"
fi
