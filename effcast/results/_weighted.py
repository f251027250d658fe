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
is numpy's default ``"linear"`` rule (Hyndman and Fan's type 7), and
:func:`weighted_quantile` then calls :func:`numpy.quantile` itself, so the
result is bit-for-bit what unweighted effcast reports. The general path
agrees with it to a few ulps (tested), so the two branches are the same
rule, not two rules.

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

from collections.abc import Sequence

import numpy as np

__all__ = [
    "kish_ess",
    "positions",
    "weighted_mean",
    "weighted_prob_exceeds",
    "weighted_quantile",
    "weighted_quantiles_sorted",
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


def _sorted_positive(
    data: np.ndarray, weights: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    keep = weights > 0
    x, w = data[keep], weights[keep]
    order = np.argsort(x, kind="stable")
    return x[order], w[order]


def positions(w: np.ndarray) -> np.ndarray:
    """The probability ``c_k`` of each sorted sample (see the module doc)."""
    s = np.cumsum(w)
    return (s - w / 2 - w[0] / 2) / (s[-1] - w[0] / 2 - w[-1] / 2)


def weighted_quantile(
    data: np.ndarray,
    weights: np.ndarray | None,
    q: float | Sequence[float] | np.ndarray,
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
        Use the general path even when all weights are equal (for tests).

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
    x, w = _sorted_positive(data, w)
    if x.size == 0:
        raise ValueError("every weight is zero")
    qa = np.asarray(q, dtype=float)
    if x.size == 1:
        out = np.full(qa.shape, x[0])
        return float(out) if out.ndim == 0 else out
    h = np.interp(np.atleast_1d(qa), positions(w), np.arange(x.size, dtype=float))
    lo = np.minimum(np.floor(h).astype(np.int64), x.size - 2)
    out = _lerp(x[lo], x[lo + 1], h - lo)
    return out[0] if qa.ndim == 0 else out.reshape(qa.shape)


def weighted_quantiles_sorted(
    x: np.ndarray, c: np.ndarray, q: Sequence[float]
) -> np.ndarray:
    """Quantiles from already sorted samples ``x`` and their positions ``c``."""
    if x.size == 1:
        return np.full(len(q), x[0])
    h = np.interp(np.asarray(q, dtype=float), c, np.arange(x.size, dtype=float))
    lo = np.minimum(np.floor(h).astype(np.int64), x.size - 2)
    return _lerp(x[lo], x[lo + 1], h - lo)


def weighted_prob_exceeds(
    data: np.ndarray, weights: np.ndarray | None, x: float | Sequence[float]
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
