"""The TOML writer behind the explorer's download: text that reads back as written."""

from __future__ import annotations

import datetime as dt
import tomllib

import pytest
from conftest import PRIORS
from hypothesis import given
from hypothesis import strategies as st

import effcast
from effcast.io._toml import dumps_toml


@pytest.mark.parametrize("path", sorted(PRIORS.glob("*.toml")), ids=lambda p: p.stem)
def test_every_shipped_prior_round_trips(path):
    data = tomllib.loads(path.read_text())
    text = dumps_toml(data, "a header\nof two lines")
    assert text.startswith("# a header\n# of two lines\n")
    assert tomllib.loads(text) == data
    # The same file samples the same.
    back = effcast.Model.from_dict(tomllib.loads(text), source=str(path))
    a = back.sample(2000, seed=5).hardware
    b = effcast.load(path).sample(2000, seed=5).hardware
    assert (a == b).all()


def test_dates_and_nested_tables():
    data = {
        "period": {"start": dt.date(2020, 1, 1), "end": 2024.5},
        "gpus": {"X1": {"bf16": 100.0}, "weird name": {"fp8": 2}},
        "factor": [{"name": "a", "fits": [{"name": "f", "weight": 1.0}]}],
    }
    assert tomllib.loads(dumps_toml(data)) == data


def test_negative_control_a_changed_value_differs():
    data = {"title": "x", "period": {"start": 2020.0, "end": 2024.0}}
    text = dumps_toml(data).replace("2024.0", "2025.0")
    assert tomllib.loads(text) != data


def test_non_finite_numbers_are_refused():
    with pytest.raises(effcast.EffcastError, match="finite"):
        dumps_toml({"x": float("inf")})


@given(st.text(max_size=40))
def test_any_string_round_trips(s):
    data = {"s": s, "t": {"u": s}, "f": [{"v": s}]}
    assert tomllib.loads(dumps_toml(data)) == data
