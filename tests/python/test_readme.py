"""Every code block of the README and the Python quickstart runs, as a reader would run it, against
the default model (PYGENEREL_MODEL unset), so neither can rot.

The blocks run in a scratch directory holding the files they name: `gwas.tsv.gz` (a GRCh37 GWAS
table, made from the example table) and `inst/extdata/example_gwas.tsv`. Python blocks share one
interpreter per document, in order; each shell block runs on its own under `bash -eo pipefail`; R
blocks run with the R package installed from this checkout. Only the blocks in SKIP are left out.
"""

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from conftest import CACHE, ROOT

DOCS = ["README.md", "vignettes/python-quickstart.md"]
SKIP = {  # a block containing this text is not run: why
    "bash scripts/run.sh": "sets up the venv and runs the example; .ci/run runs scripts/test.sh",
    "bash scripts/setup.sh --extras=train": "installs torch and trains for half an hour",
    "pip install .": "installs into venvs (scripts/test_torch_free.sh runs the pip install)",
}
FENCE = re.compile(r"^```(\w*)\n(.*?)^```", re.MULTILINE | re.DOTALL)
RUN_PYTHON = """
import json, sys
namespace = {"__name__": "__main__"}
for name, code in json.loads(sys.argv[1]):
    exec(compile(code, name, "exec"), namespace)
"""


def blocks(doc: str, languages: tuple) -> list[tuple[str, str]]:
    """(name, code) of the doc's blocks in these languages, skipped ones left out."""
    return [
        (f"{doc} {lang} block {i}", code)
        for i, (lang, code) in enumerate(FENCE.findall((ROOT / doc).read_text()), 1)
        if lang in languages and not any(key in code for key in SKIP)
    ]


@pytest.mark.parametrize("doc", DOCS)
def test_every_block_is_in_a_language_the_tests_run(doc):
    languages = {lang for lang, _ in FENCE.findall((ROOT / doc).read_text())}
    assert languages <= {"python", "bash", "sh", "r"}, languages


@pytest.fixture(scope="module")
def scratch(tmp_path_factory, default_bundle_dir) -> Path:
    where = tmp_path_factory.mktemp("readme")
    example = ROOT / "inst" / "extdata" / "example_gwas.tsv"
    (where / "inst" / "extdata").mkdir(parents=True)
    shutil.copy(example, where / "inst" / "extdata")
    gwas = pd.read_csv(example, sep="\t").drop(columns="BP_GRCh38")
    gwas.rename(columns={"BP_GRCh37": "BP"}).to_csv(where / "gwas.tsv.gz", sep="\t", index=False)
    return where


@pytest.fixture(scope="module")
def env() -> dict:
    """The reader's environment: this Python's `pygenerel` first on PATH, the default model. The
    model's derived arrays (minutes to compute on 2 cores) are kept in CACHE between runs; each
    is checked against its sha256 when read."""
    # R's own library path (set once R is embedded in this run) breaks `import ssl` in a child
    # Python; a reader's shell does not have it
    dropped = {"PYGENEREL_MODEL", "R_HOME", "LD_LIBRARY_PATH"}
    env = {k: v for k, v in os.environ.items() if k not in dropped}
    return env | {
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{env['PATH']}",
        "PYGENEREL_CACHE_DIR": str(CACHE / "user-cache"),
        "MPLBACKEND": "Agg",
    }


def run(command: list, name: str, **options) -> subprocess.CompletedProcess:
    """Run `command`; fail naming the block, with its output, unless it exits 0 without a warning
    that an item could not be resolved (a README example that scores NaN has rotted too)."""
    result = subprocess.run(command, check=False, capture_output=True, text=True, **options)
    shown = f"{name}:\n{result.stdout[-2000:]}\n{result.stderr[-3000:]}"
    assert result.returncode == 0, shown
    assert "could not resolve" not in result.stderr, shown
    return result


@pytest.mark.parametrize("doc", DOCS)
def test_python_blocks_run(doc, scratch, env):
    code = blocks(doc, ("python",))
    assert code, f"{doc} has no Python block"
    run([sys.executable, "-c", RUN_PYTHON, json.dumps(code)], doc, cwd=scratch, env=env)


@pytest.mark.parametrize(
    ("name", "code"),
    [
        pytest.param(name, code, id=name.replace(" ", "-"))
        for doc in DOCS
        for name, code in blocks(doc, ("bash", "sh"))
    ],
)
def test_shell_block_runs(name, code, scratch, env):
    run(["bash", "-eo", "pipefail", "-c", code], name, cwd=scratch, env=env)


@pytest.fixture(scope="module")
def r_library(tmp_path_factory) -> Path:
    """The R package generel installed from this checkout, as the README's R install line does."""
    if not shutil.which("Rscript"):
        pytest.skip("R is not installed (scripts/setup.sh --r)")
    library = tmp_path_factory.mktemp("r-library")
    command = ["R", "CMD", "INSTALL", "--no-test-load", "-l", str(library), str(ROOT)]
    run(command, "R CMD INSTALL")
    return library


@pytest.mark.parametrize("doc", DOCS)
def test_r_blocks_run(doc, scratch, env, r_library):
    code = blocks(doc, ("r",))
    assert code, f"{doc} has no R block"
    script = scratch / f"{Path(doc).stem}.R"
    script.write_text("\n".join(block for _, block in code))
    r_env = env | {"R_LIBS": str(r_library), "GENEREL_PYTHON": sys.executable}
    result = run(["Rscript", str(script)], doc, cwd=scratch, env=r_env)
    assert "rs7903146" in result.stdout  # the similarity matrix was printed
