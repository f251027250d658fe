"""Every registered distribution family passes the same checks.

Like scikit-learn's estimator checks: each family in
:data:`effcast.families._registry.FAMILIES` gets the same battery, so a new
family is tested the moment it is registered, and a family with no example
here fails :func:`test_every_family_has_examples`.

Checks, with tolerances derived from the sample size n:
- ``cdf(ppf(p)) == p`` on the continuous part (exact families);
- sampled quantiles lie within a few standard errors of ``ppf``
  (sd of the sample p-quantile: sqrt(p(1-p)/n) / f(x_p));
- the lump at the floor holds ``floor_mass`` within a few binomial sd;
- inside a Gaussian copula the marginal is unchanged and the rank
  correlation is the one asked for, or the family refuses cleanly.
A negative control shows the quantile check rejects a wrong ppf.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

import effcast
from effcast.families._registry import FAMILIES

N = 200_000
K = 5.0  # standard errors allowed
PS = (0.05, 0.25, 0.5, 0.75, 0.95)

_PERIOD = {"start": 2020.0, "end": 2024.0}
_PARTNER = {
    "name": "partner",
    "reduces": "compute",
    "dist": "lognormal",
    "ci": [1.5, 6.0],
    "level": 0.8,
}

EXAMPLES: dict[str, list[dict]] = {
    "lognormal": [
        {"ci": [1.25, 6.0], "level": 0.8},
        {"ci": [1.5, 13.0], "median": 3.5, "level": 0.8},
        {"ci": [0.5, 4.0], "level": 0.9, "floor": 1.0},
        {"mu": 0.5, "sigma": 0.8, "lower": 1.2, "upper": 5.0},
    ],
    "truncnormal": [
        {"ci": [1.7, 3.3], "level": 0.8, "lower": 0.0, "upper": 4.7},
        {"ci": [1.5, 4.5], "median": 3.0, "level": 0.8, "lower": 0.0},
        {"mean": 1.2, "sd": 0.6, "lower": 0.0, "floor": 1.0},
    ],
    "mixture": [
        {
            "components": [
                {"dist": "lognormal", "ci": [1.2, 3.0], "level": 0.8, "weight": 2},
                {
                    "dist": "truncnormal",
                    "ci": [3.0, 6.0],
                    "level": 0.8,
                    "lower": 0.0,
                    "weight": 1,
                },
            ]
        },
    ],
    "chinchilla": [
        {
            "n_params": 175e9,
            "tokens": 300e9,
            "alpha_sd": 0.01,
            "beta_sd": 0.01,
            "fits": [{"name": "hoffmann2022", "weight": 1.0}],
        },
    ],
}


def _cases():
    for family in FAMILIES:
        for i, keys in enumerate(EXAMPLES.get(family, [])):
            yield pytest.param(family, keys, id=f"{family}-{i}")


def _model(family: str, keys: dict, *, correlated: float | None = None):
    factor = {"name": "f", "reduces": "compute", "dist": family, **keys}
    prior: dict = {"period": _PERIOD, "factor": [factor]}
    if correlated is not None:
        prior["factor"].append(dict(_PARTNER))
        prior["correlation"] = [{"between": ["f", "partner"], "rho": correlated}]
    return effcast.Model.from_dict(prior)


def _density(m, p: float) -> float:
    """f(x_p) from the quantile function: dp / dx over a small window."""
    h = min(0.01, p / 2, (1 - p) / 2)
    dx = float(m.ppf(p + h) - m.ppf(p - h))
    return 2 * h / dx if dx > 0 else math.inf


def _reference_draws(m) -> float:
    """How many draws the family's own ppf rests on (inf when it is exact)."""
    return float(getattr(m, "reference_draws", math.inf))


def quantile_misfits(samples: np.ndarray, m, n_ref: float) -> list:
    """The p at which sampled quantiles miss ``m.ppf`` by more than K sd."""
    n = samples.size
    bad = []
    got = np.quantile(samples, PS)
    for p, g in zip(PS, got, strict=True):
        exact = float(m.ppf(p))
        f = _density(m, p)
        if not math.isfinite(f):  # an atom (the floor): compare exactly
            if g != exact:
                bad.append((p, float(g), exact, 0.0))
            continue
        sd = math.sqrt(p * (1 - p) * (1 / n + 1 / n_ref)) / f
        if abs(g - exact) > K * sd:
            bad.append((p, float(g), exact, K * sd))
    return bad


def test_every_family_has_examples():
    missing = [name for name in FAMILIES if not EXAMPLES.get(name)]
    assert not missing, f"add conformance examples for {missing}"


@pytest.mark.parametrize(("family", "keys"), list(_cases()))
def test_ppf_cdf_round_trip(family, keys):
    m = _model(family, keys).marginals[0]
    if math.isfinite(_reference_draws(m)):
        pytest.skip("an empirical ppf: its round trip is checked by sampling")
    ps = np.linspace(0.01, 0.99, 99)
    xs = m.ppf(ps)
    above = xs > m.floor  # the floor's lump maps many p to one x
    np.testing.assert_allclose(m.cdf(xs[above]), ps[above], rtol=0, atol=1e-9)


@pytest.mark.parametrize(("family", "keys"), list(_cases()))
def test_sampled_quantiles_match_ppf(family, keys):
    model = _model(family, keys)
    m = model.marginals[0]
    samples = model.sample(N, seed=11).factor("f")
    assert np.all(np.isfinite(samples))
    assert not quantile_misfits(samples, m, _reference_draws(m))


@pytest.mark.parametrize(("family", "keys"), list(_cases()))
def test_floor_mass(family, keys):
    model = _model(family, keys)
    m = model.marginals[0]
    samples = model.sample(N, seed=12).factor("f")
    assert samples.min() >= m.floor
    p = m.floor_mass
    got = float(np.mean(samples == m.floor)) if math.isfinite(m.floor) else 0.0
    sd = math.sqrt(max(p * (1 - p), 1 / N) / N)
    assert abs(got - p) <= K * sd + 1e-12


@pytest.mark.parametrize(("family", "keys"), list(_cases()))
def test_copula_round_trip_or_clean_refusal(family, keys):
    if not FAMILIES[family].copula_ok:
        with pytest.raises(effcast.EffcastError, match="correlat"):
            _model(family, keys, correlated=0.5)
        return
    model = _model(family, keys, correlated=0.5)
    m = model.marginals[0]
    res = model.sample(N, seed=13)
    f = res.factor("f")
    assert not quantile_misfits(f, m, _reference_draws(m))
    rho = stats.spearmanr(f, res.factor("partner")).statistic
    # The Spearman estimator's sd is about (1 - rho^2) / sqrt(n).
    assert abs(rho - 0.5) <= K * 0.75 / math.sqrt(N) + 2e-3


def test_quantile_check_rejects_a_wrong_ppf():
    """Negative control: a ppf 2% too high must fail the same check."""

    class Shifted:
        def __init__(self, m):
            self.m = m

        def ppf(self, p):
            return self.m.ppf(p) * 1.02

    model = _model("lognormal", EXAMPLES["lognormal"][0])
    samples = model.sample(N, seed=11).factor("f")
    assert quantile_misfits(samples, Shifted(model.marginals[0]), math.inf)


def test_registry_and_specs_agree():
    from effcast.prior._specs import FAMILY_NAMES

    assert tuple(FAMILIES) == FAMILY_NAMES
    for name, family in FAMILIES.items():
        assert family.name == name
        assert isinstance(family.copula_ok, bool)
