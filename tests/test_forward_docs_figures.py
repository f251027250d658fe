"""The forward figures quoted in README.md and docs/methodology.md, reproduced.

Each run uses the documented command's seed and sample count (1,000,000,
seed 1), so the figures are reproduced exactly, to the precision quoted.
"""

from __future__ import annotations

import numpy as np
import pytest
from conftest import PRIORS

import effcast

GPT3 = PRIORS / "gpt3_today.toml"


@pytest.fixture(scope="module")
def views():
    return effcast.forecast(effcast.load(GPT3), to=2035, n=1_000_000, seed=1)


@pytest.fixture(scope="module")
def no_views(views):
    return effcast.forecast(
        effcast.load(GPT3), to=2035, seed=1, results=views.results, views=False
    )


def test_without_views_mfu_passes_its_roof(no_views):
    """methodology.md: 'a median 9.3x by 2030 (180% MFU)'."""
    median = float(np.median(no_views.factor("hardware_efficiency", 2030)))
    assert round(median, 1) == 9.3
    assert round(median * 0.196 * 100, -1) == 180


def test_2030_medians_before_and_after(views, no_views):
    """The closing note's before (no views) and after (views) medians."""
    before = [
        float(np.median(no_views.reduction(w, 2030))) for w in ("hardware", "compute")
    ]
    after = [
        float(np.median(views.reduction(w, 2030))) for w in ("hardware", "compute")
    ]
    assert [f"{x:.2g}" for x in before] == ["2.5e+06", "2.9e+05"]
    assert [f"{x:.2g}" for x in after] == ["9.1e+05", "2.2e+05"]


def test_gpt4_threshold_figures(views):
    """README and methodology: 2023.2 and 2025.0; 50% by 2025, 90% by 2026."""
    cr = effcast.crossing(views, [1e25, 1e24], reference="gpt4")
    doc = cr.summary()
    q25, q24 = doc["questions"]
    assert round(q25["median_year"], 1) == 2023.2
    assert round(q24["median_year"], 1) == 2025.0
    assert round(q24["year_quantiles"]["0.9"], 1) == 2026.0
    assert round(q24["prob_crossed_by"]["2025"], 2) == 0.50
    assert round(q24["prob_crossed_by"]["2026"], 2) == 0.90


def test_the_analysis_frontier_split(views):
    """methodology.md: 267x fp16-equivalent GPU-hours and 680x FLOP in 2024.1."""
    doc = views.summary(years=[2024.1])
    assert round(doc["hardware_split"]["resources"]) == 267
    assert round(doc["growth_split"]["2024.1"]["resources"]["0.5"]) == 680
