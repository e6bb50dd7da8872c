"""Top concepts worth reading (issue 11): for SNP rows no gene or clone names and no gene products'
levels by default (the nearest genes are their own column), no isotope-labelled tracers, one entry per concept (its
names in several ontologies merged), names shown as text rather than HTML, and --types still
selects anything."""

import json
import shutil

import pandas as pd
import pytest

from pygenerel.annotation import annotate
from pygenerel.errors import BundleError
from pygenerel.export import add_concept_classes, add_gene_products
from pygenerel.runtime import load_model
from pygenerel.runtime.bundle import sha256_file
from pygenerel.runtime.catalog import (
    COMPOUND_CODE,
    IDENTIFIER_LIKE,
    NUMBERED_REAGENT,
    RADIOLABELLED,
    concept_codes,
)

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


def gene_product_share(model, result) -> float:
    products = set(model.catalog.table["id"][model.catalog.gene_product])
    return tops(result, "id").stack().isin(products).mean()


def test_snp_rows_get_no_gene_products_unless_traits_are_asked_for(default_bundle_dir, leads):
    shipped = load_model(default_bundle_dir)
    assert shipped.catalog.gene_product.sum() > 3_000  # EFO's protein measurements
    default = annotate(leads, top_k=K, model=shipped, build="GRCh38")
    traits = annotate(leads, top_k=K, types="trait", model=shipped, build="GRCh38")
    assert gene_product_share(shipped, default) == 0
    assert gene_product_share(shipped, traits) > 0.05  # HLA chains, histones, collagens
    # a text query still finds them: only a SNP's own gene products are look-alikes
    found = shipped.neighbors("moesin measurement", k=3)
    assert "EFO:0020583" in set(found["id"])


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


@pytest.mark.parametrize(
    ("pattern", "example", "kind", "at_least"),
    [
        (RADIOLABELLED, "[3h]maraviroc", "drug", 100),
        (NUMBERED_REAGENT, "jak3 inhibitor vi", "drug", 20),
        ("^Chromosomes, Human", "Chromosomes, Human, Pair 2", "anatomy", 20),
    ],
)
def test_reagents_and_chromosome_headings_only_when_their_type_is_asked_for(
    model, pattern, example, kind, at_least
):
    catalog = model.catalog
    found = catalog.table["name"].str.contains(pattern).to_numpy()
    assert found.sum() > at_least
    for snp_query in (False, True):
        assert not found[catalog.candidates(snp_query=snp_query)].any()
    asked = catalog.candidates([kind])
    assert found[asked].sum() == found.sum()
    assert example in set(catalog.table["name"][asked])


def test_drugs_named_by_a_code_only_when_drugs_are_asked_for(model):
    """Codes that mix digits and letters ("ags-1c4d4") topped a strong UC locus (RORC) once."""
    catalog = model.catalog
    names = catalog.table["name"]
    code = (names.str.match(COMPOUND_CODE) & (catalog.table["type"] == "drug")).to_numpy()
    assert code.sum() > 2_000
    for snp_query in (False, True):
        assert not code[catalog.candidates(snp_query=snp_query)].any()
    codes = {"ags-1c4d4", "imc-3c5", "a2p5p", "ly294002", "1d09c3", "4sc-202"}
    assert codes <= set(names[catalog.candidates(["drug"])])
    shown = set(names[catalog.candidates()])
    assert not codes & shown
    assert {"4α-pdd", "imatinib", "5-fu", "2mesatp"} <= shown  # names, not codes


def test_concept_codes_join_names_and_classes_through_each_other():
    keys = pd.Series(["a", "b", "b", "c", "d", "e"])
    classes = pd.Series(["X", "X", "", "", "Y", "Y"])
    codes = concept_codes(keys, classes)  # a-X-b-b, then c alone, then d-Y-e
    assert codes[0] == codes[1] == codes[2] and len({codes[0], codes[3], codes[4]}) == 3
    assert codes[4] == codes[5]
    assert (concept_codes(keys, None) == pd.factorize(keys)[0]).all()  # bundles without classes


def test_one_entry_per_concept_class(model, leads):
    catalog = model.catalog
    rows = catalog.rows(["DOID:9352", "MONDO:0005148", "EFO:0001360"])  # type 2 diabetes
    assert len(set(catalog.concept_codes[rows])) == 1
    assert catalog.concept_codes[catalog.rows(["DOID:9744"])[0]] != catalog.concept_codes[rows[0]]
    found = model.neighbors("type 2 diabetes mellitus", k=20)
    assert len(set(found["id"]) & {"DOID:9352", "MONDO:0005148", "EFO:0001360"}) == 1
    result = annotate(leads, top_k=K, model=model, build="GRCh38")
    code_of = dict(zip(catalog.table["id"], catalog.concept_codes))
    for ids in tops(result, "id").itertuples(index=False):
        found = [code_of[i] for i in ids if pd.notna(i) and i != ""]
        assert len(found) == len(set(found)) and found


def older_bundle(bundle_dir, tmp_path, key: str):
    """A copy of the bundle as exported before it had the file of manifest `key`: (its
    directory, the file's exported bytes)."""
    older = shutil.copytree(bundle_dir, tmp_path / "bundle")
    manifest = json.loads((older / "manifest.json").read_text())
    name = manifest.pop(key)["file"]
    exported = (older / name).read_bytes()
    (older / name).unlink()
    del manifest["files"][name]
    (older / "manifest.json").write_text(json.dumps(manifest))
    return older, exported


def test_add_concept_classes_gives_an_older_bundle_what_export_writes(
    tiny_bundle_dir, corpus_dir, tmp_path
):
    older, exported = older_bundle(tiny_bundle_dir, tmp_path, "concept_classes")
    alone = load_model(older).catalog.concept_codes  # no classes: ids apart
    add_concept_classes(older, corpus_dir / "concepts.parquet")
    added = json.loads((older / "manifest.json").read_text())["concept_classes"]
    assert added == json.loads((tiny_bundle_dir / "manifest.json").read_text())["concept_classes"]
    assert pd.read_csv(older / "concept_classes.tsv.gz", sep="\t").equals(
        pd.read_csv(pd.io.common.BytesIO(exported), sep="\t", compression="gzip")
    )
    merged = load_model(older).catalog.concept_codes
    assert len(set(merged)) < len(set(alone)) - 5_000  # 127,693 names, 119,409 concepts


def test_add_gene_products_gives_an_older_bundle_what_export_writes(
    tiny_bundle_dir, corpus_dir, tmp_path
):
    older, exported = older_bundle(tiny_bundle_dir, tmp_path, "gene_products")
    assert not load_model(older).catalog.gene_product.any()
    add_gene_products(older, corpus_dir / "concepts.parquet")
    added = json.loads((older / "manifest.json").read_text())["gene_products"]
    assert added == json.loads((tiny_bundle_dir / "manifest.json").read_text())["gene_products"]
    assert (older / "gene_products.tsv.gz").read_bytes() == exported
    assert load_model(older).catalog.gene_product.sum() == added["concepts"] > 3_000


def test_the_shipped_catalog_lists_type_2_diabetes_once(default_bundle_dir):
    shipped = load_model(default_bundle_dir)
    found = shipped.neighbors("type 2 diabetes", k=10)
    # DOID, MONDO, EFO, HPO, phecode and the GWAS Catalog each name it
    assert found["name"].str.lower().str.fullmatch("type (?:2|ii) diabetes( mellitus)?").sum() == 1
    assert "Type 1 diabetes" in set(found["name"])  # a different concept stays


@pytest.mark.parametrize(
    "name, wanted",
    [("concept_classes", "the columns id and class"), ("gene_products", "the column id")],
)
def test_a_concept_file_without_its_columns_is_refused(tiny_bundle_dir, tmp_path, name, wanted):
    bundle = shutil.copytree(tiny_bundle_dir, tmp_path / "bundle")
    path = bundle / f"{name}.tsv.gz"
    pd.DataFrame({"concept": ["DOID:9352"], "group": ["x"]}).to_csv(path, sep="\t", index=False)
    manifest = json.loads((bundle / "manifest.json").read_text())
    manifest["files"][path.name] = sha256_file(path)
    (bundle / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(BundleError, match=f"{path.name} needs {wanted}"):
        load_model(bundle).neighbors("asthma")
