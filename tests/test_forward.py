"""Forward views per factor, rates with units, the frontier and indexed thresholds.

Closed forms checked here:

* a one-off factor stays at its end-of-period value, sample by sample;
* a recurring factor at a fixed rate ``rho`` with acceleration ``a`` gains
  ``rho * (a**tau - 1) / ln(a)`` OOM after ``tau`` years; a hard ceiling
  ``C`` cuts that at ``log10(C) - l``; a saturating approach follows
  ``h * (1 - exp(-u / h))``;
* the factors' projections multiply to the totals' (per sample);
* a frontier run with lognormal growth ``g`` (``ln g ~ N(mu, sigma)``)
  passes ``X`` FLOP in ``y0 + ln(X / F0) / ln(g)``, whose quantiles are
  ``y0 + c / (mu + sigma * z_(1-p))`` with ``c = ln(X / F0)``.
"""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
from click.testing import CliRunner
from conftest import PRIORS
from quantile_check import quantiles_agree
from scipy import stats

import effcast
from effcast.analysis._frontier import FrontierProjection
from effcast.cli._main import main
from effcast.prior._frontier import Frontier
from effcast.prior._rates import RateError, parse_rate

GPT3 = PRIORS / "gpt3_today.toml"
GPT4 = PRIORS / "gpt4_2026.toml"


def two_factors(view_a: dict | None, view_b: dict | None = None, **extra):
    """A fixed 10x compute factor and a fixed 2x hardware factor over 4 years."""
    a = {"name": "a", "reduces": "compute", "dist": "lognormal", "mu": math.log(10.0)}
    b = {"name": "b", "reduces": "hardware", "dist": "lognormal", "mu": math.log(2.0)}
    a["sigma"] = b["sigma"] = 1e-12
    if view_a is not None:
        a["forward"] = view_a
    if view_b is not None:
        b["forward"] = view_b
    return effcast.Model.from_dict(
        {"period": {"start": 2020.0, "end": 2024.0}, "factor": [a, b], **extra}
    )


# -- rates with units --------------------------------------------------------
@pytest.mark.parametrize(
    "text, oom",
    [
        ("2.3x", math.log10(2.3)),
        ("2.3x/yr", math.log10(2.3)),
        ("0.36oom", 0.36),
        ("0.36 OOM/yr", 0.36),
        ("8mo", math.log10(2) * 12 / 8),
        ("12 months", math.log10(2)),
        ("1x", 0.0),
    ],
)
def test_rate_units(text, oom):
    assert parse_rate(text) == pytest.approx(oom, rel=1e-12, abs=1e-15)


@pytest.mark.parametrize("bad", [2.3, "2.3", "2.3 x per annum", True])
def test_bare_or_unreadable_rates_are_refused(bad):
    with pytest.raises(RateError, match="2.3x"):
        parse_rate(bad)


@pytest.mark.parametrize("bad", ["-1x", "0mo", "0.5x"])
def test_rates_must_be_positive(bad):
    with pytest.raises(RateError, match="positive|zero or more"):
        parse_rate(bad)


# -- the shipped prior's views ----------------------------------------------
@pytest.fixture(scope="module")
def gpt3_2035():
    return effcast.forecast(effcast.load(GPT3), to=2035, n=200_000, seed=11)


def test_hardware_efficiency_never_passes_its_roof(gpt3_2035):
    fc = gpt3_2035
    for year in (2025, 2027, 2030, 2035):
        assert fc.factor("hardware_efficiency", year).max() <= 4.7
    # It still improves where there was headroom.
    end = fc.factor("hardware_efficiency", fc.end)
    assert np.median(fc.factor("hardware_efficiency", 2030)) > np.median(end)


def test_chinchilla_is_one_off(gpt3_2035):
    fc = gpt3_2035
    end = fc.factor("chinchilla", fc.end)
    sampled = fc.results.factor("chinchilla")
    assert np.allclose(end, sampled, rtol=1e-13, atol=0)
    for year in (2025, 2030, 2035):
        assert np.array_equal(fc.factor("chinchilla", year), end)


def test_negative_control_without_views_the_roof_is_broken(gpt3_2035):
    """Carrying every historical rate forward takes MFU past 100%."""
    fc = effcast.forecast(effcast.load(GPT3), to=2035, n=20_000, seed=11, views=False)
    assert fc.factor("hardware_efficiency", 2035).max() > 4.7
    assert fc.factor("chinchilla", 2035).max() > fc.factor("chinchilla", fc.end).max()


def test_factors_multiply_to_the_totals(gpt3_2035):
    fc = gpt3_2035
    for year in (2022.0, 2030.0):
        logs = sum(fc.factor_log10(f, year) for f in fc.results.names)
        assert np.allclose(logs, fc.log10_reduction("hardware", year), atol=1e-9)
        compute = [f for f in fc.results.names if fc.results.reduces[f] == "compute"]
        logs_c = sum(fc.factor_log10(f, year) for f in compute)
        assert np.allclose(logs_c, fc.log10_reduction("compute", year), atol=1e-9)


def test_every_factor_names_its_assumption(gpt3_2035):
    said = gpt3_2035.settings["factors"]
    assert set(said) == set(gpt3_2035.results.names)
    assert said["chinchilla"].startswith("one-off")
    assert "saturating ceiling 4.7" in said["hardware_efficiency"]
    plain = effcast.forecast(two_factors(None), to=2030, n=100, seed=1)
    assert "no forward view" in plain.settings["factors"]["a"]


# -- the dynamics in closed form ---------------------------------------------
def test_recurring_rate_with_acceleration_closed_form():
    view = {"kind": "recurring", "rate": "0.5oom", "acceleration": 1.2}
    fc = effcast.forecast(two_factors(view), to=2040, n=100, seed=1)
    tau = 2030 - 2024
    want = 1.0 + 0.5 * (1.2**tau - 1) / math.log(1.2)
    assert np.allclose(fc.factor_log10("a", 2030), want, rtol=1e-9)


def test_hard_and_saturating_ceilings():
    hard = {"kind": "recurring", "rate": "0.5oom", "ceiling": 100.0}
    fc = effcast.forecast(two_factors(hard), to=2040, n=100, seed=1)
    assert np.allclose(fc.factor_log10("a", 2025), 1.5)  # below the ceiling
    assert np.allclose(fc.factor("a", 2030), 100.0)  # held at it
    sat = {**hard, "approach": "saturating"}
    fc = effcast.forecast(two_factors(sat), to=2040, n=100, seed=1)
    u = 0.5 * 3  # three years on, headroom 1 OOM
    assert np.allclose(fc.factor_log10("a", 2027), 1.0 + (1 - math.exp(-u)))
    assert fc.factor("a", 2040).max() < 100.0


def test_a_factor_held_at_its_ceiling_is_the_ceiling_itself():
    """10 ** log10(47) rounds up to 47.00000000000001; the multiplier must not."""
    view = {"kind": "recurring", "rate": "0.5oom", "ceiling": 47.0}
    fc = effcast.forecast(two_factors(view), to=2040, n=100, seed=1)
    held = fc.factor("a", 2035)
    assert np.all(held == 47.0)
    assert np.all(10.0 ** fc.factor_log10("a", 2035) > 47.0)  # the control
    # A factor that ended above its ceiling stays where it ended.
    low = {**view, "ceiling": 5.0}
    fc = effcast.forecast(two_factors(low), to=2040, n=100, seed=1)
    assert np.allclose(fc.factor("a", 2035), 10.0, rtol=1e-9)


def test_crossing_is_infinite_under_a_ceiling():
    view = {"kind": "recurring", "rate": "0.5oom", "ceiling": 100.0}
    fc = effcast.forecast(two_factors(view), to=2040, n=100, seed=1)
    assert np.all(np.isinf(fc.crossing_year("compute", 2.01)))
    t = fc.crossing_year("compute", 1.5)  # 1 OOM by 2024, 0.5 more at 0.5/yr
    assert np.allclose(t, 2025.0, atol=1e-6)


def test_default_block_and_forecast_rate():
    """A [forecast] rate applies to the compute factors without a view."""
    model = two_factors(None, {"kind": "one-off"}, forecast={"rate": "0.2oom"})
    fc = effcast.forecast(model, to=2030, n=100, seed=1)
    assert np.allclose(fc.factor_log10("a", 2030), 1.0 + 0.2 * 6)
    assert np.allclose(fc.factor_log10("b", 2030), math.log10(2.0))


# -- the frontier -------------------------------------------------------------
MU, SIGMA, F0, Y0 = math.log(4.5), 0.2, 5e26, 2025.0


def frontier_times(flop0, limit=1e28, n=200_000):
    spec = Frontier(
        year=Y0,
        flop=flop0,
        growth={"dist": "lognormal", "mu": MU, "sigma": SIGMA},
    )
    return FrontierProjection(spec, n, seed=5).crossing_year(limit)


def closed_form(limit=1e28):
    c = math.log(limit / F0)

    def ppf(p):
        return Y0 + c / (MU + SIGMA * stats.norm.ppf(1 - p))

    def pdf(t):
        x = c / (t - Y0)
        return stats.norm.pdf((x - MU) / SIGMA) / SIGMA * c / (t - Y0) ** 2

    return ppf, pdf


def test_frontier_crossing_matches_the_closed_form():
    ppf, pdf = closed_form()
    ok, rows = quantiles_agree(frontier_times(F0), ppf, pdf, (0.1, 0.25, 0.5, 0.9))
    assert ok, rows


def test_frontier_negative_control():
    """A frontier run 20% larger shifts the quantiles beyond the tolerance."""
    ppf, pdf = closed_form()
    ok, _ = quantiles_agree(frontier_times(1.2 * F0), ppf, pdf, (0.25, 0.5))
    assert not ok


def test_frontier_with_slowing_never_gets_there():
    spec = Frontier(year=Y0, flop=F0, growth="2x", slowing=0.5)
    fr = FrontierProjection(spec, 10)
    # Total further growth is log10(2) / ln(2) = 0.43 OOM at most.
    assert np.all(np.isinf(fr.crossing_year(F0 * 10**0.44)))
    assert np.all(np.isfinite(fr.crossing_year(F0 * 10**0.42)))


def test_frontier_from_hardware_and_toml_date():
    spec = Frontier(
        year="2025-01-01", gpu="H100", gpus=1e5, days=100, mfu=0.4, growth="4x"
    )
    assert spec.decimal_year == 2025.0
    assert spec.flop_at_year() == pytest.approx(1e5 * 100 * 86400 * 989e12 * 0.4)


def test_forecast_reports_frontier_and_effective_compute():
    fc = effcast.forecast(effcast.load(GPT4), n=20_000, seed=2)
    doc = fc.summary()
    key = "2030"
    f = doc["frontier"][key]["quantiles"]["0.5"]
    assert f == pytest.approx(float(np.median(fc.frontier.flop(2030.0))))
    split = doc["growth_split"][key]
    eff = doc["effective_compute"][key]["quantiles"]["0.5"]
    # Effective compute is resources times efficiency, sample by sample.
    per = fc.frontier.flop(2030.0) * fc.reduction("compute", 2030.0) / 2.15e25
    assert eff == pytest.approx(float(np.median(per)))
    assert 0 < split["efficiency_share_median"] < 1
    assert set(doc["factors"]) == set(fc.results.names)


# -- policy answers -------------------------------------------------------------
def test_indexed_threshold_equals_the_limit_then_falls():
    fc = effcast.forecast(effcast.load(GPT4), n=20_000, seed=3)
    cr = effcast.crossing(fc, [1e25, 1e26], budget=1e5)
    doc = cr.summary()
    for q in doc["questions"]:
        idx = q["indexed_threshold"]
        years = list(idx)
        limit = q.get("threshold_flop", q.get("budget_gpu_hours"))
        assert years[0] == f"{cr.since:g}"
        assert all(v == limit for v in idx[years[0]]["quantiles"].values())
        medians = [idx[y]["quantiles"]["0.5"] for y in years]
        assert all(b < a for a, b in zip(medians, medians[1:], strict=False))


def test_threshold_defaults_to_the_priors_own_baseline():
    runner = CliRunner()
    args = ["threshold", str(GPT4), "--threshold", "1e25", "--frontier"]
    result = runner.invoke(main, [*args, "-n", "20000", "--seed", "1", "--json"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["reference"]["name"] == "GPT-4"
    assert doc["reference"]["year"] == 2022.6
    assert doc["reference"]["gpu_hours"] == 25_000 * 95 * 24
    kinds = [q["kind"] for q in doc["questions"]]
    assert kinds == ["compute", "frontier"]
    frontier = doc["questions"][1]
    assert frontier["prob_crossed_by"]["2030"] >= frontier["prob_crossed_by"]["2026"]


def test_frontier_question_needs_a_frontier_table():
    runner = CliRunner()
    result = runner.invoke(
        main, ["threshold", "epoch_rates", "--threshold", "1e26", "--frontier"]
    )
    assert result.exit_code == 2 and "[frontier]" in result.stderr


# -- bad input ------------------------------------------------------------------
BAD = [
    (
        "hardware_efficiency.forward.ceiling=2.0",
        "factor 'hardware_efficiency'",
        "forward.ceiling",
    ),
    ("moe.forward.rate=1.2", "factor 'moe'", "has no units"),
    ("moe.forward.kind=one-off", "factor 'moe'", "one-off factor"),
    ("frontier.growth=4.5", "frontier.growth", "has no units"),
    ("frontier.year=2020.0", "frontier.year", "before the period start"),
    ("frontier.growth.ci=[-1.0, 6.0]", "frontier.growth", "positive"),
    ("forecast.rate=0.4", "forecast.rate", "has no units"),
]


@pytest.mark.parametrize("override, where, words", BAD)
def test_bad_new_tables_exit_2_and_write_nothing(override, where, words, tmp_path):
    runner = CliRunner()
    out = tmp_path / "fan.png"
    args = ["forecast", str(GPT4), "--set", override, "--plot", str(out), "-n", "1000"]
    result = runner.invoke(main, args)
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output and result.stdout == ""
    assert result.stderr.count("effcast: error:") == 1
    assert str(GPT4) in result.stderr
    assert where in result.stderr and words in result.stderr
    assert not out.exists()
