"""The runtime against hostile input: a damaged or unwritable user cache, malformed manifests and
bundle files, bad --model paths and bad neighbors() arguments (issue 12)."""

import errno
import hashlib
import json
import shutil
import time

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from pygenerel.cli import main
from pygenerel.errors import BundleError, InputError
from pygenerel.runtime import load_model
from pygenerel.runtime.cache import load_verified, save_verified

LOCUS = "chr1:1000001"  # not a vocabulary SNP: embedded by the locus tower from its nearest gene


def copy_bundle(src, dst):
    shutil.copytree(src, dst, ignore=shutil.ignore_patterns(".complete"))
    return dst


def edit_manifest(bundle, change):
    path = bundle / "manifest.json"
    path.write_text(json.dumps(change(json.loads(path.read_text()))))


def pin(bundle, name):
    """Re-pin one file in the manifest after replacing it (a bundle that is whole, but different)."""
    digest = hashlib.sha256((bundle / name).read_bytes()).hexdigest()
    edit_manifest(bundle, lambda m: m | {"files": m["files"] | {name: digest}})


@pytest.fixture(scope="module")
def small_bundle(tiny_bundle_dir, tmp_path_factory):
    """The tiny bundle with 200 concepts of each type, so its catalog embeds in about a second,
    and no concept index (that of the whole catalog would be refused), so a search embeds and
    caches the whole catalog."""
    bundle = copy_bundle(tiny_bundle_dir, tmp_path_factory.mktemp("small") / "bundle")
    concepts = pd.read_csv(bundle / "concepts.tsv.gz", sep="\t", dtype=str, keep_default_na=False)
    concepts.groupby("type").head(200).to_csv(bundle / "concepts.tsv.gz", sep="\t", index=False)
    pin(bundle, "concepts.tsv.gz")
    (bundle / "concept_index.npz").unlink()
    edit_manifest(
        bundle,
        lambda m: (
            {k: v for k, v in m.items() if k != "concept_index"}
            | {"files": {k: v for k, v in m["files"].items() if k != "concept_index.npz"}}
        ),
    )
    return bundle


@pytest.fixture(scope="module")
def model(small_bundle):
    return load_model(small_bundle)


@pytest.fixture
def bundle(tiny_bundle_dir, tmp_path):
    """A private copy of the tiny bundle, to tamper with."""
    return copy_bundle(tiny_bundle_dir, tmp_path / "bundle")


@pytest.fixture
def cache(tmp_path, monkeypatch):
    path = tmp_path / "cache"
    monkeypatch.setenv("PYGENEREL_CACHE_DIR", str(path))
    return path


# ---- the user cache -----------------------------------------------------------------------------


def concept_scores(model):
    name = model.catalog.table["name"].iloc[0]
    return model.neighbors(name, k=20)[["id", "score"]]


def locus_embedding(model):
    """A locus, after every gene text is encoded (only a complete gene table is cached)."""
    encoder = model.locus_encoder
    encoder.gene_vectors(np.arange(len(encoder.gene_texts)))
    return model.embed([LOCUS])


def locus_reference(model):
    """The genome loci that SNP-side percentiles rank against (kept in the cache per model)."""
    return model.reference("snp").vectors


def flip(path):
    """Same header (shape and dtype), other values: every data byte inverted."""
    with open(path, "rb") as handle:
        np.lib.format.read_magic(handle)
        np.lib.format.read_array_header_1_0(handle)
        start = handle.tell()
    data = path.read_bytes()
    path.write_bytes(data[:start] + bytes(b ^ 0xFF for b in data[start:]))


def truncate(path):
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])


def garbage(path):
    path.write_bytes(b"not an array at all")


@pytest.mark.parametrize("damage", [flip, truncate, garbage])
@pytest.mark.parametrize(
    "entry, array, derived",
    [
        ("concept_rows", "rows", concept_scores),
        ("gene_vectors", "embeddings", locus_embedding),
        ("reference", "loci", locus_reference),
    ],
    ids=["concepts", "genes", "reference_loci"],
)
def test_a_damaged_cache_is_recomputed_never_trusted(
    small_bundle, cache, capsys, damage, entry, array, derived
):
    fresh = derived(load_model(small_bundle))  # computes and caches
    [path] = (cache / entry).glob(f"*/{array}.npy")
    damage(path)
    capsys.readouterr()
    again = derived(load_model(small_bundle))
    if isinstance(fresh, pd.DataFrame):
        pd.testing.assert_frame_equal(again, fresh)
    else:
        np.testing.assert_allclose(again, fresh, atol=1e-6)
    notes = [line for line in capsys.readouterr().err.splitlines() if "ignoring cached" in line]
    assert len(notes) == 1 and str(path) in notes[0]
    assert derived(load_model(small_bundle)) is not None  # the recomputed arrays were re-cached
    assert "ignoring cached" not in capsys.readouterr().err


def test_an_unwritable_cache_only_warns(small_bundle, tmp_path, monkeypatch, capsys):
    (tmp_path / "afile").write_text("")  # mkdir under a regular file fails, even for root
    unwritable = tmp_path / "afile" / "cache"
    monkeypatch.setenv("PYGENEREL_CACHE_DIR", str(unwritable))
    model = load_model(small_bundle)
    scores, embedding = concept_scores(model), locus_embedding(model)
    warnings = [line for line in capsys.readouterr().err.splitlines() if "warning" in line]
    assert len(warnings) == 2
    assert all("cannot write the cache in " + str(unwritable) in line for line in warnings)
    monkeypatch.setenv("PYGENEREL_CACHE_DIR", str(tmp_path / "writable"))
    working = load_model(small_bundle)
    pd.testing.assert_frame_equal(scores, concept_scores(working))
    np.testing.assert_allclose(embedding, locus_embedding(working), atol=1e-6)


def test_cache_files_are_verified_and_a_failed_write_leaves_nothing(tmp_path, capsys):
    codes = np.arange(12, dtype=np.int8).reshape(3, 4)
    save_verified(tmp_path, {"codes": codes})
    assert sorted(p.name for p in tmp_path.iterdir()) == ["codes.npy", "codes.sha256"]
    assert np.array_equal(load_verified(tmp_path, {"codes": ((3, 4), np.int8)})["codes"], codes)
    assert load_verified(tmp_path, {"codes": ((3, 5), np.int8)}) is None
    assert load_verified(tmp_path, {"codes": ((3, 4), np.float32)}) is None
    assert capsys.readouterr().err.count("expected") == 2
    (tmp_path / "codes.sha256").unlink()
    assert load_verified(tmp_path, {"codes": ((3, 4), np.int8)}) is None

    (tmp_path / "codes.npy").unlink()
    (tmp_path / "codes.npy").mkdir()  # the final rename fails
    save_verified(tmp_path, {"codes": codes})
    assert f"cannot write the cache in {tmp_path}" in capsys.readouterr().err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["codes.npy"]  # no temporary file left


# ---- bundles and manifests ----------------------------------------------------------------------


def drop(key):
    return lambda m: {k: v for k, v in m.items() if k != key}


BAD_MANIFESTS = {
    "a JSON list": (lambda m: [m], "expected a JSON object, got list"),
    "no dim": (drop("dim"), "'dim' must be a positive integer"),
    "dim as text": (lambda m: m | {"dim": "64"}, "'dim' must be a positive integer"),
    "no max_length": (drop("max_length"), "'max_length' must be a positive integer"),
    "no text_encoder": (drop("text_encoder"), "'text_encoder' must be a non-empty string"),
    "no name": (drop("name"), "'name' must be a non-empty string"),
    "no version": (drop("version"), "'version' must be a non-empty string"),
    "files as a list": (lambda m: m | {"files": list(m["files"])}, "'files' must be"),
    "a digest not sha256": (
        lambda m: m | {"files": m["files"] | {"snps.tsv.gz": 1}},
        "the sha256 of snps.tsv.gz is 1",
    ),
    "a text encoder not listed": (
        lambda m: m | {"text_encoder": "other.onnx"},
        "text_encoder 'other.onnx' is not among its files",
    ),
    "no bin_scales": (drop("bin_scales"), "'bin_scales' must be a list of positive integers"),
    "sources not a list": (lambda m: m | {"sources": "ODbL"}, "'sources' must be a list"),
    "neighbours without decay": (
        lambda m: m | {"neighbours": {"strength": 1.0, "radius": 250_000}},
        "'neighbours' must be null or an object of numbers",
    ),
}


@pytest.mark.parametrize("change, problem", BAD_MANIFESTS.values(), ids=BAD_MANIFESTS.keys())
def test_a_malformed_manifest_is_refused_in_one_line(bundle, change, problem):
    edit_manifest(bundle, change)
    with pytest.raises(BundleError) as raised:
        load_model(bundle)
    message = str(raised.value)
    assert problem in message and str(bundle) in message and "\n" not in message


def test_a_file_name_escaping_the_bundle_is_refused(bundle, tmp_path):
    outside = tmp_path / "outside.bin"
    outside.write_bytes(b"secret")
    digest = hashlib.sha256(b"secret").hexdigest()
    edit_manifest(bundle, lambda m: m | {"files": m["files"] | {"../outside.bin": digest}})
    with pytest.raises(BundleError, match="'../outside.bin' is not a plain name inside"):
        load_model(bundle)


def test_files_that_do_not_fit_the_manifest_are_refused(bundle):
    np.save(bundle / "snp_scales.npy", np.ones(7, dtype=np.float32))
    pin(bundle, "snp_scales.npy")
    with pytest.raises(BundleError, match=r"snp_scales.npy holds float32 \(7,\)"):
        load_model(bundle)
    np.save(bundle / "snp_scales.npy", np.ones(7, dtype=np.float64))
    pin(bundle, "snp_scales.npy")
    with pytest.raises(BundleError, match=r"snp_scales.npy holds float64"):
        load_model(bundle)
    edit_manifest(bundle, lambda m: m | {"dim": m["dim"] + 1})
    with pytest.raises(BundleError, match="embeds in 64 dimensions, the manifest says 65"):
        load_model(bundle)


# ---- the command line ---------------------------------------------------------------------------


def bad_model(kind, tmp_path, tiny_bundle_dir):
    if kind == "no such directory":
        return tmp_path / "nowhere"
    if kind == "a file":
        (tmp_path / "afile").write_text("")
        return tmp_path / "afile"
    bundle = copy_bundle(tiny_bundle_dir, tmp_path / "bundle")
    edit_manifest(bundle, BAD_MANIFESTS[kind][0])
    return bundle


@pytest.mark.parametrize("kind", ["no such directory", "a file", "a JSON list", "no dim"])
@pytest.mark.parametrize(
    "command",
    [["info"], ["similarity", "asthma", "insulin"], ["neighbors", "asthma"]],
    ids=["info", "similarity", "neighbors"],
)
def test_cli_bad_model_is_one_error_line(command, kind, tmp_path, tiny_bundle_dir):
    path = bad_model(kind, tmp_path, tiny_bundle_dir)
    result = CliRunner().invoke(main, [*command, "--model", str(path)])
    assert result.exit_code == 2, result.output
    assert result.output.startswith("Error: ") and str(path) in result.output
    assert len(result.output.strip().splitlines()) == 1 and "Traceback" not in result.output


def test_cli_build_names_and_bad_ones(small_bundle):
    runner = CliRunner()

    def similarity(build):
        args = ["similarity", LOCUS, "asthma", "--build", build, "--model", str(small_bundle)]
        return runner.invoke(main, args)

    grch37 = similarity("GRCh37")
    assert grch37.exit_code == 0, grch37.output
    for alias in ("hg19", "HG19", "grch37", "37"):
        assert similarity(alias).stdout == grch37.stdout
    assert similarity("hg38").stdout == similarity("GRCh38").stdout != grch37.stdout
    bad = similarity("hg20")
    assert bad.exit_code == 2 and bad.output.startswith("Error: build must be GRCh37 (hg19)")


def test_cli_unreadable_files_are_one_error_line_and_bugs_are_not_hidden(monkeypatch):
    import pygenerel.runtime.cli as runtime_cli

    def unreadable(path):
        raise PermissionError(errno.EACCES, "Permission denied", "/models/x/manifest.json")

    monkeypatch.setattr(runtime_cli, "load_model", unreadable)
    result = CliRunner().invoke(main, ["info"])
    assert result.exit_code == 2 and result.output == (
        "Error: /models/x/manifest.json: Permission denied\n"
    )

    def bug(path):
        raise ZeroDivisionError("a bug")

    monkeypatch.setattr(runtime_cli, "load_model", bug)
    result = CliRunner().invoke(main, ["info"])
    assert isinstance(result.exception, ZeroDivisionError)


# ---- neighbors() and build arguments ------------------------------------------------------------


@pytest.mark.parametrize("k", [0, -1, True, 2.5, float("nan"), float("inf"), "3", None])
def test_neighbors_k_must_be_a_positive_whole_number(model, k):
    with pytest.raises(InputError, match="k must be a positive whole number"):
        model.neighbors("asthma", k=k)


def test_neighbors_caps_a_huge_k_and_takes_whole_doubles(model):
    start = time.perf_counter()
    table = model.neighbors("asthma", k=10**9)
    assert time.perf_counter() - start < 30
    names = model.catalog.concept_codes[model.catalog.candidates()]  # one row per concept
    assert len(table) == len(set(names))
    assert table["rank"].tolist() == list(range(1, len(table) + 1))
    assert model.neighbors("asthma", k=3.0)["rank"].tolist() == [1, 2, 3]  # R's numbers are doubles


def test_neighbors_types_as_a_comma_separated_string(model):
    as_list = model.neighbors("asthma", k=50, types=["disease", "drug"])
    assert set(as_list["type"]) <= {"disease", "drug"}
    pd.testing.assert_frame_equal(model.neighbors("asthma", k=50, types="disease,drug"), as_list)
    pd.testing.assert_frame_equal(model.neighbors("asthma", k=50, types=" disease , drug"), as_list)
    pd.testing.assert_frame_equal(
        model.neighbors("asthma", k=5, types=""), model.neighbors("asthma", k=5)
    )


def test_build_takes_its_aliases_and_refuses_others(model):
    items = [LOCUS, "asthma"]
    grch37 = model.similarity(items, build="GRCh37")
    np.testing.assert_array_equal(model.similarity(items, build="hg19"), grch37)
    np.testing.assert_array_equal(model.similarity(items, build="grch37"), grch37)
    for call in (
        lambda: model.similarity(items, build="hg20"),
        lambda: model.embed(["asthma"], build="GRCh36"),
        lambda: model.neighbors("asthma", build=None),
    ):
        with pytest.raises(InputError, match=r"build must be GRCh37 \(hg19\) or GRCh38 \(hg38\)"):
            call()
    with pytest.raises(InputError, match="precision must be int8 or fp32"):
        load_model(model.bundle.path, precision="fp16")


def test_a_position_past_its_chromosome_end_is_not_placed(model):
    # the bins clip a position to its chromosome's end: chr1:99999999999 scored as chr1's last bin
    assert model.locus_encoder is not None
    items = ["chr1:248956422", "chr1:248956423", "chr1:99999999999", "chrX:156040896"]
    assert model.match(items)["how"].tolist() == ["locus", "none", "none", "none"]
    scores = model.similarity(items, ["asthma"])[:, 0]
    assert np.isfinite(scores[0]) and np.isnan(scores[1:]).all()
    # GRCh37 positions are checked after their liftover, against GRCh38's lengths
    assert model.match(["chr1:249250621", "chr1:300000000"], build="GRCh37")["how"][1] == "none"
