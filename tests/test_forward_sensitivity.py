"""Shapley shares of a forward answer, under correlation, and the CLI's tornado.

For a linear Gaussian model the Shapley decomposition of R2 has a closed
form. With unit-variance inputs of correlation rho and y = x1 (x2 plays no
part but is correlated with x1): R2({1}) = 1, R2({2}) = rho^2,
R2({1, 2}) = 1, so the shares are 1 - rho^2 / 2 and rho^2 / 2. The
correlation is what gives x2 a share at all.
"""

from __future__ import annotations

import json

import numpy as np
import pytest
from click.testing import CliRunner
from conftest import PRIORS

import effcast
from effcast.analysis._forward_sensitivity import (
    crossing_sensitivity,
    forecast_sensitivity,
    shapley_r2,
)
from effcast.cli._main import main

N = 200_000


def correlated(rho: float, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    cov = [[1.0, rho], [rho, 1.0]]
    return rng.multivariate_normal([0.0, 0.0], cov, size=N).T


def test_shares_under_correlation_match_the_closed_form():
    rho = 0.6
    x = correlated(rho)
    shares, r2 = shapley_r2(x, x[0])
    # The sample correlation's sd is about (1 - rho^2) / sqrt(N); five of it.
    tol = 5 * 2 * rho * (1 - rho**2) / np.sqrt(N)
    assert r2 == pytest.approx(1.0, abs=1e-9)
    assert shares[1] == pytest.approx(rho**2 / 2, abs=tol)
    assert shares[0] == pytest.approx(1 - rho**2 / 2, abs=tol)


def test_negative_control_independent_inputs_share_nothing():
    """Without the correlation x2 gets no share: the test above has teeth."""
    x = correlated(0.0, seed=1)
    shares, _ = shapley_r2(x, x[0])
    assert shares[1] < 0.6**2 / 2 - 0.05


def test_symmetric_inputs_split_equally():
    x = correlated(0.5, seed=2)
    shares, r2 = shapley_r2(x, x[0] + x[1])
    assert shares[0] == pytest.approx(shares[1], abs=0.01)
    assert shares.sum() == pytest.approx(r2)


def test_forward_shares_add_up_and_rank_the_beliefs():
    fc = effcast.forecast(effcast.load("gpt3_today"), to=2035, n=50_000, seed=4)
    docs = forecast_sensitivity(fc, 2030.0)
    assert [d["output"] for d in docs] == [
        "log10 hardware reduction in 2030",
        "log10 compute reduction in 2030",
        "log10 effective compute in 2030",
    ]
    for doc in docs:
        total = sum(v["share"] for v in doc["inputs"].values())
        assert total == pytest.approx(doc["explained"], abs=1e-9)
        assert 0.5 < doc["explained"] <= 1.0
    # Chinchilla is one-off: it has no forward rate to be uncertain about.
    assert "chinchilla (forward rate)" not in docs[1]["inputs"]
    assert "frontier growth" in docs[2]["inputs"]
    # The tornado moves the right way for a rate: higher rate, larger gain.
    row = docs[1]["inputs"]["unpublished (forward rate)"]
    assert row["median_at_high"] > row["median_at_low"]
    cr = effcast.crossing(fc, [1e21])
    (crossing,) = crossing_sensitivity(cr)
    row = crossing["inputs"]["unpublished"]
    assert row["median_at_high"] < row["median_at_low"]  # more gain, sooner


def test_cli_sensitivity_and_tornado(tmp_path):
    out = tmp_path / "tornado.png"
    args = ["threshold", str(PRIORS / "gpt4_2026.toml"), "--threshold", "1e24"]
    args += ["--tornado", str(out), "-n", "20000", "--seed", "1", "--json"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["sensitivity"][0]["output"] == "crossing year: < 1e24 FLOP"
    assert out.stat().st_size > 10_000
