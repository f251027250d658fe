"""Monte Carlo standard errors of the summary's figures.

A probability's error is binomial. A quantile's comes from the spacing of
order statistics either side of its rank (:func:`quantile_se`), which needs
no assumption about the distribution's shape; under quasi-Monte Carlo it
comes instead from the spread between independent scrambles
(:func:`spread_se`). :func:`standard_errors` assembles the ``"se"`` entry of
a summary.
"""

from __future__ import annotations

import math

import numpy as np

__all__ = ["SE_Z", "SPACING", "quantile_se", "se_ranks", "spread_se", "standard_errors"]

SE_Z = 2.0
"""Half-width, in standard deviations of a binomial rank, of the order
statistics whose spacing estimates a quantile's standard error."""

SPACING = "order-statistic spacing (quantiles), binomial (probabilities)"
"""How the errors of plain Monte Carlo figures are computed."""


def se_ranks(n: int, p: float) -> tuple[int, int]:
    """The ranks whose spacing estimates the standard error at ``p``."""
    half = SE_Z * math.sqrt(n * p * (1 - p))
    lo = max(0, math.floor(n * p - half))
    hi = min(n - 1, math.ceil(n * p + half))
    return lo, hi


def quantile_se(n: int, p: float, stat) -> float:
    """The standard error of the sample ``p``-quantile, from order statistics.

    The sample quantile's variance is ``p (1 - p) / (n f(x_p)**2)``; the
    density's reciprocal ``1 / f`` is estimated by the spacing of the order
    statistics ``SE_Z`` binomial standard deviations either side of rank
    ``n p`` (a distribution-free estimate, as in Maritz and Jarrett's and
    Bloch and Gastwirth's intervals). ``stat(rank)`` gives an order
    statistic; for ``n < 2`` the error is unknown (``nan``).
    """
    if n < 2:
        return math.nan
    lo, hi = se_ranks(n, p)
    if hi <= lo:
        return math.nan
    spread = float(stat(hi)) - float(stat(lo))
    return spread * n / (hi - lo) * math.sqrt(p * (1 - p) / n)


def spread_se(estimates: np.ndarray) -> np.ndarray:
    """The standard error of the pooled estimate from ``R`` scrambles' own.

    ``estimates`` has the scrambles on its first axis. Their standard
    deviation over ``sqrt(R)``, divided by ``c4(R)`` (the mean of a sample
    standard deviation of ``R`` normals, in units of sigma) so that the
    error is unbiased on average.
    """
    r = estimates.shape[0]
    c4 = math.sqrt(2 / (r - 1)) * math.exp(
        math.lgamma(r / 2) - math.lgamma((r - 1) / 2)
    )
    return np.std(estimates, axis=0, ddof=1) / (math.sqrt(r) * c4)


def standard_errors(
    quantile_se: dict[str, float],
    probs: dict[str, float],
    n: int,
    probs_se: np.ndarray | None = None,
    method: str | None = None,
) -> dict:
    """The ``"se"`` entry of a total: its quantiles' and probabilities' errors.

    A probability's error is the binomial ``sqrt(p (1 - p) / n)``; a
    quantile's comes from the spacing of order statistics
    (:func:`quantile_se`). ``nan`` (too few samples) is written as ``None``.
    """

    def clean(v: float) -> float | None:
        return None if math.isnan(v) else float(v)

    if probs_se is None:
        p_se = {k: math.sqrt(p * (1 - p) / n) for k, p in probs.items()}
        method = method or SPACING
    else:
        p_se = {k: float(v) for k, v in zip(probs, probs_se, strict=True)}
    return {
        "quantiles": {k: clean(v) for k, v in quantile_se.items()},
        "prob_exceeds": p_se,
        "method": method or SPACING,
    }
