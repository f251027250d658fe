"""Statistics of weighted samples: quantiles, exceedance, means, Kish's ESS.

When a prior carries ``[[evidence]]``, every sample has an importance weight
(its likelihood), and every figure is a statistic of the weighted sample.

Quantile rule
-------------
Sort the samples, ``x_1 <= ... <= x_n``, with weights ``w_k > 0`` (samples
of weight zero carry no mass and are dropped) and cumulative sums
``S_k = w_1 + ... + w_k``. Sample ``k`` is placed at probability

    c_k = (S_k - w_k / 2 - w_1 / 2) / (S_n - w_1 / 2 - w_n / 2),

so ``c_1 = 0``, ``c_n = 1`` and the positions increase strictly. The
``p``-quantile interpolates linearly between the two samples whose positions
bracket ``p``. When all weights are equal, ``c_k = (k - 1) / (n - 1)``: this
is numpy's default ``"linear"`` rule (Hyndman and Fan's type 7), and the
result is bit-for-bit what unweighted effcast reports (tested).

The positions are computed exactly: weights are first put in fixed point
(:func:`weight_units`, ``2**-K`` of the largest weight with ``K`` about
``61 - log2(n)``, the resolution a streamed run also uses), so the cumulative
sums are integers. Equal weights become one power of two, and the
interpolation fraction then equals numpy's to the bit. (With equal weights
:func:`weighted_quantile` also calls :func:`numpy.quantile` directly, which
is faster; the general path gives the same bits.)

Everything here works one series at a time on in-memory arrays; a streamed
run answers the same questions from weighted histograms
(:mod:`effcast.engine._weighted_histogram`).

Examples
--------
>>> import numpy as np
>>> x = np.array([1.0, 2.0, 3.0, 4.0])
>>> float(weighted_quantile(x, np.ones(4), 0.5)) == float(np.quantile(x, 0.5))
True
>>> float(weighted_quantile(x, np.array([1.0, 1.0, 1.0, 0.0]), 0.5))
2.0
>>> round(kish_ess(np.array([1.0, 1.0, 2.0])), 3)
2.667
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

__all__ = [
    "kish_ess",
    "quantiles_sorted",
    "sort_weighted",
    "weight_units",
    "weighted_cdf",
    "weighted_inverted_cdf",
    "weighted_mean",
    "weighted_prob_exceeds",
    "weighted_quantile",
]


def kish_ess(weights: np.ndarray) -> float:
    """Kish's effective sample size, ``(sum w)**2 / sum w**2``.

    ``n`` for equal weights, 1 when one sample holds all the weight, 0 when
    every weight is zero.
    """
    w = np.asarray(weights, dtype=float)
    s2 = float(np.dot(w, w))
    return float(np.sum(w)) ** 2 / s2 if s2 > 0 else 0.0


def _lerp(a: np.ndarray, b: np.ndarray, t: np.ndarray) -> np.ndarray:
    """numpy's own interpolation (``numpy.lib._function_base_impl._lerp``)."""
    diff = b - a
    out = np.asarray(a + diff * t)
    high = t >= 0.5
    out[high] = (b - diff * (1 - t))[high]
    return out


def weight_units(w: np.ndarray) -> np.ndarray:
    """Weights in exact fixed point: ``round(w / max(w) * 2**K)`` as int64.

    ``K = 61 - ceil(log2(n + 1))``, so that twice the sum of ``n`` units
    cannot overflow; a weight below ``2**-K`` of the largest counts as zero
    (as in a streamed run). Equal weights become the same power of two,
    which makes the general path reproduce numpy's linear rule bit for bit.
    """
    scale = 2.0 ** (61 - math.ceil(math.log2(w.size + 1)))
    top = float(np.max(w)) if w.size else 0.0
    if top <= 0:
        return np.zeros(w.size, dtype=np.int64)
    return np.floor(w * (scale / top) + 0.5).astype(np.int64)


def sort_weighted(
    data: np.ndarray, weights: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Samples of positive weight, sorted, and their exact positions.

    Returns ``x`` (sorted) and ``num`` (int64) with ``c_k = num[k] / num[-1]``
    (see the module docstring), computed in integers.
    """
    units = weight_units(np.asarray(weights, dtype=float))
    keep = units > 0
    x, u = data[keep], units[keep]
    order = np.argsort(x, kind="stable")
    x, u = x[order], u[order]
    if u.size == 0:
        return x, u
    s = np.cumsum(u)
    return x, 2 * s - u - u[0]


_BRACKET_BINS = 16384
_FAST_ABOVE = 50_000


def _bracketed_quantiles(x: np.ndarray, u: np.ndarray, qs: np.ndarray):
    """The quantiles :func:`quantiles_sorted` would give, sorting only the
    samples near each one; ``None`` where that cannot be guaranteed.

    The samples are binned by ``log(x)`` (a monotone map, so ties share a
    bin and every bin's samples lie above the previous bin's); for each
    ``q`` the bins around the crossing of the cumulative weight are sorted
    (stable, as the full sort is), with the exact integer weight below them
    added, which reproduces the full sort's positions for those samples.
    If the bracket does not hold both samples that enclose ``q``, the
    caller sorts everything.
    """
    if not np.all(x > 0) or not np.all(np.isfinite(x)):
        return None
    lx = np.log(x)
    first, last = int(np.argmin(x)), x.size - 1 - int(np.argmax(x[::-1]))
    lo, hi = lx[first], lx[last]
    if not hi > lo:
        return None
    u0 = int(u[first])
    den = float(2 * int(u.sum()) - int(u[last]) - u0)
    idx = np.minimum(
        ((lx - lo) * (_BRACKET_BINS / (hi - lo))).astype(np.int64), _BRACKET_BINS - 1
    )
    # Each bin's weight, exactly: three 21-bit slices summed as floats stay
    # below 2**53 for up to 2**32 samples.
    per_bin = np.zeros(_BRACKET_BINS, dtype=np.int64)
    for shift in (0, 21, 42):
        part = ((u >> shift) & (2**21 - 1)).astype(float)
        sums = np.bincount(idx, weights=part, minlength=_BRACKET_BINS)
        per_bin += sums.astype(np.int64) << shift
    cum = np.cumsum(per_bin)
    out = np.empty(qs.shape)
    for i, q in enumerate(qs):
        target = q * den
        b = int(np.searchsorted(cum.astype(float), target / 2))
        b0, b1 = max(b - 1, 0), min(b + 1, _BRACKET_BINS - 1)
        inside = np.flatnonzero((idx >= b0) & (idx <= b1))
        xs, us = x[inside], u[inside]
        order = np.argsort(xs, kind="stable")
        xs, us = xs[order], us[order]
        below = int(cum[b0 - 1]) if b0 > 0 else 0
        num = 2 * (below + np.cumsum(us)) - us - u0
        numf = num.astype(float)
        k = int(np.searchsorted(numf, target, side="right")) - 1
        if k < 0 or k + 1 >= xs.size:
            return None
        t = _fraction(np.array([target]), num, numf, np.array([k]))
        out[i] = _lerp(xs[k : k + 1], xs[k + 1 : k + 2], t)[0]
    return out


def quantiles_sorted(x: np.ndarray, num: np.ndarray, q) -> np.ndarray:
    """Quantiles from :func:`sort_weighted`'s ``x`` and ``num``."""
    qs = np.atleast_1d(np.asarray(q, dtype=float))
    if x.size == 1:
        return np.full(qs.shape, x[0])
    numf = num.astype(float)
    target = qs * numf[-1]
    k = np.clip(np.searchsorted(numf, target, side="right") - 1, 0, x.size - 2)
    return _lerp(x[k], x[k + 1], _fraction(target, num, numf, k))


def _fraction(target, num: np.ndarray, numf: np.ndarray, k) -> np.ndarray:
    """Where ``target`` lies between positions ``k`` and ``k + 1``, in [0, 1].

    The step is taken in exact integers: two tiny weights can sit one
    float apart at the top of the range, where a float difference is 0.
    """
    step = (num[k + 1] - num[k]).astype(float)
    return np.clip((target - numf[k]) / step, 0.0, 1.0)


def weighted_quantile(
    data: np.ndarray,
    weights: np.ndarray | None,
    q: float | Sequence[float] | np.ndarray | np.ndarray,
    *,
    general: bool = False,
):
    """Quantiles of weighted samples, by the rule in the module docstring.

    Parameters
    ----------
    data : numpy.ndarray
        The samples.
    weights : numpy.ndarray or None
        Non-negative weights, one per sample (``None``: all equal).
    q : float or sequence of float
        Probabilities in [0, 1].
    general : bool
        Use the general path even when all weights are equal (for tests:
        it gives the same bits).

    Notes
    -----
    Above 50,000 samples, each quantile sorts only the samples near it
    (:func:`_bracketed_quantiles`), which gives the same bits as sorting
    them all (tested) at a fraction of the cost.

    Returns
    -------
    float or numpy.ndarray
        Shaped like ``q``, as :func:`numpy.quantile` returns.

    Raises
    ------
    ValueError
        If every weight is zero.
    """
    data = np.asarray(data, dtype=float)
    if weights is None:
        return np.quantile(data, q)
    w = np.asarray(weights, dtype=float)
    if not general and w.size and np.all(w == w[0]) and w[0] > 0:
        return np.quantile(data, q)
    qa = np.asarray(q, dtype=float)
    units = weight_units(w)
    keep = units > 0
    fast = None
    if np.count_nonzero(keep) > _FAST_ABOVE:
        fast = _bracketed_quantiles(data[keep], units[keep], np.atleast_1d(qa))
    if fast is not None:
        return fast[0] if qa.ndim == 0 else fast.reshape(qa.shape)
    x, num = sort_weighted(data, w)
    if x.size == 0:
        raise ValueError("every weight is zero")
    out = quantiles_sorted(x, num, qa)
    return out[0] if qa.ndim == 0 else out.reshape(qa.shape)


def weighted_prob_exceeds(
    data: np.ndarray,
    weights: np.ndarray | None,
    x: float | Sequence[float] | np.ndarray,
):
    """The share of the weight on samples strictly greater than ``x``."""
    data = np.asarray(data, dtype=float)
    xs = np.atleast_1d(np.asarray(x, dtype=float))
    if weights is None:
        out = np.array([np.count_nonzero(data > v) / data.size for v in xs])
    else:
        w = np.asarray(weights, dtype=float)
        total = float(np.sum(w))
        out = np.array([float(np.sum(w[data > v])) / total for v in xs])
    return float(out[0]) if np.ndim(x) == 0 else out


def weighted_mean(values: np.ndarray, weights: np.ndarray | None) -> float:
    """The (weighted) mean of ``values``."""
    if weights is None:
        return float(np.mean(values))
    w = np.asarray(weights, dtype=float)
    return float(np.dot(values, w) / np.sum(w))


def weighted_inverted_cdf(
    data: np.ndarray,
    weights: np.ndarray | None,
    q: float | Sequence[float] | np.ndarray,
):
    """numpy's ``"inverted_cdf"`` quantile, weighted: the smallest sample whose
    cumulative weight reaches ``q`` of the total (for crossing years, which
    may be ``inf``). Equal weights give numpy's own result."""
    data = np.asarray(data, dtype=float)
    if weights is None:
        return np.quantile(data, q, method="inverted_cdf")
    units = weight_units(np.asarray(weights, dtype=float))
    keep = units > 0
    x, u = data[keep], units[keep]
    order = np.argsort(x, kind="stable")
    x, cum = x[order], np.cumsum(u[order]).astype(float)
    qa = np.asarray(q, dtype=float)
    k = np.searchsorted(cum, np.atleast_1d(qa) * cum[-1], side="left")
    out = x[np.clip(k, 0, x.size - 1)]
    return out[0] if qa.ndim == 0 else out.reshape(qa.shape)


def weighted_cdf(data: np.ndarray, weights: np.ndarray | None, x) -> np.ndarray:
    """P(data <= x) for each ``x``: the share of the weight at or below it."""
    data = np.asarray(data, dtype=float)
    xs = np.atleast_1d(np.asarray(x, dtype=float))
    if weights is None:
        return np.searchsorted(np.sort(data), xs, side="right") / data.size
    order = np.argsort(data, kind="stable")
    cum = np.concatenate([[0.0], np.cumsum(np.asarray(weights)[order])])
    return cum[np.searchsorted(data[order], xs, side="right")] / cum[-1]
