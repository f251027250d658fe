"""Which beliefs move a forward answer: Shapley shares and a tornado.

The outputs are forward ones: a crossing year, the reduction in a chosen
year, effective compute. The *inputs* are every belief drawn per sample:
each factor's end-of-period value, each uncertain forward rate (a view's
``rate_ci``, a prior-wide rate distribution) and the frontier's growth.
The copula correlates the factors, so a variance decomposition that assumes
independence (Sobol indices) would double-count what correlated inputs
share.

**Shares.** Inputs and output are turned into normal scores
(``Phi^-1`` of their ranks, so a crossing year of ``inf`` is simply the
largest) and the output is regressed on the inputs. ``R2(S)`` is the share
of the output's variance that the inputs in ``S`` explain together, computed
from the correlation matrix for every subset. Each input's share is its
Shapley value of that game (the "LMG" decomposition):

    share_i = sum over S not holding i of |S|! (k - |S| - 1)! / k!
              * (R2(S + i) - R2(S)),

the average, over every order of adding the inputs, of what ``i`` adds to
the explained variance. The shares add up to ``R2`` of all inputs (reported
as ``explained``; the rest is what a monotone-linear surrogate misses:
interactions and thresholds such as ceilings). Under correlation the
variance two inputs explain *together* is split between them equally in
expectation over the orders, so a factor correlated with an important one
gets part of its credit, and no share is negative or counted twice. A share
says how much of the spread of the answer goes with that belief, not what
would happen if it alone changed.

**Tornado.** For each input, the median output among the samples where the
input lies in its bottom ``low`` fraction and its top ``1 - high`` fraction.
These are conditional medians, so a correlated partner moves with the input
(what we would expect to see if we learned the input was low or high).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np
from scipy import special

from effcast._errors import EffcastError

__all__ = [
    "crossing_sensitivity",
    "forecast_sensitivity",
    "forward_inputs",
    "forward_sensitivity",
    "shapley_r2",
]

MAX_INPUTS = 16
"""The most inputs an exact Shapley decomposition is computed for."""


def _scores(x: np.ndarray) -> np.ndarray:
    """Normal scores of ``x`` (ties broken by order; ``inf`` ranks last)."""
    ranks = np.argsort(np.argsort(x, kind="stable"), kind="stable")
    return special.ndtri((ranks + 0.5) / x.size)


def shapley_r2(inputs: np.ndarray, output: np.ndarray) -> tuple[np.ndarray, float]:
    """Shapley shares of ``R2`` for a linear fit of ``output`` on ``inputs``.

    Parameters
    ----------
    inputs : ndarray, shape (k, n)
    output : ndarray, shape (n,)

    Returns
    -------
    shares : ndarray, shape (k,)
        They add up to ``r2``.
    r2 : float
        ``R2`` of all inputs together.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> x = rng.normal(size=(2, 200_000))
    >>> y = x[0] + 2 * x[1]  # independent: shares 1/5 and 4/5
    >>> shares, r2 = shapley_r2(x, y)
    >>> shares.round(2).tolist(), round(r2, 6)
    ([0.2, 0.8], 1.0)
    """
    k = inputs.shape[0]
    if k > MAX_INPUTS:
        raise EffcastError(
            f"{k} uncertain inputs are too many for an exact Shapley "
            f"decomposition (at most {MAX_INPUTS})"
        )
    data = np.vstack([inputs, output[None, :]])
    corr = np.corrcoef(data)
    corr = np.nan_to_num(corr, nan=0.0)
    rxx, rxy = corr[:k, :k], corr[:k, k]
    r2 = np.zeros(1 << k)
    for mask in range(1, 1 << k):
        idx = [i for i in range(k) if mask >> i & 1]
        sub = rxx[np.ix_(idx, idx)]
        c = rxy[idx]
        beta = np.linalg.lstsq(sub, c, rcond=None)[0]
        r2[mask] = float(np.clip(c @ beta, 0.0, 1.0))
    fact = [math.factorial(j) for j in range(k + 1)]
    shares = np.zeros(k)
    for mask in range(1 << k):
        size = bin(mask).count("1")
        for i in range(k):
            if mask >> i & 1:
                continue
            weight = fact[size] * fact[k - size - 1] / fact[k]
            shares[i] += weight * (r2[mask | 1 << i] - r2[mask])
    return shares, float(r2[-1])


def forward_inputs(fc: Any) -> dict[str, np.ndarray]:
    """The beliefs drawn per sample: factors, uncertain rates, frontier growth."""
    res = fc.results
    dyn = fc.dynamics
    out: dict[str, np.ndarray] = {}
    for name in res.names:
        out[name] = dyn.factor_log_end(name)
    for name, rho in dyn.rho.items():
        if dyn.views[name].rate_ci is not None:
            out[f"{name} (forward rate)"] = rho
    if isinstance(dyn.rate_spec, Mapping):
        out["forward rate (prior-wide)"] = dyn.rho_default["compute"]
    if fc.frontier is not None and np.ptp(fc.frontier.log10_g) > 0:
        out["frontier growth"] = fc.frontier.log10_g
    return {k: v for k, v in out.items() if np.ptp(v) > 0}


def forward_sensitivity(
    fc: Any,
    output: np.ndarray,
    label: str,
    *,
    low: float = 0.1,
    high: float = 0.9,
    max_samples: int = 200_000,
) -> dict[str, Any]:
    """Shapley shares and a tornado of one forward output, per sample.

    Parameters
    ----------
    fc : Forecast
        The forecast the output comes from (its per-sample beliefs are the
        inputs; see :func:`forward_inputs`).
    output : ndarray
        The output per sample: a crossing year (``inf`` for never), a
        ``log10`` reduction, ``log10`` effective compute.
    label : str
        What the output is, for reports.
    low, high : float
        The tornado's fractions.
    max_samples : int
        Shares are estimated on at most this many samples (evenly spaced).

    Returns
    -------
    dict
        ``output``, ``median``, ``explained`` (``R2``), ``low``, ``high``, and
        ``inputs``: per input its ``share``, ``median_at_low`` and
        ``median_at_high``, largest share first.

    Examples
    --------
    >>> import effcast
    >>> fc = effcast.forecast(effcast.load("gpt3_today"), to=2035, n=20_000,
    ...                       seed=1)
    >>> doc = forward_sensitivity(fc, fc.log10_reduction("compute", 2030),
    ...                           "log10 compute reduction in 2030")
    >>> total = sum(v["share"] for v in doc["inputs"].values())
    >>> abs(total - doc["explained"]) < 1e-9
    True
    """
    if not 0 < low < high < 1:
        raise EffcastError(
            f"the tornado's fractions must satisfy 0 < low < high < 1, got "
            f"{low:g} and {high:g}",
            field="low",
        )
    inputs = forward_inputs(fc)
    if not inputs:
        raise EffcastError("nothing is uncertain: every input is constant")
    names = list(inputs)
    y = np.asarray(output, dtype=float)
    step = max(1, y.size // max_samples)
    xs = np.stack([_scores(inputs[k][::step]) for k in names])
    shares, r2 = shapley_r2(xs, _scores(y[::step]))
    rows: dict[str, Any] = {}
    order = np.argsort(-shares)
    for i in order:
        x = inputs[names[i]]
        lo, hi = np.quantile(x, [low, high])
        rows[names[i]] = {
            "share": float(shares[i]),
            "median_at_low": _median(y[x <= lo]),
            "median_at_high": _median(y[x >= hi]),
        }
    return {
        "output": label,
        "median": _median(y),
        "explained": r2,
        "low": low,
        "high": high,
        "samples": int(y[::step].size),
        "inputs": rows,
    }


def _median(y: np.ndarray) -> float | None:
    """The median (inverted CDF, so ``inf`` stays possible); None for inf."""
    if y.size == 0:
        return None
    m = float(np.quantile(y, 0.5, method="inverted_cdf"))
    return m if math.isfinite(m) else None


def crossing_sensitivity(cr: Any, **kwargs: Any) -> list[dict[str, Any]]:
    """Which beliefs move each crossing year: Shapley shares and a tornado.

    The inputs are every belief drawn per sample (each factor's
    end-of-period value, each uncertain forward rate, the frontier growth);
    the shares are Shapley values of the ``R2`` of a regression of the
    output's normal scores on theirs, which stay meaningful when the copula
    correlates factors (see docs/methodology.md).

    Parameters
    ----------
    cr : Crossing
        From :func:`effcast.crossing`.
    **kwargs
        ``low`` and ``high`` (the tornado's fractions, 0.1 and 0.9) and
        ``max_samples`` (200,000).

    Returns
    -------
    list of dict
        One per question: ``output``, ``median``, ``explained`` (``R2`` of
        all inputs; the shares add up to it), ``low``, ``high``,
        ``samples`` and ``inputs`` (per belief, largest share first:
        ``share``, ``median_at_low``, ``median_at_high``; ``None`` for a
        median of "never").

    Examples
    --------
    >>> import effcast
    >>> fc = effcast.forecast(effcast.load("gpt4_2026"), n=20_000, seed=1)
    >>> doc = effcast.crossing_sensitivity(effcast.crossing(fc, 1e24))[0]
    >>> doc["output"], next(iter(doc["inputs"]))
    ('crossing year: < 1e24 FLOP', 'unpublished')
    """
    return [
        forward_sensitivity(
            cr.forecast, row["samples"], f"crossing year: {row['label']}", **kwargs
        )
        for row in cr.rows
    ]


def forecast_sensitivity(fc: Any, year: float, **kwargs: Any) -> list[dict[str, Any]]:
    """Which beliefs move the reductions (and effective compute) in ``year``.

    As :func:`effcast.crossing_sensitivity`, for the ``log10`` of the
    hardware and compute reductions in ``year`` and, with a ``[frontier]``
    table, of effective compute (in multiples of the ``[baseline]`` run when
    the prior has one, else in FLOP at the period start's efficiency).

    Parameters
    ----------
    fc : Forecast
        From :func:`effcast.forecast`.
    year : float
        A decimal year from the period start on.
    **kwargs
        As for :func:`effcast.crossing_sensitivity`.

    Returns
    -------
    list of dict
        One document per output, shaped as :func:`effcast.crossing_sensitivity`'s.

    Raises
    ------
    EffcastError
        If ``year`` lies before the period start.

    Examples
    --------
    >>> import effcast
    >>> fc = effcast.forecast(effcast.load("gpt3_today"), to=2035, n=20_000,
    ...                       seed=1)
    >>> [d["output"] for d in effcast.forecast_sensitivity(fc, 2030)][:2]
    ['log10 hardware reduction in 2030', 'log10 compute reduction in 2030']
    """
    out = [
        forward_sensitivity(
            fc,
            fc.log10_reduction(which, year),
            f"log10 {which} reduction in {year:g}",
            **kwargs,
        )
        for which in ("hardware", "compute")
    ]
    if fc.frontier is not None:
        effective = fc.frontier.log10_flop(year) + fc.log10_reduction("compute", year)
        prior = fc.results.prior
        if prior is not None and prior.baseline is not None:
            effective = effective - math.log10(prior.baseline.flop)
        out.append(
            forward_sensitivity(
                fc, effective, f"log10 effective compute in {year:g}", **kwargs
            )
        )
    return out
