"""Seeding, thread-count reproducibility, order, groups and streaming blocks."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys

import numpy as np
import pytest

import effcast
from effcast.engine._blocks import BLOCK_SIZE

N = 3 * BLOCK_SIZE + 123  # several blocks and a ragged last one


@pytest.fixture(scope="module")
def model():
    from conftest import PRIORS

    return effcast.load(PRIORS / "gpt3_today.toml")


def test_same_seed_same_samples_different_seed_different(model):
    a = model.sample(N, seed=5)
    b = model.sample(N, seed=5)
    c = model.sample(N, seed=6)
    assert np.array_equal(a.hardware, b.hardware)
    assert np.array_equal(a.factor("moe"), b.factor("moe"))
    assert not np.array_equal(a.hardware, c.hardware)


@pytest.mark.parametrize("threads", [2, 3, 8])
def test_thread_count_does_not_change_samples(model, threads):
    serial = model.sample(N, seed=9, threads=1)
    parallel = model.sample(N, seed=9, threads=threads)
    assert np.array_equal(serial.hardware, parallel.hardware)
    assert np.array_equal(serial.compute, parallel.compute)
    for name in model.factor_names:
        assert np.array_equal(serial.factor(name), parallel.factor(name))


def _digest(env_threads: str) -> str:
    code = (
        "import effcast, hashlib;"
        "r = effcast.load('priors/gpt3_today.toml').sample(300_000, seed=3);"
        "print(hashlib.sha256(r.hardware.tobytes() + r.compute.tobytes())"
        ".hexdigest())"
    )
    env = {**os.environ, "NUMBA_NUM_THREADS": env_threads}
    from conftest import ROOT

    out = subprocess.run(
        [sys.executable, "-c", code],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    return out.stdout.strip()


def test_numba_num_threads_1_and_2_give_identical_results(model):
    one, two = _digest("1"), _digest("2")
    assert one == two
    r = model.sample(300_000, seed=3)
    here = hashlib.sha256(r.hardware.tobytes() + r.compute.tobytes()).hexdigest()
    assert here == one


def test_seed_none_is_recorded_and_reproduces(model):
    a = model.sample(1000)
    b = model.sample(1000, seed=a.seed)
    assert np.array_equal(a.hardware, b.hardware)
    assert isinstance(a.seed, int)


def test_generator_seed_advances_the_generator(model):
    gen = np.random.default_rng(12)
    a = model.sample(1000, seed=gen)
    b = model.sample(1000, seed=gen)
    assert not np.array_equal(a.hardware, b.hardware)
    again = model.sample(1000, seed=np.random.default_rng(12))
    assert np.array_equal(a.hardware, again.hardware)
    assert np.array_equal(model.sample(1000, seed=a.seed).hardware, a.hardware)


def test_prefix_property(model):
    """The first m samples do not depend on how many are drawn in all."""
    small = model.sample(1000, seed=4)
    large = model.sample(N, seed=4)
    assert np.array_equal(small.hardware, large.hardware[:1000])


def test_totals_are_products_in_order(model):
    res = model.sample(50_000, seed=8)
    stack = np.array([res.factor(n) for n in model.factor_names])
    np.testing.assert_allclose(res.hardware, np.prod(stack, axis=0), rtol=1e-13)
    compute_rows = [i for i, m in enumerate(model.marginals) if m.reduces == "compute"]
    np.testing.assert_allclose(
        res.compute, np.prod(stack[compute_rows], axis=0), rtol=1e-13
    )
    np.testing.assert_allclose(
        res.hardware / res.compute, res.factor("hardware_efficiency"), rtol=1e-13
    )


def test_groups_are_products_of_their_members(model):
    res = model.sample(20_000, seed=8)
    assert model.groups == {
        "algorithmic": ("transformer_pp", "moe", "unpublished", "chinchilla"),
        "data": ("data_quality",),
        "hardware": ("hardware_efficiency",),
    }
    alg = (
        res.factor("transformer_pp")
        * res.factor("moe")
        * res.factor("unpublished")
        * res.factor("chinchilla")
    )
    np.testing.assert_allclose(res.group("algorithmic"), alg, rtol=1e-13)
    product = np.prod([res.group(g) for g in model.groups], axis=0)
    np.testing.assert_allclose(product, res.hardware, rtol=1e-13)


def test_factor_order_follows_the_file():
    base = {"reduces": "compute", "dist": "lognormal", "mu": 0.0, "sigma": 1.0}
    order = ["zeta", "alpha", "mid"]
    model = effcast.Model.from_dict(
        {
            "period": {"start": 2020, "end": 2021},
            "factor": [{**base, "name": n} for n in order],
        }
    )
    assert list(model.factor_names) == order
    res = model.sample(10, seed=1)
    assert list(res.summary()["factors"]) == order


def test_totals_only_matches_full_sampling(model):
    full = model.sample(N, seed=2)
    lean = model.sample(N, seed=2, factors=False)
    assert np.array_equal(full.hardware, lean.hardware)
    assert not lean.has_factors
    with pytest.raises(effcast.EffcastError, match="factors=True"):
        lean.factor("moe")
    assert lean.summary()["factors"] == {}


def test_iter_blocks_concatenates_to_sample(model):
    full = model.sample(N, seed=13)
    parts = list(model.iter_blocks(N, seed=13, chunk=BLOCK_SIZE, factors=True))
    assert len(parts) == 4
    totals = np.concatenate([t for t, _ in parts], axis=1)
    assert np.array_equal(totals[0], full.hardware)
    moe = np.concatenate([f[1] for _, f in parts])
    assert np.array_equal(moe, full.factor("moe"))


def test_results_statistics(model):
    res = model.sample(100_000, seed=1)
    q = res.quantile("hardware", [0.1, 0.5, 0.9])
    np.testing.assert_allclose(q, np.quantile(res.hardware, [0.1, 0.5, 0.9]))
    assert res.prob_exceeds("hardware", 1000) == np.mean(res.hardware > 1000)
    np.testing.assert_allclose(
        res.oom_per_year("compute"), np.log10(res.compute) / model.years
    )
    np.testing.assert_allclose(
        res.annual_multiplier("compute") ** model.years, res.compute, rtol=1e-12
    )
    np.testing.assert_allclose(
        res.prob_exceeds("compute", [10, 100]),
        [np.mean(res.compute > 10), np.mean(res.compute > 100)],
    )
    assert res.quantile(res.factor("moe"), 0.5) == np.median(res.factor("moe"))
    with pytest.raises(effcast.EffcastError):
        res.quantile("nonsense", 0.5)
    with pytest.raises(effcast.EffcastError):
        res.factor("nonsense")
    with pytest.raises(effcast.EffcastError):
        res.group("nonsense")


def test_summary_document_shape(model):
    doc = model.sample(20_000, seed=1).summary()
    json.dumps(doc)  # plain, serialisable
    keys = {"0.05", "0.1", "0.25", "0.5", "0.75", "0.9", "0.95"}
    assert {
        "prior",
        "samples",
        "seed",
        "years",
        "hardware",
        "compute",
        "factors",
        "groups",
    } <= set(doc)
    for total in ("hardware", "compute"):
        t = doc[total]
        assert set(t["quantiles"]) == keys
        assert set(t["prob_exceeds"]) == {"10", "100", "1000"}
        assert set(t["oom_per_year"]["quantiles"]) == keys
        assert set(t["annual_multiplier"]["quantiles"]) == keys
        assert isinstance(t["mean_log10"], float)
        q = t["quantiles"]
        assert [q[k] for k in sorted(q, key=float)] == sorted(q.values())
        assert t["oom_per_year"]["quantiles"]["0.5"] == pytest.approx(
            np.log10(q["0.5"]) / doc["years"]
        )
    assert set(doc["factors"]) == set(model.factor_names)
    assert set(doc["groups"]) == {"algorithmic", "data", "hardware"}
    assert set(doc["factors"]["moe"]["quantiles"]) == keys
