"""Evaluation: the corpus benchmarks, scored for a trained model and its baselines."""

from __future__ import annotations

import json
from pathlib import Path

METHOD_NAMES = {
    "base": "base encoder (text only)",
    "graph": "graph SVD",
    "id": "GENEREL id tower",
    "locus": "GENEREL locus tower",
    "region": "region lookup (base encoder, 250 kb)",
    "neighbours": "GENEREL locus tower + nearby SNPs",
}


def evaluate(
    model_dir,
    corpus_dir,
    baselines: bool = True,
    out_dir=None,
    max_candidates: int | None = None,
    log=None,
) -> dict:
    """Score the model (and, with `baselines`, the untuned encoder, the graph SVD and the id-only
    tower) on every benchmark; writes evaluation.json and evaluation.md into `out_dir`
    (default: the model directory). The report's "markdown" entry holds the table.

    Synonym retrieval embeds every concept of the benchmark's types (~145k names on the real
    corpus, the slow part on CPU); `max_candidates` caps them per type for quicker runs."""
    import torch

    from pygenerel.evaluate.baselines import BaseTextScorer, GraphScorer, RegionLookupScorer
    from pygenerel.evaluate.evaluator import Evaluator, seen_snps
    from pygenerel.evaluate.report import markdown
    from pygenerel.evaluate.scorers import ModelScorer
    from pygenerel.model import GenerelModel

    model = GenerelModel.load(model_dir, device="cuda" if torch.cuda.is_available() else "cpu")
    scorers = []
    if baselines:
        genes = dict(zip(model.snp_vocab.table["rsid"], model.snp_vocab.table["gene"]))
        base = BaseTextScorer(
            METHOD_NAMES["base"],
            model.config.base_model,
            genes,
            model.config.max_length,
            model.snp_vocab.gene_index,
        )
        scorers.append(base)
        scorers.append(GraphScorer(METHOD_NAMES["graph"], corpus_dir))
        scorers.append(RegionLookupScorer(METHOD_NAMES["region"], corpus_dir, base.texts))
    main = ModelScorer(METHOD_NAMES[model.config.snp_tower], model)
    if model.aux_snp_tower is not None:
        scorers.append(ModelScorer(METHOD_NAMES["id"], model, tower="aux", texts=main.texts))
    scorers.append(main)
    if model.config.snp_tower == "locus":
        neighbourhood = trained_neighbourhood(model, seen_snps(corpus_dir))
        scorers.append(
            ModelScorer(
                METHOD_NAMES["neighbours"], model, texts=main.texts, neighbourhood=neighbourhood
            )
        )

    evaluator = Evaluator(corpus_dir, max_candidates=max_candidates, log=log)
    report = {
        "model_dir": str(model_dir),
        "corpus_dir": str(corpus_dir),
        "max_candidates": max_candidates,
        "methods": [s.name for s in scorers],
        "results": {s.name: evaluator.score(s) for s in scorers},
    }
    report["markdown"] = markdown(report)
    out_dir = Path(out_dir or model_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "evaluation.json").write_text(json.dumps(report, indent=2))
    (out_dir / "evaluation.md").write_text(report["markdown"])
    return report


def trained_neighbourhood(model, seen: set):
    """The SNPs that had training links, embedded, as neighbours for any locus."""
    from pygenerel.neighbourhood import SnpNeighbourhood

    table = model.snp_vocab.table
    table = table[table["rsid"].isin(seen)]
    embeddings = model.encode_snps(list(table["rsid"])).numpy()
    return SnpNeighbourhood(table["chr"].to_numpy(), table["pos_grch38"].to_numpy(), embeddings)


__all__ = ["METHOD_NAMES", "evaluate"]
