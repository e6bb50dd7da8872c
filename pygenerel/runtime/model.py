"""A loaded GENEREL bundle: embed rsids, loci and concept texts in one space and compare them.

Everything resolves item by item into (embedding, how); an item that cannot be resolved gets a
NaN row and how="none" instead of an exception, so one bad item never sinks a batch.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from pygenerel.arguments import whole_number
from pygenerel.builds import BUILDS, check_build
from pygenerel.errors import BundleError, InputError, shown
from pygenerel.genome import chrom_codes
from pygenerel.neighbourhood import SnpNeighbourhood
from pygenerel.runtime.bundle import (
    EVIDENCE,
    GENES,
    SNP_ENCODER,
    TEXT_ENCODER,
    TEXT_ENCODER_INT8,
    TOKENIZER,
    open_bundle,
)
from pygenerel.runtime.catalog import ConceptCatalog
from pygenerel.runtime.cosine import cosine_matrix, cosine_pairs
from pygenerel.runtime.distinct import distinct_rows, first_of_each
from pygenerel.runtime.evidence import NONE as NO_EVIDENCE
from pygenerel.runtime.evidence import Evidence
from pygenerel.runtime.items import parse_items
from pygenerel.runtime.locus_encoder import LocusEncoder
from pygenerel.runtime.nearby_genes import NearbyGenes
from pygenerel.runtime.percentile import Reference, concept_reference, locus_reference
from pygenerel.runtime.snp_index import SnpIndex, position_keys, whole_positions
from pygenerel.runtime.text_encoder import TextEncoder

SNP_TYPE = "snp"
PROPOSAL_GRID = 25_000  # bp; the loci in one such window share a proposal (proposals)


@dataclass
class Placed:
    """Variants placed and embedded, each distinct embedding once (a variant repeated in a table,
    or, for a bundle without `neighbours`, the positions that share one locus)."""

    vectors: np.ndarray  # float32 [m, dim], the distinct embeddings
    which: np.ndarray  # per variant, its row of `vectors`; -1 if unplaced
    how: np.ndarray  # per variant: rsid, chrpos, locus, rsid_locus or none
    rows: np.ndarray  # per variant, its vocabulary row; -1 if none
    chroms: np.ndarray  # per variant, its chromosome (None if unplaced)
    pos: np.ndarray  # per variant, its GRCh38 position (-1 if unplaced)

    def representatives(self) -> np.ndarray:
        """int64 [m]: a variant of each distinct embedding (its first)."""
        placed = np.flatnonzero(self.which >= 0)
        return placed[first_of_each(self.which[placed])]

    def identities(self) -> np.ndarray:
        """int64 [m]: what each distinct embedding derives from, as a key that is the same in
        any call: its vocabulary row (>= 0), or for a locus -1 - (chromosome code << 32 | its
        GRCh38 position). Its top concepts, proposal included, follow from that alone."""
        first = self.representatives()
        rows = self.rows[first]
        locus = -1 - ((chrom_codes(self.chroms[first]) << 32) | self.pos[first])
        return np.where(rows >= 0, rows, locus)

    def embeddings(self) -> np.ndarray:
        """float32 [n, dim], a NaN row for each unplaced variant."""
        out = np.full((len(self.which), self.vectors.shape[1]), np.nan, dtype=np.float32)
        placed = self.which >= 0
        out[placed] = self.vectors[self.which[placed]]
        return out


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
        encoders = {"int8": TEXT_ENCODER_INT8, "fp32": TEXT_ENCODER}
        if precision not in (None, *encoders):
            raise InputError(f"precision must be int8 or fp32, got {precision!r}")
        self.encoder_file = encoders.get(precision, self.manifest["text_encoder"])
        self.text_encoder = TextEncoder(
            self.bundle.file(self.encoder_file),
            self.bundle.file(TOKENIZER),
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
        self._references: dict[str, Reference] = {}
        self._nearby_genes = None
        self._evidence = None
        self._neighbourhood = None
        self._snps_placed = None

    def __repr__(self) -> str:
        m = self.manifest
        return f"<generel Model {m['name']} {m['version']}: dim {self.dim}, {len(self.snps)} SNPs>"

    @property
    def locus_encoder(self) -> LocusEncoder | None:
        """The locus SNP tower (None for an id-only tower), loaded on first use."""
        if self._locus is None and self.bundle.has(SNP_ENCODER):
            self._locus = LocusEncoder(
                self.bundle, self.text_encoder, self.encoder_file, threads=self._threads
            )
        return self._locus

    @property
    def neighbourhood(self) -> SnpNeighbourhood | None:
        """The vocabulary SNPs every placed SNP and locus borrows from (neighbourhood.py), with the
        manifest's `neighbours` options; None for a bundle without them (embeddings as they are)."""
        options = self.manifest.get("neighbours")  # checked with the manifest (bundle.py)
        if options and self._neighbourhood is None:
            table = self.snps.table
            self._neighbourhood = SnpNeighbourhood(
                table["chr"].to_numpy(),
                table["pos_grch38"].to_numpy(),
                self.snps.embeddings,
                **options,
            )
        return self._neighbourhood

    def reference(self, side: str) -> Reference:
        """The fixed reference that turns scores into percentiles (see runtime/percentile.py):
        "snp" (genome loci) or "text" (catalog concepts); built once per model."""
        if side not in self._references:
            if side == "snp":
                self._references[side] = locus_reference(
                    self.locus_encoder,
                    self.snps,
                    self.neighbourhood,
                    self.bundle,
                    self.encoder_file,
                )
            else:
                self._references[side] = concept_reference(
                    self.catalog, self.text_encoder, self.bundle, self.encoder_file
                )
        return self._references[side]

    @property
    def nearby_genes(self) -> NearbyGenes:
        if self._nearby_genes is None:
            genes = pd.read_csv(
                self.bundle.file(GENES),
                sep="\t",
                dtype={"symbol": str, "chr": str},
                keep_default_na=False,
            )
            self._nearby_genes = NearbyGenes(genes)
        return self._nearby_genes

    @property
    def evidence(self) -> Evidence | None:
        """The known associations and eQTLs around any locus (None for bundles without them)."""
        if self._evidence is None and self.bundle.has(EVIDENCE):
            self._evidence = Evidence(self.bundle, self.text_encoder, self.encoder_file)
        return self._evidence

    @property
    def catalog(self) -> ConceptCatalog:
        if self._catalog is None:
            self._catalog = ConceptCatalog(self.bundle, self.text_encoder, self.encoder_file)
        return self._catalog

    # lower-level methods (the annotator builds on these)

    def embed_texts(self, texts) -> np.ndarray:
        return self.text_encoder(list(texts))

    def embed_variants(self, rsids=None, chroms=None, positions=None, build="GRCh38"):
        """-> (float32 [n, dim], how [n]): by rsid ("rsid"), else chr:pos in the vocabulary for
        `build` ("chrpos"), else from the locus ("locus"; GRCh37 lifted to GRCh38 first), else
        from the locus at the rsid's position in the bundle's table ("rsid_locus"), else "none"
        with a NaN row."""
        return self.place_variants(rsids, chroms, positions, build)[:2]

    def place_variants(self, rsids=None, chroms=None, positions=None, build="GRCh38"):
        """embed_variants, and where each variant sits: -> (emb, how, chromosomes, GRCh38
        positions), a vocabulary SNP at its own position, any other as the locus tower read it,
        (None, -1) if nowhere."""
        placed = self.place(rsids, chroms, positions, build)
        return placed.embeddings(), placed.how, placed.chroms, placed.pos

    def place(self, rsids=None, chroms=None, positions=None, build="GRCh38") -> Placed:
        """place_variants with each distinct embedding held once (see Placed); for tables."""
        rows, chroms38, pos38, how = self._plan_variants(
            rsids, chroms, positions, check_build(build)
        )
        which = np.full(len(how), -1, dtype=np.int64)
        known = np.flatnonzero(rows >= 0)
        vocabulary, which[known] = np.unique(rows[known], return_inverse=True)
        vectors = [self.snps.embeddings.rows(vocabulary)]
        locus = np.flatnonzero((how == "locus") | (how == "rsid_locus"))
        if len(locus):
            loci, which[locus] = self.locus_encoder.distinct(chroms38[locus], pos38[locus])
            which[locus] += len(vocabulary)
            vectors.append(loci)
        chroms38[known] = self.snps.table["chr"].to_numpy(dtype=object)[rows[known]]
        pos38[known] = self.snps.table["pos_grch38"].to_numpy()[rows[known]]
        placed = Placed(np.concatenate(vectors), which, how, rows, chroms38, pos38)
        return self._borrowing(placed) if self.neighbourhood is not None else placed

    def _borrowing(self, placed: Placed) -> Placed:
        """placed with each variant's embedding smoothed by the vocabulary SNPs around its
        position (neighbourhood.py): one vector per distinct (embedding, position)."""
        at = np.flatnonzero(placed.which >= 0)
        keys = np.column_stack([placed.which[at], chrom_codes(placed.chroms[at]), placed.pos[at]])
        group, first = distinct_rows(keys)
        first = at[first]
        vectors = self.neighbourhood.smooth(
            placed.chroms[first], placed.pos[first], placed.vectors, rows=placed.which[first]
        )
        which = np.full(len(placed.which), -1, dtype=np.int64)
        which[at] = group
        return replace(placed, vectors=vectors, which=which)

    def proposals(self, placed: Placed, distinct: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """catalog.top's proposals for placed.vectors[distinct]: a vocabulary SNP proposes its
        own top concepts (-1); a locus shares those of the centre of its PROPOSAL_GRID window (the
        locus there, borrowing as any locus does): one index scan for the loci around it, and a
        position's proposal depends on that position alone."""
        first = placed.representatives()[np.asarray(distinct, dtype=np.int64)]
        locus = np.isin(placed.how[first], ("locus", "rsid_locus"))
        proposer_of = np.full(len(distinct), -1, dtype=np.int64)
        if not locus.any():
            return np.empty((0, self.dim), dtype=np.float32), proposer_of
        chroms, pos = placed.chroms[first[locus]], placed.pos[first[locus]]
        centre = pos // PROPOSAL_GRID * PROPOSAL_GRID + PROPOSAL_GRID // 2
        proposer_of[locus], at = distinct_rows(np.column_stack([chrom_codes(chroms), centre]))
        loci = self.locus_encoder(chroms[at], centre[at])
        if self.neighbourhood is not None:
            loci = self.neighbourhood.smooth(chroms[at], centre[at], loci)
        return loci, proposer_of

    def _snp_targets(self) -> np.ndarray:
        """float32 [n, dim]: every vocabulary SNP as place() embeds it (borrowing included), the
        SNPs a `types="snp"` search ranks; computed on first use."""
        if self._snps_placed is None:
            table, borrow = self.snps.table, self.neighbourhood
            self._snps_placed = self.snps.embeddings.rows(np.arange(len(table)))
            if borrow is not None:
                chroms, pos = table["chr"].to_numpy(), table["pos_grch38"].to_numpy()
                self._snps_placed = borrow.smooth(chroms, pos, self._snps_placed)
        return self._snps_placed

    def _plan_variants(self, rsids, chroms, positions, build):
        """-> (vocabulary row or -1, chromosome and GRCh38 position for the locus tower, how).

        A variant's own chr:pos comes first; only an rsid without a usable one is placed by the
        position table, so a table's positions are never overridden."""
        n = len(rsids) if rsids is not None else len(positions)
        rows = self.snps.by_rsid(rsids) if rsids is not None else np.full(n, -1)
        how = np.where(rows >= 0, "rsid", "none").astype(object)
        chroms38 = np.full(n, None, dtype=object)
        pos38 = np.full(n, -1, dtype=np.int64)
        if chroms is not None and positions is not None:
            by_pos = self.snps.by_position(chroms, positions, build)
            use = (rows < 0) & (by_pos >= 0)
            rows = np.where(use, by_pos, rows)
            how[use] = "chrpos"
            left = np.flatnonzero(rows < 0)
            if len(left) and self.locus_encoder is not None:
                chroms_left = np.asarray(chroms, dtype=object)[left]
                pos_left = whole_positions(np.asarray(positions)[left])
                if build == "GRCh37":
                    pos_left = self.locus_encoder.liftover.to_grch38(chroms_left, pos_left)
                ok = self.locus_encoder.locatable(chroms_left, pos_left)
                chroms38[left[ok]], pos38[left[ok]] = chroms_left[ok], pos_left[ok]
                how[left[ok]] = "locus"
        left = np.flatnonzero(how == "none")
        if rsids is not None and len(left) and self.locus_encoder is not None:
            found_chroms, found_pos = self.snps.rsid_positions(
                np.asarray(rsids, dtype=object)[left]
            )
            ok = self.locus_encoder.locatable(found_chroms, found_pos)
            chroms38[left[ok]], pos38[left[ok]] = found_chroms[ok], found_pos[ok]
            how[left[ok]] = "rsid_locus"
        return rows, chroms38, pos38, how

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
        abbreviation = form == "abbreviation"
        if abbreviation.any():  # the check reads the catalog: only where an item needs it
            form[abbreviation] = np.where(
                self._read_as_concept(parsed, kind)[abbreviation], "id", "text"
            )
        ids = np.flatnonzero(form == "id")
        if len(ids):  # an id stands for its concept: embed its name as the model knows it
            rows = self.catalog.rows([parsed.concept_id[i] for i in ids])
            for i, text in zip(ids, self.catalog.texts[rows]):
                parsed.text[i] = text
        textual = (form == "text") | (form == "id")
        text = np.flatnonzero(textual)
        if len(text):
            emb[text] = self.embed_texts([parsed.text[i] for i in text])
            how[text] = form[text]
        snp = np.flatnonzero((form == "rsid") | (form == "chrpos"))
        if len(snp):
            rsids, chroms, positions = (
                [values[i] for i in snp] for values in (parsed.rsid, parsed.chrom, parsed.pos)
            )
            placed = self.place(rsids, chroms, positions, build)
            emb[snp], how[snp] = placed.embeddings(), placed.how
            rsid[snp] = np.where(
                placed.rows >= 0, self.snps.table["rsid"].to_numpy()[placed.rows], ""
            )
        kinds = np.where(textual, "text", np.where(form == "invalid", "none", "snp"))
        return parsed, emb, how, rsid, kinds

    def embed(self, items, kind="auto", build="GRCh38") -> np.ndarray:
        """float32 [n, dim] unit rows; NaN rows for items that could not be resolved."""
        return self._resolve(items, kind, build)[1]

    def match(self, items, kind="auto", build="GRCh38") -> pd.DataFrame:
        """How each item was resolved: item, kind (snp, text, none), how, rsid (vocabulary SNP),
        name (the catalog name of a concept id)."""
        parsed, _, how, rsid, kinds = self._resolve(items, kind, build)
        ids = np.flatnonzero(how == "id")
        name = np.full(len(how), "", dtype=object)
        if len(ids):  # the catalog's name as shown, not the text embedded
            rows = self.catalog.rows([parsed.concept_id[i] for i in ids])
            name[ids] = self.catalog.table["name"].to_numpy()[rows]
        return pd.DataFrame(
            {"item": parsed.raw, "kind": kinds, "how": how, "rsid": rsid, "name": name.tolist()}
        )

    def abbreviations(self, items, kind="text") -> dict:
        """{item: catalog name} for each item written as a trait abbreviation (T2D) and so read as
        the concept it stands for (items.ABBREVIATIONS): callers say so."""
        parsed = parse_items(items, kind)
        read = np.flatnonzero(self._read_as_concept(parsed, kind))
        if not len(read):  # no catalog to load (a second, on the command line)
            return {}
        rows = self.catalog.rows([parsed.concept_id[i] for i in read])
        return dict(zip([parsed.raw[i] for i in read], self.catalog.table["name"].to_numpy()[rows]))

    def _read_as_concept(self, parsed, kind) -> np.ndarray:
        """bool per item: an abbreviation read as its concept, where this catalog has it; one that
        is a catalog name itself (CAD, a gene) only when read as a trait (kind "text")."""
        kinds = [kind] * len(parsed.raw) if isinstance(kind, str) else list(kind)
        return np.array(
            [
                form == "abbreviation"
                and self.catalog.has(cid)
                and (item_kind == "text" or not self.catalog.is_name(text))
                for form, cid, item_kind, text in zip(
                    parsed.form, parsed.concept_id, kinds, parsed.text
                )
            ],
            dtype=bool,
        )

    def unresolved(self, items, kind="auto", build="GRCh38") -> list:
        """The items that resolve to nothing (an rsid the bundle does not know, a typo of one, a
        blank): their scores are NaN, which the command line and R warn of."""
        matched = self.match(items, kind, build)
        return matched.loc[matched["how"] == "none", "item"].tolist()

    def explain(self, snp, trait, n=5, build="GRCh38") -> dict:
        """Why `snp` scores what it does for `trait`: the score and its percentile, how and where
        the SNP was placed, its nearest genes and eQTL genes, and the known associations within
        500 kb, closest trait first (`associations`, a DataFrame; `evidence` says when none)."""
        if self.evidence is None:
            raise BundleError(f"{self.bundle.path}: this bundle has no evidence table ({EVIDENCE})")
        n = whole_number(n, "n")
        if not isinstance(trait, str) or not trait.strip():  # its score would be NaN
            raise InputError(f"trait must be a non-empty text, got {shown(trait)}")
        parsed = parse_items([snp], "snp")
        if parsed.form[0] not in ("rsid", "chrpos"):
            raise InputError(f"{shown(snp)} is not an rsid or chr:pos")
        emb, how, chroms38, pos38 = self.place_variants(
            [parsed.rsid[0]], [parsed.chrom[0]], [parsed.pos[0]], build
        )
        if how[0] == "none":  # a report of NaN scores and no genes would explain nothing
            raise InputError(
                f"{shown(snp)} could not be placed: an rsid the bundle does not know, or a "
                "position off its chromosome; give it as chr:pos"
            )
        trait_emb = self.embed([trait], kind="text")[0]
        score = float(cosine_pairs(emb[:1], trait_emb[None, :])[0])
        percentile = float(
            self.reference("snp").against(trait_emb[None, :])(np.array([[score]]))[0, 0]
        )
        chrom, pos = chroms38[0], int(pos38[0])
        found = self.evidence.associations(chrom, pos, trait_emb, n)
        return {
            "snp": snp,
            "trait": trait,
            "how": how[0],
            "chr": chrom,
            "pos_grch38": pos,
            "score": score,
            "percentile": percentile,
            "genes": self.nearby_genes.describe([chrom], [pos])[0],
            "eqtl": self.evidence.eqtl_genes(chrom, pos),
            "associations": found,
            "evidence": NO_EVIDENCE if found.empty else "",
        }

    def similarity(self, a, b=None, pairwise=False, kind="auto", build="GRCh38", percentile=False):
        """Cosine similarities: matrix [len(a), len(b)] (b defaults to a), or a vector if pairwise.

        percentile=True returns (cosines, percentiles): each cosine's share of a fixed reference
        scoring lower against the same b item, the reference being genome loci where the a item
        is a SNP or locus and catalog concepts where it is a text (runtime/percentile.py).
        """
        _, left, _, _, kinds = self._resolve(a, kind, build)
        right = left if b is None else self.embed(b, kind, build)
        if pairwise:
            if len(left) != len(right):
                raise InputError(f"pairwise needs equal lengths, got {len(left)} and {len(right)}")
            scores = cosine_pairs(left, right)
        else:
            scores = cosine_matrix(left, right)
        if not percentile:
            return scores
        return scores, self._percentiles(scores, right, kinds, pairwise)

    def _percentiles(self, scores, right, kinds, pairwise) -> np.ndarray:
        out = np.full(scores.shape, np.nan, dtype=np.float32)
        for side in ("snp", "text"):
            rows = np.flatnonzero(kinds == side)
            if not len(rows):
                continue
            reference = self.reference(side)
            if not pairwise:
                out[rows] = reference.against(right)(scores[rows])
                continue
            for lo in range(0, len(rows), 1024):  # pair i is a[i] against b[i]: column i alone
                part = rows[lo : lo + 1024]
                out[part] = reference.against(right[part])(scores[part][None, :])[0]
        return out

    def neighbors(self, query, k=10, types=None, kind="auto", build="GRCh38") -> pd.DataFrame:
        """The k most similar catalog concepts (and SNPs if types include "snp") per query.

        types: concept types as a list or one comma-separated string, "snp" to search SNPs too;
        None (or empty) searches every concept type but not SNPs.
        """
        k, types = whole_number(k, "k"), self.search_types(types)
        queries = [query] if isinstance(query, str) else list(query)
        _, emb, _, rsid, kinds = self._resolve(queries, kind, build)
        frames = []
        valid = np.flatnonzero(~np.isnan(emb[:, 0]))
        if len(valid):
            queries = [queries[i] for i in valid]
            frames = self._search(emb[valid], queries, rsid[valid], kinds[valid] == "snp", k, types)
        columns = ["query", "rank", "id", "name", "type", "score"]
        return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=columns)

    def search_types(self, types) -> list | None:
        """neighbors()' types as a list (None when empty: every concept type), "snp" included;
        InputError names any this model lacks."""
        return self.catalog.parse_types(types, also=(SNP_TYPE,)) or None

    def _search(self, emb, queries, query_rsids, snp_queries, k, types):
        """Top k per query: catalog concepts (one per concept; for a SNP query no genes or
        identifier-like names unless types ask for them, see ConceptCatalog.candidates), plus
        every SNP but the query itself if types include "snp"."""
        found = [[] for _ in queries]  # per query: (score, id, name, type)
        concept_types = None if types is None else [t for t in types if t != SNP_TYPE]
        if concept_types is None or concept_types:
            table = self.catalog.table
            ids, names, kinds = (table[c].to_numpy() for c in ("id", "name", "type"))
            for snp_query in (False, True):
                picked = np.flatnonzero(snp_queries == snp_query)
                rows = self.catalog.candidates(concept_types, snp_query)
                best, scores = self.catalog.top(emb[picked], k, rows)
                for i, top, score in zip(picked, best, scores):
                    found[i] += [
                        (s, ids[r], names[r], kinds[r]) for r, s in zip(top, score) if r >= 0
                    ]
        if types is not None and SNP_TYPE in types:
            rsids = self.snps.table["rsid"].to_numpy()
            scores = emb @ self._snp_targets().T
            scores[rsids[None, :] == np.asarray(query_rsids, dtype=object)[:, None]] = -np.inf
            top = np.argpartition(-scores, k - 1, axis=1)[:, :k] if k < len(rsids) else None
            top = np.tile(np.arange(len(rsids)), (len(emb), 1)) if top is None else top
            for i, rows in enumerate(top):
                found[i] += [(scores[i, r], rsids[r], rsids[r], SNP_TYPE) for r in rows]
        frames = []
        for query, hits in zip(queries, found):
            hits = sorted((h for h in hits if np.isfinite(h[0])), key=lambda h: -h[0])[:k]
            score, ids_, names_, kinds_ = (list(x) for x in zip(*hits)) if hits else ([],) * 4
            frames.append(
                pd.DataFrame(
                    {
                        "query": query,
                        "rank": np.arange(1, len(hits) + 1),
                        "id": ids_,
                        "name": names_,
                        "type": kinds_,
                        "score": np.array(score, dtype=np.float32),
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
