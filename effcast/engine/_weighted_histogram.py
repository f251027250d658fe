"""Weighted log-scale histograms: the posterior side of a streamed run with evidence.

The same bins as :mod:`effcast.engine._histogram`, but each sample adds its
importance weight instead of 1. To keep merging exact (so the result does
not depend on which thread saw which block), weights are held in fixed
point: a weight ``w`` in ``[0, 1]`` adds the integer ``round(w * scale)``,
with ``scale = 2**(62 - ceil(log2(n + 1)))`` so that no sum of ``n``
weights can overflow a 64-bit integer. At a million samples the resolution
is ``2**-42`` (about ``2e-13``) of the largest possible weight; a weight
below half of that counts as zero.

Error bound: the ``p``-quantile read here lies in the bin where the
cumulative weight crosses ``p`` of the total, and is interpolated inside it
with the weight taken as evenly spread. The in-memory rule
(:mod:`effcast.results._weighted`) places each sample within half its own
weight share of that crossing, so the two agree to the bin width
(``2**-11`` relative) plus the largest single weight's share of the total,
which is at most ``1 / ESS``-small; the tests check the documented
``2**-11``-relative bound on conditioned runs with an ESS in the thousands.
"""

from __future__ import annotations

import math

import numba
import numpy as np

from effcast.engine._histogram import _KEY_LO, _SHIFT, N_BINS, _edge

__all__ = ["WeightedHistograms", "accumulate_weighted", "weight_scale"]

_jit = numba.njit(cache=True, nogil=True)


def weight_scale(n: int) -> float:
    """The fixed-point scale for a run of ``n`` samples (a power of two)."""
    return 2.0 ** (62 - math.ceil(math.log2(n + 1)))


@_jit
def accumulate_weighted(
    series, bits, units, thresholds, hist, low, high, mins, min_units, exceed
):
    """Add one block's weights to a thread's weighted histograms.

    ``series`` and ``bits`` are the rows :func:`effcast.engine._histogram.accumulate`
    has just filled for the block; ``units`` (int64[m]) are the samples'
    weights in fixed point. ``min_units[s]`` holds the weight at the exact
    minimum ``mins[s]`` of series ``s``; ``exceed[t, k]`` the weight of
    total ``t`` above ``thresholds[k]``.
    """
    m = series.shape[1]
    for s in range(series.shape[0]):
        lo = series[s, 0]
        for i in range(m):
            v = series[s, i]
            lo = min(lo, v)
            idx = (bits[s, i] >> _SHIFT) - _KEY_LO
            if idx < 0:
                low[s] += units[i]
            elif idx >= N_BINS:
                high[s] += units[i]
            else:
                hist[s, idx] += units[i]
        if lo <= mins[s]:
            tied = 0
            for i in range(m):
                if series[s, i] == lo:
                    tied += units[i]
            if lo < mins[s]:
                mins[s] = lo
                min_units[s] = tied
            else:
                min_units[s] += tied
    for t in range(2):
        for i in range(m):
            v = series[t, i]
            for k in range(thresholds.shape[0]):
                if v > thresholds[k]:
                    exceed[t, k] += units[i]


class WeightedHistograms:
    """The posterior histograms of a streamed run: weight per bin, in fixed point.

    Parameters
    ----------
    n_series, n_thresholds : int
        As for :class:`effcast.engine._histogram.Histograms`.
    samples : int
        The number of samples of the run, which sets :attr:`scale`.
    """

    def __init__(self, n_series: int, n_thresholds: int, samples: int) -> None:
        self.scale = weight_scale(samples)
        self.hist = np.zeros((n_series, N_BINS), dtype=np.int64)
        self.low = np.zeros(n_series, dtype=np.int64)
        self.high = np.zeros(n_series, dtype=np.int64)
        self.mins = np.full(n_series, np.inf)
        self.min_units = np.zeros(n_series, dtype=np.int64)
        self.exceed = np.zeros((2, n_thresholds), dtype=np.int64)

    def add(
        self,
        series: np.ndarray,
        bits: np.ndarray,
        weights: np.ndarray,
        thresholds: np.ndarray,
    ) -> None:
        """Add one block (``series``/``bits`` as filled by ``accumulate``)."""
        units = np.floor(weights * self.scale + 0.5).astype(np.int64)
        accumulate_weighted(
            series,
            bits,
            units,
            thresholds,
            self.hist,
            self.low,
            self.high,
            self.mins,
            self.min_units,
            self.exceed,
        )

    def merge(self, other: WeightedHistograms) -> None:
        """Add ``other``'s weights to these (exact: integers only)."""
        self.hist += other.hist
        self.low += other.low
        self.high += other.high
        self.exceed += other.exceed
        for s in range(len(self.mins)):
            if other.mins[s] < self.mins[s]:
                self.mins[s], self.min_units[s] = other.mins[s], other.min_units[s]
            elif other.mins[s] == self.mins[s]:
                self.min_units[s] += other.min_units[s]

    def total(self, s: int) -> int:
        """The weight of series ``s`` in fixed-point units."""
        return int(self.hist[s].sum() + self.low[s] + self.high[s])

    def quantile(self, s: int, q, mins: float, maxs: float) -> np.ndarray:
        """Weighted quantiles of series ``s`` (clipped to its sample extremes)."""
        qs = np.atleast_1d(np.asarray(q, dtype=float))
        counts = self.hist[s]
        cum = np.cumsum(counts) + self.low[s]
        total = self.total(s)
        out = np.empty_like(qs)
        for i, p in enumerate(qs):
            target = p * total
            if target <= self.min_units[s] or target <= self.low[s]:
                out[i] = mins
                continue
            b = int(np.searchsorted(cum, target, side="left"))
            if b >= N_BINS:
                out[i] = maxs
                continue
            before = cum[b] - counts[b]
            lo, hi = (float(v) for v in _edge(np.array([b, b + 1])))
            if lo <= mins < hi:
                before += self.min_units[s]
                lo = float(mins)
            inside = counts[b] - (self.min_units[s] if lo == mins else 0)
            frac = (target - before) / inside if inside > 0 else 0.0
            out[i] = lo + min(max(frac, 0.0), 1.0) * (hi - lo)
        return np.clip(out, mins, maxs)

    def prob_exceeds(self, s: int, x: float, mins: float, maxs: float) -> float:
        """The share of the weight above ``x`` (interpolated inside a bin)."""
        total = self.total(s)
        if x < mins:
            return 1.0
        if x >= maxs:
            return 0.0
        key = int(np.array([x], dtype=np.float64).view(np.int64)[0] >> _SHIFT)
        b = min(max(key - _KEY_LO, 0), N_BINS - 1)
        above = int(self.hist[s, b + 1 :].sum()) + int(self.high[s])
        lo, hi = (float(v) for v in _edge(np.array([b, b + 1])))
        in_bin = int(self.hist[s, b])
        if lo <= mins < hi:
            in_bin -= int(self.min_units[s])
            lo = float(mins)
        share = min(max((hi - x) / (hi - lo), 0.0), 1.0) if hi > lo else 0.0
        return float((above + share * in_bin) / total)
