"""Fuzzing the prior schema: accepted means finite, bad input means exit 2.

Hypothesis writes priors from the schema's own pieces with hostile values
(0, negatives, 1e-300, 1e308, inf, nan, level 1e-9, sigma 400, exponents
of 0.01 with tiny noise, control characters in titles and labels) and runs
``effcast sample --json --out`` on each, in-process. Every run must either

- exit 0 with strict JSON whose numbers are all finite, and the output
  file written; or
- exit 2 with one ``effcast: error:`` line, and nothing written (no output,
  no temporary file);

and never raise anything else, print a control character, or hang (an
alarm bounds each run). The API (``Model.from_dict(...).sample``) must raise
only ``EffcastError`` or give finite samples.

The number of examples is kept small for the suite; set
``EFFCAST_FUZZ_EXAMPLES`` (for example to 1000) for a longer run.
"""

from __future__ import annotations

import json
import math
import os
import re
import signal
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

import effcast
from effcast.cli._main import main

hypothesis = pytest.importorskip("hypothesis")
st = hypothesis.strategies

EXAMPLES = int(os.environ.get("EFFCAST_FUZZ_EXAMPLES", "100"))
SECONDS = 60  # per example; a run that takes longer counts as a hang

NASTY = [0.0, -1.0, 1e-300, 1e-12, 1e-9, 0.01, 0.5, 0.8, 1.0, 1.5, 3.0, 10.0]
NASTY += [400.0, 1e100, 1e300, 1e308, math.inf, -math.inf, math.nan]
nasty = st.one_of(
    st.sampled_from(NASTY),
    st.floats(min_value=-10, max_value=1e4, allow_nan=False),
)
# Most values are sound, so that many priors get through validation and
# the sampler's side of the property is exercised too.
sound = st.floats(min_value=0.05, max_value=3.0)
numbers = st.one_of(sound, sound, sound, nasty)
ratio = st.one_of(st.floats(min_value=1.01, max_value=20.0), nasty)
text = st.one_of(
    st.sampled_from(["GPT-3 today", "MoE", "données", ""]),
    st.sampled_from(["GPT-3 today", "MoE", "données", ""]),
    st.sampled_from(["GPT-3 today", "MoE", "données", ""]),
    st.text(max_size=12),
    st.sampled_from(["GPT\x1b]0;owned\x07", "a\rb", "[bold]x[/bold]", "<b>&"]),
)
levels = st.one_of(
    st.sampled_from([0.5, 0.8, 0.9, 0.9, 0.8]), st.sampled_from([1e-9, 0.999999]), nasty
)


def _ci():
    sane = st.tuples(
        st.floats(min_value=1.01, max_value=3.0),
        st.floats(min_value=1.1, max_value=8.0),
    ).map(lambda t: [t[0], t[0] * t[1]])
    return st.one_of(sane, sane, sane, st.lists(ratio, min_size=2, max_size=2))


def _split(dist):
    if dist == "lognormal":
        explicit = st.fixed_dictionaries({"mu": numbers, "sigma": numbers})
    else:
        explicit = st.fixed_dictionaries({"mean": ratio, "sd": numbers})
    interval = st.fixed_dictionaries(
        {"ci": _ci(), "level": levels}, optional={"median": ratio}
    )
    extra = st.fixed_dictionaries(
        {}, optional={"lower": numbers, "upper": ratio, "floor": numbers}
    )
    if dist == "truncnormal":
        extra = extra.map(lambda d: {"lower": 0.0, **d})
    return st.tuples(st.one_of(interval, interval, explicit), extra).map(
        lambda t: {"dist": dist, **t[0], **t[1]}
    )


def _mixture():
    component = st.tuples(
        st.sampled_from(["lognormal", "truncnormal"]), numbers
    ).flatmap(lambda t: _split(t[0]).map(lambda d: {"weight": abs(t[1]) or 1.0, **d}))
    return st.lists(component, min_size=1, max_size=3).map(
        lambda cs: {
            "dist": "mixture",
            "components": [{k: v for k, v in c.items() if k != "floor"} for c in cs],
        }
    )


def _chinchilla():
    return st.fixed_dictionaries(
        {"dist": st.just("chinchilla")},
        optional={
            "fit": st.sampled_from(["hoffmann2022", "besiroglu2024", "nosuch"]),
            "alpha_sd": st.sampled_from([0.0, 1e-6, 0.01, 0.15, 1.0]),
            "beta_sd": st.sampled_from([0.0, 1e-6, 0.15]),
            "fits": st.lists(
                st.fixed_dictionaries(
                    {
                        "A": st.one_of(st.just(406.4), ratio),
                        "B": st.one_of(st.just(410.7), ratio),
                        "alpha": st.sampled_from([0.01, 0.05, 0.34, 2.0, 1e-9]),
                        "beta": st.sampled_from([0.01, 0.28, 0.5]),
                    }
                ),
                min_size=1,
                max_size=2,
            ),
        },
    )


def _factor(i: int):
    body = st.one_of(
        _split("lognormal"), _split("truncnormal"), _mixture(), _chinchilla()
    )
    ident = st.fixed_dictionaries(
        {"reduces": st.sampled_from(["compute", "hardware"])},
        optional={"label": text},
    )
    return st.tuples(ident, body).map(lambda t: {"name": f"f{i}", **t[0], **t[1]})


priors = st.integers(min_value=1, max_value=4).flatmap(
    lambda k: st.fixed_dictionaries(
        {
            "period": st.fixed_dictionaries(
                {
                    "start": st.just(2020.0),
                    "end": st.sampled_from([2024.0, 2020.5, 3000.0]),
                }
            ),
            "factor": st.tuples(*[_factor(i) for i in range(k)]).map(list),
        },
        optional={"title": text},
    )
)


# -- writing TOML -------------------------------------------------------
def _value(v) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float):
        if math.isnan(v):
            return "nan"
        if math.isinf(v):
            return "inf" if v > 0 else "-inf"
        return repr(v)
    if isinstance(v, int):
        return str(v)
    if isinstance(v, str):
        return json.dumps(v, ensure_ascii=False)  # TOML has no surrogate pairs
    if isinstance(v, list):
        return "[" + ", ".join(_value(x) for x in v) + "]"
    if isinstance(v, dict):
        return "{" + ", ".join(f"{k} = {_value(x)}" for k, x in v.items()) + "}"
    raise TypeError(v)


def to_toml(prior: dict) -> str:
    lines = []
    if "title" in prior:
        lines.append(f"title = {_value(prior['title'])}")
    lines.append("[period]")
    lines += [f"{k} = {_value(v)}" for k, v in prior["period"].items()]
    for f in prior["factor"]:
        lines.append("[[factor]]")
        lines += [f"{k} = {_value(v)}" for k, v in f.items()]
    return "\n".join(lines) + "\n"


# -- the properties -----------------------------------------------------
class Hang(Exception):
    pass


def _alarm(signum, frame):
    raise Hang()


_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def _all_finite(doc) -> bool:
    if isinstance(doc, float):
        return math.isfinite(doc)
    if isinstance(doc, dict):
        return all(_all_finite(v) for v in doc.values())
    if isinstance(doc, list):
        return all(_all_finite(v) for v in doc)
    return True


TALLY = {"cases": 0, "accepted": 0, "refused": 0}


def check_one(prior: dict, tmp: Path) -> None:
    """Run one prior through the CLI and the API; assert the properties."""
    TALLY["cases"] += 1
    for old in tmp.iterdir():
        old.unlink()
    path = tmp / "p.toml"
    path.write_text(to_toml(prior), "utf-8")
    out = tmp / "out.npz"
    previous = signal.signal(signal.SIGALRM, _alarm)
    signal.alarm(SECONDS)
    try:
        result = CliRunner().invoke(
            main,
            [
                "sample",
                str(path),
                "-n",
                "3000",
                "--seed",
                "1",
                "--json",
                "--out",
                str(out),
            ],
        )
        try:
            api = effcast.Model.from_dict(prior).sample(3000, seed=1)
        except effcast.EffcastError:
            api = None
    except Hang:
        pytest.fail(f"hang (> {SECONDS} s):\n{to_toml(prior)}")
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
    # No traceback: the only exception is the exit itself.
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise AssertionError(f"traceback for:\n{to_toml(prior)}") from result.exception
    assert not _CONTROL.search(result.output), result.output
    leftovers = sorted(p.name for p in tmp.iterdir() if p.name != "p.toml")
    if result.exit_code == 0:
        TALLY["accepted"] += 1
        doc = json.loads(result.stdout, parse_constant=lambda c: pytest.fail(c))
        assert _all_finite(doc), to_toml(prior)
        assert leftovers == ["out.npz"], leftovers
        assert api is not None
        assert np.all(np.isfinite(api.hardware)) and np.all(np.isfinite(api.compute))
    else:
        TALLY["refused"] += 1
        assert result.exit_code == 2, (result.exit_code, result.output)
        # Warnings (effcast: warning: ...) may come first; then one error line.
        errors = [
            line
            for line in result.output.splitlines()
            if line.startswith("effcast: error: ") or "Error:" in line
        ]
        assert errors, result.output
        assert leftovers == [], leftovers  # nothing partial written
        assert api is None  # the API refuses what the CLI refuses


@hypothesis.settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(hypothesis.HealthCheck),
)
@hypothesis.given(prior=priors)
def test_fuzzed_priors_exit_cleanly(prior, tmp_path_factory):
    check_one(prior, tmp_path_factory.mktemp("fuzz", numbered=True))


def test_fuzzing_reaches_both_outcomes():
    """The generator is not vacuous: it yields accepted and refused priors."""
    assert TALLY["cases"] > 0
    assert TALLY["accepted"] > 0 and TALLY["refused"] > 0, TALLY


@pytest.mark.parametrize(
    ("factor", "field"),
    [
        ({"ci": [1.25, 5.0], "level": 1e-9}, "level"),
        ({"mu": 0.0, "sigma": 400.0}, "sigma"),
        ({"ci": [1e-300, 1e300], "level": 0.9}, "ci"),
        ({"mu": 1e308, "sigma": 1.0}, "mu"),
    ],
)
def test_the_issues_overflowing_priors_exit_2_with_the_field(tmp_path, factor, field):
    prior = {
        "period": {"start": 2020.0, "end": 2024.0},
        "factor": [
            {"name": "moe", "reduces": "compute", "dist": "lognormal", **factor}
        ],
    }
    path = tmp_path / "p.toml"
    path.write_text(to_toml(prior))
    result = CliRunner().invoke(main, ["sample", str(path), "-n", "1000"])
    assert result.exit_code == 2, result.output
    assert f"field '{field}'" in result.output
    assert "nanx" not in result.output


def test_negative_control_a_sound_prior_is_accepted(tmp_path):
    prior = {
        "period": {"start": 2020.0, "end": 2024.0},
        "factor": [
            {
                "name": "moe",
                "reduces": "compute",
                "dist": "lognormal",
                "ci": [1.25, 5.0],
            }
        ],
    }
    check_one(prior, tmp_path)
    assert TALLY["accepted"] > 0


def test_a_hopeless_exponent_is_refused_not_hung():
    prior = {
        "period": {"start": 2020.0, "end": 2024.0},
        "factor": [
            {
                "name": "c",
                "reduces": "compute",
                "dist": "chinchilla",
                "fits": [{"A": 406.4, "B": 410.7, "alpha": 0.01, "beta": 0.28}],
                "alpha_sd": 1e-6,
            }
        ],
    }
    with pytest.raises(effcast.EffcastError, match="alpha_sd"):
        effcast.Model.from_dict(prior)
