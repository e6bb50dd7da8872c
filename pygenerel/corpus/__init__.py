"""Training corpus builder: raw sources -> Parquet tables (concepts, snps, genes, links,
benchmarks) and a corpus.json manifest. See docs/DESIGN.md for the table contract."""

from .build import build_corpus
from .rawfiles import RawDataError

__all__ = ["RawDataError", "build_corpus"]
