"""The fast summary statistics: numpy's numbers bit for bit, and honest errors."""

from __future__ import annotations

import numpy as np
import pytest

import effcast
from effcast.engine import _select as S
from effcast.results._fast_stats import (
    SeriesSet,
    linear_quantiles,
    mean_log10,
    median_of,
    quantile_ranks,
    summary_statistics,
)
from effcast.results._in_memory import PROB_THRESHOLDS, QUANTILES
from effcast.results._mc_error import quantile_se, se_ranks
from effcast.results._order_stats import order_statistics

QS = (0.0, 0.05, 0.1, 0.25, 0.3, 0.5, 0.7, 0.75, 0.9, 0.95, 0.999, 1.0)


@pytest.fixture(scope="module")
def model():
    return effcast.load("priors/gpt3_today.toml")


@pytest.fixture(params=["windows", "two passes", "numpy"])
def path(request, monkeypatch):
    """Every way of computing the summary: the kernels with windows placed
    from a subsample, the kernels in two full passes (each forced even for
    small runs), and numpy (forced even for large ones)."""
    import effcast.results._fast_stats as F
    import effcast.results._order_stats as O

    monkeypatch.setattr(F, "FAST_FROM", 10**12 if request.param == "numpy" else 0)
    monkeypatch.setattr(O, "FUSED_FROM", 0 if request.param == "windows" else 10**12)
    return request.param


@pytest.mark.parametrize("n", [*range(1, 40), 99, 100, 1001, 4096, 12_345])
def test_interpolation_is_numpys_bit_for_bit(n):
    rng = np.random.default_rng(n)
    x = rng.lognormal(0, 3, n)
    srt = np.sort(x)
    got = linear_quantiles(n, QS, srt.__getitem__)
    assert (got == np.quantile(x, QS)).all()
    assert median_of(n, srt.__getitem__) == np.median(x)
    # Only the ranks that quantile_ranks names are read.
    wanted = set(quantile_ranks(n, QS).tolist())
    linear_quantiles(n, QS, lambda r: srt[r] if r in wanted else 1 / 0)


@pytest.mark.parametrize("n", [1, 2, 3, 1000, 65_537, 200_000])
def test_summary_is_numpys_bit_for_bit(model, n, path):
    res = model.sample(n, seed=20240101)
    doc = res.summary()
    for which in ("hardware", "compute"):
        data = getattr(res, which)
        got = list(doc[which]["quantiles"].values())
        assert got == np.quantile(data, QUANTILES).tolist()
        assert doc[which]["mean_log10"] == float(np.mean(np.log10(data)))
        assert list(doc[which]["prob_exceeds"].values()) == [
            np.count_nonzero(data > t) / n for t in PROB_THRESHOLDS
        ]
    for name in res.names:
        got = list(doc["factors"][name]["quantiles"].values())
        assert got == np.quantile(res.factor(name), QUANTILES).tolist()
    for group in res.group_members:
        got = list(doc["groups"][group]["quantiles"].values())
        assert got == np.quantile(res.group(group), QUANTILES).tolist()
    running = list(res.running_products().values())
    for row, data in zip(doc["table"]["factors"], running, strict=True):
        assert row["running_median"] == float(np.median(data))
    refs = model.prior.reference
    assert refs and doc["reference_rates"]
    for ref in refs:
        data = res.series(ref.applies_to)
        years = model.prior.period.years
        assert doc["reference_rates"][ref.name]["prob_effcast_faster"] == (
            np.count_nonzero(data > ref.rate**years) / n
        )


def test_values_outside_the_bins_fall_back_to_numpy(path):
    rng = np.random.default_rng(3)
    totals = rng.lognormal(0, 1, (2, 5000))
    totals[0, :10] = 0.0  # below the bins
    totals[1, :3] = 1e30  # above them
    factors = rng.normal(0, 1, (2, 5000))  # negative values
    factors[1, 7] = np.nan
    st = summary_statistics(totals, factors, [[0, 1]], QUANTILES, (1.0,))
    for row in range(2):
        assert st.totals[row].tolist() == np.quantile(totals[row], QUANTILES).tolist()
        assert st.exceed[row][0] == np.count_nonzero(totals[row] > 1.0)
    assert st.factors[0].tolist() == np.quantile(factors[0], QUANTILES).tolist()
    assert np.isnan(st.factors[1]).all()  # numpy's answer with a NaN
    assert mean_log10(totals[0]) is None
    assert mean_log10(totals[1]) == float(np.mean(np.log10(totals[1])))


def test_thread_count_does_not_change_anything(model, path):
    res = model.sample(300_000, seed=5)
    groups = [[0, 1, 2, 3], [4], [5]]
    one = summary_statistics(
        res._totals, res._factors, groups, QUANTILES, (10.0,), threads=1
    )
    three = summary_statistics(
        res._totals, res._factors, groups, QUANTILES, (10.0,), threads=3
    )
    for a, b in zip(
        one.totals + one.factors + one.groups,
        three.totals + three.factors + three.groups,
        strict=True,
    ):
        assert a.tolist() == b.tolist()
    assert one.running == three.running


def _described(totals, factors, series):
    """The kernels' first four arguments: the samples and the series' recipe."""
    return totals, factors, series.spec, series.members


def _kernel_inputs(n=3000):
    rng = np.random.default_rng(8)
    totals = rng.lognormal(3, 2, (2, n))
    factors = rng.lognormal(0, 1, (3, n))
    series = SeriesSet(2, [[0], [0, 2], [1, 2, 0]])
    return totals, factors, series


def test_histogram_pass_matches_its_python_form():
    totals, factors, series = _kernel_inputs()
    out = []
    for fn in (S.histogram_pass, S.histogram_pass.py_func):
        counts = np.zeros((len(series), S.N_BINS + 2), dtype=np.int64)
        exceed = np.zeros((len(series), 2), dtype=np.int64)
        fn(
            *_described(totals, factors, series),
            100,
            2900,
            1,
            np.array([10.0, 100.0]),
            counts,
            exceed,
            S.no_slots(len(series)),
            np.zeros(0, dtype=np.int64),
            np.zeros(0, dtype=np.int64),
            np.zeros(0),
            *S.empty_scratch(3, len(series)),
        )
        out.append((counts, exceed))
    assert (out[0][0] == out[1][0]).all() and (out[0][1] == out[1][1]).all()
    assert out[0][0].sum() == 2800 * len(series)
    assert out[0][1][0, 0] == np.count_nonzero(totals[0, 100:2900] > 10.0)


def test_histogram_pass_collects_the_slotted_columns_like_its_python_form():
    totals, factors, series = _kernel_inputs()
    slot_of = np.full((len(series), S.N_BINS + 2), -1, dtype=np.int64)
    cols = np.array([S.bin_of(b) for b in totals[1].view(np.int64)])
    slot_of[1, cols[5]] = 0
    slot_of[1, cols[9]] = 1
    want = [totals[1][cols == cols[k]] for k in (5, 9)]
    room = len(want[0]) - 1  # slot 0 runs out of room by exactly one value
    outs = []
    for fn in (S.histogram_pass, S.histogram_pass.py_func):
        cursor = np.array([0, room], dtype=np.int64)
        end = np.array([room, room + len(want[1])], dtype=np.int64)
        out = np.full(int(end[-1]), np.nan)
        counts = S.start_counts(slot_of, np.int64, len(series))
        fn(
            *_described(totals, factors, series),
            0,
            3000,
            1,
            np.zeros(0),
            counts,
            np.zeros((len(series), 0), dtype=np.int64),
            slot_of,
            cursor,
            end,
            out,
            *S.empty_scratch(3, len(series)),
        )
        outs.append((out, cursor))
        counts -= S.start_counts(slot_of, np.int64, len(series))
        assert (counts[1] == np.bincount(cols, minlength=S.N_BINS + 2)).all()
    for out, cursor in outs:
        assert cursor.tolist() == [room + 1, room + len(want[1])]
        assert out[:room].tolist() == want[0][:room].tolist()
        assert out[room:].tolist() == want[1].tolist()
    assert np.array_equal(outs[0][0], outs[1][0])


def test_bin_edges_bound_bin_of():
    x = np.concatenate([[1e-30, 1.0, 1e30], _kernel_inputs()[0][0]])
    cols = np.array([S.bin_of(b) for b in x.view(np.int64)])
    for col in np.unique(cols[(cols > 0) & (cols <= S.N_BINS)]):
        lo, hi = S.bin_edges(int(col))
        assert ((x >= lo) & (x < hi)).tolist() == (cols == col).tolist()
    # Negative control: the neighbouring column's edges do not hold these.
    lo, hi = S.bin_edges(int(cols[-1]) + 1)
    assert not ((x[-1] >= lo) & (x[-1] < hi))


def _windowed_inputs():
    rng = np.random.default_rng(11)
    n = (1 << 20) + 7
    totals = np.maximum(rng.lognormal(0, 1, (1, n)), 0.8)  # a lump at a floor
    factors = rng.lognormal(0, 0.3, (2, n))
    series = SeriesSet(1, [[0], [0, 1]])
    ranks = [[0, 1000, n // 2, n - 1], [5, n // 3], [n // 2 - 1, n // 2]]
    want = [np.sort(totals[0]), np.sort(factors[0]), np.sort(factors[0] * factors[1])]
    exact = [{r: w[r] for r in rs} for rs, w in zip(ranks, want, strict=True)]
    return totals, factors, series, ranks, exact


@pytest.mark.parametrize("miss", [None, "no windows", "no room"])
def test_windows_are_exact_and_a_miss_takes_a_second_pass(monkeypatch, miss):
    import effcast.results._order_stats as O

    totals, factors, series, ranks, exact = _windowed_inputs()
    assert totals.shape[1] >= O.FUSED_FROM
    place = O._windows
    if miss == "no windows":
        monkeypatch.setattr(
            O, "_windows", lambda sub, *a: (np.full(sub.shape, -1), np.zeros(0))
        )
    elif miss == "no room":
        monkeypatch.setattr(
            O, "_windows", lambda *a: (place(*a)[0], np.zeros(len(place(*a)[1])))
        )
    took = []
    found = O._from_windows
    monkeypatch.setattr(
        O, "_from_windows", lambda *a: took.append(found(*a)) or took[-1]
    )
    stats, _ = O.order_statistics(totals, factors, series, ranks, threads=2)
    assert stats == exact
    # The windows answered, or (when made to miss) the second pass did.
    assert (took[0] is None) == (miss is not None)


def test_collect_pass_matches_its_python_form():
    totals, factors, series = _kernel_inputs()
    slot_of = np.full((len(series), S.N_BINS + 2), -1, dtype=np.int64)
    col = S.bin_of(np.float64(totals[1, 5]).view(np.int64))
    slot_of[1, col] = 0
    outs = []
    for fn in (S.collect_pass, S.collect_pass.py_func):
        out = np.zeros(3000)
        cursor = np.zeros(1, dtype=np.int64)
        fn(
            *_described(totals, factors, series),
            0,
            3000,
            slot_of,
            cursor,
            out,
            *S.empty_scratch(3, len(series)),
        )
        outs.append(out[: cursor[0]])
    assert outs[0].tolist() == outs[1].tolist()
    assert totals[1, 5] in outs[0]
    cols = [S.bin_of(v) for v in totals[1].view(np.int64)]
    assert len(outs[0]) == cols.count(col)


def test_order_statistics_are_exact_for_heavy_ties():
    # A floor: a third of the values equal 1.0 exactly.
    rng = np.random.default_rng(2)
    x = np.maximum(rng.lognormal(0.2, 1, (1, 30_001)), 1.0)
    ranks = [0, 1, 9_999, 10_000, 15_000, 30_000]
    stats, _ = order_statistics(
        x, np.empty((0, 30_001)), SeriesSet(1, []), [ranks], threads=2
    )
    srt = np.sort(x[0])
    assert stats[0] == {r: srt[r] for r in ranks}


def test_quantile_se_matches_the_closed_form():
    # For N(0, 1), SE of the p-quantile is sqrt(p(1-p)/n) / phi(z_p).
    from scipy import stats

    n = 400_000
    x = np.sort(np.random.default_rng(4).standard_normal(n))
    for p in (0.05, 0.5, 0.9):
        want = np.sqrt(p * (1 - p) / n) / stats.norm.pdf(stats.norm.ppf(p))
        # The spacing spans hi - lo ranks: its relative noise is about
        # 1 / sqrt(hi - lo); allow four of those.
        lo, hi = se_ranks(n, p)
        tol = 4 / np.sqrt(hi - lo)
        assert quantile_se(n, p, x.__getitem__) == pytest.approx(want, rel=tol)
        assert quantile_se(n, p, x.__getitem__) != pytest.approx(2 * want, rel=tol)


def _calibration(model, n, runs, se_of):
    """Observed spread over ``runs`` seeds against the mean stated SE."""
    est, se = [], []
    for seed in range(runs):
        doc = model.sample(n, seed=seed, factors=False).summary()["hardware"]
        est.append(
            [doc["quantiles"][k] for k in ("0.05", "0.5", "0.95")]
            + [doc["prob_exceeds"]["1000"]]
        )
        se.append(se_of(doc))
    return np.std(est, axis=0, ddof=1) / np.mean(se, axis=0)


def test_stated_errors_match_the_spread_over_repeated_runs(model):
    # 300 runs: the observed SD itself is known to about 1/sqrt(600) = 4%,
    # so a 20% band is about five of its standard errors.
    def stated(doc):
        se = doc["se"]
        return [se["quantiles"][k] for k in ("0.05", "0.5", "0.95")] + [
            se["prob_exceeds"]["1000"]
        ]

    ratio = _calibration(model, 20_000, 300, stated)
    assert np.all(np.abs(ratio - 1) < 0.2), ratio

    # Negative control: the error of a mean (sd / sqrt(n)), mistaken for the
    # error of the quantiles, is far off and must fail the same check.
    def naive(doc):
        q = doc["quantiles"]
        sd = (q["0.95"] - q["0.05"]) / 3.29
        return [sd / np.sqrt(20_000)] * 3 + [0.5 / np.sqrt(20_000)]

    wrong = _calibration(model, 20_000, 60, naive)
    assert not np.all(np.abs(wrong - 1) < 0.2), wrong
