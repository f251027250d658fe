"""priors/gpt3_today.toml reproduces the founding analysis's headline figures.

At 1,000,000 samples the Monte Carlo error of each figure is far below its
tolerance (e.g. the median's relative sd is about 0.2%).
"""

from __future__ import annotations

import numpy as np
import pytest

import effcast


@pytest.fixture(scope="module")
def res():
    from conftest import PRIORS

    return effcast.load(PRIORS / "gpt3_today.toml").sample(1_000_000, seed=2024)


def within(value: float, target: float, rel: float) -> bool:
    return abs(value / target - 1) <= rel


def test_hardware_median_414x(res):
    assert within(np.median(res.hardware), 414, 0.08)


def test_compute_median_170x(res):
    assert within(np.median(res.compute), 170, 0.08)


def test_algorithmic_subtotal_72x(res):
    assert within(np.median(res.group("algorithmic")), 72, 0.08)


def test_probability_above_1000x_is_27_percent(res):
    assert abs(res.prob_exceeds("hardware", 1000) - 0.27) <= 0.03


def test_annualised_rates(res):
    doc = res.summary()
    hw, cp = doc["hardware"], doc["compute"]
    assert within(hw["annual_multiplier"]["quantiles"]["0.5"], 4.3, 0.05)
    assert within(cp["annual_multiplier"]["quantiles"]["0.5"], 3.6, 0.05)
    assert within(hw["oom_per_year"]["quantiles"]["0.5"], 0.63, 0.05)
    assert within(cp["oom_per_year"]["quantiles"]["0.5"], 0.56, 0.05)


def test_medians_of_the_table(res):
    table = {
        "transformer_pp": 2.5,
        "moe": 2.5,
        "unpublished": 3.5,
        "chinchilla": 3.0,
        "data_quality": 2.2,
        "hardware_efficiency": 2.5,
    }
    for name, median in table.items():
        assert within(np.median(res.factor(name)), median, 0.01), name


def test_plain_lognormal_reading_gives_about_525x():
    """Negative control: ignoring the stated medians does not reproduce 414x."""
    from conftest import PRIORS

    text = (PRIORS / "gpt3_today.toml").read_text()
    import tomllib

    data = tomllib.loads(text)
    for f in data["factor"]:
        if f["dist"] == "lognormal":
            f.pop("median", None)
    res = effcast.Model.from_dict(data).sample(1_000_000, seed=2024)
    median = np.median(res.hardware)
    assert within(median, 525, 0.05)
    assert not within(median, 414, 0.08)
