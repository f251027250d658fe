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

import numpy as np

from effcast._errors import EffcastError
from effcast.engine._blocks import SeedLike
from effcast.results._in_memory import TOTALS, Results
from effcast.results._model import Model

__all__ = ["sensitivity", "variance_shares"]


def variance_shares(logs: np.ndarray) -> np.ndarray:
    """``cov(l_i, L) / var(L)`` for each row ``l_i`` of ``logs``, ``L`` their sum.

    Parameters
    ----------
    logs : ndarray, shape (k, n)
        Per factor, per sample, the logarithm (any base) of the factor.

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
    centred = logs - logs.mean(axis=1, keepdims=True)
    total = centred.sum(axis=0)
    var = float(total @ total)
    if var == 0:
        return np.zeros(logs.shape[0])
    return (centred @ total) / var


def _members(res: Results, which: str) -> list[str]:
    if which == "hardware":
        return list(res.names)
    return [n for n in res.names if res.reduces[n] == "compute"]


def sensitivity(
    source: Results | Model,
    n: int = 1_000_000,
    seed: SeedLike = None,
    *,
    low: float = 0.1,
    high: float = 0.9,
) -> dict:
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
    dict
        ``prior``, ``title``, ``samples``, ``seed``, ``low``, ``high``, and
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
    doc: dict = {
        "prior": res.source,
        "title": res.title,
        "samples": res.n,
        "seed": res.seed,
        "low": low,
        "high": high,
    }
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
    for which in TOTALS:
        members = _members(res, which)
        if not members:
            doc[which] = {"median": 1.0, "variance_log10": 0.0, "factors": {}}
            continue
        stack = np.stack([logs[m] for m in members])
        total_log = stack.sum(axis=0)
        shares = variance_shares(stack)
        out = {}
        for i, name in enumerate(members):
            lo, hi = np.quantile(values[name], [low, high])
            others = np.median(10.0 ** (total_log - stack[i]))
            out[name] = {
                "share": float(shares[i]),
                "variance_log10": float(np.var(stack[i])),
                "low_value": float(lo),
                "high_value": float(hi),
                "median_at_low": float(lo * others),
                "median_at_high": float(hi * others),
            }
        doc[which] = {
            "median": float(np.median(res.series(which))),
            "variance_log10": float(np.var(total_log)),
            "factors": out,
        }
    return doc
