"""Every statistic of an in-memory summary in about one pass over the samples.

:meth:`effcast.Results.summary` reports seven quantiles of each total, factor
and group, the median of each running product, exceedance probabilities and
standard errors. Computed one ``np.quantile`` at a time that is a partition
per series (17 for the GPT-3 prior), several times the sampling's cost. Here
:func:`effcast.results._order_stats.order_statistics` histograms every series
at once while it collects the few values in the bins that hold the wanted
ranks, and the order statistics come from partitioning those alone.

The numbers are numpy's, bit for bit: the same order statistics, combined by
the same arithmetic as ``np.quantile`` (linear interpolation, method 7 of
Hyndman and Fan) and ``np.median``. A series with values outside the bins'
range (below ``2**-64``, above ``2**64``, or not a positive number) falls
back to numpy for that series.

Weights: the passes count samples per bin. For importance weights, the same
passes would add each sample's weight to its bin instead (summed in a
fixed chunk order, so that the thread count does not change the rounding)
and the collected values would carry their weights into a weighted order
statistic; :func:`order_statistics` takes ``weights`` for that reason and
today accepts only ``None``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from effcast.results._mc_error import SPACING, quantile_se, se_ranks, spread_se
from effcast.results._order_stats import order_statistics, ranges, run

__all__ = [
    "FAST_FROM",
    "SampleStats",
    "SeriesSet",
    "linear_quantiles",
    "mean_log10",
    "median_of",
    "quantile_ranks",
    "scramble_errors",
    "summary_statistics",
]

FAST_FROM = 1 << 17
"""From this many samples on, the summary uses the kernels; below,
numpy (the same numbers, without compiling the kernels)."""


class SeriesSet:
    """The series to summarise, as the kernels describe them.

    Parameters
    ----------
    n_totals : int
        Rows of the totals array (series ``0 .. n_totals - 1``).
    products : sequence of sequence of int
        Each further series, as the factor rows it multiplies (in order).
    """

    def __init__(self, n_totals: int, products: Sequence[Sequence[int]]) -> None:
        width = max([1] + [len(p) for p in products])
        n = n_totals + len(products)
        self.spec = np.zeros((n, 3), dtype=np.int64)
        self.members = np.zeros((n, width), dtype=np.int64)
        for s in range(n_totals):
            self.spec[s] = (0, s, 0)
        for k, rows in enumerate(products):
            s = n_totals + k
            self.spec[s] = (1, 0, len(rows))
            self.members[s, : len(rows)] = rows

    def __len__(self) -> int:
        return int(self.spec.shape[0])

    def materialise(self, s: int, totals: np.ndarray, factors: np.ndarray):
        """Series ``s`` as an array, multiplied as the kernels multiply."""
        kind, row, count = (int(v) for v in self.spec[s])
        if kind == 0:
            return totals[row]
        out = factors[self.members[s, 0]].copy()
        for j in self.members[s, 1:count]:
            out *= factors[j]
        return out


def _quantile_plan(n: int, qs: Sequence[float]):
    """numpy's linear-interpolation indices and weights for ``n`` values."""
    q = np.asarray(qs, dtype=np.float64)
    # numpy (since 1.26) computes the linear method's index as (n - 1) * q;
    # tests/test_fast_stats.py checks the result against np.quantile.
    virtual = (n - 1) * q
    prev = np.floor(virtual)
    nxt = prev + 1
    above = virtual >= n - 1
    prev[above] = -1
    nxt[above] = -1
    below = virtual < 0
    prev[below] = 0
    nxt[below] = 0
    prev_i = prev.astype(np.intp)
    nxt_i = nxt.astype(np.intp)
    gamma = virtual - prev_i
    prev_i[prev_i < 0] += n
    nxt_i[nxt_i < 0] += n
    return prev_i, nxt_i, gamma


def quantile_ranks(n: int, qs: Sequence[float]) -> np.ndarray:
    """The order statistics (0-based ranks) that ``np.quantile`` reads."""
    prev, nxt, _ = _quantile_plan(n, qs)
    return np.unique(np.concatenate([prev, nxt]))


def linear_quantiles(n: int, qs: Sequence[float], stat) -> np.ndarray:
    """``np.quantile`` of ``n`` values from their order statistics.

    ``stat(rank)`` gives the order statistic of that 0-based rank; the
    interpolation is numpy's ``_lerp``, so the result is bit for bit
    ``np.quantile(data, qs)``.
    """
    prev, nxt, gamma = _quantile_plan(n, qs)
    out = np.empty(len(gamma))
    for k, (i, j, t) in enumerate(zip(prev, nxt, gamma, strict=True)):
        a, b = np.float64(stat(int(i))), np.float64(stat(int(j)))
        diff = b - a
        out[k] = b - diff * (1 - t) if t >= 0.5 else a + diff * t
    return out


def median_ranks(n: int) -> tuple[int, ...]:
    """The order statistics ``np.median`` reads."""
    return (n // 2,) if n % 2 else (n // 2 - 1, n // 2)


def median_of(n: int, stat) -> float:
    """``np.median`` of ``n`` values from their order statistics."""
    if n % 2:
        return float(stat(n // 2))
    a, b = np.float64(stat(n // 2 - 1)), np.float64(stat(n // 2))
    return float((a + b) / 2)


class SampleStats:
    """What :func:`summary_statistics` found: numpy's numbers, computed fast.

    Attributes
    ----------
    totals, factors, groups : list of numpy.ndarray
        ``np.quantile(series, qs)`` of each total, factor and group.
    running : list of float
        ``np.median`` of each running product (factors ``0 .. j``).
    exceed : list of numpy.ndarray
        Per total, the count of samples strictly above each threshold.
    totals_se : list of numpy.ndarray
        Per total, the standard error of each quantile (:func:`quantile_se`).
    positive : list of bool
        Per total, whether every value is known to be positive and finite.
    """

    def __init__(self) -> None:
        self.totals: list[np.ndarray] = []
        self.factors: list[np.ndarray] = []
        self.groups: list[np.ndarray] = []
        self.running: list[float] = []
        self.exceed: list[np.ndarray] = []
        self.totals_se: list[np.ndarray] = []
        self.positive: list[bool] = []
        self.probs_se: list[np.ndarray] | None = None
        self.method = SPACING


def summary_statistics(
    totals: np.ndarray,
    factors: np.ndarray | None,
    groups: Sequence[Sequence[int]],
    qs: Sequence[float],
    thresholds: Sequence[float],
    *,
    threads: int | None = None,
) -> SampleStats:
    """Quantiles, running medians, exceedance counts and standard errors.

    ``groups`` lists each group's factor rows. With ``factors=None`` only
    the totals are summarised. A product that is the same as another (a
    group of one factor, the first running product) is counted once.
    """
    n = int(totals.shape[1])
    n_t = int(totals.shape[0])
    n_f = 0 if factors is None else int(factors.shape[0])
    fac = np.empty((0, n)) if factors is None else factors
    q_ranks = [int(r) for r in quantile_ranks(n, qs)]
    # What is asked: (role, recipe) with recipe a total's row or factor rows.
    asks: list[tuple[str, tuple[int, ...] | int]] = [("total", t) for t in range(n_t)]
    asks += [("factor", (j,)) for j in range(n_f)]
    asks += [("group", tuple(g)) for g in (groups if n_f else [])]
    asks += [("running", tuple(range(j + 1))) for j in range(n_f)]
    recipes: dict[tuple[int, ...] | int, set[int]] = {}
    for role, recipe in asks:
        want = recipes.setdefault(recipe, set())
        if role == "total":
            want.update(q_ranks, (r for p in qs for r in se_ranks(n, p)))
        elif role == "running":
            want.update(median_ranks(n))
        else:
            want.update(q_ranks)
    keys = list(recipes)
    series = SeriesSet(n_t, [list(k) for k in keys[n_t:]])  # type: ignore[arg-type]
    ranks = [sorted(recipes[k]) for k in keys]
    if n < FAST_FROM:
        # Small runs: numpy's own functions (the same numbers), which spares
        # a first run on a fresh machine the kernels' compilation.
        stats: list[dict[int, float] | None] = [None] * len(series)
        exceed = np.zeros((len(series), len(thresholds)), dtype=np.int64)
    else:
        stats, exceed = order_statistics(
            totals, fac, series, ranks, thresholds, threads=threads
        )
    out = SampleStats()
    for role, recipe in asks:
        s = keys.index(recipe)
        got = stats[s]
        if got is None:
            # Values outside the bins (or NaN): numpy itself, as before.
            data = series.materialise(s, totals, fac)
            if role == "running":
                out.running.append(float(np.median(data)))
                continue
            quantiles = np.quantile(data, qs)
            if role == "total":
                stat: Callable[[int], float] = np.sort(data).__getitem__
        else:
            stat = got.__getitem__
            if role == "running":
                out.running.append(median_of(n, stat))
                continue
            quantiles = linear_quantiles(n, qs, stat)
        if role == "total":
            out.totals.append(quantiles)
            out.positive.append(got is not None)
            out.totals_se.append(np.array([quantile_se(n, p, stat) for p in qs]))
            if got is None:
                exceed[s] = [np.count_nonzero(data > t) for t in thresholds]
            out.exceed.append(exceed[s])
        else:
            getattr(out, role + "s").append(quantiles)
    return out


def scramble_errors(
    st: SampleStats,
    totals: np.ndarray,
    scrambles: int,
    qs: Sequence[float],
    thresholds: Sequence[float],
) -> SampleStats:
    """Replace ``st``'s standard errors by those of independent scrambles.

    The samples of each scramble are stored one after the other (sizes as
    :func:`effcast.engine._sobol.scramble_sizes`); each gives its own
    estimate of every figure, and the error of the estimate from all of
    them is their standard deviation over ``sqrt(scrambles)``, divided by
    ``c4`` (the mean of a sample standard deviation of normals over
    ``sigma``) so that it is unbiased on average.
    """
    from effcast.engine._sobol import scramble_sizes

    sizes = scramble_sizes(int(totals.shape[1]), scrambles)
    if len(sizes) < 2:
        return st
    starts = np.concatenate([[0], np.cumsum(sizes)])
    per_q, per_p = [], []
    for a, b in zip(starts[:-1], starts[1:], strict=True):
        part = summary_statistics(totals[:, a:b], None, [], qs, thresholds)
        per_q.append(part.totals)
        per_p.append([e / (b - a) for e in part.exceed])
    st.totals_se = list(spread_se(np.array(per_q)))
    st.probs_se = list(spread_se(np.array(per_p)))
    st.method = f"spread of {len(sizes)} independent scrambles"
    return st


def mean_log10(
    data: np.ndarray,
    *,
    threads: int | None = None,
    positive: bool = False,
) -> float | None:
    """``np.mean(np.log10(data))``, with the logarithms taken on several threads.

    The same number as numpy's (each element's logarithm is numpy's, and the
    mean is taken by numpy over the whole array); ``None`` unless every
    value is positive. ``positive=True`` says that is already known (the
    histogram saw every value inside its range), sparing a pass.
    """
    if not positive and not np.all(data > 0):
        return None
    from effcast.engine._blocks import check_threads

    logs = np.empty_like(data)
    parts = ranges(data.size, check_threads(threads))

    def log(k: int) -> None:
        lo, hi = parts[k]
        np.log10(data[lo:hi], out=logs[lo:hi])

    run(log, len(parts))
    return float(np.mean(logs))
