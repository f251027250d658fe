"""Frontier questions and indexed thresholds for :class:`effcast.Crossing`.

**Frontier questions.** For a FLOP limit ``X``, when does the largest
training run exceed it? Per sample, the year
:meth:`effcast.analysis._frontier.FrontierProjection.crossing_year` solves
exactly; reported in the same shape as the capability questions.

**Indexed thresholds.** A FLOP limit set in a reference year ``y`` meant a
capability: what the limit could train in ``y``. As efficiency grows, the
same capability needs fewer FLOP, so the limit that still means that
capability in year ``t`` is

    indexed(t) = limit / 10 ** (L_c(t) - L_c(y)),

with ``L_c`` the compute gain of :class:`effcast.Forecast` (for a GPU-hour
budget, the hardware gain ``L_h``). It equals the limit in ``y`` and falls
after it; its quantiles by year are the schedule a "quickly adjustable
compute threshold" would follow.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from effcast.results._in_memory import quantile_dict

__all__ = ["frontier_rows", "indexed_threshold", "indexed_years"]


def frontier_rows(
    frontier: Any,
    thresholds: Sequence[float],
    fmt: Callable[[float], str] = lambda x: f"{x:.3g}",
) -> list[dict[str, Any]]:
    """One ``"frontier"`` question per threshold: when the largest run exceeds it."""
    rows = []
    for limit in thresholds:
        rows.append(
            {
                "kind": "frontier",
                "label": f"largest run > {fmt(limit)} FLOP",
                "threshold_flop": limit,
                "oom": math.log10(limit / frontier.flop0),
                "frontier_year": frontier.year,
                "frontier_flop": frontier.flop0,
                "samples": frontier.crossing_year(limit),
            }
        )
    return rows


def indexed_years(since: float, years: Sequence[float]) -> list[float]:
    """The reference year, then the table's years after it."""
    return [float(since)] + [float(y) for y in years if y > since]


def indexed_threshold(crossing: Any, row: dict[str, Any]) -> dict[str, Any]:
    """The indexed limit's quantiles by year for one question of ``crossing``.

    Examples
    --------
    >>> import effcast
    >>> fc = effcast.forecast(effcast.load("gpt3_today"), to=2030, n=20_000,
    ...                       seed=1)
    >>> cr = effcast.crossing(fc, 1e25)
    >>> doc = indexed_threshold(cr, cr.rows[0])
    >>> doc["2020"]["quantiles"]["0.5"]
    1e+25
    >>> doc["2030"]["quantiles"]["0.5"] < 1e25
    True
    """
    fc = crossing.forecast
    which = "hardware" if row["kind"] == "hardware" else "compute"
    limit = row["budget_gpu_hours"] if which == "hardware" else row["threshold_flop"]
    base = fc.log10_reduction(which, crossing.since)
    out: dict[str, Any] = {}
    for year in indexed_years(crossing.since, crossing.years):
        gain = fc.log10_reduction(which, year) - base
        values = limit / 10.0**gain
        if year == crossing.since:
            values = np.full_like(values, limit)
        out[f"{year:g}"] = {"quantiles": quantile_dict(values)}
    return out
