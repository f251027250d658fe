"""The forecasting examples say what they claim (test_examples runs them all)."""

from __future__ import annotations

import pytest
from conftest import ROOT


@pytest.fixture
def examples(monkeypatch):
    monkeypatch.syspath_prepend(str(ROOT / "examples"))


def test_gpt4_example_orders_the_thresholds(examples):
    import gpt4_under_1e25

    medians = gpt4_under_1e25.main(n=20_000)
    seed_view = medians["seed's rates"]
    assert seed_view[1e25] < seed_view[1e24] < seed_view[1e23]
    # A slower forward rate cannot cross sooner than the prior's own rates
    # for a threshold that needs the forward part.
    assert medians["Epoch 2.3x/yr"][1e23] > seed_view[1e23]
    # The prior's forward views (chinchilla one-off, slower recurring rates)
    # cross later than carrying every sample's whole historical rate forward.
    assert medians["forward views"][1e23] > seed_view[1e23]


def test_unpublished_example_moves_the_estimate(examples):
    import unpublished_sensitivity

    rows = unpublished_sensitivity.main(n=20_000)
    published = rows["as published (3.5x, 1.5-13x)"]["hardware.0.5"]
    assert rows["switched off"]["hardware.0.5"] < published / 2.5
    # Each scenario has its own seed, so these agree within sampling error
    # (the median's log-scale standard error is about 1% at 20,000 samples).
    off = rows["switched off"]["hardware.0.5"]
    assert rows["pinned at 1x"]["hardware.0.5"] == pytest.approx(off, rel=0.05)
    assert rows["pinned at 2x"]["hardware.0.5"] == pytest.approx(2 * off, rel=0.05)
    half = rows["half (1.75x, 0.75-6.5x)"]["hardware.0.5"]
    assert rows["switched off"]["hardware.0.5"] < half < published
    assert (
        rows["wide (3.5x, 1.2-40x)"]["hardware.p1000"]
        > (rows["as published (3.5x, 1.5-13x)"]["hardware.p1000"])
    )


def test_embed_example_writes_where_it_is_told(examples, tmp_path):
    import embed_effcast

    out = tmp_path / "toy.svg"
    result = embed_effcast.main(out, n=20_000)
    assert out.exists() and result["figure"] == str(out)
    assert 9 < result["median"] < 11  # the prior states a median of 10x


def test_frontier_example_says_what_it_claims(examples):
    import frontier_and_thresholds

    out = frontier_and_thresholds.main(n=20_000)
    assert out["largest run > 1e27 FLOP"] < out["largest run > 1e28 FLOP"]
    assert 0 < out["efficiency_share_2030"] < 1
    assert out["indexed_1e25_2030"] < out["indexed_1e25_2028"] < 1e25
    assert 2024 < out["fits_under_1e25"] < 2030
