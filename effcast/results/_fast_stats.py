"""Every statistic of an in-memory summary in two passes over the samples.

:meth:`effcast.Results.summary` reports seven quantiles of each total, factor
and group, the median of each running product, exceedance probabilities and
standard errors. Computed one ``np.quantile`` at a time that is a partition
per series (17 for the GPT-3 prior), several times the sampling's cost. Here
the kernels of :mod:`effcast.engine._select` histogram every series at once,
then collect the few values in the bins that hold the wanted ranks, and the
order statistics come from partitioning those alone.

The numbers are numpy's, bit for bit: the same order statistics, combined by
the same arithmetic as ``np.quantile`` (linear interpolation, method 7 of
Hyndman and Fan) and ``np.median``. A series with values outside the bins'
range (below ``2**-64``, above ``2**64``, or not a positive number) falls
back to numpy for that series.

Weights: the passes count samples per bin. For importance weights, the same
two passes would add each sample's weight to its bin instead (summed in a
fixed chunk order, so that the thread count does not change the rounding)
and the collected values would carry their weights into a weighted order
statistic; :func:`order_statistics` takes ``weights`` for that reason and
today accepts only ``None``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor

import numpy as np

from effcast.results._mc_error import SPACING, quantile_se, se_ranks, spread_se

__all__ = [
    "FAST_FROM",
    "SampleStats",
    "SeriesSet",
    "linear_quantiles",
    "mean_log10",
    "median_of",
    "order_statistics",
    "quantile_ranks",
    "scramble_errors",
    "summary_statistics",
]

FAST_FROM = 1 << 17
"""From this many samples on, the summary uses the two-pass kernels; below,
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


def _ranges(n: int, threads: int) -> list[tuple[int, int]]:
    from effcast.engine._select import CHUNK

    per = -(-n // threads)
    per = -(-per // CHUNK) * CHUNK
    return [(lo, min(n, lo + per)) for lo in range(0, n, per)]


def order_statistics(
    totals: np.ndarray,
    factors: np.ndarray,
    series: SeriesSet,
    ranks: Sequence[Sequence[int]],
    thresholds: Sequence[float] = (),
    *,
    threads: int | None = None,
    weights: np.ndarray | None = None,
) -> tuple[list[dict[int, float] | None], np.ndarray]:
    """Exact order statistics of every series, in two passes over the samples.

    Parameters
    ----------
    totals : float64[T, n]
        Series ``0 .. T - 1``.
    factors : float64[F, n]
        The factor rows the product series multiply (may have zero rows).
    series : SeriesSet
        The series.
    ranks : sequence of sequence of int
        Per series, the 0-based ranks wanted.
    thresholds : sequence of float
        Values above which the total series' samples are counted.
    threads : int, optional
        Worker threads (default: numba's thread count). The result does not
        depend on it.
    weights : None
        Reserved for importance weights (see the module docstring).

    Returns
    -------
    stats : list
        Per series, ``{rank: value}``, or ``None`` when the series has values
        outside the bins' range (then ask numpy).
    exceed : int64[S, len(thresholds)]
        Counts strictly above each threshold (total series only).

    Examples
    --------
    >>> import numpy as np
    >>> x = np.random.default_rng(1).lognormal(size=(1, 10_001))
    >>> stats, _ = order_statistics(x, np.empty((0, 10_001)), SeriesSet(1, []),
    ...                             [[5000]], threads=1)
    >>> stats[0][5000] == float(np.median(x))
    True
    """
    if weights is not None:
        raise NotImplementedError("weighted order statistics are not built yet")
    from effcast.engine._blocks import check_threads
    from effcast.engine._select import (
        N_BINS,
        collect_pass,
        empty_scratch,
        histogram_pass,
    )

    n = int(totals.shape[1])
    n_series = len(series)
    thr = np.asarray(thresholds, dtype=np.float64)
    parts = _ranges(n, check_threads(threads))
    args = (totals, factors, series.spec, series.members)
    # 32-bit counts (half the cache) while no thread sees 2**31 samples.
    dtype = np.int32 if n < 2**31 else np.int64
    counts = [np.zeros((n_series, N_BINS + 2), dtype=dtype) for _ in parts]
    exceeds = [np.zeros((n_series, len(thr)), dtype=np.int64) for _ in parts]

    def scratch():  # one set of chunk buffers per thread
        return empty_scratch(int(factors.shape[0]), n_series)

    def count(k: int) -> None:
        lo, hi = parts[k]
        histogram_pass(*args, lo, hi, thr, counts[k], exceeds[k], *scratch())

    _run(count, len(parts))
    total = counts[0].astype(np.int64)
    for c in counts[1:]:
        total += c
    exceed = sum(exceeds[1:], exceeds[0].copy())

    # Which bins hold the wanted ranks, and where each rank falls in its bin.
    slot_of = np.full((n_series, N_BINS + 2), -1, dtype=np.int64)
    wanted: list[list[tuple[int, int, int]]] = []  # (rank, slot, rank in bin)
    slot_start = [0]
    ok = []
    for s in range(n_series):
        cum = np.cumsum(total[s])
        rs = np.asarray(sorted(set(ranks[s])), dtype=np.int64)
        cols = np.searchsorted(cum, rs, side="right")
        good = bool(len(rs) == 0 or (cols.min() > 0 and cols.max() < N_BINS + 1))
        ok.append(good and total[s, 0] == 0 and total[s, -1] == 0)
        rows = []
        if ok[-1]:
            for r, col in zip(rs, cols, strict=True):
                if slot_of[s, col] < 0:
                    slot_of[s, col] = len(slot_start) - 1
                    slot_start.append(slot_start[-1] + int(total[s, col]))
                before = int(cum[col - 1])
                rows.append((int(r), int(slot_of[s, col]), int(r) - before))
        wanted.append(rows)
    starts = np.asarray(slot_start, dtype=np.int64)
    out = np.empty(int(starts[-1]))
    # Each thread writes its slots' values after those of earlier threads.
    cursors = []
    running = starts[:-1].copy()
    used = np.nonzero(slot_of.ravel() >= 0)[0]
    slot_ids = slot_of.ravel()[used]
    for c in counts:
        cursors.append(running.copy())
        running[slot_ids] += c.ravel()[used]

    def collect(k: int) -> None:
        lo, hi = parts[k]
        collect_pass(*args, lo, hi, slot_of, cursors[k], out, *scratch())

    if len(slot_start) > 1:
        _run(collect, len(parts))
    stats: list[dict[int, float] | None] = []
    for s in range(n_series):
        if not ok[s]:
            stats.append(None)
            continue
        by_slot: dict[int, list[tuple[int, int]]] = {}
        for r, slot, local in wanted[s]:
            by_slot.setdefault(slot, []).append((r, local))
        got: dict[int, float] = {}
        for slot, items in by_slot.items():
            values = out[starts[slot] : starts[slot + 1]]
            locals_ = sorted({local for _, local in items})
            values.partition(locals_)
            for r, local in items:
                got[r] = float(values[local])
        stats.append(got)
    return stats, exceed


def _run(fn, k: int) -> None:
    if k == 1:
        fn(0)
        return
    with ThreadPoolExecutor(max_workers=k) as pool:
        for fut in [pool.submit(fn, i) for i in range(k)]:
            fut.result()


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
    data: np.ndarray, *, threads: int | None = None, positive: bool = False
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
    parts = _ranges(data.size, check_threads(threads))

    def log(k: int) -> None:
        lo, hi = parts[k]
        np.log10(data[lo:hi], out=logs[lo:hi])

    _run(log, len(parts))
    return float(np.mean(logs))
