"""Variance shares and the tornado, against closed forms and brute force."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
from click.testing import CliRunner
from conftest import PRIORS

import effcast
from effcast.analysis._sensitivity import sensitivity, variance_shares
from effcast.cli._main import main

GPT3 = PRIORS / "gpt3_today.toml"
N = 400_000
SIGMAS = {"a": 0.3, "b": 0.6, "c": 0.9}  # of the natural log; no floors


def plain_prior() -> dict:
    return {
        "period": {"start": 2020.0, "end": 2024.0},
        "factor": [
            {
                "name": k,
                "reduces": "compute",
                "dist": "lognormal",
                "mu": 0.5,
                "sigma": s,
            }
            for k, s in SIGMAS.items()
        ]
        + [
            {
                "name": "mfu",
                "reduces": "hardware",
                "dist": "lognormal",
                "mu": 0.2,
                "sigma": 0.4,
            }
        ],
    }


@pytest.fixture(scope="module")
def plain():
    return effcast.Model.from_dict(plain_prior()).sample(N, seed=5)


def test_independent_shares_add_to_one_within_monte_carlo_error(plain):
    """For independent factors var(L) = sum var(l_i), so sum var_i / var(L) is
    1 up to the sample covariances: -2 sum_{i<j} c_ij / var(L), where each
    c_ij has standard deviation s_i s_j / sqrt(n). Allow 5 of those."""
    logs = np.log10(np.stack([plain.factor(k) for k in plain.names]))
    v = logs.var(axis=1)
    total = logs.sum(axis=0).var()
    pair = sum(v[i] * v[j] for i in range(len(v)) for j in range(i + 1, len(v)))
    sd = 2 * math.sqrt(pair / plain.n) / total
    assert abs(v.sum() / total - 1) < 5 * sd
    # The decomposition effcast reports adds to 1 exactly, dependence or not.
    shares = variance_shares(logs)
    assert shares.sum() == pytest.approx(1.0, abs=1e-12)


def test_shares_match_the_closed_form(plain):
    """Independent plain lognormals: share_i = sigma_i^2 / sum sigma^2.
    The share's error is dominated by the sample variance of l_i (sd
    sigma_i^2 sqrt(2/n)) and its covariances with the rest (sd
    sigma_i sqrt(var_rest / n)); 5 of the combined sd, relative to var(L)."""
    doc = sensitivity(plain)
    for which, members in (
        ("compute", list(SIGMAS)),
        ("hardware", [*SIGMAS, "mfu"]),
    ):
        sig = {**SIGMAS, "mfu": 0.4}
        var_t = sum(sig[m] ** 2 for m in members)
        for m in members:
            exact = sig[m] ** 2 / var_t
            rest = var_t - sig[m] ** 2
            sd = math.sqrt(2 * sig[m] ** 4 + sig[m] ** 2 * rest) / math.sqrt(N) / var_t
            sd += exact * math.sqrt(2 / N)  # the denominator's own error
            got = doc[which]["factors"][m]["share"]
            assert abs(got - exact) < 5 * sd, (which, m, got, exact)
    assert "mfu" not in doc["compute"]["factors"]


def test_dependent_factors_negative_control():
    """With perfectly correlated logs, var_i / var(L) no longer adds to 1
    (it gives 1/2), while the covariance shares still do, split evenly."""
    rng = np.random.default_rng(3)
    x = rng.normal(size=100_000)
    logs = np.stack([x, x])
    assert (logs.var(axis=1) / logs.sum(axis=0).var()).sum() == pytest.approx(0.5)
    assert variance_shares(logs) == pytest.approx([0.5, 0.5])


def test_floors_keep_the_decomposition_exact():
    doc = sensitivity(effcast.load(GPT3), n=100_000, seed=2)
    for which in ("hardware", "compute"):
        shares = [f["share"] for f in doc[which]["factors"].values()]
        assert sum(shares) == pytest.approx(1.0, abs=1e-12)
        assert all(s > 0 for s in shares)


def test_tornado_against_brute_force():
    res = effcast.load(GPT3).sample(100_001, seed=4)
    doc = sensitivity(res)
    for which in ("hardware", "compute"):
        members = list(doc[which]["factors"])
        for name, f in doc[which]["factors"].items():
            for side, p in (("low", 0.1), ("high", 0.9)):
                held = np.quantile(res.factor(name), p)
                product = np.full(res.n, held)
                for other in members:
                    if other != name:
                        product = product * res.factor(other)
                assert f[f"median_at_{side}"] == pytest.approx(
                    float(np.median(product)), rel=1e-9
                )
            assert f["median_at_low"] <= doc[which]["median"] <= f["median_at_high"]


def test_sensitivity_needs_factors_and_positive_values():
    res = effcast.load(GPT3).sample(1000, seed=1, factors=False)
    with pytest.raises(effcast.EffcastError, match="factors=True"):
        sensitivity(res)
    data = {
        "period": {"start": 2020.0, "end": 2024.0},
        "factor": [
            {
                "name": "z",
                "reduces": "compute",
                "dist": "truncnormal",
                "mean": 0.5,
                "sd": 1.0,
                "floor": 0.0,
            }
        ],
    }
    with pytest.raises(effcast.EffcastError, match="'z' takes values <= 0"):
        sensitivity(effcast.Model.from_dict(data), n=1000, seed=1)
    with pytest.raises(effcast.EffcastError, match="0 < low < high < 1"):
        sensitivity(effcast.load(GPT3), n=1000, seed=1, low=0.9, high=0.1)


def test_sensitivity_cli():
    runner = CliRunner()
    args = ["sensitivity", str(GPT3), "-n", "50000", "--seed", "3"]
    out = runner.invoke(main, args)
    assert out.exit_code == 0, out.output
    for text in ("share", "held at 10th", "unpublished", "Compute (FLOP)"):
        assert text in out.output
    js = runner.invoke(main, [*args, "--json"])
    doc = json.loads(js.stdout)
    api = sensitivity(effcast.load(GPT3), n=50_000, seed=3)
    assert doc == json.loads(json.dumps(api))
    changed = runner.invoke(main, [*args, "--json", "--set", "unpublished.median=2"])
    assert json.loads(changed.stdout)["hardware"]["median"] < api["hardware"]["median"]
    bad = runner.invoke(main, [*args, "--set", "nothing.median=2"])
    assert bad.exit_code == 2 and "effcast: error:" in bad.stderr


def test_correlated_factors_shares_still_add_to_one():
    """With a rank correlation between two factors the covariance shares
    still add to 1 exactly, while var_i / var(L) no longer does: it misses
    2 sum_{i<j} cov(l_i, l_j) / var(L), dominated by the correlated pair."""
    data = plain_prior()
    data["correlation"] = [{"between": ["b", "c"], "rho": 0.6}]
    res = effcast.Model.from_dict(data).sample(N, seed=6)
    doc = sensitivity(res)
    shares = [f["share"] for f in doc["compute"]["factors"].values()]
    assert sum(shares) == pytest.approx(1.0, abs=1e-12)
    logs = np.log10(np.stack([res.factor(k) for k in SIGMAS]))
    total = logs.sum(axis=0).var()
    naive = logs.var(axis=1).sum() / total
    cov = np.cov(logs, bias=True)
    pairs = cov[0, 1] + cov[0, 2] + cov[1, 2]
    assert naive == pytest.approx(1 - 2 * pairs / total, abs=1e-9)
    assert naive < 0.8  # far from 1: a positive control for dependence
    # The correlated pair gains share at the expense of the independent one.
    plain = effcast.Model.from_dict(plain_prior()).sample(N, seed=6)
    independent = sensitivity(plain)["compute"]["factors"]
    assert doc["compute"]["factors"]["a"]["share"] < independent["a"]["share"]
