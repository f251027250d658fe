"""Every analysis reads the evidence weights: forecasts, crossings,
sensitivity, sweep statistics, and the evidence figure."""

from __future__ import annotations

import json

import numpy as np
import pytest
from click.testing import CliRunner

import effcast
from effcast.analysis._sensitivity import sensitivity, variance_shares
from effcast.analysis._threshold import crossing
from effcast.cli._main import main
from effcast.results._weighted import weighted_inverted_cdf


@pytest.fixture(scope="module")
def cond():
    return effcast.load("gpt3_today_evidence").sample(200_000, seed=4)


def test_forecast_quantiles_are_weighted(cond):
    fc = effcast.forecast(effcast.load("gpt3_today_evidence"), to=2030, results=cond)
    got = fc.quantiles("compute", fc.end, [0.1, 0.5, 0.9])
    assert np.allclose(got, cond.quantile("compute", [0.1, 0.5, 0.9]), rtol=1e-9)
    prior = np.quantile(cond.compute, [0.1, 0.5, 0.9])
    assert not np.allclose(got, prior, rtol=0.05)
    doc = fc.summary()
    assert doc["compute"][f"{fc.end:g}"]["quantiles"]["0.5"] == pytest.approx(got[1])


def test_crossing_probabilities_and_years_are_weighted(cond):
    model = effcast.load("gpt3_today_evidence")
    fc = effcast.forecast(model, to=2030, results=cond)
    cr = crossing(fc, thresholds=[1e22])
    years = cr.rows[0]["samples"]
    w = cond.weights
    for y in (2022.0, 2023.0, 2024.0):
        want = w[years <= y].sum() / w.sum()
        assert cr.prob_crossed_by(0, y) == pytest.approx(want, rel=1e-9)
    assert cr.year_quantile(0, 0.5) == weighted_inverted_cdf(years, w, 0.5)
    unweighted = np.quantile(years, 0.5, method="inverted_cdf")
    assert cr.year_quantile(0, 0.5) != unweighted


def test_weighted_inverted_cdf_equal_weights_is_numpy():
    x = np.random.default_rng(1).normal(size=1001)
    x[::7] = np.inf
    qs = np.linspace(0, 1, 41)
    assert np.array_equal(
        weighted_inverted_cdf(x, np.ones(x.size), qs),
        np.quantile(x, qs, method="inverted_cdf"),
    )


def test_sensitivity_is_weighted(cond):
    doc = sensitivity(cond)
    assert doc["hardware"]["median"] == pytest.approx(
        cond.quantile("hardware", 0.5), rel=1e-12
    )
    shares = [f["share"] for f in doc["hardware"]["factors"].values()]
    assert sum(shares) == pytest.approx(1.0)
    # Weighted shares are cov_w(l_i, L) / var_w(L), as np.cov with aweights.
    logs = np.log10(np.stack([cond.factor(n) for n in cond.names]))
    cov = np.cov(np.vstack([logs, logs.sum(axis=0)]), aweights=cond.weights)
    want = cov[:-1, -1] / cov[-1, -1]
    assert np.allclose(variance_shares(logs, cond.weights), want, rtol=1e-9)
    assert not np.allclose(variance_shares(logs), want, rtol=1e-3)


def test_sweep_statistics_are_weighted(tmp_path):
    prior = str(effcast.shipped_priors()["gpt3_today_evidence"])
    sw = effcast.sweep(
        prior,
        {"moe.median": [2.5]},
        stats=["hardware.0.5", "compute.p100"],
        n=50_000,
        seed=2,
        scheduler="serial",
    )
    row = sw.rows[0]
    res = effcast.load(prior).with_overrides({"moe.median": 2.5})
    res = res.sample(50_000, seed=row["seed"])
    assert row["stats"]["hardware.0.5"] == pytest.approx(res.quantile("hardware", 0.5))
    assert row["stats"]["compute.p100"] == pytest.approx(
        res.prob_exceeds("compute", 100.0)
    )


def test_forecast_cli_no_evidence_equals_the_prior():
    args = ["--to", "2027", "-n", "20000", "--seed", "1", "--json"]
    a = CliRunner().invoke(
        main, ["forecast", "gpt3_today_evidence", "--no-evidence", *args]
    )
    b = CliRunner().invoke(main, ["forecast", "gpt3_today", *args])
    c = CliRunner().invoke(main, ["forecast", "gpt3_today_evidence", *args])
    da, db, dc = (json.loads(r.stdout) for r in (a, b, c))
    assert da["hardware"] == db["hardware"]
    assert dc["hardware"] != db["hardware"]


def test_evidence_plot_needs_evidence(tmp_path):
    out = CliRunner().invoke(
        main,
        ["plot", "gpt3_today", "-o", str(tmp_path / "e.png"), "--kind", "evidence"],
    )
    assert out.exit_code == 2
    assert "[[evidence]]" in out.output
    assert not (tmp_path / "e.png").exists()


def test_each_entry_alone_moves_only_what_it_observes(cond):
    """The MFU bound observes hardware_efficiency only, so alone it leaves the
    (independent) compute factors at their prior medians; Epoch's halving
    time observes compute, so alone it leaves hardware_efficiency there. The
    negative control: each moves what it does observe."""
    ev = cond.summary()["evidence"]
    by = ev["by_entry"]
    entries = {e["name"]: e for e in ev["entries"]}

    def tol(name, entry):
        logs = np.log(cond.factor(name))
        return 4 * 1.2533 * logs.std() / np.sqrt(entries[entry]["ess_alone"])

    def moved(entry, name):
        prior = float(np.median(cond.factor(name)))
        return abs(np.log(by[entry][name]["0.5"] / prior))

    for name in ("moe", "unpublished", "data_quality"):
        assert moved("llama3_mfu", name) < tol(name, "llama3_mfu"), name
        assert moved("epoch_lm_halving", name) > tol(name, "epoch_lm_halving"), name
    assert moved("epoch_lm_halving", "hardware_efficiency") < tol(
        "hardware_efficiency", "epoch_lm_halving"
    )
    assert moved("llama3_mfu", "hardware_efficiency") > 0.1
    band = by["llama3_mfu"]["hardware_efficiency"]
    assert band["0.1"] < band["0.5"] < band["0.9"]


def test_sweep_cli_no_evidence_equals_the_prior():
    args = ["--grid", "moe.median=2,3", "-n", "20000", "--seed", "1"]
    args += ["--scheduler", "serial", "--json"]
    path = str(effcast.shipped_priors()["gpt3_today_evidence"])
    base = str(effcast.shipped_priors()["gpt3_today"])
    a = CliRunner().invoke(main, ["sweep", path, "--no-evidence", *args])
    b = CliRunner().invoke(main, ["sweep", base, *args])
    c = CliRunner().invoke(main, ["sweep", path, *args])
    assert a.exit_code == b.exit_code == c.exit_code == 0, a.output + c.output
    stats = [[s["stats"] for s in json.loads(r.stdout)["scenarios"]] for r in (a, b, c)]
    assert stats[0] == stats[1]
    assert stats[2] != stats[1]
