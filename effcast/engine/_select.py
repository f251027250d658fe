"""numba kernels for exact order statistics of many series in two passes.

The fast summary (:mod:`effcast.results._fast_stats`) needs a few order
statistics of every factor, every group's product, every running product and
both totals. Sorting or partitioning each series costs a pass (or several)
per statistic; these kernels read the samples twice in all:

1. :func:`histogram_pass` bins every series on the top bits of its values
   (positive doubles order like their bit patterns; :data:`N_BINS` bins of
   relative width ``2**-9`` over ``[2**-64, 2**64)``, one underflow and one
   overflow bin) and counts the totals above the reported thresholds.
2. :func:`collect_pass` copies out the values that fall in the few bins
   holding a wanted rank; the caller partitions those (a few thousand values
   each) to get the exact order statistic.

A series is described by numbers, not built in memory: ``spec[s] = (kind,
row, count)`` with ``kind`` 0 for a row of ``totals`` and 1 for the product
of ``count`` factor rows ``members[s, :count]``, multiplied left to right
from the first (as :meth:`effcast.Results.group` and the running products
multiply, so the values are bit for bit the same).

Work is cut into contiguous sample ranges, one per thread, and each range is
walked in chunks that stay in cache; counts are integers, so the sum over
threads does not depend on how the samples were split.
"""

from __future__ import annotations

import numba
import numpy as np

__all__ = [
    "BIN_MANTISSA_BITS",
    "N_BINS",
    "bin_of",
    "collect_pass",
    "histogram_pass",
]

BIN_MANTISSA_BITS = 9
_SHIFT = 52 - BIN_MANTISSA_BITS
_KEY_LO = (1023 - 64) << BIN_MANTISSA_BITS
N_BINS = 128 << BIN_MANTISSA_BITS
"""Bins inside ``[2**-64, 2**64)``; column 0 counts values below (and zero,
negative or NaN with the sign bit set), column ``N_BINS + 1`` values above."""

CHUNK = 1024

_jit = numba.njit(cache=True, nogil=True)


@_jit
def bin_of(bits):
    """The histogram column of a double given by its int64 bit pattern."""
    # min/max rather than branches: the compiler makes them conditional moves.
    return min(max((bits >> _SHIFT) - (_KEY_LO - 1), 0), N_BINS + 1)


@_jit
def _fill(totals, factors, spec, members, c0, m, fac, scratch):
    """Write every series for samples ``c0 .. c0 + m`` into ``scratch[:, :m]``.

    Each factor row is read from memory once, into ``fac``; the products are
    made from there, in cache.
    """
    for j in range(factors.shape[0]):
        for i in range(m):
            fac[j, i] = factors[j, c0 + i]
    for s in range(spec.shape[0]):
        if spec[s, 0] == 0:
            row = spec[s, 1]
            for i in range(m):
                scratch[s, i] = totals[row, c0 + i]
            continue
        first = members[s, 0]
        for i in range(m):
            scratch[s, i] = fac[first, i]
        for k in range(1, spec[s, 2]):
            j = members[s, k]
            for i in range(m):
                scratch[s, i] *= fac[j, i]


@_jit
def histogram_pass(
    totals,
    factors,
    spec,
    members,
    lo,
    hi,
    thresholds,
    counts,
    exceed,
    fac,
    scratch,
    bits,
):
    """Count samples ``lo .. hi`` of every series into ``counts[s, column]``.

    ``exceed[s, k]`` counts the values of series ``s`` strictly above
    ``thresholds[k]`` for the series of kind 0 (the totals). ``fac`` and
    ``scratch`` are float64 buffers of ``CHUNK`` columns (see
    :func:`empty_scratch`) and ``bits`` the int64 view of ``scratch``.
    """
    n_series = spec.shape[0]
    for c0 in range(lo, hi, CHUNK):
        m = min(CHUNK, hi - c0)
        _fill(totals, factors, spec, members, c0, m, fac, scratch)
        for s in range(n_series):
            for i in range(m):
                counts[s, bin_of(bits[s, i])] += 1
            if spec[s, 0] == 0:
                for k in range(thresholds.shape[0]):
                    t = thresholds[k]
                    c = 0
                    for i in range(m):
                        if scratch[s, i] > t:
                            c += 1
                    exceed[s, k] += c


@_jit
def collect_pass(
    totals, factors, spec, members, lo, hi, slot_of, cursor, out, fac, scratch, bits
):
    """Copy the values of samples ``lo .. hi`` that fall in a wanted bin.

    ``slot_of[s, column]`` is the slot of a wanted bin or -1; a value of
    slot ``k`` is written at ``out[cursor[k]]``, which then moves on.
    """
    n_series = spec.shape[0]
    for c0 in range(lo, hi, CHUNK):
        m = min(CHUNK, hi - c0)
        _fill(totals, factors, spec, members, c0, m, fac, scratch)
        for s in range(n_series):
            for i in range(m):
                k = slot_of[s, bin_of(bits[s, i])]
                if k >= 0:
                    out[cursor[k]] = scratch[s, i]
                    cursor[k] += 1


def empty_scratch(
    n_factors: int, n_series: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """One thread's chunk buffers: factors, series, and the series' bits."""
    scratch = np.empty((n_series, CHUNK))
    return np.empty((n_factors, CHUNK)), scratch, scratch.view(np.int64)
