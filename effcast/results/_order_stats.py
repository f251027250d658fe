"""Exact order statistics of many series, reading the samples about once.

:func:`order_statistics` is what the fast summary
(:mod:`effcast.results._fast_stats`) asks for: a few ranks of every total,
factor, group and running product. The kernels of
:mod:`effcast.engine._select` do the reading; this module places the
windows, hands each thread its range and room, and partitions the few
values that hold a wanted rank.

Two things decide the speed, none the result: the subsample that places the
windows (every :data:`SUBSAMPLE_STEP`-th chunk), and how wide they are
(:data:`WINDOW_Z` standard errors of the subsample's rank on each side).
Whatever they are, a bin's values are all collected or the rank is looked
up again in a second pass, so the order statistics are exact.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from effcast.results._fast_stats import SeriesSet

__all__ = [
    "FUSED_FROM",
    "SUBSAMPLE_STEP",
    "WINDOW_Z",
    "order_statistics",
    "ranges",
    "run",
]

SUBSAMPLE_STEP = 8
"""The first pass reads one chunk in this many."""
WINDOW_Z = 5.0
"""Half-width of a rank's window, in standard errors of the subsample's rank."""
FUSED_FROM = 1 << 20
"""From this many samples on, windows from a subsample; below, two passes."""

Stats = list["dict[int, float] | None"]
_Bins = dict[int, list[tuple[int, int]]]  # column: [(rank, rank in the bin)]


def ranges(n: int, threads: int) -> list[tuple[int, int]]:
    """Contiguous sample ranges, one per thread, in whole chunks."""
    from effcast.engine._select import CHUNK

    per = -(-n // threads)
    per = -(-per // CHUNK) * CHUNK
    return [(lo, min(n, lo + per)) for lo in range(0, n, per)]


def run(fn, k: int) -> None:
    """``fn(0) .. fn(k - 1)`` on ``k`` threads (inline when ``k`` is 1)."""
    if k == 1:
        fn(0)
        return
    with ThreadPoolExecutor(max_workers=k) as pool:
        for fut in [pool.submit(fn, i) for i in range(k)]:
            fut.result()


def order_statistics(
    totals: np.ndarray,
    factors: np.ndarray,
    series: SeriesSet,
    ranks: Sequence[Sequence[int]],
    thresholds: Sequence[float] = (),
    *,
    threads: int | None = None,
    weights: np.ndarray | None = None,
) -> tuple[Stats, np.ndarray]:
    """Exact order statistics of every series, reading the samples about once.

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
        Reserved for importance weights (see :mod:`effcast.results._fast_stats`).

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
    >>> from effcast.results._fast_stats import SeriesSet
    >>> x = np.random.default_rng(1).lognormal(size=(1, 10_001))
    >>> stats, _ = order_statistics(x, np.empty((0, 10_001)), SeriesSet(1, []),
    ...                             [[5000]], threads=1)
    >>> stats[0][5000] == float(np.median(x))
    True
    """
    if weights is not None:
        raise NotImplementedError("weighted order statistics are not built yet")
    from effcast.engine._blocks import check_threads

    n = int(totals.shape[1])
    passes = _Passes(totals, factors, series, thresholds, check_threads(threads))
    wanted = [sorted(set(r)) for r in ranks]
    if n >= FUSED_FROM:
        sub = passes.count(step=SUBSAMPLE_STEP)
        slot_of, expected = _windows(sub, wanted, n)
        counts, got = passes.count_and_collect(slot_of, expected)
        stats = _from_windows(counts, wanted, slot_of, got)
        if stats is not None:
            return stats, passes.exceed
    else:
        counts = passes.count()
    return _second_pass(passes, counts, wanted), passes.exceed


class _Passes:
    """The kernels' arguments for one set of series, split over threads."""

    def __init__(self, totals, factors, series, thresholds, threads: int) -> None:
        from effcast.engine import _select as S

        self.S = S
        n = int(totals.shape[1])
        self.parts = ranges(n, threads)
        self.args = (totals, factors, series.spec, series.members)
        self.n_series = len(series)
        self.n_factors = int(factors.shape[0])
        self.thr = np.asarray(thresholds, dtype=np.float64)
        # 32-bit counts (half the cache) while no thread sees 2**31 samples.
        self.dtype = np.int32 if n < 2**31 else np.int64
        self.exceed = np.zeros((self.n_series, len(self.thr)), dtype=np.int64)

    def _histogram(self, slot_of, rooms, step: int) -> np.ndarray:
        """Run :func:`histogram_pass` on every range; the summed counts."""
        S = self.S
        k = len(self.parts)
        start = S.start_counts(slot_of, self.dtype, self.n_series)
        counts = [start.copy() for _ in range(k)]
        exceeds = [np.zeros_like(self.exceed) for _ in range(k)]

        def count(i: int) -> None:
            lo, hi = self.parts[i]
            cursor, end, out = rooms[i]
            S.histogram_pass(
                *self.args,
                lo,
                hi,
                step,
                self.thr,
                counts[i],
                exceeds[i],
                slot_of,
                cursor,
                end,
                out,
                *S.empty_scratch(self.n_factors, self.n_series),
            )

        run(count, k)
        if step == 1:
            self.exceed = sum(exceeds[1:], exceeds[0].copy())
        offset = start.astype(np.int64)
        self.thread_counts = [c.astype(np.int64) - offset for c in counts]
        return sum(self.thread_counts[1:], self.thread_counts[0].copy())

    def count(self, step: int = 1) -> np.ndarray:
        """Bin counts of every series (every ``step``-th chunk)."""
        none = np.zeros(0, dtype=np.int64)
        rooms = [(none, none, np.zeros(0))] * len(self.parts)
        return self._histogram(self.S.no_slots(self.n_series), rooms, step)

    def count_and_collect(self, slot_of: np.ndarray, expected: np.ndarray):
        """Exact counts, and each thread's values of every slot.

        ``expected[k]`` is the number of samples slot ``k`` should hold in
        all; each thread gets room for its share with a margin. Returns the
        counts and, per slot, the collected values, or ``None`` for a slot
        that some thread had no room for.
        """
        n = sum(hi - lo for lo, hi in self.parts)
        rooms, starts = [], []
        for lo, hi in self.parts:
            share = expected * ((hi - lo) / n)
            room = np.ceil(1.25 * share + 8 * np.sqrt(share) + 256).astype(np.int64)
            start = np.concatenate([[0], np.cumsum(room)[:-1]]).astype(np.int64)
            starts.append(start)
            rooms.append((start.copy(), start + room, np.empty(int(room.sum()))))
        counts = self._histogram(slot_of, rooms, 1)
        got: list[list[np.ndarray] | None] = []
        for k in range(len(expected)):
            if any(cursor[k] > end[k] for cursor, end, _ in rooms):
                got.append(None)  # no room: the caller takes a second pass
                continue
            got.append(
                [
                    out[start[k] : cursor[k]]
                    for start, (cursor, _, out) in zip(starts, rooms, strict=True)
                ]
            )
        return counts, got


def _windows(sub: np.ndarray, wanted: list[list[int]], n: int):
    """Slots of bins around each wanted rank, placed from subsample counts.

    Returns ``slot_of`` (int64[S, N_BINS + 2], -1 where no slot) and the
    number of samples each slot is expected to hold. A series' windows that
    touch are merged into one slot.
    """
    from effcast.engine._select import N_BINS

    slot_of = np.full(sub.shape, -1, dtype=np.int64)
    expected: list[float] = []
    for s, rs in enumerate(wanted):
        m = int(sub[s].sum())
        if not rs or m == 0:
            continue
        cum = np.cumsum(sub[s])
        f = (np.asarray(rs, dtype=np.float64) + 0.5) / n
        half = WINDOW_Z * np.sqrt(f * (1 - f) / m) + 4 / m
        lo = np.searchsorted(cum, np.maximum(f - half, 0) * m, side="left") - 1
        hi = np.searchsorted(cum, np.minimum(f + half, 1) * m, side="left") + 1
        # A window that reaches past the subsample's ends runs to the bins'
        # ends: the full sample's extremes lie beyond the subsample's.
        lo = np.where(f - half <= 0, 1, np.clip(lo, 1, N_BINS))
        hi = np.where(f + half >= 1, N_BINS, np.clip(hi, 1, N_BINS))
        order = np.argsort(lo)
        merged: list[list[int]] = []
        for a, b in zip(lo[order], hi[order], strict=True):
            if merged and a <= merged[-1][1] + 1:
                merged[-1][1] = max(merged[-1][1], int(b))
            else:
                merged.append([int(a), int(b)])
        for a, b in merged:
            slot_of[s, a : b + 1] = len(expected)
            expected.append(float(sub[s, a : b + 1].sum()) * n / m)
    return slot_of, np.asarray(expected, dtype=np.float64)


def _from_windows(counts, wanted, slot_of, got) -> Stats | None:
    """The order statistics from the windows' values; ``None`` if one missed."""
    from effcast.engine._select import bin_edges

    def values_of(s: int, col: int) -> np.ndarray | None:
        slot = int(slot_of[s, col])
        pieces = None if slot < 0 else got[slot]
        if pieces is None:
            return None
        lo, hi = bin_edges(col)
        values = np.concatenate([p[(p >= lo) & (p < hi)] for p in pieces])
        return values if len(values) == counts[s, col] else None

    bins = [_rank_bins(counts[s], rs) for s, rs in enumerate(wanted)]
    return _assemble(bins, values_of)


def _assemble(
    bins: list[_Bins | None], values_of: Callable[[int, int], np.ndarray | None]
) -> Stats | None:
    """Each series' wanted order statistics from the values of the bins that
    hold them (``values_of(series, column)``); ``None`` if a bin's values are
    missing. A series without bins (``None``) is left to numpy."""
    stats: Stats = []
    for s, by_col in enumerate(bins):
        if by_col is None:
            stats.append(None)
            continue
        row: dict[int, float] = {}
        for col, items in by_col.items():
            values = values_of(s, col)
            if values is None:
                return None
            _partition_into(row, values, items)
        stats.append(row)
    return stats


def _rank_bins(counts_row: np.ndarray, ranks) -> _Bins | None:
    """The bins that hold ``ranks``, each with its ``(rank, rank in bin)``.

    ``None`` when the series has values outside the bins' range, or a rank
    falls in the underflow or overflow column (then ask numpy).
    """
    from effcast.engine._select import N_BINS

    if not _inside(counts_row):
        return None
    cum = np.cumsum(counts_row)
    cols = np.searchsorted(cum, ranks, side="right")
    if len(ranks) and (cols.min() < 1 or cols.max() > N_BINS):
        return None
    by_col: dict[int, list[tuple[int, int]]] = {}
    for r, col in zip(ranks, cols, strict=True):
        by_col.setdefault(int(col), []).append((int(r), int(r) - int(cum[col - 1])))
    return by_col


def _inside(counts_row: np.ndarray) -> bool:
    """Whether no value fell below or above the bins' range."""
    return bool(counts_row[0] == 0 and counts_row[-1] == 0)


def _partition_into(row: dict[int, float], values: np.ndarray, items) -> None:
    """Put ``values``' order statistics ``local`` into ``row[rank]``."""
    locals_ = sorted({local for _, local in items})
    values.partition(locals_)
    for r, local in items:
        row[r] = float(values[local])


def _second_pass(passes: _Passes, total: np.ndarray, wanted) -> Stats:
    """Exact order statistics from exact counts and a collecting pass."""
    S = passes.S
    n_series = passes.n_series
    # Which bins hold the wanted ranks, and where each rank falls in its bin.
    slot_of = np.full((n_series, S.N_BINS + 2), -1, dtype=np.int64)
    bins = [_rank_bins(total[s], wanted[s]) for s in range(n_series)]
    slot_start = [0]
    for s, by_col in enumerate(bins):
        for col in by_col or ():
            slot_of[s, col] = len(slot_start) - 1
            slot_start.append(slot_start[-1] + int(total[s, col]))
    starts = np.asarray(slot_start, dtype=np.int64)
    out = np.empty(int(starts[-1]))
    # Each thread writes its slots' values after those of earlier threads.
    cursors = []
    running = starts[:-1].copy()
    used = np.nonzero(slot_of.ravel() >= 0)[0]
    slot_ids = slot_of.ravel()[used]
    for c in passes.thread_counts:
        cursors.append(running.copy())
        running[slot_ids] += c.ravel()[used]

    def collect(k: int) -> None:
        lo, hi = passes.parts[k]
        S.collect_pass(
            *passes.args,
            lo,
            hi,
            slot_of,
            cursors[k],
            out,
            *S.empty_scratch(passes.n_factors, n_series),
        )

    if len(slot_start) > 1:
        run(collect, len(passes.parts))

    def values_of(s: int, col: int) -> np.ndarray:
        slot = int(slot_of[s, col])
        return out[starts[slot] : starts[slot + 1]]

    stats = _assemble(bins, values_of)
    assert stats is not None  # every bin was collected
    return stats
