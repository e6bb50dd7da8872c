"""Open a model bundle, refusing it unless its format version and its files' sha256 check out.

The bundle is the runtime's only input, so a truncated download or an edited file must fail
loudly, naming the file, rather than yield wrong scores. Each file is hashed when first opened:
a model loads the files it needs at once (so a bad one is refused at load), and nobody pays for
hashing the 90 MB fp32 encoder they never use.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

FORMAT_VERSION = 1
MANIFEST = "manifest.json"


class BundleError(RuntimeError):
    """A directory that is not a usable model bundle."""


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
            actual, expected = sha256_file(path), self.manifest["files"][name]
            if actual != expected:
                raise BundleError(
                    f"{self.path}: {name} is corrupt or modified (sha256 {actual[:12]}..., "
                    f"manifest says {expected[:12]}...); re-download or re-export the bundle"
                )
            self.verified.add(name)
        return path

    def verify_all(self) -> int:
        """Check every file now (`pygenerel info` does); returns how many were checked."""
        for name in self.manifest["files"]:
            self.file(name)
        return len(self.manifest["files"])


def open_bundle(path) -> Bundle:
    path = Path(path).expanduser()
    manifest_path = path / MANIFEST
    if not manifest_path.is_file():
        raise BundleError(f"{path} is not a model bundle: no {MANIFEST}")
    raw = manifest_path.read_bytes()
    try:
        manifest = json.loads(raw)
    except json.JSONDecodeError as error:
        raise BundleError(f"{manifest_path} is not valid JSON: {error}") from None
    version = manifest.get("format_version")
    if version != FORMAT_VERSION:
        raise BundleError(
            f"{path}: bundle format version {version!r}, but this pygenerel reads version "
            f"{FORMAT_VERSION}; re-export the model or install a matching pygenerel"
        )
    for name in manifest.get("files", {}):
        if not (path / name).is_file():
            raise BundleError(f"{path}: {name} is listed in the manifest but missing")
    return Bundle(path, manifest, hashlib.sha256(raw).hexdigest())
