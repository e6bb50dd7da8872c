"""Shared fixtures: the real raw data, and the corpus, tiny model and tiny bundle built from it.

Each artefact is built once into `$PYGENEREL_CACHE` (default `.cache/`) under a name keyed by the
source code that builds it, so a code change rebuilds it and an unchanged tree reuses it.
"""

import atexit
import hashlib
import os
import shutil
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CACHE = Path(os.environ.get("PYGENEREL_CACHE", ROOT / ".cache"))
SUMSTATS_FILES = [  # the real summary statistics in RAW/sumstats, sorted
    "echodata_BST1_Nalls2019_PD_locus.tsv.gz",
    "locuscomparer_gwas.tsv.gz",
    "locuszoomr_SLE_gwas_sub.tsv.gz",
    "topr_CD_FINNGEN_p1e-3_hg38.tsv.gz",
    "topr_CD_UKBB_p1e-3_hg38.tsv.gz",
    "topr_UC_UKBB_p1e-3_hg38.tsv.gz",
]


def pytest_sessionfinish(session, exitstatus):
    """Once R has been embedded (rpy2) and has called back into Python (reticulate), tearing down
    the interpreter can crash after every test has run; end the process with pytest's status as
    soon as pytest is done, skipping that teardown. Applies only when rpy2 was imported."""
    if "rpy2.rinterface" in sys.modules:
        atexit.register(_exit_now, int(exitstatus))


def _exit_now(status: int) -> None:
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(status)


def _raw_dir() -> Path:
    raw = Path(os.environ.get("PYGENEREL_RAW", ROOT.parent / "shared" / "data" / "raw"))
    if not (raw / "SOURCES.md").exists():
        pytest.fail(
            f"raw data not found at {raw}: put ../shared beside the checkout or set PYGENEREL_RAW"
        )
    return raw


def _code_key(*packages: str) -> str:
    digest = hashlib.sha256()
    for package in packages:
        for path in sorted((ROOT / "pygenerel" / package).rglob("*")):
            if path.is_file() and path.suffix in {".py", ".toml", ".tsv", ".json"}:
                digest.update(path.relative_to(ROOT).as_posix().encode())
                digest.update(path.read_bytes())
    digest.update((ROOT / "pygenerel" / "genome.py").read_bytes())
    return digest.hexdigest()[:12]


def _cached(name: str, key: str, build) -> Path:
    """Build into CACHE/name-key once; built in a private directory and renamed when complete, so
    concurrent test runs and interrupted builds never see a half-built artefact."""
    target = CACHE / f"{name}-{key}"
    if not (target / ".complete").exists():
        staging = CACHE / f".{name}-{key}.{os.getpid()}"
        shutil.rmtree(staging, ignore_errors=True)
        staging.mkdir(parents=True)
        build(staging)
        (staging / ".complete").touch()
        try:
            staging.rename(target)
        except OSError:  # another run finished first; its copy is as good as ours
            shutil.rmtree(staging, ignore_errors=True)
    return target


@pytest.fixture(scope="module", autouse=True)
def user_cache(tmp_path_factory):
    """Concept embeddings go to a fresh cache per test module, never the user's."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("PYGENEREL_CACHE_DIR", str(tmp_path_factory.mktemp("user-cache")))
        yield


@pytest.fixture(scope="session")
def raw_dir() -> Path:
    return _raw_dir()


@pytest.fixture(scope="session")
def corpus_dir(raw_dir) -> Path:
    from pygenerel.corpus import build_corpus

    return _cached("test-corpus", _code_key("corpus"), lambda out: build_corpus(raw_dir, out))


@pytest.fixture(scope="session")
def release_corpus_dir(raw_dir) -> Path:
    from pygenerel.corpus import build_corpus

    return _cached(
        "test-release-corpus",
        _code_key("corpus"),
        lambda out: build_corpus(raw_dir, out, release=True),
    )


@pytest.fixture(scope="session")
def tiny_model_dir(corpus_dir) -> Path:
    from pygenerel.train import train

    key = _code_key("corpus", "model", "train")
    return _cached(
        "test-tiny-model", key, lambda out: train(preset="tiny", corpus_dir=corpus_dir, out_dir=out)
    )


@pytest.fixture(scope="session")
def tiny_bundle_dir(tiny_model_dir, corpus_dir) -> Path:
    from pygenerel.export import export_bundle

    key = _code_key("corpus", "model", "train", "export")
    return _cached(
        "test-tiny-bundle",
        key,
        lambda out: export_bundle(tiny_model_dir, out, corpus_dir=corpus_dir),
    )


@pytest.fixture(scope="session")
def default_bundle_dir() -> Path:
    bundles = sorted(p.parent for p in (ROOT / "onnx").glob("*/manifest.json"))
    if not bundles:
        pytest.skip("no shipped model bundle under onnx/ yet")
    return bundles[0]


@pytest.fixture(scope="session")
def sumstats_dir(raw_dir) -> Path:
    return raw_dir / "sumstats"
