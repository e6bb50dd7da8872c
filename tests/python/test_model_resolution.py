"""One rule picks the model everywhere: a path given, else PYGENEREL_MODEL, else the model installed
with pygenerel (in the wheel, or onnx/ of a checkout); `pygenerel info` says which and why."""

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from pygenerel import runtime
from pygenerel.cli import main
from pygenerel.runtime import BundleError, resolve_model
from pygenerel.runtime.bundle import open_bundle, sha256_file


def fake_bundle(path):
    path.mkdir(parents=True)
    (path / "manifest.json").write_text("{}")
    return path


def test_a_path_then_the_environment_then_the_installed_model(tmp_path, monkeypatch):
    monkeypatch.setattr(runtime, "PACKAGED", tmp_path / "wheel")
    monkeypatch.setattr(runtime, "CHECKOUT", tmp_path / "checkout")
    monkeypatch.delenv("PYGENEREL_MODEL", raising=False)
    with pytest.raises(BundleError, match="no model given: set PYGENEREL_MODEL or pass a path"):
        resolve_model()
    checkout = fake_bundle(tmp_path / "checkout" / "m")
    path, why = resolve_model()
    assert path == checkout and why.startswith("the default model in the source checkout")
    wheel = fake_bundle(tmp_path / "wheel" / "m")
    path, why = resolve_model()
    assert path == wheel and why.startswith("the default model installed with pygenerel")
    monkeypatch.setenv("PYGENEREL_MODEL", "/models/env")
    assert resolve_model() == (Path("/models/env"), "from PYGENEREL_MODEL")
    assert resolve_model("/models/given") == (Path("/models/given"), "given explicitly")
    monkeypatch.setenv("PYGENEREL_MODEL", "")  # set but empty counts as unset
    assert resolve_model()[0] == wheel


def test_the_default_is_the_shipped_model(default_bundle_dir, monkeypatch):
    monkeypatch.delenv("PYGENEREL_MODEL", raising=False)
    path, why = resolve_model()
    assert open_bundle(path).digest == open_bundle(default_bundle_dir).digest
    assert why.startswith("the default model")


def test_info_says_which_model_and_why_and_every_sha256(default_bundle_dir, monkeypatch):
    monkeypatch.delenv("PYGENEREL_MODEL", raising=False)
    result = CliRunner().invoke(main, ["info"])
    assert result.exit_code == 0, result.output
    assert "  chosen: the default model " in result.stdout
    shown = {
        line.split()[1]: line.split()[0]
        for line in result.stdout.splitlines()
        if len(line.split()) == 2 and len(line.split()[0]) == 64
    }
    assert shown == {p.name: sha256_file(p) for p in default_bundle_dir.iterdir()}
    monkeypatch.setenv("PYGENEREL_MODEL", str(default_bundle_dir))
    summary = json.loads(CliRunner().invoke(main, ["info", "--json"]).stdout)
    assert summary["chosen"] == "from PYGENEREL_MODEL"
    assert set(summary["files"]) == set(shown) - {"manifest.json"}
    result = CliRunner().invoke(main, ["info", "--model", str(default_bundle_dir)])
    assert "  chosen: given explicitly\n" in result.stdout


def test_no_model_anywhere_is_one_error_line(tmp_path, monkeypatch):
    monkeypatch.setattr(runtime, "PACKAGED", tmp_path / "wheel")
    monkeypatch.setattr(runtime, "CHECKOUT", tmp_path / "checkout")
    monkeypatch.delenv("PYGENEREL_MODEL", raising=False)
    for command in (["info"], ["similarity", "asthma", "gout"]):
        result = CliRunner().invoke(main, command)
        assert result.exit_code == 2 and result.output.startswith("Error: no model given")
        assert len(result.output.strip().splitlines()) == 1
