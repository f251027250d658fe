"""Which factors drive the uncertainty: variance shares and a tornado.

**Variance shares.** Write ``L = log10(total) = sum_i l_i`` with
``l_i = log10(factor_i)``. Then

    var(L) = sum_i cov(l_i, L),   so   share_i = cov(l_i, L) / var(L)

adds up to exactly 1 (up to rounding) whatever the dependence between the
factors. For independent factors ``cov(l_i, L) = var(l_i)``, so the share is
the familiar ``var(l_i) / var(L)``; with correlated factors each factor's
share also carries half of each covariance it takes part in (a negative
correlation can make a share negative). Floors and truncation enter through
the sampled values: a floor puts an atom at the floor and shrinks the
factor's log-variance, and so its share.

**Tornado.** For each factor, the median total with that factor held at its
own ``low`` (10th) and ``high`` (90th) percentile while the others vary as
sampled. Holding a factor at a constant ``c`` multiplies the product of the
others by ``c``, and a median commutes with scaling by a positive constant,
so the held medians are ``c * median(product of the others)``, exactly.

Examples
--------
>>> import effcast
>>> res = effcast.load("gpt3_today").sample(100_000, seed=1)
>>> doc = sensitivity(res)
>>> shares = doc["hardware"]["factors"]
>>> round(sum(f["share"] for f in shares.values()), 9)
1.0
>>> max(shares, key=lambda k: shares[k]["share"])
'unpublished'
"""

from __future__ import annotations

from typing import Any

import numpy as np

from effcast._errors import EffcastError
from effcast.analysis._defaults import SAMPLES
from effcast.engine._blocks import SeedLike
from effcast.prior._provenance import provenance_fields
from effcast.results._display import Displayable
from effcast.results._in_memory import TOTALS, Results
from effcast.results._model import Model
from effcast.results._weighted import weighted_mean, weighted_quantile

__all__ = ["sensitivity", "variance_shares"]


def variance_shares(logs: np.ndarray, weights: np.ndarray | None = None) -> np.ndarray:
    """``cov(l_i, L) / var(L)`` for each row ``l_i`` of ``logs``, ``L`` their sum.

    Parameters
    ----------
    logs : ndarray, shape (k, n)
        Per factor, per sample, the logarithm (any base) of the factor.
    weights : ndarray, shape (n,), optional
        Importance weights ([[evidence]]): weighted means and covariances.

    Returns
    -------
    ndarray, shape (k,)
        The shares; they add up to 1. All zero if the total does not vary.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> logs = rng.normal(0, [[1.0], [2.0]], size=(2, 100_000))
    >>> variance_shares(logs).round(2)  # independent: 1/5 and 4/5
    array([0.2, 0.8])
    """
    logs = np.asarray(logs, dtype=float)
    if weights is not None:
        w = np.asarray(weights, dtype=float) / np.sum(weights)
        centred = logs - (logs @ w)[:, None]
        total = centred.sum(axis=0)
        var = float((total * w) @ total)
        return np.zeros(logs.shape[0]) if var == 0 else (centred * w) @ total / var
    centred = logs - logs.mean(axis=1, keepdims=True)
    total = centred.sum(axis=0)
    var = float(total @ total)
    if var == 0:
        return np.zeros(logs.shape[0])
    return (centred @ total) / var


def _median(x: np.ndarray, w: np.ndarray | None) -> float:
    return float(np.median(x) if w is None else weighted_quantile(x, w, 0.5))


def _var(x: np.ndarray, w: np.ndarray | None) -> float:
    if w is None:
        return float(np.var(x))
    m = weighted_mean(x, w)
    return weighted_mean((x - m) ** 2, w)


class Sensitivity(dict, Displayable):
    """What :func:`sensitivity` returns: its document, with displays.

    A plain dictionary (its keys are described under :func:`sensitivity`)
    that also prints as the ``effcast sensitivity`` tables
    (:meth:`report`, notebooks) and converts to a DataFrame
    (:meth:`to_pandas`): one row per total and factor, columns ``total``
    (``"hardware"`` or ``"compute"``), ``factor``, ``share``,
    ``variance_log10``, ``low_value``, ``high_value``, ``median_at_low`` and
    ``median_at_high``.
    """

    _view = "sensitivity"

    def _document(self) -> Any:
        return dict(self)

    def _tidy(self) -> tuple[list[dict], list[str]]:
        rows = [
            {"total": which, "factor": name, **entry}
            for which in TOTALS
            for name, entry in self[which]["factors"].items()
        ]
        return rows, [*_COLUMNS]

    def __repr__(self) -> str:
        top = max(
            self["hardware"]["factors"].items(),
            key=lambda kv: kv[1]["share"],
            default=None,
        )
        lead = f"; largest share {top[0]} ({100 * top[1]['share']:.0f}%)" if top else ""
        return (
            f"<Sensitivity of {self['prior']!r}: hardware median "
            f"{self['hardware']['median']:.3g}x{lead}>"
        )


_COLUMNS = (
    "total",
    "factor",
    "share",
    "variance_log10",
    "low_value",
    "high_value",
    "median_at_low",
    "median_at_high",
)


def _members(res: Results, which: str) -> list[str]:
    if which == "hardware":
        return list(res.names)
    return [n for n in res.names if res.reduces[n] == "compute"]


def sensitivity(
    source: Results | Model,
    n: int = SAMPLES,
    seed: SeedLike = None,
    *,
    low: float = 0.1,
    high: float = 0.9,
) -> Sensitivity:
    """Variance shares and a one-at-a-time tornado for both totals.

    Parameters
    ----------
    source : Results or Model
        Samples with each factor kept, or a model to sample (``n``, ``seed``).
    n, seed
        Used only when ``source`` is a :class:`Model`.
    low, high : float
        The percentiles (as fractions) each factor is held at in the tornado.

    Returns
    -------
    Sensitivity
        A dictionary (with ``report()``, ``to_pandas()`` and a notebook
        display) of ``prior``, ``title``, ``samples``, ``seed``, ``low``, ``high``, and
        for ``"hardware"`` and ``"compute"``: the ``median`` total, the
        ``variance_log10`` of the total, and per factor (in file order; the
        compute total leaves out hardware factors) its ``share`` of that
        variance, its own ``variance_log10``, the values it is held at
        (``low_value``, ``high_value``) and the median total with it held
        there (``median_at_low``, ``median_at_high``).

    Raises
    ------
    EffcastError
        If the results kept no factors, a factor takes a value <= 0 (its
        logarithm does not exist), or ``low``/``high`` are not in (0, 1)
        with ``low < high``.
    """
    if not isinstance(source, Results | Model):
        raise EffcastError(
            f"sensitivity needs Results or a Model, got {type(source).__name__}",
            field="source",
        )
    if (
        isinstance(low, bool)
        or isinstance(high, bool)
        or not isinstance(low, int | float)
        or not isinstance(high, int | float)
    ):
        raise EffcastError(
            f"low and high must be numbers, got {low!r} and {high!r}", field="low"
        )
    if not 0 < low < high < 1:
        raise EffcastError(
            f"the tornado's percentiles must satisfy 0 < low < high < 1, got "
            f"{low:g} and {high:g}",
            field="low",
        )
    res = source.sample(n, seed=seed) if isinstance(source, Model) else source
    if not res.has_factors:
        raise EffcastError(
            "sensitivity needs each factor's samples; sample with factors=True"
        )
    doc = Sensitivity(
        {
            "prior": res.source,
            "title": res.title,
            "samples": res.n,
            "seed": res.seed,
            **provenance_fields(res),
            "low": low,
            "high": high,
        }
    )
    values = {name: res.factor(name) for name in res.names}
    for name, x in values.items():
        if not np.all(x > 0):
            raise EffcastError(
                f"factor {name!r} takes values <= 0, so its logarithm and its "
                "share of the log-variance do not exist; give it a positive "
                "lower bound or floor",
                factor=name,
            )
    logs = {name: np.log10(x) for name, x in values.items()}
    w = res.weights  # [[evidence]]: every figure weighted; None for the prior
    for which in TOTALS:
        members = _members(res, which)
        if not members:
            doc[which] = {"median": 1.0, "variance_log10": 0.0, "factors": {}}
            continue
        stack = np.stack([logs[m] for m in members])
        total_log = stack.sum(axis=0)
        shares = variance_shares(stack, w)
        out = {}
        for i, name in enumerate(members):
            lo, hi = weighted_quantile(values[name], w, [low, high])
            others = _median(10.0 ** (total_log - stack[i]), w)
            out[name] = {
                "share": float(shares[i]),
                "variance_log10": _var(stack[i], w),
                "low_value": float(lo),
                "high_value": float(hi),
                "median_at_low": float(lo * others),
                "median_at_high": float(hi * others),
            }
        doc[which] = {
            "median": _median(res.series(which), w),
            "variance_log10": _var(total_log, w),
            "factors": out,
        }
    return doc
