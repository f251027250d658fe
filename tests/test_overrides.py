"""Overrides (``--set NAME.KEY=VALUE`` and ``overrides=`` in the API)."""

from __future__ import annotations

import json

import numpy as np
import pytest
from click.testing import CliRunner
from conftest import PRIORS

import effcast
from effcast.cli._main import main
from effcast.prior._overrides import apply_overrides, parse_assignment

GPT3 = str(PRIORS / "gpt3_today.toml")


@pytest.mark.parametrize(
    ("text", "path", "value"),
    [
        ("moe.median=3", "moe.median", 3),
        ("moe.median = 3.5", "moe.median", 3.5),
        ("moe.ci=[1.5, 4]", "moe.ci", [1.5, 4]),
        ("moe.dist=truncnormal", "moe.dist", "truncnormal"),
        ('title="A view"', "title", "A view"),
        ("defaults.floor=false", "defaults.floor", False),
    ],
)
def test_parse_assignment(text, path, value):
    assert parse_assignment(text) == (path, value)


def test_apply_does_not_touch_the_original():
    data = {"period": {"start": 2020.0, "end": 2024.0}, "factor": [{"name": "a"}]}
    out = apply_overrides(data, {"a.median": 2.0, "defaults.level": 0.8})
    assert out["factor"][0]["median"] == 2.0
    assert out["defaults"] == {"level": 0.8}
    assert "median" not in data["factor"][0] and "defaults" not in data


def test_empty_value_removes_a_key():
    model = effcast.load(GPT3, overrides=["moe.median="])
    lo, hi = 1.25, 5.0
    assert model.marginals[1].median == pytest.approx((lo * hi) ** 0.5)
    swapped = effcast.load(
        PRIORS / "gpt3_today_scaling_law.toml",
        overrides=[
            "chinchilla.fits=",
            "chinchilla.fit=hoffmann2022",
            "chinchilla.alpha_sd=0",
            "chinchilla.beta_sd=0",
        ],
    )
    assert swapped.marginals[3].median == pytest.approx(2.98, abs=0.01)


def test_override_changes_the_marginal_and_the_samples():
    base = effcast.load(GPT3)
    changed = effcast.load(GPT3, overrides={"moe.median": 3.0})
    assert changed.marginals[1].median == pytest.approx(3.0)
    assert base.marginals[1].median == pytest.approx(2.5)
    a = base.sample(50_000, seed=3).factor("moe")
    b = changed.sample(50_000, seed=3).factor("moe")
    assert np.median(b) > np.median(a)


def test_with_overrides_equals_load_with_overrides():
    a = effcast.load(GPT3).with_overrides(["period.end=2025", "moe.median=3"])
    b = effcast.load(GPT3, overrides=["period.end=2025", "moe.median=3"])
    assert a.years == b.years == pytest.approx(5.0)
    np.testing.assert_array_equal(
        a.sample(10_000, seed=1).hardware, b.sample(10_000, seed=1).hardware
    )


@pytest.mark.parametrize(
    ("override", "needles"),
    [
        ("nosuch.median=2", ["nosuch", "neither a factor"]),
        ("moe.median=abc", ["'moe'", "median", "must be a number", "--set"]),
        ("moe.median=9", ["'moe'", "median", "outside", "--set moe.median=9"]),
        ("moe.bogus=1", ["'moe'", "bogus", "unknown key"]),
        ("period.end=2019", ["period.end", "after start"]),
        ("moe", ["NAME.KEY=VALUE"]),
        ("moe.ci.5=2", ["out of range"]),
    ],
)
def test_bad_override_is_one_clear_error(override, needles):
    with pytest.raises(effcast.EffcastError) as info:
        effcast.load(GPT3, overrides=[override])
    for needle in needles:
        assert needle in str(info.value)
    result = CliRunner().invoke(main, ["sample", GPT3, "-n", "1000", "--set", override])
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    for needle in needles:
        assert needle in result.output


def test_cli_set_is_repeatable_and_reaches_the_json():
    result = CliRunner().invoke(
        main,
        ["sample", GPT3, "-n", "20000", "--seed", "1", "--json"]
        + ["--set", "period.end=2025", "--set", "moe.median=3"],
    )
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)  # stderr warns: median only
    assert doc["years"] == pytest.approx(5.0)
    assert doc["factors"]["moe"]["quantiles"]["0.5"] == pytest.approx(3.0, rel=0.03)
