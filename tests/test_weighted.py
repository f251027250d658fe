"""The weighted statistics of effcast.results._weighted."""

from __future__ import annotations

import numpy as np
import pytest

from effcast.results._weighted import (
    kish_ess,
    weighted_mean,
    weighted_prob_exceeds,
    weighted_quantile,
)

QS = np.linspace(0, 1, 101)


@pytest.mark.parametrize("n", [2, 3, 10, 1001, 100_000])
def test_equal_weights_are_numpy_linear(n):
    x = np.random.default_rng(n).lognormal(size=n)
    want = np.quantile(x, QS)
    # The shortcut calls numpy: bit for bit.
    assert np.array_equal(weighted_quantile(x, np.full(n, 0.37), QS), want)
    # The general path is the same rule, and gives the same bits.
    got = weighted_quantile(x, np.full(n, 0.37), QS, general=True)
    assert np.array_equal(got, want)


def test_negative_control_another_rule_is_not_numpy_linear():
    x = np.random.default_rng(1).lognormal(size=101)
    other = np.quantile(x, QS, method="hazen")
    assert not np.allclose(np.quantile(x, QS), other, rtol=1e-9)


def test_integer_weights_are_repeated_samples_at_the_middle():
    """A weight of 2 acts like two copies for the median of a symmetric case."""
    x = np.array([1.0, 2.0, 3.0])
    assert weighted_quantile(x, np.array([1.0, 2.0, 1.0]), 0.5) == 2.0
    assert weighted_quantile(x, np.array([1.0, 1.0, 1.0]), [0.0, 1.0]).tolist() == [
        1.0,
        3.0,
    ]


def test_zero_weights_drop_samples():
    rng = np.random.default_rng(2)
    x = rng.normal(size=1000)
    w = rng.uniform(size=1000)
    w[::3] = 0
    keep = w > 0
    assert np.array_equal(
        weighted_quantile(x, w, QS), weighted_quantile(x[keep], w[keep], QS)
    )


def test_weighted_quantile_converges_to_the_target_distribution():
    """Importance weights N(0,1) -> N(1,1) give N(1,1) quantiles."""
    rng = np.random.default_rng(3)
    n = 400_000
    x = rng.normal(size=n)
    w = np.exp(x - 0.5)  # density ratio N(1,1) / N(0,1)
    ess = kish_ess(w)
    from scipy import stats

    qs = np.array([0.1, 0.5, 0.9])
    z = stats.norm.ppf(qs)
    tol = 4 * np.sqrt(qs * (1 - qs) / ess) / stats.norm.pdf(z)
    assert np.all(np.abs(weighted_quantile(x, w, qs) - (1 + z)) < tol)
    assert not np.all(np.abs(weighted_quantile(x, None, qs) - (1 + z)) < tol)


def test_exceedance_mean_and_ess():
    x = np.array([1.0, 2.0, 3.0, 4.0])
    w = np.array([1.0, 0.0, 1.0, 2.0])
    assert weighted_prob_exceeds(x, w, 2.5) == 0.75
    assert weighted_prob_exceeds(x, None, 2.5) == 0.5
    assert weighted_mean(x, w) == 3.0
    assert kish_ess(w) == pytest.approx(16 / 6)
    assert kish_ess(np.ones(5)) == 5.0
    assert kish_ess(np.zeros(3)) == 0.0


def test_all_zero_weights_raise():
    with pytest.raises(ValueError):
        weighted_quantile(np.ones(3), np.zeros(3), 0.5)


@pytest.mark.parametrize("seed", range(4))
def test_bracketed_path_gives_the_full_sorts_bits(seed):
    """Above 50,000 samples only the samples near each quantile are sorted;
    the result must be the full sort's, bit for bit, with floors (ties),
    zero weights and weights so small that neighbours share a float."""
    from effcast.results._weighted import quantiles_sorted, sort_weighted

    rng = np.random.default_rng(seed)
    n = 200_000
    x = rng.lognormal(0, 1.5, size=n)
    x[rng.uniform(size=n) < 0.2] = 1.0
    w = np.exp(-0.5 * ((np.log(x) - 0.5) / 0.7) ** 2)
    w[rng.uniform(size=n) < 0.05] = 0.0
    w[rng.uniform(size=n) < 0.05] *= 1e-12
    qs = np.array([0.0, 0.001, 0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.999, 1.0])
    xs, num = sort_weighted(x, w)
    full = quantiles_sorted(xs, num, qs)
    assert np.all(np.isfinite(full))
    assert np.array_equal(weighted_quantile(x, w, qs), full)
    # And the answer is the weighted rule's, not the unweighted one.
    assert not np.allclose(full[1:-1], np.quantile(x, qs[1:-1]), rtol=1e-3)
