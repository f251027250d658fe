"""Precision mode: draw until the headline quantiles are as precise as asked."""

from __future__ import annotations

import json

import numpy as np
import pytest
from click.testing import CliRunner

import effcast
from effcast.cli._main import main


@pytest.fixture(scope="module")
def model():
    return effcast.load("priors/gpt3_today.toml")


def test_reaches_the_target_with_the_first_samples_of_the_run(model):
    res = model.sample(10**7, seed=3, rel_se=0.004, factors=False)
    assert res.precision["reached"]
    assert res.precision["rel_se"] <= 0.004
    assert res.n < 10**7
    # The samples are the run's first ones: the same as drawing that many.
    plain = model.sample(res.n, seed=3, factors=False)
    assert np.array_equal(res.hardware, plain.hardware)
    # And the stated error is honest about those samples: the headline
    # quantiles' SE from the summary is within the target.
    se = res.summary()["hardware"]["se"]["quantiles"]["0.5"]
    assert se / res.quantile("hardware", 0.5) <= 0.004


def test_stops_at_the_limit_and_says_so(model):
    res = model.sample(100_000, seed=3, rel_se=0.001)
    assert res.n == 100_000
    assert not res.precision["reached"]
    assert res.precision["rel_se"] > 0.001
    assert res.summary()["precision"]["max_samples"] == 100_000


def test_extend_equals_a_fresh_draw(model):
    first = model.draw(2 * 65_536, seed=9)
    more = model.extend(first, 300_001)
    fresh = model.draw(300_001, seed=9)
    assert np.array_equal(more.totals, fresh.totals)
    assert np.array_equal(more.factors, fresh.factors)


@pytest.mark.parametrize("bad", [0, 1.5, -0.1, "x"])
def test_bad_targets_are_refused(model, bad):
    with pytest.raises(effcast.EffcastError, match="relative standard error"):
        model.sample(1000, seed=1, rel_se=bad)


def test_cli_precision_mode():
    runner = CliRunner()
    out = runner.invoke(
        main,
        [
            "sample",
            "priors/gpt3_today.toml",
            "-n",
            "1e7",
            "--rel-se",
            "0.01",
            "--seed",
            "1",
            "--json",
        ],
    )
    assert out.exit_code == 0, out.output
    doc = json.loads(out.output)
    assert doc["precision"]["reached"] and doc["samples"] < 10**7
    bad = runner.invoke(
        main,
        ["sample", "priors/gpt3_today.toml", "--rel-se", "0.01", "--stream"],
    )
    assert bad.exit_code == 2
    assert "--rel-se" in bad.output
