"""numba kernels for exact order statistics of many series in about one pass.

The fast summary (:mod:`effcast.results._order_stats`) needs a few order
statistics of every factor, every group's product, every running product and
both totals. Sorting or partitioning each series costs a pass (or several)
per statistic; these kernels read the samples about once in all:

1. :func:`histogram_pass` over a subsample (every 8th chunk) bins every
   series on the top bits of its values (positive doubles order like their
   bit patterns; :data:`N_BINS` bins of relative width ``2**-9`` over
   ``[2**-64, 2**64)``, one underflow and one overflow bin). That places a
   window of bins around each wanted rank, wide enough that the full
   sample's order statistic lies inside it but for a vanishing chance.
2. :func:`histogram_pass` over every sample counts the bins exactly, counts
   the totals above the reported thresholds, and copies out the values that
   fall in the windows; the caller partitions, in each bin that holds a
   wanted rank, those values alone to get the exact order statistic.
3. Should a rank fall outside its window after all, :func:`collect_pass`
   copies out the bins that hold the wanted ranks in a second full pass
   (the result is the same either way; only the time differs).

A series is described by numbers, not built in memory: ``spec[s] = (kind,
row, count)`` with ``kind`` 0 for a row of ``totals`` and 1 for the product
of ``count`` factor rows ``members[s, :count]``, multiplied left to right
from the first (as :meth:`effcast.Results.group` and the running products
multiply, so the values are bit for bit the same).

Work is cut into contiguous sample ranges, one per thread, and each range is
walked in chunks that stay in cache; counts are integers and a bin's values
are the same set whichever thread copied them, so the result does not depend
on how the samples were split.
"""

from __future__ import annotations

import numba
import numpy as np

__all__ = [
    "BIN_MANTISSA_BITS",
    "N_BINS",
    "CHUNK",
    "bin_edges",
    "bin_of",
    "collect_pass",
    "empty_scratch",
    "histogram_pass",
    "no_slots",
    "start_counts",
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
    """Make the chunk of samples ``c0 .. c0 + m`` ready to bin.

    Each factor row is copied once into ``fac``; each product of two or more
    factors is made from there, in cache, into its row of ``scratch``.
    Totals and single factors are binned where they are (see
    :func:`_source`). Rows are taken as 1-d views so that the loops
    vectorise.
    """
    for j in range(factors.shape[0]):
        src = factors[j, c0 : c0 + m]
        dst = fac[j]
        for i in range(m):
            dst[i] = src[i]
    for s in range(spec.shape[0]):
        if spec[s, 0] == 0 or spec[s, 2] == 1:
            continue
        dst = scratch[s]
        src = fac[members[s, 0]]
        for i in range(m):
            dst[i] = src[i]
        for k in range(1, spec[s, 2]):
            src = fac[members[s, k]]
            for i in range(m):
                dst[i] *= src[i]


@_jit
def _source(totals, spec, members, s, c0, m, fac, scratch):
    """Series ``s``'s values for the chunk: a slice of its total, its factor's
    row in ``fac``, or its product's row in ``scratch``."""
    if spec[s, 0] == 0:
        return totals[spec[s, 1], c0 : c0 + m]
    if spec[s, 2] == 1:
        return fac[members[s, 0], :m]
    return scratch[s, :m]


@_jit
def histogram_pass(
    totals,
    factors,
    spec,
    members,
    lo,
    hi,
    step,
    thresholds,
    counts,
    exceed,
    slot_of,
    cursor,
    end,
    out,
    fac,
    scratch,
):
    """Count samples ``lo .. hi`` of every series into ``counts[s, column]``.

    Only every ``step``-th chunk of ``CHUNK`` samples is read (``step=1``:
    all of them; more: a subsample, spread over the range). ``exceed[s, k]``
    counts the values of series ``s`` strictly above ``thresholds[k]`` for
    the series of kind 0 (the totals).

    Collecting as it counts: a value whose column has a slot
    (``slot_of[s, column] = k >= 0``) is also copied to ``out[cursor[k]]``
    while ``cursor[k] < end[k]``; the cursor moves on either way, so
    ``cursor[k] > end[k]`` afterwards says the slot's room was too small.
    The counts of the columns with a slot must start at the most negative
    value of their integer type (:func:`start_counts` makes them so) and
    are offset by that table afterwards; no thread sees that
    many samples, so they stay negative. A ``slot_of`` with no columns
    (shape ``(S, 0)``) collects nothing and counts from zero.

    ``fac`` and ``scratch`` are float64 buffers of ``CHUNK`` columns (see
    :func:`empty_scratch`).
    """
    n_series = spec.shape[0]
    collect = slot_of.shape[1] > 0
    for c0 in range(lo, hi, CHUNK * step):
        m = min(CHUNK, hi - c0)
        _fill(totals, factors, spec, members, c0, m, fac, scratch)
        for s in range(n_series):
            row = counts[s]
            x = _source(totals, spec, members, s, c0, m, fac, scratch)
            b = x.view(np.int64)
            if collect:
                slots = slot_of[s]
                for i in range(m):
                    col = bin_of(b[i])
                    # A column with a slot starts its count at the most
                    # negative integer: the count just loaded says whether
                    # to collect, with no second table to read.
                    c = row[col] + 1
                    row[col] = c
                    if c < 0:
                        k = slots[col]
                        c = cursor[k]
                        if c < end[k]:
                            out[c] = x[i]
                        cursor[k] = c + 1
            else:
                for i in range(m):
                    row[bin_of(b[i])] += 1
            if spec[s, 0] == 0:
                for k in range(thresholds.shape[0]):
                    t = thresholds[k]
                    c = 0
                    for i in range(m):
                        if x[i] > t:
                            c += 1
                    exceed[s, k] += c


@_jit
def collect_pass(
    totals, factors, spec, members, lo, hi, slot_of, cursor, out, fac, scratch
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
            x = _source(totals, spec, members, s, c0, m, fac, scratch)
            b = x.view(np.int64)
            for i in range(m):
                k = slot_of[s, bin_of(b[i])]
                if k >= 0:
                    out[cursor[k]] = x[i]
                    cursor[k] += 1


def bin_edges(col: int) -> tuple[float, float]:
    """The values ``[lo, hi)`` of histogram column ``col`` (1 to ``N_BINS``)."""
    lo = np.int64(col + _KEY_LO - 1) << np.int64(_SHIFT)
    return float(lo.view(np.float64)), float((lo + (1 << _SHIFT)).view(np.float64))


def no_slots(n_series: int) -> np.ndarray:
    """A ``slot_of`` table that makes :func:`histogram_pass` only count."""
    return np.empty((n_series, 0), dtype=np.int64)


def start_counts(slot_of: np.ndarray, dtype, n_series: int) -> np.ndarray:
    """One thread's counts before :func:`histogram_pass`: zero, and the most
    negative ``dtype`` value in the columns that have a slot."""
    counts = np.zeros((n_series, N_BINS + 2), dtype=dtype)
    if slot_of.shape[1]:
        counts[slot_of >= 0] = np.iinfo(dtype).min
    return counts


def empty_scratch(n_factors: int, n_series: int) -> tuple[np.ndarray, np.ndarray]:
    """One thread's chunk buffers: the factors' rows and the products' rows."""
    return np.empty((n_factors, CHUNK)), np.empty((n_series, CHUNK))
