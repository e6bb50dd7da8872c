"""A score does not depend on what else is in the call (issue 11): on the shipped int8 bundle, an
item embedded alone and inside a batch of 1,000 mixed items gets the same vector."""

import numpy as np
import pandas as pd
import pytest

from pygenerel.runtime import load_model


@pytest.fixture(scope="module")
def mixed_items(default_bundle_dir):
    names = pd.read_csv(default_bundle_dir / "concepts.tsv.gz", sep="\t", usecols=["name"])["name"]
    texts = ["type 2 diabetes", "insulin resistance", *names.sample(398, random_state=0)]
    rsids = pd.read_csv(default_bundle_dir / "snps.tsv.gz", sep="\t", usecols=["rsid"])["rsid"]
    loci = [f"chr{c}:{p}" for c, p in zip([1, 2, 10] * 100, range(1_000_000, 31_000_000, 100_000))]
    return texts + rsids.head(300).tolist() + loci


def test_an_item_scores_the_same_alone_and_in_a_batch_of_1000(default_bundle_dir, mixed_items):
    assert len(mixed_items) == 1000
    in_batch = load_model(default_bundle_dir).embed(mixed_items)
    picks = [0, 1, 2, 399, 400, 401, 699, 700, 999]  # texts, rsids, loci
    alone = np.stack([load_model(default_bundle_dir).embed([mixed_items[i]])[0] for i in picks])
    assert np.isfinite(alone).all()
    assert np.abs(alone - in_batch[picks]).max() <= 1e-5


def test_a_trait_score_does_not_move_with_the_other_traits(default_bundle_dir):
    alone = load_model(default_bundle_dir).similarity(["rs7903146"], ["type 2 diabetes"])[0, 0]
    with_others = load_model(default_bundle_dir).similarity(
        ["rs7903146"], ["asthma", "type 2 diabetes", "a much longer trait name about bone density"]
    )[0, 1]
    assert abs(alone - with_others) <= 1e-5
