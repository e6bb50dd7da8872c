"""Top concepts worth reading (issue 11): for SNP rows no gene or clone names by default (the
nearest genes are their own column), no isotope-labelled tracers, one entry per name, names shown
as text rather than HTML, and --types still selects anything."""

import pandas as pd
import pytest

from pygenerel.annotation import annotate
from pygenerel.runtime import load_model
from pygenerel.runtime.catalog import IDENTIFIER_LIKE, RADIOLABELLED

UC = "topr_UC_UKBB_p1e-3_hg38.tsv.gz"
K = 5


@pytest.fixture(scope="module")
def model(tiny_bundle_dir):
    return load_model(tiny_bundle_dir)


@pytest.fixture(scope="module")
def leads(sumstats_dir, tmp_path_factory):
    table = pd.read_csv(sumstats_dir / UC, sep="\t", dtype=str)
    path = tmp_path_factory.mktemp("uc") / "uc_leads.tsv"
    table[table["P"].astype(float) < 1e-6].to_csv(path, sep="\t", index=False)
    return path


def tops(result, field):
    return pd.concat([result[f"generel_top{r}_{field}"] for r in range(1, K + 1)], axis=1)


def test_snp_rows_get_no_gene_or_clone_names_by_default(model, leads):
    every = sorted(set(model.catalog.table["type"]))
    default = annotate(leads, top_k=K, model=model, build="GRCh38")
    asked = annotate(leads, top_k=K, types=every, model=model, build="GRCh38")
    share = lambda result: (tops(result, "type") == "gene").to_numpy().mean()
    assert share(default) == 0 and share(asked) > 0.05  # the filter is what removes them
    names = tops(default, "name").stack()
    assert not names.str.match(IDENTIFIER_LIKE).any()
    assert not names.str.contains(RADIOLABELLED).any()
    genes = annotate(leads, top_k=K, types="gene", model=model, build="GRCh38")
    assert (tops(genes, "type").stack() == "gene").all()


def test_one_entry_per_name_and_nearest_genes_apart(model, leads):
    result = annotate(leads, top_k=K, model=model, build="GRCh38")
    keys = tops(result, "name").apply(
        lambda row: row.dropna().str.lower().str.replace(r"'s\b|[^0-9a-z]+", "", regex=True), axis=1
    )
    assert all(row.dropna().is_unique for _, row in keys.iterrows())
    scores = tops(result, "score").to_numpy()
    assert (scores[:, :-1] >= scores[:, 1:]).all()
    located = result["generel_match"] != "none"
    genes = result.loc[located, "generel_genes"]
    described = genes.str.match(r"^[\w.-]+ \(\d+ kb\)")
    assert (described | (genes == "")).all() and described.mean() > 0.99  # "": a gene desert


def test_a_known_snp_names_its_gene(model, tmp_path):
    path = tmp_path / "one.tsv"
    path.write_text("SNP\tP\nrs7903146\t1e-9\n")
    result = annotate(path, top_k=1, model=model)
    assert result["generel_genes"][0].startswith("TCF7L2 (0 kb)")


def test_a_variant_repeated_in_later_chunks_is_ranked_once(model, leads, tmp_path, monkeypatch):
    """Two traits' results stacked: the second copy's rows come in other chunks, find their top
    concepts in the table's memo (annotation/ranked.py) and get the first copy's."""
    table = pd.read_csv(leads, sep="\t", dtype=str)
    stacked = tmp_path / "stacked.tsv"
    pd.concat([table, table]).to_csv(stacked, sep="\t", index=False)
    ranked = []
    top = model.catalog.top

    def counting(emb, *args, **kwargs):
        ranked.append(len(emb))
        return top(emb, *args, **kwargs)

    monkeypatch.setattr(model.catalog, "top", counting)
    result = annotate(stacked, model=model, top_k=K, chunk_rows=len(table) // 3 + 1)
    first, second = result.iloc[: len(table)], result.iloc[len(table) :]
    for field in ("id", "score"):
        pd.testing.assert_frame_equal(
            tops(first, field).reset_index(drop=True), tops(second, field).reset_index(drop=True)
        )
    placed = (first["generel_match"] != "none").sum()
    assert 0 < sum(ranked) <= placed  # each variant once, none of the second copy again


MARKUP = r"&[a-z]+;|</?(?:sub|sup|i)>"


def test_names_are_shown_as_text_and_embedded_as_the_model_learned_them(model):
    catalog = model.catalog
    assert catalog.texts.astype(str).tolist().count("17&beta;-estradiol") == 1  # DGIdb's HTML
    row = int(catalog.rows(["drug:17 beta estradiol"])[0])
    assert catalog.table["name"][row] == "17β-estradiol"
    assert catalog.vectors.names[row] == "17&beta;-estradiol"  # the vector is of the learned text
    assert catalog.table["name"][catalog.texts == "13,14-dihydro-pge<sub>1</sub>"].tolist() == [
        "13,14-dihydro-pge1"
    ]
    assert not catalog.table["name"].str.contains(MARKUP).any()
    assert not catalog.search("beta estradiol")["name"].str.contains(MARKUP).any()


def test_isotope_labelled_tracers_only_when_their_type_is_asked_for(model):
    catalog = model.catalog
    tracer = catalog.table["name"].str.contains(RADIOLABELLED).to_numpy()
    assert tracer.sum() > 100  # [125i]vip (human), [3h]maraviroc, ...
    for snp_query in (False, True):
        assert not tracer[catalog.candidates(snp_query=snp_query)].any()
    drugs = catalog.candidates(["drug"])
    assert tracer[drugs].sum() == tracer.sum()
    assert "[3h]maraviroc" in set(catalog.table["name"][drugs])
