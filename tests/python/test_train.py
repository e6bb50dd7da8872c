"""Training on the real corpus: configs, sampler, loss, exact resume, the CLI end to end."""

import json

import numpy as np
import pytest
import torch
from click.testing import CliRunner
from safetensors.torch import load_file

from pygenerel.cli import main
from pygenerel.model import GenerelModel
from pygenerel.train import TrainConfig, load_config, preset_names, train
from pygenerel.train.data import load_pairs
from pygenerel.train.loss import weighted_info_nce
from pygenerel.train.sampler import MultiTaskSampler
from pygenerel.train.validation import validate

TASKS = ["synonym", "relation", "gwas", "eqtl", "biobank"]


def test_presets_load_and_overrides_reach_the_model_table():
    assert {"tiny", "cpu-default", "gpu"} <= set(preset_names())
    for name in preset_names():
        load_config(name)
    config = load_config("tiny", **{"steps": 7, "model.trainable_layers": 1})
    assert config.steps == 7 and config.model.trainable_layers == 1
    with pytest.raises(ValueError):
        load_config("tiny", not_a_key=1)


def test_weighted_info_nce_matches_its_definition():
    torch.manual_seed(0)
    left = torch.nn.functional.normalize(torch.randn(5, 8), dim=1)
    right = torch.nn.functional.normalize(torch.randn(5, 8), dim=1)
    weight = torch.tensor([1.0, 0.5, 0.0, 2.0, 1.0])
    logits = left @ right.T / 0.1
    rows = -torch.log_softmax(logits, 1).diagonal()
    cols = -torch.log_softmax(logits, 0).diagonal()
    expected = ((rows + cols) / 2 * weight).sum() / weight.sum()
    assert torch.allclose(weighted_info_nce(left, right, weight, 0.1), expected)


@pytest.fixture(scope="module")
def train_pairs(corpus_dir):
    return load_pairs(
        corpus_dir, "train", TASKS, max_pairs=3000, split_by_relation=["relation", "biobank"]
    )


def test_pairs_are_train_split_streams_per_relation(train_pairs, corpus_dir):
    assert {"synonym", "gwas", "eqtl"} <= set(train_pairs)
    assert any(s.startswith("relation/") for s in train_pairs)
    gwas = train_pairs["gwas"]
    assert (gwas.left_kind == "snp").all() and (gwas.weight > 0).all() and (gwas.weight <= 1).all()
    test_pairs = load_pairs(corpus_dir, "test", ["gwas"])["gwas"]
    train_keys = set(zip(gwas.left_id, gwas.right_id))
    assert not train_keys & set(zip(test_pairs.left_id, test_pairs.right_id))


def test_sampler_batches_repeat_no_item_and_resume_exactly(train_pairs):
    sizes = {s: 64 for s in train_pairs}
    weights = {t: 1.0 for t in TASKS}
    sampler = MultiTaskSampler(train_pairs, sizes, weights, 0.5, seed=3)
    for _ in range(30):
        stream, index = sampler.next()
        p = train_pairs[stream]
        assert len(index) > 0
        items = [{p.left_id[i], p.right_id[i], p.left_key[i], p.right_key[i]} for i in index]
        assert len(set().union(*items)) == sum(map(len, items)), (
            f"repeated item in a {stream} batch"
        )
    state = json.loads(json.dumps(sampler.state_dict()))
    expected = [sampler.next() for _ in range(10)]
    again = MultiTaskSampler(train_pairs, sizes, weights, 0.5, seed=3)
    again.load_state_dict(state)
    for (s1, i1), (s2, i2) in zip(expected, (again.next() for _ in range(10))):
        assert s1 == s2 and np.array_equal(i1, i2)


def test_training_lowers_the_held_out_loss(corpus_dir, tmp_path):
    weights = {t: 0.0 for t in TASKS} | {"synonym": 1.0}
    out = train(
        preset="tiny", corpus_dir=corpus_dir, out_dir=tmp_path, steps=60, task_weights=weights
    )
    config = TrainConfig.from_dict(json.loads((out / "training.json").read_text())["config"])
    trained = GenerelModel.load(out)
    torch.manual_seed(config.seed)  # the same random start as the run
    config.model.text_config = {}
    untrained = GenerelModel.build(config.model, corpus_dir)
    valid = load_pairs(corpus_dir, "valid", ["synonym"], max_pairs=256)
    after = validate(trained, valid, 64, config.temperature, "cpu")["synonym"]
    before = validate(untrained, valid, 64, config.temperature, "cpu")["synonym"]
    assert after["loss"] < before["loss"] - 0.5
    assert after["acc@1"] > before["acc@1"]


def test_tiny_fixture_run_logs_losses_and_validation(tiny_model_dir):
    summary = json.loads((tiny_model_dir / "training.json").read_text())
    assert summary["steps_per_second"] and summary["world_size"] == 1
    assert summary["valid"] and all(np.isfinite(v["loss"]) for v in summary["valid"].values())
    assert abs(sum(summary["stream_probabilities"].values()) - 1) < 1e-3


def _tiny(corpus_dir, out, **overrides):
    settings = {
        "steps": 6,
        "max_pairs_per_task": 300,
        "batch_size": 16,
        "checkpoint_every": 2,
        "log_every": 1,
        "num_threads": 1,
    }
    settings.update(overrides)
    return train(preset="tiny", corpus_dir=corpus_dir, out_dir=out, **settings)


def test_interrupted_run_resumes_to_identical_weights(corpus_dir, tmp_path):
    straight = _tiny(corpus_dir, tmp_path / "straight")
    _tiny(corpus_dir, tmp_path / "split", stop_at=3)
    checkpoints = tmp_path / "split" / "checkpoints"
    stored = {p.suffix for p in checkpoints.rglob("*") if p.is_file()}
    assert stored <= {".safetensors", ".json"}, "checkpoints must hold no pickled objects"
    assert not (tmp_path / "split" / "model.safetensors").exists()
    resumed = _tiny(corpus_dir, tmp_path / "split", stop_at=0)
    a, b = load_file(straight / "model.safetensors"), load_file(resumed / "model.safetensors")
    assert a.keys() == b.keys()
    assert all(torch.equal(a[k], b[k]) for k in a)


def test_cli_trains_the_tiny_preset_end_to_end(corpus_dir, tmp_path):
    out = tmp_path / "model"
    result = CliRunner().invoke(
        main,
        [
            "train",
            "--preset",
            "tiny",
            "--corpus",
            str(corpus_dir),
            "--out",
            str(out),
            "--set",
            "steps=4",
            "--set",
            "max_pairs_per_task=300",
        ],
    )
    assert result.exit_code == 0, result.output
    model = GenerelModel.load(out)
    assert model.encode_texts(["asthma"]).shape == (1, model.config.dim)
    log = [json.loads(line) for line in (out / "train_log.jsonl").read_text().splitlines()]
    assert any("loss" in r and np.isfinite(r["loss"]) for r in log)


def test_a_time_limit_finishes_and_saves_the_model_early(corpus_dir, tmp_path):
    """On a lent GPU the run must come back within its lease: past max_minutes it stops, logs
    why, and still writes a loadable model with the steps it did."""
    out = _tiny(corpus_dir, tmp_path / "limited", steps=500, max_minutes=0.002)
    summary = json.loads((out / "training.json").read_text())
    assert 0 < summary["steps_done"] < 500
    log = [json.loads(line) for line in (out / "train_log.jsonl").read_text().splitlines()]
    assert any("max_minutes" in r.get("stopped", "") for r in log)
    assert GenerelModel.load(out).encode_texts(["asthma"]).isfinite().all()


def test_cached_gene_table_gives_the_per_batch_gene_features(tiny_model_dir, corpus_dir, tmp_path):
    """gene_refresh swaps per-batch gene encoding for a table lookup: the same features, and a run
    that uses it trains to a loadable model."""
    model = GenerelModel.load(tiny_model_dir)
    rsids = model.snp_vocab.table["rsid"].tolist()[:300]
    kinds = ["snp"] * len(rsids)
    with torch.no_grad():
        per_batch = model.gene_embeddings(model.featurize(kinds, rsids)["snp"])
        model.cache_gene_embeddings()
        cached = model.gene_embeddings(model.featurize(kinds, rsids)["snp"])
    assert "gene_ids" not in model.featurize(kinds, rsids)["snp"]
    assert per_batch.abs().sum() > 0
    torch.testing.assert_close(cached, per_batch, atol=1e-5, rtol=1e-4)

    out = _tiny(corpus_dir, tmp_path / "refresh", steps=12, gene_refresh=5)
    summary = json.loads((out / "training.json").read_text())
    assert summary["steps_done"] == 12 and summary["config"]["gene_refresh"] == 5
    assert GenerelModel.load(out).encode_snps(rsids[:5]).isfinite().all()
