"""Each family's sampled quantiles against closed forms and scipy.

Tolerances come from the sample size: the sample p-quantile of n draws has
standard deviation sqrt(p(1-p)/n)/f(x_p), and checks allow 5 of them.
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest
from quantile_check import quantiles_agree
from scipy import stats

import effcast

N = 400_000
PS = (0.01, 0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99)
PERIOD = {"start": 2020.0, "end": 2024.0}


def one_factor(**spec) -> effcast.Model:
    base = {"name": "x", "reduces": "compute"}
    return effcast.Model.from_dict({"period": PERIOD, "factor": [{**base, **spec}]})


def sampled(model: effcast.Model, seed: int = 1, n: int = N) -> np.ndarray:
    return model.sample(n, seed=seed).factor(model.factor_names[0])


# -- reference distributions, built from scipy alone --------------------------
CASES = {
    "lognormal mu/sigma": (
        dict(dist="lognormal", mu=0.7, sigma=0.6),
        stats.lognorm(s=0.6, scale=math.exp(0.7)),
    ),
    "lognormal from a 90% ci": (
        dict(dist="lognormal", ci=[1.25, 5.0], level=0.9),
        stats.lognorm(s=math.log(4) / (2 * stats.norm.ppf(0.95)), scale=2.5),
    ),
    "truncnormal mean/sd, left-truncated": (
        dict(dist="truncnormal", mean=3.0, sd=1.2, lower=0.0),
        stats.truncnorm(-3.0 / 1.2, np.inf, loc=3.0, scale=1.2),
    ),
    "truncnormal from a ci, two-sided": (
        dict(dist="truncnormal", ci=[1.7, 3.3], level=0.8, lower=0.0, upper=4.7),
        stats.truncnorm(
            -2.5 / (0.8 / stats.norm.ppf(0.9)),
            2.2 / (0.8 / stats.norm.ppf(0.9)),
            loc=2.5,
            scale=0.8 / stats.norm.ppf(0.9),
        ),
    ),
    "truncnormal thin slice (inverse-cdf path)": (
        dict(dist="truncnormal", mean=0.0, sd=1.0, lower=2.5, upper=4.0),
        stats.truncnorm(2.5, 4.0),
    ),
    "lognormal truncated far in the upper tail": (
        dict(dist="lognormal", mu=0.0, sigma=1.0, lower=math.exp(4.0)),
        None,  # exp of a standard normal truncated to [4, inf)
    ),
}


@pytest.mark.parametrize("case", CASES)
def test_sampled_quantiles_match_scipy(case):
    spec, ref = CASES[case]
    model = one_factor(**spec)
    x = sampled(model)
    if ref is None:
        tn = stats.truncnorm(4.0, np.inf)
        ppf, pdf = (lambda p: math.exp(tn.ppf(p))), (lambda v: tn.pdf(math.log(v)) / v)
    else:
        ppf, pdf = ref.ppf, ref.pdf
    ok, rows = quantiles_agree(x, ppf, pdf, PS)
    assert ok, rows
    # effcast's own reference quantile function agrees with scipy's.
    np.testing.assert_allclose(
        model.marginals[0].ppf(np.array(PS)), [ppf(p) for p in PS], rtol=1e-9
    )


@pytest.mark.parametrize("case", [c for c in CASES if "truncnormal" in c])
def test_truncation_is_exact_ks(case):
    spec, ref = CASES[case]
    x = sampled(one_factor(**spec), n=50_000, seed=3)
    assert x.min() >= spec.get("lower", -np.inf)
    assert x.max() <= spec.get("upper", np.inf)
    assert stats.kstest(x, ref.cdf).pvalue > 1e-3


def test_truncation_ks_negative_control():
    """Clamping a normal to the bounds is not truncating it: KS must notice."""
    ref = stats.truncnorm(2.5, 4.0)
    clamped = np.clip(stats.norm.rvs(size=50_000, random_state=3), 2.5, 4.0)
    assert stats.kstest(clamped, ref.cdf).pvalue < 1e-6


def test_quantile_check_negative_control():
    """The quantile check must reject a distribution that is slightly off."""
    x = sampled(one_factor(dist="lognormal", mu=0.7, sigma=0.6))
    wrong = stats.lognorm(s=0.6, scale=math.exp(0.7) * 1.02)  # median 2% high
    ok, _ = quantiles_agree(x, wrong.ppf, wrong.pdf, PS)
    assert not ok


# -- the three-quantile (split) family -----------------------------------------
SPLIT = [
    ("lognormal", [1.25, 6.0], 0.8, 2.5),
    ("lognormal", [1.5, 13.0], 0.8, 3.5),
    ("lognormal", [1.0, 6.0], 0.8, 4.0),
    ("truncnormal", [1.0, 6.0], 0.9, 2.0),
]


@pytest.mark.parametrize("dist, ci, level, median", SPLIT)
def test_three_stated_quantiles_hold(dist, ci, level, median):
    extra = {"lower": 0.0} if dist == "truncnormal" else {}
    model = one_factor(dist=dist, ci=ci, level=level, median=median, **extra)
    m = model.marginals[0]
    ps = [(1 - level) / 2, 0.5, (1 + level) / 2]
    # The stated quantiles are those of the distribution before truncation
    # (a no-op for the lognormals here). Exactly, in the reference functions:
    untruncated = dataclasses.replace(m, lower=-math.inf, upper=math.inf)
    np.testing.assert_allclose(
        untruncated.ppf(np.array(ps), floored=False), [ci[0], median, ci[1]], rtol=1e-10
    )
    # ... and in what is sampled, against the truncated reference.
    ok, rows = quantiles_agree(
        sampled(model), lambda p: m.ppf(p, floored=False), m.pdf, ps
    )
    assert ok, rows
    if dist == "lognormal":
        ok, rows = quantiles_agree(sampled(model), untruncated.ppf, untruncated.pdf, ps)
        assert ok, rows


@pytest.mark.parametrize("dist, ci, level, median", SPLIT[:3])
def test_split_lognormal_sides_are_half_normals(dist, ci, level, median):
    """Below the median, log(x) is the lower half of N(log m, s_lo)."""
    model = one_factor(dist=dist, ci=ci, level=level, median=median)
    m = model.marginals[0]
    z = stats.norm.ppf((1 + level) / 2)
    assert m.s_lo == pytest.approx((math.log(median) - math.log(ci[0])) / z)
    assert m.s_hi == pytest.approx((math.log(ci[1]) - math.log(median)) / z)
    x = np.log(sampled(model, n=100_000))
    below = x[x < m.loc] - m.loc
    assert abs(below.size / x.size - 0.5) < 5 * 0.5 / math.sqrt(x.size)
    half = stats.halfnorm(scale=m.s_lo)
    assert stats.kstest(-below, half.cdf).pvalue > 1e-3


def test_split_reduces_to_plain_lognormal_at_the_centre():
    ci, level = [1.25, 6.0], 0.8
    centre = math.sqrt(ci[0] * ci[1])
    plain = one_factor(dist="lognormal", ci=ci, level=level).marginals[0]
    split = one_factor(dist="lognormal", ci=ci, level=level, median=centre).marginals[0]
    assert split.s_lo == pytest.approx(split.s_hi, rel=1e-12)
    assert split.s_lo == pytest.approx(plain.s_lo, rel=1e-12)
    assert split.loc == pytest.approx(plain.loc, rel=1e-12)


# -- floors ---------------------------------------------------------------------
def test_floor_puts_the_lower_mass_at_the_floor():
    spec = dict(dist="lognormal", ci=[0.5, 6.0], level=0.8, median=1.5, floor=1.0)
    model = one_factor(**spec)
    m = model.marginals[0]
    x = sampled(model)
    p_floor = float(m.cdf(1.0, floored=False))  # mass below 1 before the floor
    share = np.mean(x == 1.0)
    assert abs(share - p_floor) < 5 * math.sqrt(p_floor * (1 - p_floor) / x.size)
    assert x.min() == 1.0
    # Above the floor the quantiles are untouched.
    ps = [0.5, 0.75, 0.9]
    ok, rows = quantiles_agree(x, lambda p: m.ppf(p, floored=False), m.pdf, ps)
    assert ok, rows


def test_default_floor_and_its_override():
    base = {
        "name": "a",
        "reduces": "compute",
        "dist": "lognormal",
        "mu": 0.0,
        "sigma": 1.0,
    }
    model = effcast.Model.from_dict(
        {
            "period": PERIOD,
            "defaults": {"floor": 1.0},
            "factor": [
                base,
                {**base, "name": "b", "floor": False},
                {**base, "name": "c", "floor": 0.5},
            ],
        }
    )
    res = model.sample(20_000, seed=2)
    assert res.factor("a").min() == 1.0
    assert res.factor("b").min() < 0.5
    assert res.factor("c").min() == 0.5


# -- products ------------------------------------------------------------------
def test_product_of_independent_lognormals_matches_closed_form():
    mus, sigmas = [0.9, 0.2, -0.3], [0.5, 0.8, 0.3]
    factors = [
        {
            "name": f"f{i}",
            "reduces": "compute",
            "dist": "lognormal",
            "mu": mu,
            "sigma": s,
        }
        for i, (mu, s) in enumerate(zip(mus, sigmas, strict=True))
    ]
    model = effcast.Model.from_dict({"period": PERIOD, "factor": factors})
    res = model.sample(N, seed=4)
    exact = stats.lognorm(
        s=math.sqrt(sum(s * s for s in sigmas)), scale=math.exp(sum(mus))
    )
    ok, rows = quantiles_agree(res.compute, exact.ppf, exact.pdf, PS)
    assert ok, rows
    assert np.array_equal(res.compute, res.hardware)  # all reduce compute
    # Negative control: ignoring one factor's spread must fail.
    wrong = stats.lognorm(s=math.sqrt(0.5**2 + 0.8**2), scale=math.exp(sum(mus)))
    assert not quantiles_agree(res.compute, wrong.ppf, wrong.pdf, PS)[0]
