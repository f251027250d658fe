"""The in-memory summary without evidence: every statistic in two passes.

:func:`fast_summary` is what :meth:`effcast.Results.summary` returns for
unweighted samples: quantiles of every series, the running products'
medians and the exceedance probabilities from
:mod:`effcast.results._fast_stats` (numpy's numbers, bit for bit), each
headline figure with its Monte Carlo standard error.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from effcast._version import __version__
from effcast.results._base import (
    PROB_THRESHOLDS,
    QUANTILES,
    TOTALS,
    _key,
    rates_summary,
    seed_table,
)
from effcast.results._fast_stats import (
    SampleStats,
    mean_log10,
    scramble_errors,
    summary_statistics,
)
from effcast.results._mc_error import standard_errors
from effcast.results._resources import (
    reference_summary,
    reference_thresholds,
    resolve_resources,
    resources_summary,
)

if TYPE_CHECKING:
    from effcast.results._in_memory import Results

__all__ = ["fast_summary", "total_summary"]


def fast_summary(res: Results) -> dict:
    """The summary of unweighted in-memory samples, with standard errors."""

    doc: dict[str, Any] = {
        "prior": res.source,
        "title": res.title,
        "samples": res.n,
        "seed": res.seed,
        "years": res.years,
        "effcast_version": __version__,
        **(res.provenance.fields() if res.provenance is not None else {}),
    }
    if res.precision is not None:
        doc["precision"] = res.precision
    refs = (
        reference_thresholds(res.prior)
        if res.prior is not None and res.prior.reference
        else []
    )
    # The totals' reference thresholds are counted in the same pass.
    on_totals = [(k, r) for k, r in enumerate(refs) if r[1] in TOTALS]
    st = _stats(res, [t for _, (_, _, t) in on_totals])
    beyond = [e[len(PROB_THRESHOLDS) :] for e in st.exceed]
    st.exceed = [e[: len(PROB_THRESHOLDS)] for e in st.exceed]
    if res.scrambles:
        doc["qmc"] = {"scrambles": res.scrambles}
        st = scramble_errors(st, res._totals, res.scrambles, QUANTILES, PROB_THRESHOLDS)
    for t, which in enumerate(TOTALS):
        doc[which] = total_summary(res._series(which), res.years, st, t)
    doc["factors"] = {}
    doc["groups"] = {}
    if res.has_factors:
        for name, qs in zip(res.names, st.factors, strict=True):
            doc["factors"][name] = {
                "quantiles": _qdict(qs),
                "reduces": res.reduces[name],
            }
        for (group, members), qs in zip(
            res.group_members.items(), st.groups, strict=True
        ):
            doc["groups"][group] = {
                "quantiles": _qdict(qs),
                "factors": list(members),
            }
        doc["table"] = seed_table(
            res.names,
            res.group_members,
            res.reduces,
            {k: v["quantiles"]["0.5"] for k, v in doc["factors"].items()},
            dict(zip(res.names, st.running, strict=True)),
            {k: v["quantiles"]["0.5"] for k, v in doc["groups"].items()},
            doc["hardware"]["quantiles"]["0.5"],
            doc["compute"]["quantiles"]["0.5"],
        )
    if res.prior is not None:
        spec = resolve_resources(res.prior)
        if spec is not None:
            doc["resources"] = resources_summary(
                spec, doc["hardware"]["quantiles"], doc["compute"]["quantiles"]
            )
        if refs:
            probs: dict[str, float | None] = {
                name: (
                    res.prob_exceeds(res.series(which), threshold)
                    if res.has_factors
                    else None
                )
                for name, which, threshold in refs
                if which not in TOTALS
            }
            for j, (_, (name, which, _)) in enumerate(on_totals):
                probs[name] = float(beyond[TOTALS.index(which)][j] / res.n)
            doc["reference_rates"] = reference_summary(res.prior, probs)
    return doc


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


def _qdict(values: np.ndarray) -> dict[str, float]:
    return {_key(q): float(v) for q, v in zip(QUANTILES, values, strict=True)}


def total_summary(data: np.ndarray, years: float, st: SampleStats, row: int) -> dict:
    """The summary of one reduction (hardware or compute), from ``st``."""
    probs = {
        _key(t): float(c / data.size)
        for t, c in zip(PROB_THRESHOLDS, st.exceed[row], strict=True)
    }
    logs = mean_log10(data, positive=st.positive[row])
    doc = rates_summary(_qdict(st.totals[row]), probs, logs, years)
    doc["se"] = standard_errors(
        _qdict(st.totals_se[row]),
        probs,
        data.size,
        None if st.probs_se is None else st.probs_se[row],
        st.method,
    )
    return doc
