"""A loaded GENEREL bundle: embed rsids, loci and concept texts in one space and compare them.

Everything resolves item by item into (embedding, how); an item that cannot be resolved gets a
NaN row and how="none" instead of an exception, so one bad item never sinks a batch.
"""

from __future__ import annotations

import math
import numbers

import numpy as np
import pandas as pd

from pygenerel.errors import BundleError, InputError
from pygenerel.runtime.bundle import open_bundle
from pygenerel.runtime.catalog import ConceptCatalog
from pygenerel.runtime.items import parse_items
from pygenerel.runtime.locus_encoder import LocusEncoder
from pygenerel.runtime.snp_index import BUILDS, SnpIndex, check_build, position_keys
from pygenerel.runtime.text_encoder import TextEncoder

SNP_TYPE = "snp"


class Model:
    def __init__(
        self,
        path,
        *,
        precision: str | None = None,
        batch_size: int = 64,
        threads: int | None = None,
    ):
        """precision "int8" or "fp32" picks the text encoder (default: the manifest's choice)."""
        self.bundle = open_bundle(path)
        self.manifest = self.bundle.manifest
        self.dim = int(self.manifest["dim"])
        encoders = {"int8": "text_encoder.int8.onnx", "fp32": "text_encoder.onnx"}
        if precision not in (None, *encoders):
            raise InputError(f"precision must be int8 or fp32, got {precision!r}")
        self.encoder_file = encoders.get(precision, self.manifest["text_encoder"])
        self.text_encoder = TextEncoder(
            self.bundle.file(self.encoder_file),
            self.bundle.file("tokenizer.json"),
            max_length=int(self.manifest["max_length"]),
            batch_size=batch_size,
            threads=threads,
        )
        if self.text_encoder.dim != self.dim:
            raise BundleError(
                f"{self.bundle.path}: {self.encoder_file} embeds in {self.text_encoder.dim} "
                f"dimensions, the manifest says {self.dim}"
            )
        self.snps = SnpIndex.from_bundle(self.bundle)
        self._threads = threads
        self._locus = None
        self._catalog = None

    def __repr__(self) -> str:
        m = self.manifest
        return f"<generel Model {m['name']} {m['version']}: dim {self.dim}, {len(self.snps)} SNPs>"

    @property
    def locus_encoder(self) -> LocusEncoder | None:
        """The locus SNP tower (None for an id-only tower), loaded on first use."""
        if self._locus is None and self.bundle.has("snp_encoder.onnx"):
            self._locus = LocusEncoder(
                self.bundle, self.text_encoder, self.encoder_file, threads=self._threads
            )
        return self._locus

    @property
    def catalog(self) -> ConceptCatalog:
        if self._catalog is None:
            self._catalog = ConceptCatalog(self.bundle, self.text_encoder, self.encoder_file)
        return self._catalog

    # lower-level methods (the annotator builds on these)

    def embed_texts(self, texts) -> np.ndarray:
        return self.text_encoder(list(texts))

    def embed_variants(self, rsids=None, chroms=None, positions=None, build="GRCh38"):
        """-> (float32 [n, dim], how [n]): by rsid, else chr:pos in the vocabulary for `build`,
        else from the locus (GRCh37 lifted to GRCh38 first), else "none" with a NaN row."""
        emb, how, _ = self._embed_variants(rsids, chroms, positions, check_build(build))
        return emb, how

    def _embed_variants(self, rsids, chroms, positions, build):
        rows, pos38, how = self._plan_variants(rsids, chroms, positions, build)
        emb = np.full((len(how), self.dim), np.nan, dtype=np.float32)
        known = np.flatnonzero(rows >= 0)
        emb[known] = self.snps.embeddings.rows(rows[known])
        locus = np.flatnonzero(how == "locus")
        if len(locus):
            emb[locus] = self.locus_encoder(np.asarray(chroms, dtype=object)[locus], pos38[locus])
        return emb, how, rows

    def _plan_variants(self, rsids, chroms, positions, build):
        n = len(rsids) if rsids is not None else len(positions)
        rows = self.snps.by_rsid(rsids) if rsids is not None else np.full(n, -1)
        how = np.where(rows >= 0, "rsid", "none").astype(object)
        pos38 = np.full(n, -1, dtype=np.int64)
        if chroms is None or positions is None:
            return rows, pos38, how
        by_pos = self.snps.by_position(chroms, positions, build)
        use = (rows < 0) & (by_pos >= 0)
        rows = np.where(use, by_pos, rows)
        how[use] = "chrpos"
        left = np.flatnonzero(rows < 0)
        if len(left) and self.locus_encoder is not None:
            chroms_left = np.asarray(chroms, dtype=object)[left]
            pos_left = pd.to_numeric(
                pd.Series(np.asarray(positions, dtype=object)[left]), errors="coerce"
            )
            pos_left = pos_left.fillna(-1).to_numpy(dtype=np.int64)
            if build == "GRCh37":
                pos_left = self.locus_encoder.liftover.to_grch38(chroms_left, pos_left)
            pos38[left] = pos_left
            ok = left[self.locus_encoder.locatable(chroms_left, pos_left)]
            how[ok] = "locus"
        return rows, pos38, how

    def position_hits(self, chroms, positions) -> dict:
        """Share of positions found in the vocabulary under each build (for build="auto")."""
        valid = max(int((position_keys(chroms, positions) >= 0).sum()), 1)
        return {
            build: float((self.snps.by_position(chroms, positions, build) >= 0).sum() / valid)
            for build in BUILDS
        }

    # the public API

    def _resolve(self, items, kind, build):
        build = check_build(build)  # before any work, even for a list of texts only
        parsed = parse_items(items, kind)
        n = len(parsed.raw)
        emb = np.full((n, self.dim), np.nan, dtype=np.float32)
        how = np.full(n, "none", dtype=object)
        rsid = np.full(n, "", dtype=object)
        form = np.array(parsed.form, dtype=object)
        text = np.flatnonzero(form == "text")
        if len(text):
            emb[text] = self.embed_texts([parsed.text[i] for i in text])
            how[text] = "text"
        snp = np.flatnonzero((form == "rsid") | (form == "chrpos"))
        if len(snp):
            rsids, chroms, positions = (
                [values[i] for i in snp] for values in (parsed.rsid, parsed.chrom, parsed.pos)
            )
            emb[snp], how[snp], rows = self._embed_variants(rsids, chroms, positions, build)
            rsid[snp] = np.where(rows >= 0, self.snps.table["rsid"].to_numpy()[rows], "")
        kinds = np.where(form == "text", "text", np.where(form == "invalid", "none", "snp"))
        return parsed, emb, how, rsid, kinds

    def embed(self, items, kind="auto", build="GRCh38") -> np.ndarray:
        """float32 [n, dim] unit rows; NaN rows for items that could not be resolved."""
        return self._resolve(items, kind, build)[1]

    def match(self, items, kind="auto", build="GRCh38") -> pd.DataFrame:
        """How each item was resolved: item, kind (snp, text, none), how, rsid (vocabulary SNP)."""
        parsed, _, how, rsid, kinds = self._resolve(items, kind, build)
        return pd.DataFrame({"item": parsed.raw, "kind": kinds, "how": how, "rsid": rsid})

    def similarity(self, a, b=None, pairwise=False, kind="auto", build="GRCh38") -> np.ndarray:
        """Cosine similarities: matrix [len(a), len(b)] (b defaults to a), or a vector if pairwise."""
        left = self.embed(a, kind, build)
        right = left if b is None else self.embed(b, kind, build)
        if pairwise:
            if len(left) != len(right):
                raise InputError(f"pairwise needs equal lengths, got {len(left)} and {len(right)}")
            return (left * right).sum(axis=1)
        return left @ right.T

    def neighbors(self, query, k=10, types=None, kind="auto", build="GRCh38") -> pd.DataFrame:
        """The k most similar catalog concepts (and SNPs if types include "snp") per query.

        types: concept types as a list or one comma-separated string, "snp" to search SNPs too;
        None (or empty) searches every concept type but not SNPs.
        """
        k, types = _check_k(k), self.search_types(types)
        queries = [query] if isinstance(query, str) else list(query)
        _, emb, _, rsid, _ = self._resolve(queries, kind, build)
        frames = []
        valid = np.flatnonzero(~np.isnan(emb[:, 0]))
        if len(valid):
            frames = self._search(emb[valid], [queries[i] for i in valid], rsid[valid], k, types)
        columns = ["query", "rank", "id", "name", "type", "score"]
        return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=columns)

    def search_types(self, types) -> list | None:
        """neighbors()' types as a list (None when empty: every concept type); InputError names
        any this model lacks."""
        if isinstance(types, str):
            types = types.split(",")
        types = [str(t).strip() for t in ([] if types is None else types) if str(t).strip()]
        concept_types = set(self.catalog.table["type"])
        unknown = set(types) - concept_types - {SNP_TYPE}
        if unknown:
            raise InputError(
                f"unknown types {sorted(unknown)}; this model has "
                f"{sorted(concept_types | {SNP_TYPE})}"
            )
        return types or None

    def _search(self, emb, queries, query_rsids, k, types):
        """Top k per query over the wanted catalog rows, plus every SNP if types include "snp"."""
        parts = []  # (ids, names, types, scores [n_queries, n])
        table = self.catalog.table
        wanted = (
            np.arange(len(table)) if types is None else np.flatnonzero(table["type"].isin(types))
        )
        if len(wanted):
            columns = (table[c].to_numpy()[wanted] for c in ("id", "name", "type"))
            parts.append((*columns, self.catalog.embeddings.scores(emb, wanted)))
        if types is not None and SNP_TYPE in types:
            rsids = self.snps.table["rsid"].to_numpy()
            scores = self.snps.embeddings.scores(emb)
            scores[rsids[None, :] == np.asarray(query_rsids, dtype=object)[:, None]] = -np.inf
            parts.append((rsids, rsids, np.full(len(rsids), SNP_TYPE, dtype=object), scores))
        if not parts:  # a bundle without concepts
            return []
        ids, names, kinds, scores = (np.concatenate(x, axis=-1) for x in zip(*parts))
        frames = []
        for i, query in enumerate(queries):
            top = (
                np.argpartition(-scores[i], k - 1)[:k]
                if k < scores.shape[1]
                else np.arange(scores.shape[1])
            )
            top = top[np.argsort(-scores[i, top], kind="stable")]
            top = top[np.isfinite(scores[i, top])]
            frames.append(
                pd.DataFrame(
                    {
                        "query": query,
                        "rank": np.arange(1, len(top) + 1),
                        "id": ids[top],
                        "name": names[top],
                        "type": kinds[top],
                        "score": scores[i, top],
                    }
                )
            )
        return frames

    def info(self) -> dict:
        """The manifest summary: what this model is, what it was trained on, how it scored.

        Every file's sha256 is checked first, so a bundle that `info` accepts is whole.
        """
        m = self.manifest
        return {
            "files_verified": self.bundle.verify_all(),
            "name": m["name"],
            "version": m["version"],
            "path": str(self.bundle.path),
            "dim": self.dim,
            "snp_tower": m["snp_tower"],
            "text_encoder": self.encoder_file,
            "int8_agreement": m.get("int8_agreement"),
            "snps": len(self.snps),
            "concepts": m.get("concepts"),
            "max_length": m["max_length"],
            "training": m.get("training") or {},
            "corpus_digest": m.get("corpus_digest"),
            "sources": m.get("sources") or [],
            "evaluation": m.get("evaluation") or {},
            "created": m.get("created"),
        }


def _check_k(k) -> int:
    """k as an int >= 1; whole floats pass, as R hands every number over as a double."""
    whole = isinstance(k, numbers.Integral) or (
        isinstance(k, numbers.Real) and math.isfinite(k) and float(k).is_integer()
    )
    if isinstance(k, bool) or not whole or k < 1:
        raise InputError(f"k must be a positive whole number, got {k!r}")
    return int(k)
