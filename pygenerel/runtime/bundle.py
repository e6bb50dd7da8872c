"""Open a model bundle, refusing it unless its manifest, format version and files' sha256 check out.

The bundle is the runtime's only input, so a truncated download or an edited file must fail
loudly, naming the file, rather than yield wrong scores. Each file is hashed when first opened:
a model loads the files it needs at once (so a bad one is refused at load), and nobody pays for
hashing the 90 MB fp32 encoder they never use.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from pygenerel.errors import BundleError

__all__ = [
    "FORMAT_VERSION",
    "MANIFEST",
    "Bundle",
    "BundleError",
    "open_bundle",
    "sha256_file",
    "write_manifest",
]

# The bundle format, written once: export writes these files and the runtime reads them.
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
TOKENIZER = "tokenizer.json"
TEXT_ENCODER = "text_encoder.onnx"  # fp32; dropped from a shipped bundle once int8 agrees
TEXT_ENCODER_INT8 = "text_encoder.int8.onnx"
SNP_ENCODER = "snp_encoder.onnx"  # the locus tower
SNPS = "snps.tsv.gz"  # the SNP vocabulary, row i = embedding i
SNP_EMBEDDINGS, SNP_SCALES = "snp_embeddings.npy", "snp_scales.npy"  # int8 rows and their scales
GENES = "genes.tsv.gz"
LIFTOVER = "liftover.tsv.gz"
RSID_POSITIONS = "rsid_positions.npz.xz"  # rsids outside the vocabulary
CONCEPTS = "concepts.tsv.gz"
CONCEPT_CLASSES = "concept_classes.tsv.gz"  # optional: without it, top concepts list ids apart
GENE_PRODUCTS = "gene_products.tsv.gz"  # optional: without it, a SNP's top concepts may list them
CONCEPT_EMBEDDINGS, CONCEPT_SCALES = "concept_embeddings.npy", "concept_scales.npy"  # optional
CONCEPT_INDEX = "concept_index.npz"
EVIDENCE = "evidence.tsv.gz"
# the ONNX graphs' inputs and outputs
TEXT_INPUTS, TEXT_OUTPUT = ("input_ids", "attention_mask"), "sentence_embedding"
SNP_INPUTS, SNP_OUTPUT = ("bins", "gene_emb"), "snp_embedding"
FILE_NAME = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]*")  # a plain name inside the bundle directory
SHA256 = re.compile(r"[0-9a-f]{64}")


def _count(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value > 0


def _manifest_problem(manifest: dict) -> str | None:
    """What is wrong with the manifest's shape, if anything: afterwards every key the runtime and
    `pygenerel info` read can be used without further checks."""
    for key in ("name", "version", "text_encoder", "snp_tower"):
        if not isinstance(manifest.get(key), str) or not manifest[key]:
            return f"{key!r} must be a non-empty string, got {manifest.get(key)!r:.60}"
    for key in ("dim", "max_length"):
        if not _count(manifest.get(key)):
            return f"{key!r} must be a positive integer, got {manifest.get(key)!r:.60}"
    files = manifest.get("files")
    if not isinstance(files, dict) or not files:
        return "'files' must be a non-empty object of file name: sha256"
    for name, digest in files.items():
        if not FILE_NAME.fullmatch(name):
            return f"file name {name!r} is not a plain name inside the bundle directory"
        if not isinstance(digest, str) or not SHA256.fullmatch(digest):
            return f"the sha256 of {name} is {digest!r:.60}, not 64 hex digits"
    if manifest["text_encoder"] not in files:
        return f"its text_encoder {manifest['text_encoder']!r} is not among its files"
    scales = manifest.get("bin_scales")
    if SNP_ENCODER in files and not (
        isinstance(scales, list) and scales and all(map(_count, scales))
    ):
        return "'bin_scales' must be a list of positive integers for the locus SNP tower"
    neighbours = manifest.get("neighbours")
    if neighbours is not None and not (
        isinstance(neighbours, dict)
        and set(neighbours) == {"strength", "radius", "decay"}
        and all(
            isinstance(v, (int, float)) and not isinstance(v, bool) for v in neighbours.values()
        )
    ):
        return "'neighbours' must be null or an object of numbers: strength, radius, decay"
    for key, kind in (("int8_agreement", dict), ("training", dict), ("evaluation", dict)):
        if not isinstance(manifest.get(key) or {}, kind):
            return f"{key!r} must be a JSON object"
    if not isinstance((manifest.get("training") or {}).get("model") or {}, dict):
        return "'training.model' must be a JSON object"
    evaluation = manifest.get("evaluation") or {}
    if evaluation and not (
        isinstance(evaluation.get("method"), str)
        and isinstance(evaluation.get("benchmarks"), dict)
        and all(isinstance(m, dict) for m in evaluation["benchmarks"].values())
    ):
        return "'evaluation' must hold a method and an object of benchmarks"
    sources = manifest.get("sources") or []
    if not isinstance(sources, list) or not all(
        isinstance(s, dict) and isinstance(s.get("name"), str) and isinstance(s.get("licence"), str)
        for s in sources
    ):
        return "'sources' must be a list of objects with a name and a licence"
    return None


def sha256_file(path) -> str:
    with open(path, "rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


@dataclass
class Bundle:
    path: Path
    manifest: dict
    digest: str  # sha256 of manifest.json, which lists every file's sha256: the model's identity
    verified: set = field(default_factory=set)

    def has(self, name: str) -> bool:
        return name in self.manifest["files"]

    def file(self, name: str) -> Path:
        """The path of a bundle file, after checking its sha256 against the manifest."""
        if not self.has(name):
            raise BundleError(f"model bundle {self.path} has no {name}")
        path = self.path / name
        if name not in self.verified:
            try:
                actual, expected = sha256_file(path), self.manifest["files"][name]
            except OSError as error:
                raise BundleError(f"{self.path}: cannot read {name}: {error.strerror}") from None
            if actual != expected:
                raise BundleError(
                    f"{self.path}: {name} is corrupt or modified (sha256 {actual[:12]}..., "
                    f"manifest says {expected[:12]}...); re-download or re-export the bundle"
                )
            self.verified.add(name)
        return path

    def array(self, name: str, dtype, shape: tuple) -> np.ndarray:
        """A .npy file of the bundle, memory-mapped, refused unless its dtype and shape are these."""
        try:
            array = np.load(self.file(name), mmap_mode="r", allow_pickle=False)
        except (OSError, ValueError) as error:
            raise BundleError(f"{self.path}: cannot read {name}: {error}") from None
        if array.dtype != np.dtype(dtype) or array.shape != tuple(shape):
            raise BundleError(
                f"{self.path}: {name} holds {array.dtype} {array.shape}, but the manifest and the "
                f"other files call for {np.dtype(dtype)} {tuple(shape)}"
            )
        return array

    def verify_all(self) -> int:
        """Check every file now (`pygenerel info` does); returns how many were checked."""
        for name in self.manifest["files"]:
            self.file(name)
        return len(self.manifest["files"])


def open_bundle(path) -> Bundle:
    """The bundle at `path`, its manifest checked for shape, version and files; or BundleError."""
    path = Path(path).expanduser()
    manifest_path = path / MANIFEST
    if not manifest_path.is_file():
        raise BundleError(f"{path} is not a model bundle: no {MANIFEST}")
    try:
        raw = manifest_path.read_bytes()
        manifest = json.loads(raw)
    except OSError as error:
        raise BundleError(f"cannot read {manifest_path}: {error.strerror}") from None
    except (ValueError, RecursionError) as error:  # ValueError: bad JSON, or not UTF-8
        raise BundleError(f"{manifest_path} is not valid JSON: {error}") from None
    if not isinstance(manifest, dict):
        raise BundleError(f"{manifest_path}: expected a JSON object, got {type(manifest).__name__}")
    version = manifest.get("format_version")
    if version != FORMAT_VERSION:
        raise BundleError(
            f"{path}: bundle format version {version!r}, but this pygenerel reads version "
            f"{FORMAT_VERSION}; re-export the model or install a matching pygenerel"
        )
    problem = _manifest_problem(manifest)
    if problem:
        raise BundleError(f"{manifest_path}: {problem}")
    for name in manifest["files"]:
        if not (path / name).is_file():
            raise BundleError(f"{path}: {name} is listed in the manifest but missing")
    return Bundle(path, manifest, hashlib.sha256(raw).hexdigest())


def write_manifest(path, manifest: dict) -> Path:
    """Write `manifest` into the bundle directory `path`, with `files`: the sha256 of every file
    there (the writer beside open_bundle, the reader). Returns `path`."""
    path = Path(path)
    files = {
        p.name: sha256_file(p)
        for p in sorted(path.iterdir())
        if p.is_file() and p.name != MANIFEST and not p.name.startswith(".")
    }
    (path / MANIFEST).write_text(json.dumps({**manifest, "files": files}, indent=2) + "\n")
    return path
