"""The in-memory summary without evidence: every statistic in about one pass.

:func:`fast_summary` is what :meth:`effcast.Results.summary` returns for
unweighted samples: quantiles of every series, the running products'
medians and the exceedance probabilities from
:mod:`effcast.results._fast_stats` (numpy's numbers, bit for bit), each
headline figure with its Monte Carlo standard error.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any

import numpy as np

from effcast.results import _fast_stats
from effcast.results._base import (
    PROB_THRESHOLDS,
    QUANTILES,
    TOTALS,
    _key,
    rates_summary,
)
from effcast.results._fast_stats import (
    SampleStats,
    mean_log10,
    scramble_errors,
    summary_statistics,
)
from effcast.results._mc_error import standard_errors
from effcast.results._resources import reference_thresholds

if TYPE_CHECKING:
    from effcast.results._in_memory import Results

__all__ = ["fast_summary", "total_summary"]


def fast_summary(res: Results) -> dict:
    """The summary of unweighted in-memory samples, with standard errors."""

    doc: dict[str, Any] = res._doc_header()
    if res.precision is not None:
        doc["precision"] = res.precision
    refs = (
        reference_thresholds(res.prior)
        if res.prior is not None and res.prior.reference
        else []
    )
    # The totals' reference thresholds are counted in the same pass.
    on_totals = [(which, x) for _, which, x in refs if which in TOTALS]
    # On a thread of its own, meanwhile; only where the kernels run, since
    # numpy's path does not learn which totals are positive.
    logs = _LogMeans(res._totals) if res.n >= _fast_stats.FAST_FROM else None
    st = _stats(res, [x for _, x in on_totals])
    beyond = [e[len(PROB_THRESHOLDS) :] for e in st.exceed]
    st.exceed = [e[: len(PROB_THRESHOLDS)] for e in st.exceed]
    if res.scrambles:
        doc["qmc"] = {"scrambles": res.scrambles}
        st = scramble_errors(st, res._totals, res.scrambles, QUANTILES, PROB_THRESHOLDS)
    for t, which in enumerate(TOTALS):
        data = res._series(which)
        mean_log: float | None
        if logs is not None and st.positive[t]:
            mean_log = logs.result(t)
        else:
            mean_log = mean_log10(data)
        doc[which] = total_summary(data, res.years, st, t, mean_log)
    res._add_factor_sections(
        doc,
        lambda key: _qdict(_series_quantiles(res, st, key)),
        lambda: dict(zip(res.names, st.running, strict=True)),
    )
    counted = {
        (which, x): float(beyond[TOTALS.index(which)][j] / res.n)
        for j, (which, x) in enumerate(on_totals)
    }
    res._add_prior_sections(
        doc,
        lambda which, x: (
            counted[which, x]
            if (which, x) in counted
            else res.prob_exceeds(res.series(which), x)
        ),
    )
    return doc


class _LogMeans:
    """``np.mean(np.log10(row))`` of each row of ``totals``, on a thread.

    Started before the order statistics, it takes its logarithms while the
    summary's single-threaded moments leave a core free. The numbers are
    numpy's own; :meth:`result` is asked only for rows the histogram found
    positive and finite (for others the caller checks and computes afresh).
    """

    def __init__(self, totals: np.ndarray) -> None:
        self._means: list[float] = []
        self._thread = threading.Thread(target=self._run, args=(totals,))
        self._thread.start()

    def _run(self, totals: np.ndarray) -> None:
        logs = np.empty(totals.shape[1])
        with np.errstate(all="ignore"):  # a row with zeros is not asked for
            for row in totals:
                np.log10(row, out=logs)
                self._means.append(float(np.mean(logs)))

    def result(self, row: int) -> float:
        self._thread.join()
        return self._means[row]


def _stats(res: Results, extra: list[float]) -> SampleStats:
    """The summary's statistics in about one pass (numpy's numbers exactly).

    The totals are counted above :data:`PROB_THRESHOLDS` and then ``extra``.
    """
    groups = [
        [res.names.index(f) for f in members] for members in res.group_members.values()
    ]
    return summary_statistics(
        res._totals, res._factors, groups, QUANTILES, [*PROB_THRESHOLDS, *extra]
    )


def _series_quantiles(res: Results, st: SampleStats, key: str) -> np.ndarray:
    """The quantiles in ``st`` of ``"factor:NAME"`` or ``"group:NAME"``."""
    kind, name = key.split(":", 1)
    if kind == "factor":
        return st.factors[res.names.index(name)]
    return st.groups[list(res.group_members).index(name)]


def _qdict(values: np.ndarray) -> dict[str, float]:
    return {_key(q): float(v) for q, v in zip(QUANTILES, values, strict=True)}


def total_summary(
    data: np.ndarray, years: float, st: SampleStats, row: int, mean_log: float | None
) -> dict:
    """The summary of one reduction (hardware or compute), from ``st``.

    ``mean_log`` is ``np.mean(np.log10(data))``, or ``None`` unless every
    value is positive.
    """
    probs = {
        _key(t): float(c / data.size)
        for t, c in zip(PROB_THRESHOLDS, st.exceed[row], strict=True)
    }
    doc = rates_summary(_qdict(st.totals[row]), probs, mean_log, years)
    doc["se"] = standard_errors(
        _qdict(st.totals_se[row]),
        probs,
        data.size,
        None if st.probs_se is None else st.probs_se[row],
        st.method,
    )
    return doc
