"""A mergeable log-scale histogram for summarising samples without keeping them.

Positive doubles are ordered like their bit patterns, and the top bits of a
double (its exponent and the first ``MANTISSA_BITS`` bits of its mantissa)
name a bin whose width is a fixed fraction of its lower edge: here
``2**-11``, about 0.05%. Binning is an integer shift, no logarithm, so it
costs about as much as copying the value. Bins cover ``[2**-64, 2**64)``;
values outside (and zero or negative values) are counted apart, and each
series' exact minimum, the number of samples equal to it, and its exact
maximum are kept, so a floor's lump of identical values is reported exactly.

Counts are integers, so merging the histograms of several threads gives the
same result whichever thread saw which block.

Memory: 262,144 bins per series, as 32-bit counts below ``2**31`` samples
(1 MB a series, 17 MB for the GPT-3 prior's 17 series) and 64-bit above.

Values outside the bins' range fall into two overflow counts: a quantile
whose rank lands there is reported as the exact minimum or maximum, which is
outside the error bound; :meth:`Histograms.outside` says how many samples
did so, and a streamed summary reports them.

Error bound: a quantile read from the histogram lies in the same bin as the
true sample quantile (or equals the exact minimum when the rank falls inside
the lump at the minimum), so its relative error is below ``2**-11`` (0.049%)
for values inside the covered range; far smaller than the Monte Carlo error
of any quantile effcast reports.
"""

from __future__ import annotations

import math

import numba
import numpy as np

__all__ = [
    "MANTISSA_BITS",
    "N_BINS",
    "RELATIVE_BIN_WIDTH",
    "ExactSum",
    "Histograms",
    "accumulate",
]

MANTISSA_BITS = 11
RELATIVE_BIN_WIDTH = 2.0**-MANTISSA_BITS
_SHIFT = 52 - MANTISSA_BITS
_KEY_LO = (1023 - 64) << MANTISSA_BITS  # the bin holding 2**-64
_KEY_HI = (1023 + 64) << MANTISSA_BITS  # the first key at or above 2**64
N_BINS = _KEY_HI - _KEY_LO

_jit = numba.njit(cache=True, nogil=True)


@_jit
def accumulate(
    factors,
    totals,
    group_of,
    n_groups,
    series,
    bits,
    hist,
    low,
    high,
    mins,
    min_count,
    maxs,
    thresholds,
    exceed,
    log_sums,
):
    """Add one block's samples to a thread's histograms.

    ``series`` (float64[S, m]) is scratch space and ``bits`` its int64 view;
    rows are hardware, compute, each factor, each group, and each running
    product (factors 1..k multiplied). ``exceed[t, k]`` counts totals above
    ``thresholds[k]``; ``log_sums`` receives the block's sums of log10 of
    the two totals (see :class:`ExactSum` for how they are combined).
    """
    n_factors = factors.shape[0]
    m = totals.shape[1]
    g0 = 2 + n_factors
    r0 = g0 + n_groups
    # Row by row: writing across rows for each sample strides through memory.
    for i in range(m):
        series[0, i] = totals[0, i]
        series[1, i] = totals[1, i]
    for g in range(n_groups):
        for i in range(m):
            series[g0 + g, i] = 1.0
    for j in range(n_factors):
        g = g0 + group_of[j]
        for i in range(m):
            x = factors[j, i]
            series[2 + j, i] = x
            series[g, i] *= x
            if j == 0:
                series[r0, i] = x
            else:
                series[r0 + j, i] = series[r0 + j - 1, i] * x
    s_count = series.shape[0]
    for s in range(s_count):
        lo = series[s, 0]
        hi = series[s, 0]
        for i in range(m):
            v = series[s, i]
            lo = min(lo, v)
            hi = max(hi, v)
            idx = (bits[s, i] >> _SHIFT) - _KEY_LO
            if idx < 0:
                low[s] += 1  # below 2**-64, zero or negative (sign bit set)
            elif idx >= N_BINS:
                high[s] += 1
            else:
                hist[s, idx] += 1
        maxs[s] = max(maxs[s], hi)
        if lo <= mins[s]:
            ties = 0
            for i in range(m):
                if series[s, i] == lo:
                    ties += 1
            if lo < mins[s]:
                mins[s] = lo
                min_count[s] = ties
            else:
                min_count[s] += ties
    for t in range(2):
        total = 0.0
        for i in range(m):
            v = totals[t, i]
            total += math.log10(v)
            for k in range(thresholds.shape[0]):
                if v > thresholds[k]:
                    exceed[t, k] += 1
        log_sums[t] = total


class ExactSum:
    """A running sum held exactly, as Shewchuk's partials (what ``math.fsum`` uses).

    The blocks of a streamed run reach the threads in no fixed order; because
    this sum is exact until the final rounding, the total does not depend on
    that order, and memory stays a handful of floats however many blocks
    there are.

    Examples
    --------
    >>> a, b = ExactSum(), ExactSum()
    >>> for x in (1e16, 1.0, -1e16):
    ...     a.add(x)
    >>> for x in (-1e16, 1e16, 1.0):
    ...     b.add(x)
    >>> a.value == b.value == 1.0
    True
    """

    def __init__(self) -> None:
        self.partials: list[float] = []

    def add(self, x: float) -> None:
        """Add ``x`` exactly."""
        x = float(x)
        if not math.isfinite(x):
            self.partials = [math.fsum(self.partials) + x]
            return
        kept = []
        for y in self.partials:
            if abs(x) < abs(y):
                x, y = y, x
            hi = x + y
            lo = y - (hi - x)
            if lo:
                kept.append(lo)
            x = hi
        kept.append(x)
        self.partials = kept

    def merge(self, other: ExactSum) -> None:
        """Add another exact sum."""
        for p in other.partials:
            self.add(p)

    @property
    def value(self) -> float:
        """The sum, correctly rounded."""
        if any(not math.isfinite(p) for p in self.partials):
            return sum(self.partials)
        return math.fsum(self.partials)


def _edge(index: np.ndarray | int) -> np.ndarray:
    """The lower edge of bins ``index`` (may be ``N_BINS``: the top edge)."""
    keys = (np.asarray(index, dtype=np.int64) + _KEY_LO) << _SHIFT
    return keys.view(np.float64)


class Histograms:
    """The merged state of a streamed run: one histogram per series.

    Parameters
    ----------
    n_series : int
        Number of series (rows of :func:`accumulate`'s ``series``).
    n_thresholds : int
        Number of exceedance thresholds counted exactly for the totals.
    samples : int
        The most samples the histograms will see: below ``2**31`` the bins
        are 32-bit counts (about 1 MB per series), above it 64-bit.
    """

    def __init__(self, n_series: int, n_thresholds: int, samples: int = 0) -> None:
        # 32-bit counts halve the memory while no bin can reach 2**31.
        dtype = np.int32 if samples < 2**31 - 1 else np.int64
        self.hist = np.zeros((n_series, N_BINS), dtype=dtype)
        self.low = np.zeros(n_series, dtype=np.int64)
        self.high = np.zeros(n_series, dtype=np.int64)
        self.mins = np.full(n_series, np.inf)
        self.min_count = np.zeros(n_series, dtype=np.int64)
        self.maxs = np.full(n_series, -np.inf)
        self.exceed = np.zeros((2, n_thresholds), dtype=np.int64)
        self.log_sum = (ExactSum(), ExactSum())

    def merge(self, other: Histograms) -> None:
        """Add ``other``'s counts to these (exact: integers only)."""
        self.hist += other.hist
        self.low += other.low
        self.high += other.high
        self.exceed += other.exceed
        for mine, theirs in zip(self.log_sum, other.log_sum, strict=True):
            mine.merge(theirs)
        for s in range(len(self.mins)):
            if other.mins[s] < self.mins[s]:
                self.mins[s], self.min_count[s] = other.mins[s], other.min_count[s]
            elif other.mins[s] == self.mins[s]:
                self.min_count[s] += other.min_count[s]
        np.maximum(self.maxs, other.maxs, out=self.maxs)

    def add_log_sums(self, sums: np.ndarray) -> None:
        """Add one block's sums of log10 of the two totals."""
        for total, x in zip(self.log_sum, sums, strict=True):
            total.add(x)

    def count(self, s: int) -> int:
        """Samples seen in series ``s``."""
        return int(self.hist[s].sum(dtype=np.int64) + self.low[s] + self.high[s])

    def order_statistic(self, s: int, ranks: np.ndarray) -> np.ndarray:
        """Approximate 0-based order statistics of series ``s``.

        Within a bin the values are taken as evenly spread; ranks inside the
        lump at the exact minimum return the minimum, and ranks below or
        above the covered range return the exact minimum or maximum.
        """
        ranks = np.asarray(ranks, dtype=float)
        counts = self.hist[s].astype(np.int64)
        cum = np.cumsum(counts) + self.low[s]
        out = np.empty_like(ranks)
        for i, k in enumerate(ranks):
            if k < self.min_count[s]:
                out[i] = self.mins[s]
                continue
            if k < self.low[s]:
                out[i] = self.mins[s]
                continue
            b = int(np.searchsorted(cum, k, side="right"))
            if b >= N_BINS:
                out[i] = self.maxs[s]
                continue
            before = cum[b] - counts[b]
            lo, hi = _edge(b), _edge(b + 1)
            frac = (k - before + 0.5) / counts[b]
            out[i] = lo + frac * (hi - lo)
        return np.clip(out, self.mins[s], self.maxs[s])

    def quantile(self, s: int, q) -> np.ndarray:
        """Quantiles of series ``s``, interpolated like ``numpy.quantile``."""
        n = self.count(s)
        pos = (n - 1) * np.atleast_1d(np.asarray(q, dtype=float))
        lo = np.floor(pos)
        a = self.order_statistic(s, lo)
        b = self.order_statistic(s, np.minimum(lo + 1, n - 1))
        return a + (pos - lo) * (b - a)

    def prob_exceeds(self, s: int, x: float) -> float:
        """P(value > x) from the histogram (exact at bin edges, else interpolated).

        The lump at the exact minimum (a floor) never counts as above an
        ``x`` at or above it.
        """
        n = self.count(s)
        if x < self.mins[s]:
            return 1.0
        if x >= self.maxs[s]:
            return 0.0
        key = int(np.array([x], dtype=np.float64).view(np.int64)[0] >> _SHIFT)
        b = min(max(key - _KEY_LO, 0), N_BINS - 1)
        above = self.hist[s, b + 1 :].sum(dtype=np.int64) + self.high[s]
        lo, hi = float(_edge(b)), float(_edge(b + 1))
        in_bin = int(self.hist[s, b])
        if lo <= self.mins[s] < hi:
            # The lump sits in this bin at or below x; the rest lie above it.
            in_bin -= int(self.min_count[s])
            lo = float(self.mins[s])
        share = min(max((hi - x) / (hi - lo), 0.0), 1.0) if hi > lo else 0.0
        return float((above + share * in_bin) / n)

    def outside(self, s: int) -> int:
        """Samples of series ``s`` outside the bins' range (or not positive)."""
        return int(self.low[s] + self.high[s])
