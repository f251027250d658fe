"""The weighted histogram kernel: jitted vs its Python source, and exact merging."""

from __future__ import annotations

import numpy as np

from effcast.engine._histogram import N_BINS
from effcast.engine._weighted_histogram import (
    WeightedHistograms,
    accumulate_weighted,
    weight_scale,
)


def _state(n_series: int, n_thresholds: int) -> list[np.ndarray]:
    return [
        np.zeros((n_series, N_BINS), dtype=np.int64),
        np.zeros(n_series, dtype=np.int64),
        np.zeros(n_series, dtype=np.int64),
        np.full(n_series, np.inf),
        np.zeros(n_series, dtype=np.int64),
        np.zeros((2, n_thresholds), dtype=np.int64),
    ]


def _block(seed: int, m: int = 5000):
    rng = np.random.default_rng(seed)
    series = rng.lognormal(1.0, 1.5, size=(3, m))
    series[2, : m // 4] = 1.0  # a floor: a lump at the minimum
    series[2, 5] = 1e-30  # below the bins' range
    units = np.floor(rng.uniform(size=m) * 2.0**40).astype(np.int64)
    return series, units


def test_kernel_matches_its_python_source():
    series, units = _block(1)
    thresholds = np.array([1.0, 10.0, 100.0])
    jit, py = _state(3, 3), _state(3, 3)
    accumulate_weighted(series, series.view(np.int64), units, thresholds, *jit)
    accumulate_weighted.py_func(series, series.view(np.int64), units, thresholds, *py)
    for a, b in zip(jit, py, strict=True):
        assert np.array_equal(a, b)
    hist, low, _high, mins, min_units, exceed = jit
    assert hist.sum() + low.sum() + _high.sum() == 3 * units.sum()
    assert mins[2] == 1e-30 and min_units[2] == units[5]
    assert exceed[0, 1] == units[series[0] > 10.0].sum()


def test_negative_control_other_weights_differ():
    series, units = _block(1)
    thresholds = np.array([10.0])
    a, b = _state(3, 1), _state(3, 1)
    accumulate_weighted(series, series.view(np.int64), units, thresholds, *a)
    accumulate_weighted(
        series, series.view(np.int64), units[::-1].copy(), thresholds, *b
    )
    assert not np.array_equal(a[0], b[0])


def test_merging_is_exact_and_order_free():
    thresholds = np.array([10.0])
    blocks = [_block(s) for s in range(4)]
    one = WeightedHistograms(3, 1, 20_000)
    for series, units in blocks:
        one.add(series, series.view(np.int64), units / 2.0**40, thresholds)
    parts = [WeightedHistograms(3, 1, 20_000) for _ in range(2)]
    for k, (series, units) in enumerate(blocks[::-1]):
        parts[k % 2].add(series, series.view(np.int64), units / 2.0**40, thresholds)
    parts[0].merge(parts[1])
    assert np.array_equal(one.hist, parts[0].hist)
    assert np.array_equal(one.exceed, parts[0].exceed)
    assert np.array_equal(one.min_units, parts[0].min_units)


def test_scale_leaves_room_for_every_sample():
    for n in (1, 1000, 10**6, 2**31, 10**12):
        assert n * weight_scale(n) * 2 <= 2.0**63
