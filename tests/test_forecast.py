"""Forecasts and threshold crossing against closed forms.

With a single lognormal factor, log10 of the reduction over a period of Y
years is normal, N(m, s^2), so the per-sample rate r = log10(R) / Y is
normal too, N(m / Y, (s / Y)^2). Under the default forecast (each sample
keeps its own rate) the gain after t years since the start is r * t, so:

* the reduction at year t is lognormal: log10 is N(m k, (s k)^2) with
  k = (t - start) / Y;
* the year a gain of D orders of magnitude is reached is T = start + D / r,
  so P(T <= t) = P(r >= D / (t - start)) = 1 - Phi((D / (t - start) - m/Y) /
  (s/Y)), and T's p-quantile is start + D / r_(1-p).

Tolerances come from the sample size (tests/quantile_check.py).
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from quantile_check import quantiles_agree
from scipy import stats

import effcast
from effcast.analysis._forecast import forecast_years, rate_marginal
from effcast.analysis._threshold import reference_run
from effcast.prior._hardware import peak

N = 200_000
START, END = 2020.0, 2024.0
YEARS = END - START
# One factor: median 100x over 4 years, 80% interval [10x, 1000x].
MEDIAN, LO, HI = 100.0, 10.0, 1000.0
M = math.log10(MEDIAN)  # mean of log10(R)
S = (math.log10(HI) - math.log10(MEDIAN)) / stats.norm.ppf(0.9)  # sd of log10(R)
PS = (0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95)


def one_factor(**extra) -> effcast.Model:
    return effcast.Model.from_dict(
        {
            "period": {"start": START, "end": END},
            "factor": [
                {
                    "name": "x",
                    "reduces": "compute",
                    "dist": "lognormal",
                    "ci": [LO, HI],
                    "level": 0.8,
                    **extra,
                }
            ],
        }
    )


@pytest.fixture(scope="module")
def fc():
    return effcast.forecast(one_factor(), to=2034, n=N, seed=11)


def test_years_grid():
    assert forecast_years(2024.1, 2027).tolist() == [2024.1, 2025, 2026, 2027]
    assert forecast_years(2024.0, 2030, 2).tolist() == [2024, 2026, 2028, 2030]


def test_forecast_starts_from_the_samples(fc):
    assert np.array_equal(
        fc.log10_reduction("compute", END), np.log10(fc.results.compute)
    )
    assert np.allclose(fc.reduction("compute", END), fc.results.compute, rtol=1e-12)
    assert np.allclose(fc.reduction("compute", START), 1.0)
    # Hardware equals compute here: the one factor reduces compute.
    assert np.allclose(fc.reduction("hardware", 2030), fc.reduction("compute", 2030))


@pytest.mark.parametrize("year", [2022.0, 2027.0, 2034.0])
def test_reduction_at_a_year_is_lognormal(fc, year):
    k = (year - START) / YEARS
    dist = stats.norm(M * k, S * k)
    ok, rows = quantiles_agree(
        fc.log10_reduction("compute", year), dist.ppf, dist.pdf, PS
    )
    assert ok, rows


def crossing_dist(oom: float):
    """Closed-form quantile function and density of T = START + D / r."""
    r = stats.norm(M / YEARS, S / YEARS)

    def ppf(p):
        return START + oom / r.ppf(1 - p)

    def pdf(t):
        x = oom / (t - START)
        return r.pdf(x) * oom / (t - START) ** 2

    def cdf(t):
        return r.sf(oom / (t - START))

    return ppf, pdf, cdf


@pytest.mark.parametrize("oom", [1.0, 3.0, 5.0])
def test_crossing_year_matches_closed_form(fc, oom):
    ppf, pdf, _ = crossing_dist(oom)
    years = fc.crossing_year("compute", oom)
    # r_(1-p) must be positive for the closed form's quantile to be finite.
    ok, rows = quantiles_agree(years, ppf, pdf, (0.1, 0.25, 0.5, 0.75, 0.9))
    assert ok, rows


def test_prob_crossed_matches_closed_form_and_never_decreases(fc):
    oom = math.log10(3.14e23 / 1e21)  # GPT-3 under 1e21 FLOP
    cr = effcast.crossing(fc, 1e21, reference="gpt3")
    assert cr.since == START
    ys = np.arange(2021, 2035)
    probs = cr.prob_crossed_by(0, ys)
    _, _, cdf = crossing_dist(oom)
    exact = cdf(ys)
    tol = 5 * np.sqrt(exact * (1 - exact) / N) + 1e-12
    assert np.all(np.abs(probs - exact) <= tol), (probs, exact)
    assert np.all(np.diff(probs) >= 0)
    fine = cr.prob_crossed_by(0, np.linspace(2020, 2034, 2000))
    assert np.all(np.diff(fine) >= 0)


def test_negative_control_wrong_oom_fails(fc):
    """The closed-form check has teeth: 0.2 OOM off is caught."""
    ppf, pdf, _ = crossing_dist(3.2)
    ok, _ = quantiles_agree(fc.crossing_year("compute", 3.0), ppf, pdf, (0.25, 0.5))
    assert not ok


def test_crossing_is_the_inverse_of_the_gain():
    """Round trip with a forward prior, acceleration and a cap."""
    model = effcast.load("priors/gpt3_today.toml")
    fc = effcast.forecast(
        model,
        to=2040,
        n=20_000,
        seed=5,
        rate={"median": "0.4oom", "ci": ["0.2oom", "0.8oom"], "level": 0.8},
        acceleration=0.93,
        cap=4.0,
    )
    for which, since, oom in (
        ("compute", 2020.0, 1.5),  # mostly inside the period
        ("compute", 2022.6, 2.0),
        ("hardware", 2025.0, 3.0),  # entirely in the forward part
    ):
        t = fc.crossing_year(which, oom, since)
        ok = np.isfinite(t)
        assert ok.sum() > 1000
        base = fc.log10_reduction(which, since)
        for i in np.flatnonzero(ok)[:200]:
            gain = fc.log10_reduction(which, float(t[i]))[i] - base[i]
            assert gain == pytest.approx(oom, abs=1e-6)


def test_cap_bounds_the_further_gain():
    fc = effcast.forecast(one_factor(), to=2100, n=10_000, seed=1, cap=1.5)
    further = fc.log10_reduction("compute", 2100) - fc.log10_reduction("compute", END)
    assert further.max() <= 1.5 + 1e-12
    assert np.all(np.isinf(fc.crossing_year("compute", 1.51, since=END)))
    below = fc.crossing_year("compute", 1.49, since=END)
    # Samples whose reduction fell below 1x (no floor here) have a negative
    # rate and never gain; all others do get there.
    growing = fc.results.compute > 1
    assert np.all(np.isfinite(below[growing])) and np.all(np.isinf(below[~growing]))
    assert effcast.crossing(fc, 1e20, reference=10**1.6 * 1e20, reference_year=END)


def test_acceleration_closed_form():
    """A fixed forward rate rho, acceleration a: v(tau) = rho (a^tau - 1) / ln a."""
    fc = effcast.forecast(one_factor(), to=2040, n=1000, seed=1, rate="0.5oom")
    fast = effcast.forecast(
        one_factor(), to=2040, n=1000, seed=1, rate="0.5oom", acceleration=1.2
    )
    tau = 6.0
    v = 0.5 * (1.2**tau - 1) / math.log(1.2)
    base = fc.log10_reduction("compute", END)
    assert np.allclose(fast.log10_reduction("compute", END + tau) - base, v)
    assert np.allclose(fc.log10_reduction("compute", END + tau) - base, 0.5 * tau)
    # A slowdown converges to rho / -ln(a): beyond that, never.
    slow = effcast.forecast(
        one_factor(), to=2040, n=1000, seed=1, rate="0.5oom", acceleration=0.8
    )
    limit = 0.5 / -math.log(0.8)
    assert np.all(np.isinf(slow.crossing_year("compute", limit + 0.01, since=END)))
    assert np.all(np.isfinite(slow.crossing_year("compute", limit - 0.01, since=END)))


def test_forward_rate_prior_matches_its_distribution():
    """History fixed at 1 OOM; the forward rate is the prior's lognormal."""
    model = effcast.Model.from_dict(
        {
            "period": {"start": START, "end": END},
            "factor": [
                {
                    "name": "x",
                    "reduces": "compute",
                    "dist": "lognormal",
                    "mu": math.log(10.0),
                    "sigma": 1e-12,
                }
            ],
        }
    )
    spec = {"median": 0.4, "ci": [0.2, 1.0], "level": 0.8}
    rho = rate_marginal(spec)
    stated = {"median": "0.4oom", "ci": ["0.2oom", "1oom"], "level": 0.8}
    fc = effcast.forecast(model, to=2040, n=N, seed=3, rate=stated)
    oom = 3.0  # 1 OOM by the period end, 2 more at rate rho: T = END + 2 / rho
    t = fc.crossing_year("compute", oom)

    def ppf(p):
        return END + 2.0 / rho.ppf(1 - p)

    def pdf(x):
        return rho.pdf(2.0 / (x - END)) * 2.0 / (x - END) ** 2

    ok, rows = quantiles_agree(t, ppf, pdf, (0.1, 0.5, 0.9))
    assert ok, rows
    # The forward stream is reproducible and separate from the sampling one.
    again = effcast.forecast(model, to=2040, n=N, seed=3, rate=stated)
    assert np.array_equal(again.crossing_year("compute", oom), t)


def test_hardware_keeps_its_own_extra_rate():
    model = effcast.load("priors/gpt3_today.toml")
    fc = effcast.forecast(model, to=2030, n=20_000, seed=2, rate="0.3oom", views=False)
    res = fc.results
    extra = np.log10(res.hardware / res.compute) / res.years
    gain_h = fc.log10_reduction("hardware", 2030) - np.log10(res.hardware)
    gain_c = fc.log10_reduction("compute", 2030) - np.log10(res.compute)
    assert np.allclose(gain_c, 0.3 * (2030 - fc.end))
    assert np.allclose(gain_h, (0.3 + extra) * (2030 - fc.end))


def test_reference_runs_and_gpu_conversion():
    gpt3 = reference_run("gpt3")
    assert gpt3.flop == 3.14e23 and gpt3.year == 2020.0
    assert gpt3.gpu_hours_on("H100") == pytest.approx(10_000 * 14.8 * 24 * 125 / 989)
    gpt4 = reference_run("GPT4")
    # The seed: GPT-3 to GPT-4 is about 40x fp16-equivalent GPU-hours.
    ratio = gpt4.gpu_hours_on("V100") / gpt3.gpu_hours_on("V100")
    assert ratio == pytest.approx(40, rel=0.02)
    assert reference_run(1e24).year is None
    assert peak("TPU v4") == 275.0
    assert reference_run("gpt3", gpu="h-100", gpu_hours=5).gpu == "H100"


def test_gpt4_under_1e25_with_the_seed_rates():
    """The seed's rates: 2x needed, ~0.55 OOM/yr, so about half a year."""
    model = effcast.load("priors/gpt3_today.toml")
    fc = effcast.forecast(model, to=2032, n=100_000, seed=4)
    cr = effcast.crossing(fc, [1e25, 1e26], reference="gpt4", budget=1e6)
    doc = cr.summary()
    q25, q26, hw = doc["questions"]
    assert q25["oom"] == pytest.approx(math.log10(2))
    assert 2022.9 < q25["median_year"] < 2023.5
    # GPT-4 itself was already under 1e26.
    assert q26["median_year"] == 2022.6 and q26["prob_crossed_by"]["2023"] == 1.0
    assert hw["kind"] == "hardware" and hw["gpu"] == "H100"
    probs = list(hw["prob_crossed_by"].values())
    assert probs == sorted(probs)


def test_more_budget_crosses_sooner():
    model = effcast.load("priors/gpt3_today.toml")
    fc = effcast.forecast(model, to=2035, n=20_000, seed=4)
    small = effcast.crossing(fc, budget=1e4, gpu="H100").rows[0]["samples"]
    big = effcast.crossing(fc, budget=1e5, gpu="H100").rows[0]["samples"]
    b200 = effcast.crossing(fc, budget=1e4, gpu="B200").rows[0]["samples"]
    assert np.all(big <= small) and np.all(b200 <= small)


@pytest.mark.parametrize(
    "kwargs, words",
    [
        ({"to": 2023}, "after the prior's period end"),
        ({"to": 2024}, "after the prior's period end"),
        ({"to": 2030, "acceleration": 0}, "acceleration must be positive"),
        ({"to": 2030, "cap": -1}, "cap must be positive"),
        ({"to": 2030, "step": 0}, "step must be positive"),
        ({"to": float("nan")}, "to must be a finite number"),
        (
            {"to": 2030, "rate": {"median": "0.9oom", "ci": ["0.2oom", "0.8oom"]}},
            "outside",
        ),
        ({"to": 2030, "rate": {"median": "0.5oom", "name": "x"}}, "does not apply"),
        ({"to": 2030, "rate": "-0.1oom"}, "must be zero or more"),
        ({"to": 2030, "rate": 0.5}, "has no units"),
        ({"to": 2030, "rate": [0.5]}, "a rate with units"),
    ],
)
def test_bad_forecast_input(kwargs, words):
    with pytest.raises(effcast.EffcastError, match=words):
        effcast.forecast(one_factor(), n=1000, seed=1, **kwargs)


@pytest.mark.parametrize(
    "args, kwargs, words",
    [
        ((0,), {}, "threshold must be positive"),
        ((-1e25,), {}, "threshold must be positive"),
        ((float("inf"),), {}, "threshold must be a finite number"),
        ((1e25,), {"reference_year": float("nan")}, "reference year must be finite"),
        ((1e25,), {"reference": 0}, "FLOP must be positive"),
        ((1e25,), {"reference": -3e23}, "FLOP must be positive"),
        ((1e25,), {"reference": "gpt5"}, "reference must be one of"),
        ((1e25,), {"reference_year": 2019}, "before the prior's period start"),
        ((1e25,), {"reference_year": 2040}, "not before the last year"),
        ((), {"budget": 0}, "budget must be positive"),
        ((), {"budget": 1e5, "gpu": "K80"}, "unknown GPU"),
        ((), {"budget": 1e5, "reference": 1e24}, "has no GPU-hours"),
        ((), {}, "at least one compute threshold"),
        (
            (1e25,),
            {"refrence": "gpt4"},
            r"unknown crossing question keys \['refrence'\]",
        ),
    ],
)
def test_bad_crossing_input(fc, args, kwargs, words):
    with pytest.raises(effcast.EffcastError, match=words):
        effcast.crossing(fc, *args, **kwargs)


def test_question_mapping_is_crossings_keywords(fc):
    """A question kept as one mapping asks what the same keywords ask, and
    every key of :class:`effcast.Question` is one ``crossing`` accepts."""
    question: effcast.Question = {"reference": "gpt4", "budget": 1e5, "gpu": "A100"}
    by_keys = effcast.crossing(fc, 1e25, **question)
    by_words = effcast.crossing(fc, 1e25, reference="gpt4", budget=1e5, gpu="A100")
    assert by_keys.summary() == by_words.summary()
    assert by_keys.rows[-1]["gpu"] == "A100" and by_keys.reference.name == "GPT-4"
    from effcast.analysis._question import QUESTION_KEYS

    assert QUESTION_KEYS == ("thresholds", *effcast.Question.__annotations__)
    # Each key changes the answer or is checked: none is silently dropped.
    with pytest.raises(effcast.EffcastError, match="unknown GPU"):
        effcast.crossing(fc, 1e25, **{**question, "gpu": "K80"})


def test_prior_forecast_table_sets_defaults_and_arguments_win():
    model = one_factor().with_overrides(
        {
            "forecast.to": 2031.0,
            "forecast.acceleration": 0.9,
            "forecast.cap": 2.5,
            "forecast.rate": "0.4oom",
            "forecast.rate_ci": ["0.2oom", "0.8oom"],
        }
    )
    fc = effcast.forecast(model, n=1000, seed=1)
    assert fc.to == 2031.0 and fc.acceleration == 0.9 and fc.cap == 2.5
    assert fc.settings["rate"] == {"median": 0.4, "ci": [0.2, 0.8], "level": 0.8}
    mine = effcast.forecast(
        model, 2040, n=1000, seed=1, rate="historical", acceleration=1.1, cap=5
    )
    assert mine.to == 2040 and mine.acceleration == 1.1 and mine.cap == 5
    assert mine.settings["rate"] == "historical"
    plain = effcast.forecast(one_factor(), n=1000, seed=1)
    assert plain.to == 2034 and plain.acceleration == 1.0 and plain.cap is None


@pytest.mark.parametrize(
    "overrides, words",
    [
        ({"forecast.rate_ci": ["0.2oom", "0.8oom"]}, "rate_ci needs rate"),
        (
            {"forecast.rate": "0.9oom", "forecast.rate_ci": ["0.2oom", "0.8oom"]},
            "strictly inside",
        ),
        ({"forecast.rate": "-1oom"}, "zero or more"),
        ({"forecast.rate": 0.4}, "has no units"),
        ({"forecast.acceleration": 0.0}, "must be positive"),
        ({"forecast.rate_level": 0.8}, "goes with rate_ci"),
        ({"forecast.speed": 1.0}, "unknown key"),
    ],
)
def test_bad_forecast_table(overrides, words):
    with pytest.raises(effcast.EffcastError, match=words) as info:
        one_factor().with_overrides(overrides)
    assert "forecast" in info.value.field


def test_bad_rate_word():
    with pytest.raises(effcast.EffcastError, match="'historical'"):
        effcast.forecast(one_factor(), 2030, n=1000, rate="fast")
