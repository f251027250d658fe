"""[[evidence]]: conditioning a prior by importance weights.

The reference case is conjugate: a lognormal factor (log ~ N(mu, sigma))
observed through a lognormal measurement (log of the true value ~ N(log m,
s)) has a normal posterior in log space with precision 1/sigma**2 + 1/s**2.
Weighted quantiles must match it within a few standard errors computed from
Kish's effective sample size; a wrong closed form must fall outside.
"""

from __future__ import annotations

import json
import math
import tomllib
import warnings

import numpy as np
import pytest
from click.testing import CliRunner
from conftest import PRIORS
from scipy import stats

import effcast
from effcast.cli._main import main
from effcast.engine._histogram import RELATIVE_BIN_WIDTH
from effcast.results._evidence_summary import EvidenceWarning

MU, SIGMA = 1.0, 0.5
MEDIAN, CI, LEVEL = 4.0, (2.0, 8.0), 0.9
S = math.log(2.0) / stats.norm.ppf(0.95)  # the measurement's sd in log space
N = 400_000
QS = np.array([0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95])


def conjugate_prior(median=MEDIAN, ci=CI, level=LEVEL) -> dict:
    return {
        "period": {"start": 2020.0, "end": 2024.0},
        "factor": [
            {
                "name": "x",
                "reduces": "compute",
                "dist": "lognormal",
                "mu": MU,
                "sigma": SIGMA,
            }
        ],
        "evidence": [
            {
                "name": "m",
                "applies_to": "factor:x",
                "dist": "lognormal",
                "median": median,
                "ci": list(ci),
                "level": level,
            }
        ],
    }


LOG_MEDIAN = math.log(MEDIAN)


def posterior(mu=MU, sigma=SIGMA, m=LOG_MEDIAN, s=S):
    precision = 1 / sigma**2 + 1 / s**2
    return (mu / sigma**2 + m / s**2) / precision, precision**-0.5


def tolerance(ess: float, sd: float) -> np.ndarray:
    """Four standard errors of a quantile of N(., sd) from ``ess`` samples."""
    z = stats.norm.ppf(QS)
    return 4 * np.sqrt(QS * (1 - QS) / ess) / (stats.norm.pdf(z) / sd)


@pytest.fixture(scope="module")
def conjugate():
    model = effcast.Model.from_dict(conjugate_prior())
    return model, model.sample(N, seed=7)


def test_posterior_quantiles_match_the_conjugate_closed_form(conjugate):
    _, res = conjugate
    mean, sd = posterior()
    got = np.log(res.quantile(res.factor("x"), QS))
    want = mean + sd * stats.norm.ppf(QS)
    ess = res.evidence.ess
    assert 0.3 * N < ess < N
    assert np.all(np.abs(got - want) < tolerance(ess, sd))
    # The summary's usual keys hold the same posterior figures.
    doc = res.summary()
    assert doc["factors"]["x"]["quantiles"]["0.5"] == pytest.approx(
        math.exp(got[3]), rel=1e-12
    )
    assert doc["compute"]["quantiles"]["0.5"] == pytest.approx(
        math.exp(got[3]), rel=1e-12
    )


def test_negative_control_a_wrong_closed_form_fails(conjugate):
    _, res = conjugate
    got = np.log(res.quantile(res.factor("x"), QS))
    ess = res.evidence.ess
    # The prior itself, and a posterior with the measurement 20% wider.
    for mean, sd in ((MU, SIGMA), posterior(s=1.2 * S)):
        want = mean + sd * stats.norm.ppf(QS)
        assert np.any(np.abs(got - want) > tolerance(ess, posterior()[1]))


def test_prior_predictive_percentile_matches_its_closed_form(conjugate):
    _, res = conjugate
    want = 100 * stats.norm.cdf((math.log(MEDIAN) - MU) / math.hypot(SIGMA, S))
    got = res.summary()["evidence"]["entries"][0]["prior_percentile"]
    assert abs(got - want) < 100 * 4 * math.sqrt(0.25 / N)


def test_ess_is_kish_of_the_weights(conjugate):
    _, res = conjugate
    w = res.weights
    assert res.evidence.ess == pytest.approx(w.sum() ** 2 / (w * w).sum(), rel=1e-9)
    ev = res.summary()["evidence"]
    assert ev["ess"] == res.evidence.ess
    assert ev["samples"] == N
    assert ev["moved_most"] == "x"


def test_weights_and_summary_identical_across_thread_counts():
    model = effcast.load("gpt3_today_evidence")
    a = model.sample(300_000, seed=3, threads=1)
    b = model.sample(300_000, seed=3, threads=2)
    assert np.array_equal(a.weights, b.weights)
    assert json.dumps(a.summary()) == json.dumps(b.summary())
    s1 = model.stream(300_000, seed=3, threads=1).summary()
    s2 = model.stream(300_000, seed=3, threads=2).summary()
    assert json.dumps(s1) == json.dumps(s2)


@pytest.fixture(scope="module")
def pair():
    model = effcast.load("gpt3_today_evidence")
    return model, model.stream(1_000_000, seed=11), model.sample(1_000_000, seed=11)


def test_streamed_and_in_memory_posteriors_agree(pair):
    model, s, r = pair
    bound = RELATIVE_BIN_WIDTH * 1.0001
    qs = [0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95]
    series = ["hardware", "compute"] + [f"factor:{n}" for n in model.factor_names]
    for which in series:
        got, want = s.quantile(which, qs), r.quantile(r.series(which), qs)
        assert np.max(np.abs(got / want - 1)) <= bound, which
    for which in ("hardware", "compute"):
        for t in (10.0, 100.0, 1000.0):
            assert s.prob_exceeds(which, t) == pytest.approx(
                r.prob_exceeds(which, t), abs=1e-9
            )
    assert s.evidence.ess == r.evidence.ess
    ds, dr = s.summary(), r.summary()
    assert ds["hardware"]["mean_log10"] == pytest.approx(
        dr["hardware"]["mean_log10"], rel=1e-12
    )
    assert ds["evidence"]["entries"] == dr["evidence"]["entries"]


def test_negative_control_streamed_prior_is_not_the_posterior(pair):
    _, s, r = pair
    prior = s._quantile("hardware", [0.5, 0.9], posterior=False)
    post = r.quantile("hardware", [0.5, 0.9])
    assert np.max(np.abs(prior / post - 1)) > 100 * RELATIVE_BIN_WIDTH


def test_without_evidence_is_the_prior_bit_for_bit():
    a = effcast.load("gpt3_today_evidence").without_evidence().sample(50_000, seed=5)
    b = effcast.load("gpt3_today").sample(50_000, seed=5)
    assert a.weights is None and a.evidence is None
    da, db = a.summary(), b.summary()
    for key in ("hardware", "compute", "factors", "groups", "table"):
        assert da[key] == db[key]
    assert "evidence" not in da


def test_evidence_prior_shares_gpt3_today_factors():
    """priors/gpt3_today_evidence.toml is gpt3_today plus [[evidence]]."""
    with open(PRIORS / "gpt3_today.toml", "rb") as f:
        base = tomllib.load(f)
    with open(PRIORS / "gpt3_today_evidence.toml", "rb") as f:
        cond = tomllib.load(f)
    assert cond.pop("evidence")
    for key in ("title",):
        cond.pop(key), base.pop(key)
    assert cond == base


def test_collapse_is_refused_naming_the_entry():
    model = effcast.Model.from_dict(
        conjugate_prior(median=1e6, ci=(9e5, 1.1e6), level=0.9)
    )
    with pytest.raises(effcast.EffcastError) as err:
        model.sample(100_000, seed=1)
    msg = str(err.value)
    assert "evidence 'm' (#1)" in msg and "field 'ci'" in msg
    assert "more samples" in msg and "widen" in msg
    with pytest.raises(effcast.EffcastError, match="evidence 'm'"):
        model.stream(100_000, seed=1)


def test_contradictory_hard_bound_is_refused():
    data = conjugate_prior()
    data["evidence"] = [{"name": "b", "applies_to": "factor:x", "at_least": 1e9}]
    with pytest.raises(effcast.EffcastError, match="evidence 'b'.*at_least"):
        effcast.Model.from_dict(data).sample(20_000, seed=1)


def test_low_ess_warns():
    model = effcast.Model.from_dict(conjugate_prior(median=3.0, ci=(2.99, 3.01)))
    with pytest.warns(EvidenceWarning, match="effective sample size"):
        res = model.sample(200_000, seed=1)
    assert res.summary()["evidence"]["warning"]


def test_no_warning_with_ample_ess(conjugate):
    model, _ = conjugate
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        model.sample(20_000, seed=2)


def test_hard_bound_on_a_rate_holds_for_every_weighted_sample():
    data = conjugate_prior()
    data["evidence"] = [
        {
            "name": "r",
            "applies_to": "compute",
            "measure": "per_year",
            "at_least": 1.2,
            "at_most": 1.4,
        }
    ]
    res = effcast.Model.from_dict(data).sample(50_000, seed=1)
    rate = res.compute ** (1 / res.years)
    kept = res.weights > 0
    assert np.all((rate[kept] >= 1.2) & (rate[kept] <= 1.4))
    assert np.all(res.weights[kept] == 1.0)
    assert np.any(~kept)


def test_halving_months_measure_matches_its_definition():
    data = conjugate_prior()
    data["evidence"] = [
        {
            "name": "h",
            "applies_to": "compute",
            "measure": "halving_months",
            "at_most": 24.0,
        }
    ]
    res = effcast.Model.from_dict(data).sample(50_000, seed=1)
    with np.errstate(divide="ignore"):
        months = 12 * res.years * math.log(2) / np.log(res.compute)
    expected = np.where(np.log(res.compute) > 0, months, np.inf) <= 24.0
    assert np.array_equal(res.weights > 0, expected)


def test_resource_evidence_uses_the_baseline():
    data = conjugate_prior()
    data["baseline"] = {"flop": 1e23}
    data["evidence"] = [{"name": "f", "applies_to": "flop_needed", "at_most": 2e22}]
    res = effcast.Model.from_dict(data).sample(50_000, seed=1)
    assert np.array_equal(res.weights > 0, 1e23 / res.compute <= 2e22)


# -- command line -------------------------------------------------------------


def test_cli_json_has_posterior_keys_and_an_evidence_key():
    out = CliRunner().invoke(
        main, ["sample", "gpt3_today_evidence", "-n", "50000", "--seed", "1", "--json"]
    )
    assert out.exit_code == 0, out.output
    doc = json.loads(out.stdout)
    ev = doc["evidence"]
    assert set(ev) >= {"ess", "entries", "shifts", "moved_most"}
    assert [e["name"] for e in ev["entries"]] == ["epoch_lm_halving", "llama3_mfu"]
    assert "prior_percentile" in ev["entries"][0]
    assert "prior_mass_inside" in ev["entries"][1]
    post = ev["shifts"]["hardware"]["posterior"]["0.5"]
    assert doc["hardware"]["quantiles"]["0.5"] == post
    assert ev["shifts"]["hardware"]["prior"]["0.5"] != post


def test_cli_no_evidence_gives_the_prior(tmp_path):
    args = ["-n", "20000", "--seed", "1", "--json"]
    a = CliRunner().invoke(
        main, ["sample", "gpt3_today_evidence", "--no-evidence", *args]
    )
    b = CliRunner().invoke(main, ["sample", "gpt3_today", *args])
    da, db = json.loads(a.stdout), json.loads(b.stdout)
    assert "evidence" not in da
    assert da["hardware"] == db["hardware"] and da["factors"] == db["factors"]


def test_cli_out_has_a_weight_column_only_with_evidence(tmp_path):
    with_ev, without = tmp_path / "a.csv", tmp_path / "b.csv"
    for prior, path in (("gpt3_today_evidence", with_ev), ("gpt3_today", without)):
        out = CliRunner().invoke(
            main, ["sample", prior, "-n", "2000", "--seed", "1", "--out", str(path)]
        )
        assert out.exit_code == 0, out.output

    def header(p):
        lines = p.read_text().splitlines()
        return [line for line in lines if not line.startswith("#")][0]

    assert header(with_ev).split(",")[-1] == "weight"
    assert "weight" not in header(without)


BAD = [
    (
        {"applies_to": "factor:nope", "at_most": 2.0},
        "applies_to",
        "no factor named 'nope'",
    ),
    ({"applies_to": "hardware"}, "dist", "missing"),
    (
        {"applies_to": "hardware", "dist": "lognormal", "ci": [1.0, 2.0]},
        "level",
        "missing",
    ),
    (
        {"applies_to": "flop_needed", "at_most": 1e22},
        "applies_to",
        "[baseline]",
    ),
    (
        {
            "applies_to": "hardware",
            "at_most": 2.0,
            "dist": "lognormal",
            "ci": [1.0, 3.0],
            "level": 0.9,
        },
        "at_most",
        "not both",
    ),
    ({"applies_to": "hardware", "at_least": 3.0, "at_most": 2.0}, "at_most", ""),
    ({"applies_to": "hardware", "at_most": 2.0, "soft": -1.0}, "soft", "positive"),
    ({"applies_to": "speed", "at_most": 2.0}, "applies_to", "must be"),
]


@pytest.mark.parametrize("entry,field,text", BAD)
def test_bad_evidence_one_message_exit_2_nothing_written(tmp_path, entry, field, text):
    lines = [
        "period = {start = 2020.0, end = 2024.0}",
        "[[factor]]",
        'name = "x"',
        'reduces = "compute"',
        'dist = "lognormal"',
        "ci = [2.0, 8.0]",
        "level = 0.8",
        "[[evidence]]",
        'name = "obs"',
    ]
    for k, v in entry.items():
        lines.append(f"{k} = {json.dumps(v)}")
    path = tmp_path / "bad.toml"
    path.write_text("\n".join(lines) + "\n")
    out_file = tmp_path / "out.csv"
    res = CliRunner().invoke(
        main, ["sample", str(path), "-n", "1000", "--out", str(out_file)]
    )
    assert res.exit_code == 2
    assert "Traceback" not in res.output
    msg = res.output
    assert str(path) in msg and "evidence 'obs' (#1)" in msg, msg
    assert f"field '{field}'" in msg and text in msg, msg
    assert not out_file.exists()


def test_cli_collapse_exit_2_nothing_written(tmp_path):
    data = conjugate_prior(median=1e6, ci=(9e5, 1.1e6))
    ev = data["evidence"][0]
    text = "\n".join(
        [
            "period = {start = 2020.0, end = 2024.0}",
            "[[factor]]",
            'name = "x"\nreduces = "compute"\ndist = "lognormal"',
            "mu = 1.0\nsigma = 0.5",
            "[[evidence]]",
            'name = "m"\napplies_to = "factor:x"\ndist = "lognormal"',
            f"median = {ev['median']:.1f}\nci = [{ev['ci'][0]:.1f}, {ev['ci'][1]:.1f}]",
            "level = 0.9",
        ]
    )
    path = tmp_path / "c.toml"
    path.write_text(text + "\n")
    out_file = tmp_path / "s.csv"
    res = CliRunner().invoke(
        main, ["sample", str(path), "-n", "20000", "--out", str(out_file)]
    )
    assert res.exit_code == 2
    assert "evidence 'm'" in res.output and "collapse" in res.output
    assert not out_file.exists()
