"""Mixtures and scaling-law (Chinchilla) factors, and their bad input."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner
from quantile_check import quantiles_agree
from scipy import stats

import effcast
from effcast.cli._main import main
from effcast.families._chinchilla import compute_ratio
from effcast.prior._fits import FITS, Fit

PERIOD = {"start": 2020.0, "end": 2024.0}
PS = (0.02, 0.1, 0.25, 0.5, 0.75, 0.9, 0.98)


def model_of(*factors, **extra) -> effcast.Model:
    return effcast.Model.from_dict({"period": PERIOD, "factor": list(factors), **extra})


MIXTURE = {
    "name": "views",
    "reduces": "compute",
    "dist": "mixture",
    "components": [
        {"weight": 3, "dist": "lognormal", "ci": [1.2, 3.0], "level": 0.8},
        {"weight": 1, "dist": "truncnormal", "mean": 6.0, "sd": 1.5, "lower": 2.0},
    ],
}


# -- mixtures -----------------------------------------------------------------


def test_mixture_quantiles_and_ks_against_its_cdf():
    model = model_of(MIXTURE)
    m = model.marginals[0]
    x = model.sample(400_000, seed=1).factor("views")
    ok, rows = quantiles_agree(x, m.ppf, m.pdf, PS)
    assert ok, rows
    sub = x[::20]
    assert stats.kstest(sub, lambda v: m.cdf(v, floored=False)).pvalue > 1e-3


def test_mixture_negative_control_wrong_weights_are_detected():
    model = model_of(MIXTURE)
    x = model.sample(400_000, seed=1).factor("views")[::20]
    swapped = model_of(
        {
            **MIXTURE,
            "components": [
                {**MIXTURE["components"][0], "weight": 1},
                {**MIXTURE["components"][1], "weight": 3},
            ],
        }
    ).marginals[0]
    assert stats.kstest(x, lambda v: swapped.cdf(v, floored=False)).pvalue < 1e-6


def test_mixture_cdf_is_the_weighted_sum_and_ppf_inverts_it():
    m = model_of(MIXTURE).marginals[0]
    a, b = m.components
    x = np.array([1.1, 2.0, 3.5, 6.0, 9.0])
    want = 0.75 * a.cdf(x, floored=False) + 0.25 * b.cdf(x, floored=False)
    np.testing.assert_allclose(m.cdf(x, floored=False), want, rtol=1e-12)
    p = np.array([0.01, 0.3, 0.5, 0.8, 0.99])
    np.testing.assert_allclose(
        m.cdf(m.ppf(p, floored=False), floored=False), p, atol=1e-9
    )


def test_mixture_floor_applies_to_the_whole():
    model = effcast.Model.from_dict(
        {
            "period": PERIOD,
            "defaults": {"floor": 1.0},
            "factor": [
                {
                    **MIXTURE,
                    "components": [
                        {
                            "weight": 1,
                            "dist": "lognormal",
                            "ci": [0.5, 2.0],
                            "level": 0.8,
                        },
                        {
                            "weight": 1,
                            "dist": "lognormal",
                            "ci": [2.0, 6.0],
                            "level": 0.8,
                        },
                    ],
                }
            ],
        }
    )
    m = model.marginals[0]
    x = model.sample(200_000, seed=2).factor("views")
    assert x.min() == 1.0
    lump = m.floor_mass
    assert 0.1 < lump < 0.4
    assert abs(np.mean(x == 1.0) - lump) <= 5 * math.sqrt(lump * (1 - lump) / x.size)


# -- Chinchilla ----------------------------------------------------------------


def test_point_values_for_gpt3():
    assert compute_ratio(175e9, 300e9, FITS["hoffmann2022"]) == pytest.approx(
        2.98, abs=0.01
    )
    assert compute_ratio(175e9, 300e9, FITS["besiroglu2024"]) == pytest.approx(
        1.64, abs=0.01
    )


def test_closed_form_against_a_numerical_optimum():
    """Minimise 6ND on the iso-loss curve by brute force and compare."""
    fit = FITS["hoffmann2022"]
    n0, d0 = 175e9, 300e9
    reducible = fit.A / n0**fit.alpha + fit.B / d0**fit.beta
    n = np.logspace(9, 12, 200_001)
    left = reducible - fit.A / n**fit.alpha
    ok = left > 0
    d = (fit.B / left[ok]) ** (1 / fit.beta)
    best = (6 * n[ok] * d).min()
    assert 6 * n0 * d0 / best == pytest.approx(compute_ratio(n0, d0, fit), rel=1e-6)


def test_compute_optimal_baseline_gains_nothing():
    fit = FITS["hoffmann2022"]
    n = 70e9
    # The optimal tokens for N under the law: the first-order condition.
    # At the optimum B/D**beta = (alpha/beta) * A/N**alpha.
    d = (fit.B / (fit.alpha / fit.beta * fit.A / n**fit.alpha)) ** (1 / fit.beta)
    assert compute_ratio(n, d, fit) == pytest.approx(1.0, abs=1e-9)


def test_sampled_single_fit_is_its_point_value():
    model = model_of(
        {
            "name": "c",
            "reduces": "compute",
            "dist": "chinchilla",
            "fit": "besiroglu2024",
        }
    )
    x = model.sample(10_000, seed=1).factor("c")
    np.testing.assert_allclose(
        x, compute_ratio(175e9, 300e9, FITS["besiroglu2024"]), rtol=1e-12
    )


def test_mixture_over_fits_draws_each_fit_with_its_weight():
    model = model_of(
        {
            "name": "c",
            "reduces": "compute",
            "dist": "chinchilla",
            "fits": [
                {"name": "hoffmann2022", "weight": 1},
                {"name": "besiroglu2024", "weight": 3},
            ],
        }
    )
    n = 200_000
    x = model.sample(n, seed=3).factor("c")
    share = np.mean(np.isclose(x, compute_ratio(175e9, 300e9, FITS["hoffmann2022"])))
    assert abs(share - 0.25) <= 5 * math.sqrt(0.25 * 0.75 / n)
    m = model.marginals[0]
    assert m.median == pytest.approx(compute_ratio(175e9, 300e9, FITS["besiroglu2024"]))


def test_exponent_noise_spreads_the_factor_around_the_point():
    model = model_of(
        {
            "name": "c",
            "reduces": "compute",
            "dist": "chinchilla",
            "fit": "hoffmann2022",
            "alpha_sd": 0.03,
            "beta_sd": 0.03,
        }
    )
    x = model.sample(200_000, seed=4).factor("c")
    assert x.std() > 0.1
    # The median lies among the ratios at the exponents one sd either way.
    fit = FITS["hoffmann2022"]
    corners = [
        compute_ratio(175e9, 300e9, fit, fit.alpha + da, fit.beta + db)
        for da in (-0.03, 0.03)
        for db in (-0.03, 0.03)
    ]
    assert min(corners) < np.median(x) < max(corners)
    m = model.marginals[0]
    # The reference quantiles (200,000 other draws) agree with the sampler:
    # two independent sample quantiles differ by sqrt(2) quantile sds.
    for p in (0.1, 0.5, 0.9):
        xp = float(m.ppf(p))
        h = 0.02 * xp
        density = float(m.cdf(xp + h) - m.cdf(xp - h)) / (2 * h)
        sd = math.sqrt(2) * math.sqrt(p * (1 - p) / x.size) / density
        assert abs(np.quantile(x, p) - xp) <= 5 * sd, (p, xp)


def test_custom_fit_equals_the_shipped_one():
    f = FITS["hoffmann2022"]
    model = model_of(
        {
            "name": "c",
            "reduces": "compute",
            "dist": "chinchilla",
            "fits": [{"A": f.A, "B": f.B, "alpha": f.alpha, "beta": f.beta}],
        }
    )
    assert model.marginals[0].median == pytest.approx(2.98, abs=0.01)


def test_scaling_law_prior_ships_and_changes_the_chinchilla_factor():
    root = Path(__file__).resolve().parents[1]
    model = effcast.load(root / "priors" / "gpt3_today_scaling_law.toml")
    kinds = {m.name: m.family for m in model.marginals}
    assert kinds["chinchilla"] == "chinchilla"
    res = model.sample(200_000, seed=1)
    base = effcast.load(root / "priors" / "gpt3_today.toml").sample(200_000, seed=1)
    # The fits' mixture sits below the analysis's 3x median for Chinchilla.
    assert np.median(res.factor("chinchilla")) < np.median(base.factor("chinchilla"))


# -- bad input ------------------------------------------------------------------


def chin(**kw) -> dict:
    return {"name": "c", "reduces": "compute", "dist": "chinchilla", **kw}


BAD = {
    "unknown fit": ([chin(fit="kaplan2020")], "fit", "unknown fit"),
    "unknown fit in fits": ([chin(fits=[{"name": "nope"}])], "fits", "unknown fit"),
    "fit and fits": (
        [chin(fit="hoffmann2022", fits=[{"name": "hoffmann2022"}])],
        "fits",
        "not both",
    ),
    "negative alpha": (
        [chin(fits=[{"A": 400.0, "B": 400.0, "alpha": -0.3, "beta": 0.3}])],
        "fits",
        "positive",
    ),
    "zero beta": (
        [chin(fits=[{"A": 400.0, "B": 400.0, "alpha": 0.3, "beta": 0.0}])],
        "fits",
        "positive",
    ),
    "missing B": (
        [chin(fits=[{"A": 400.0, "alpha": 0.3, "beta": 0.3}])],
        "fits",
        "missing",
    ),
    "N <= 0": ([chin(n_params=0.0)], "n_params", "positive"),
    "D <= 0": ([chin(tokens=-3e11)], "tokens", "positive"),
    "negative sd": ([chin(alpha_sd=-0.1)], "alpha_sd", "negative"),
    "fit weights all zero": (
        [chin(fits=[{"name": "hoffmann2022", "weight": 0}])],
        "fits",
        "zero",
    ),
    "negative mixture weight": (
        [
            {
                **MIXTURE,
                "components": [
                    {**MIXTURE["components"][0], "weight": -1},
                    MIXTURE["components"][1],
                ],
            }
        ],
        "components",
        "negative",
    ),
    "mixture weights sum to zero": (
        [
            {
                **MIXTURE,
                "components": [{**c, "weight": 0} for c in MIXTURE["components"]],
            }
        ],
        "components",
        "zero",
    ),
    "mixture component without level": (
        [{**MIXTURE, "components": [{"weight": 1, "dist": "lognormal", "ci": [1, 3]}]}],
        "components",
        "level",
    ),
}


@pytest.mark.parametrize("case", list(BAD), ids=list(BAD))
def test_bad_scaling_law_and_mixture_input(case, tmp_path):
    factors, field, needle = BAD[case]
    with pytest.raises(effcast.EffcastError) as info:
        model_of(*factors)
    assert info.value.field == field, str(info.value)
    assert needle in str(info.value)
    assert "factor 'c'" in str(info.value) or "factor 'views'" in str(info.value)


CORR_FACTORS = [
    {
        "name": n,
        "reduces": "compute",
        "dist": "lognormal",
        "ci": [1.5, 4.0],
        "level": 0.8,
    }
    for n in ("a", "b", "c")
]

BAD_CORRELATIONS = {
    "unknown name": ([{"between": ["a", "zz"], "rho": 0.3}], "no factor named 'zz'"),
    "rho of 1": ([{"between": ["a", "b"], "rho": 1.0}], "between -1 and 1"),
    "rho below -1": ([{"between": ["a", "b"], "rho": -1.5}], "between -1 and 1"),
    "self pair": ([{"between": ["a", "a"], "rho": 0.3}], "itself"),
    "pair twice": (
        [{"between": ["a", "b"], "rho": 0.3}, {"between": ["b", "a"], "rho": 0.2}],
        "already correlated",
    ),
    "not positive definite": (
        [
            {"between": ["a", "b"], "rho": 0.9},
            {"between": ["b", "c"], "rho": 0.9},
            {"between": ["a", "c"], "rho": -0.9},
        ],
        "a-b (0.9), a-c (-0.9), b-c (0.9)",
    ),
}


@pytest.mark.parametrize("case", list(BAD_CORRELATIONS), ids=list(BAD_CORRELATIONS))
def test_bad_correlations(case, tmp_path):
    corr, needle = BAD_CORRELATIONS[case]
    with pytest.raises(effcast.EffcastError) as info:
        model_of(*CORR_FACTORS, correlation=corr)
    assert needle in str(info.value)


def test_non_positive_definite_names_only_the_pairs_involved():
    factors = [*CORR_FACTORS, {**CORR_FACTORS[0], "name": "d"}]
    corr = [
        {"between": ["a", "b"], "rho": 0.9},
        {"between": ["b", "c"], "rho": 0.9},
        {"between": ["a", "c"], "rho": -0.9},
        {"between": ["c", "d"], "rho": 0.1},
    ]
    with pytest.raises(effcast.EffcastError) as info:
        model_of(*factors, correlation=corr)
    assert "c-d" not in str(info.value)
    assert "a-b" in str(info.value)


def test_chinchilla_factor_cannot_be_correlated():
    with pytest.raises(effcast.EffcastError) as info:
        model_of(
            CORR_FACTORS[0],
            chin(fit="hoffmann2022"),
            correlation=[{"between": ["a", "c"], "rho": 0.2}],
        )
    assert "scaling law" in str(info.value)


def test_cli_bad_fit_exits_2_without_traceback(tmp_path):
    path = tmp_path / "p.toml"
    path.write_text(
        'title = "x"\n[period]\nstart = 2020.0\nend = 2024.0\n\n[[factor]]\n'
        'name = "c"\nreduces = "compute"\ndist = "chinchilla"\nfit = "nope"\n'
    )
    result = CliRunner().invoke(main, ["sample", str(path), "-n", "1000"])
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    assert "line 10" in result.output and "factor 'c'" in result.output
    assert "unknown fit 'nope'" in result.output


def test_fit_model_refuses_unknown_keys():
    with pytest.raises(Exception):  # noqa: B017 - pydantic's own error type
        Fit(A=1.0, B=1.0, alpha=0.3, beta=0.3, gamma=1.0)
