"""Hostile and degenerate priors: clean errors or right answers, never a traceback.

Each case here was found by reading the code adversarially; each test fails
on the code before its fix.
"""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
from click.testing import CliRunner
from conftest import PRIORS
from scipy import stats

import effcast
from effcast.cli._main import main
from effcast.engine._histogram import ExactSum

PERIOD = {"start": 2020.0, "end": 2024.0}


def ln(name, **kw):
    return {"name": name, "reduces": "compute", "dist": "lognormal", **kw}


def strict_json(text: str):
    def refuse(token):
        raise ValueError(f"non-standard JSON token {token}")

    return json.loads(text, parse_constant=refuse)


def test_correlating_a_constant_factor_is_a_clean_error():
    data = {
        "period": PERIOD,
        "factor": [
            {
                "name": "a",
                "reduces": "compute",
                "dist": "truncnormal",
                "ci": [1.7, 3.3],
                "level": 0.8,
                "lower": 0.0,
                "upper": 4.7,
                "floor": 5.0,
            },
            ln("b", ci=[1, 3], level=0.8),
        ],
        "correlation": [{"between": ["a", "b"], "rho": 0.3}],
    }
    with pytest.raises(effcast.EffcastError, match="'a' is constant"):
        effcast.Model.from_dict(data)


@pytest.mark.parametrize("z", [7.5, 8.0, 12.0])
def test_correlated_mixture_with_a_far_tail_component(z):
    """The mixture's CDF in the kernel works from the upper tail there."""
    data = {
        "period": PERIOD,
        "factor": [
            {
                "name": "m",
                "reduces": "compute",
                "dist": "mixture",
                "components": [
                    {
                        "weight": 1.0,
                        "dist": "lognormal",
                        "mu": 0.0,
                        "sigma": 1.0,
                        "lower": math.exp(z),
                    },
                    {"weight": 1.0, "dist": "lognormal", "ci": [1, 3], "level": 0.8},
                ],
            },
            ln("b", ci=[1, 3], level=0.8),
        ],
        "correlation": [{"between": ["m", "b"], "rho": 0.5}],
    }
    model = effcast.Model.from_dict(data)
    x = model.sample(100_000, seed=1).factor("m")
    assert np.all(np.isfinite(x))
    m = model.marginals[0]
    assert stats.kstest(x[::10], lambda v: m.cdf(v, floored=False)).pvalue > 1e-3


@pytest.mark.parametrize("level", [1e-17, 1e-300, 1 - 1e-17])
def test_degenerate_levels_are_refused(level, tmp_path):
    with pytest.raises(effcast.EffcastError, match="level"):
        effcast.Model.from_dict(
            {"period": PERIOD, "factor": [ln("a", ci=[1, 3], level=level)]}
        )
    path = tmp_path / "p.toml"
    path.write_text(
        f'[period]\nstart = 2020.0\nend = 2024.0\n[[factor]]\nname = "a"\n'
        f'reduces = "compute"\ndist = "lognormal"\nci = [1.0, 3.0]\n'
        f"level = {level!r}\n"
    )
    result = CliRunner().invoke(main, ["sample", str(path), "-n", "1000"])
    assert result.exit_code == 2 and "Traceback" not in result.output


def test_exact_sum_is_order_independent():
    rng = np.random.default_rng(0)
    terms = rng.normal(0, 1, 5000) * 10.0 ** rng.integers(-8, 8, 5000)
    a, b = ExactSum(), ExactSum()
    for t in terms:
        a.add(t)
    for t in terms[::-1]:
        b.add(t)
    assert a.value == b.value == math.fsum(terms)
    assert len(a.partials) < 50


def test_streamed_exceedance_does_not_count_the_floor_lump():
    model = effcast.load(PRIORS / "gpt3_today.toml")
    s = model.stream(200_000, seed=1)
    r = model.sample(200_000, seed=1)
    exact = float(np.mean(r.factor("data_quality") > 1.0))
    assert s.prob_exceeds("factor:data_quality", 1.0) == pytest.approx(exact, abs=1e-9)
    # Just above the floor, inside the same bin, the answer is interpolated.
    above = float(np.mean(r.factor("data_quality") > 1.0002))
    assert s.prob_exceeds("factor:data_quality", 1.0002) == pytest.approx(
        above, abs=2e-3
    )


def test_streamed_summary_flags_values_outside_the_histogram():
    model = effcast.Model.from_dict(
        {"period": PERIOD, "factor": [ln("a", ci=[1e18, 1e22], level=0.8)]}
    )
    doc = model.stream(50_000, seed=1).summary()
    assert doc["samples_outside_histogram_range"]["hardware"] > 0
    fine = effcast.load(PRIORS / "gpt3_today.toml").stream(50_000, seed=1).summary()
    assert "samples_outside_histogram_range" not in fine


def test_overflowing_prior_is_refused_with_the_field_named(tmp_path):
    """Accepted means finite: a belief whose draws overflow exits 2."""
    data = {
        "period": PERIOD,
        "factor": [
            ln("a", ci=[1e-300, 1e300], level=0.5),
            ln("b", ci=[1e-300, 1e300], level=0.5),
        ],
    }
    text = "[period]\nstart = 2020.0\nend = 2024.0\n" + "".join(
        f'[[factor]]\nname = "{f["name"]}"\nreduces = "compute"\n'
        f'dist = "lognormal"\nci = [1e-300, 1e300]\nlevel = 0.5\n'
        for f in data["factor"]
    )
    path = tmp_path / "p.toml"
    path.write_text(text)
    with np.errstate(all="ignore"):
        result = CliRunner().invoke(
            main, ["sample", str(path), "-n", "20000", "--json"]
        )
    assert result.exit_code == 2, result.output
    assert "factor 'a', field 'ci'" in result.output
    assert "Traceback" not in result.output


def test_chinchilla_exponent_noise_stays_finite():
    model = effcast.Model.from_dict(
        {
            "period": PERIOD,
            "factor": [
                {
                    "name": "c",
                    "reduces": "compute",
                    "dist": "chinchilla",
                    "fit": "hoffmann2022",
                    "alpha_sd": 0.15,
                    "beta_sd": 0.15,
                }
            ],
        }
    )
    x = model.sample(200_000, seed=1).factor("c")
    assert np.all(np.isfinite(x))


def test_truncnormal_component_may_rely_on_the_mixture_floor():
    model = effcast.Model.from_dict(
        {
            "period": PERIOD,
            "factor": [
                {
                    "name": "m",
                    "reduces": "compute",
                    "dist": "mixture",
                    "floor": 1.0,
                    "components": [
                        {"weight": 1.0, "dist": "truncnormal", "mean": 2.0, "sd": 1.0},
                        {
                            "weight": 1.0,
                            "dist": "lognormal",
                            "ci": [1, 3],
                            "level": 0.8,
                        },
                    ],
                }
            ],
        }
    )
    assert model.sample(10_000, seed=1).factor("m").min() == 1.0


def test_component_messages_name_components():
    def err(components):
        with pytest.raises(effcast.EffcastError) as info:
            effcast.Model.from_dict(
                {
                    "period": PERIOD,
                    "factor": [
                        {
                            "name": "m",
                            "reduces": "compute",
                            "dist": "mixture",
                            "components": components,
                        }
                    ],
                }
            )
        return str(info.value)

    msg = err([{"weight": 1, "dist": "mixture"}])
    assert "expected one of lognormal, truncnormal" in msg and "chinchilla" not in msg
    assert "at least one component" in err([])


def test_very_wide_mixture_in_a_copula_stays_finite():
    data = {
        "period": PERIOD,
        "factor": [
            {
                "name": "m",
                "reduces": "compute",
                "dist": "mixture",
                "components": [
                    {"weight": 1.0, "dist": "lognormal", "mu": 0.0, "sigma": 25.0},
                    {"weight": 1.0, "dist": "lognormal", "ci": [1, 3], "level": 0.8},
                ],
            },
            ln("b", ci=[1, 3], level=0.8),
        ],
        "correlation": [{"between": ["m", "b"], "rho": 0.5}],
    }
    x = effcast.Model.from_dict(data).sample(20_000, seed=1).factor("m")
    assert np.all(np.isfinite(x))
    assert 0.3 < np.median(x) < 3.0
    # Wider, its draws would overflow: refused, with the field named.
    data["factor"][0]["components"][0]["sigma"] = 95.0
    with pytest.raises(effcast.EffcastError, match="field 'components'"):
        effcast.Model.from_dict(data)


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["forecast", "--to", "3000"], "200 years"),
        (["forecast", "--to", "1e300"], "200 years"),
        (["forecast", "--to", "2030", "--step", "0.001"], "rows"),
        (["sample", "--set", "period.end=1e308"], "1,000 years"),
        (["sample", "--set", "period.end=2020.0000001"], "a day"),
    ],
)
def test_far_horizons_and_degenerate_periods_exit_2(args, needle):
    cmd = [args[0], str(PRIORS / "gpt3_today.toml"), "-n", "1000", *args[1:]]
    result = CliRunner().invoke(main, cmd)
    assert result.exit_code == 2, result.output
    assert needle in result.output and "Traceback" not in result.output


def test_enormous_floor_is_refused_with_the_field_named():
    args = [
        "sample",
        str(PRIORS / "gpt3_today.toml"),
        "-n",
        "1000",
        "--set",
        "defaults.floor=1e300",
    ]
    with np.errstate(all="ignore"):
        result = CliRunner().invoke(main, args)
    assert result.exit_code == 2, result.output
    assert "field 'floor'" in result.output and "Traceback" not in result.output


def test_threshold_rows_follow_step():
    args = [
        "threshold",
        str(PRIORS / "gpt3_today.toml"),
        "-n",
        "1000",
        "--seed",
        "1",
        "--threshold",
        "1e25",
        "--reference",
        "gpt4",
        "--to",
        "2030",
        "--step",
        "2",
        "--json",
    ]
    doc = strict_json(CliRunner().invoke(main, args).output)
    years = [float(y) for y in doc["years"]]
    assert len(years) >= 3
    assert all(b - a == 2 for a, b in zip(years, years[1:], strict=False))


def test_silent_dask_address_fails_within_the_bound():
    import socket
    import threading

    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(5)
    held = []
    threading.Thread(
        target=lambda: held.append(server.accept()[0]), daemon=True
    ).start()
    port = server.getsockname()[1]
    pytest.importorskip("distributed")
    with pytest.raises(effcast.EffcastError, match="could not reach"):
        effcast.sweep(
            PRIORS / "gpt3_today.toml",
            ["moe.median=2"],
            n=1000,
            scheduler=f"tcp://127.0.0.1:{port}",
            timeout=1,
        )
    server.close()
