"""`df.generel`: the annotator on a DataFrame already in memory, registered on `import pygenerel`.

Every method goes through pygenerel.annotate, so it takes the same options and gives the same
numbers as `pygenerel annotate` on the same table.
"""

from __future__ import annotations

import pandas as pd


@pd.api.extensions.register_dataframe_accessor("generel")
class GenerelAccessor:
    def __init__(self, frame: pd.DataFrame):
        self._frame = frame

    def annotate(self, traits=(), **options) -> pd.DataFrame:
        """A copy with generel_match, generel_<trait> and (top_k=K) top-concept columns appended.

        Options as for pygenerel.annotate: top_k, types, p_threshold, snp_col, chr_col, pos_col,
        p_col, build, model, verbose.
        """
        from pygenerel.annotation import annotate

        return annotate(self._frame, traits=traits, **options)

    def loci(self, traits=(), **options) -> pd.DataFrame:
        """One row per independent locus, strongest first (see pygenerel.loci): p_threshold,
        window, top_k, types, the column options, build, model."""
        from pygenerel.annotation import loci

        return loci(self._frame, traits=traits, **options)

    def similarity(self, trait: str, snp_col=None, **options) -> pd.Series:
        """Cosine similarity of each row's SNP to `trait`, aligned with the rows (NaN unmatched)."""
        from pygenerel.annotation.annotate import trait_column

        result = self.annotate([trait], snp_col=snp_col, **options)
        return result[trait_column(trait)].rename(trait)

    def neighbors(self, k: int = 10, types=None, snp_col=None, **options) -> pd.DataFrame:
        """The k most related concepts per row, long: row (index label), rank, id, name, type, score."""
        result = self.annotate((), top_k=k, types=types, snp_col=snp_col, **options)
        frames = []
        for rank in range(1, k + 1):
            columns = {f"generel_top{rank}_{f}": f for f in ("id", "name", "type", "score")}
            part = result[list(columns)].rename(columns=columns)
            frames.append(part.assign(row=result.index, rank=rank, order=range(len(result))))
        long = pd.concat(frames, ignore_index=True).dropna(subset=["id"])
        long = long.sort_values(["order", "rank"], kind="stable")
        return long[["row", "rank", "id", "name", "type", "score"]].reset_index(drop=True)
