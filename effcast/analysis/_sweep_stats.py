"""Statistics by name: ``hardware.0.5``, ``compute.p1000``, ``crossing.1e25.0.5``.

A sweep reports, per scenario, the statistics a user names on the command
line. This module reads those names and computes them from a
:class:`~effcast.Results`, and for the forward-looking ones from the
scenario's :class:`~effcast.Forecast` and :class:`~effcast.Crossing`.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

import numpy as np

from effcast._errors import EffcastError
from effcast.analysis._forecast import Forecast
from effcast.analysis._threshold import Crossing
from effcast.results._in_memory import Results
from effcast.results._model import Model

__all__ = ["Stat", "check_stat", "compute_stat", "parse_stat"]

_PROB = re.compile(r"^p(\d+(\.\d*)?([eE][+-]?\d+)?)$")
_AT = re.compile(r"^at(\d+(\.\d+)?)\.(0(\.\d+)?|1(\.0+)?)$")
_CROSSING = re.compile(
    r"^crossing\.(budget|[0-9.eE+-]+?)\.(by\d+(\.\d+)?|0(\.\d+)?|1(\.0+)?)$"
)


@dataclass(frozen=True)
class Stat:
    """One statistic of a scenario: what to compute on which samples."""

    text: str
    series: str  # "hardware", "compute", or a factor or group name
    kind: str  # quantile, oom, annual, prob, mean_log10, at, crossing, by
    value: float | None
    year: float | None = None
    limit: str | None = None  # a threshold as written, or "budget"

    @property
    def needs_forecast(self) -> bool:
        """Whether the statistic looks past the prior's period."""
        return self.kind in ("at", "crossing", "by")


def parse_stat(text: str) -> Stat:
    """Read a statistic such as ``hardware.0.5`` or ``compute.p1000``.

    ``SERIES.Q`` is the Q-quantile of the reduction, ``SERIES.oom.Q`` and
    ``SERIES.annual.Q`` the Q-quantile of the OOM per year and of the
    multiplier per year, ``SERIES.pX`` the probability of exceeding ``X``
    times, and ``SERIES.mean_log10`` the mean of ``log10``. ``SERIES`` is
    ``hardware``, ``compute``, or the name of a factor or group (factors and
    groups allow ``SERIES.Q`` only).

    Looking forward (with the prior's ``[forecast]`` settings):
    ``hardware.atYEAR.Q`` is the Q-quantile of the reduction at ``YEAR``
    (counted from the period start); ``crossing.LIMIT.Q`` the Q-quantile of
    the year a compute threshold ``LIMIT`` (as given, e.g. ``1e25``) or the
    hardware ``budget`` is crossed, and ``crossing.LIMIT.byYEAR`` the
    probability of having crossed it by ``YEAR``.

    Examples
    --------
    >>> st = parse_stat("compute.oom.0.9")
    >>> st.series, st.kind, st.value
    ('compute', 'oom', 0.9)
    >>> parse_stat("hardware.p1000").kind
    'prob'
    >>> st = parse_stat("crossing.1e25.by2026")
    >>> st.kind, st.year, st.limit
    ('by', 2026.0, '1e25')
    """
    s = str(text).strip()
    if s.startswith("crossing."):
        m = _CROSSING.match(s)
        if not m:
            raise EffcastError(
                f"--stat {text!r}: expected crossing.LIMIT.Q or "
                "crossing.LIMIT.byYEAR, LIMIT a threshold such as 1e25 or "
                "'budget' (for example crossing.1e25.0.5)",
                field="stat",
            )
        limit, tail = m.group(1), m.group(2)
        if limit != "budget":
            try:
                float(limit)
            except ValueError:
                raise EffcastError(
                    f"--stat {text!r}: {limit!r} is not a threshold", field="stat"
                ) from None
        if tail.startswith("by"):
            return Stat(s, "crossing", "by", None, float(tail[2:]), limit)
        return Stat(s, "crossing", "crossing", float(tail), None, limit)
    series, _, rest = s.partition(".")
    bad = EffcastError(
        f"--stat {text!r}: expected SERIES.Q, SERIES.oom.Q, SERIES.annual.Q, "
        "SERIES.pX or SERIES.mean_log10 (for example hardware.0.5, "
        "compute.oom.0.5, hardware.p1000)",
        field="stat",
    )
    if not series or not rest:
        raise bad
    kind, value = "quantile", rest
    for prefix in ("oom.", "annual."):
        if rest.startswith(prefix):
            kind, value = prefix[:-1], rest[len(prefix) :]
    if rest == "mean_log10":
        return Stat(s, series, "mean_log10", None)
    if rest.startswith("at"):
        m = _AT.match(rest)
        if not m or series not in ("hardware", "compute"):
            raise EffcastError(
                f"--stat {text!r}: expected hardware.atYEAR.Q or "
                "compute.atYEAR.Q (for example compute.at2030.0.5)",
                field="stat",
            )
        return Stat(s, series, "at", float(m.group(3)), float(m.group(1)))
    if m := _PROB.match(rest):
        return Stat(s, series, "prob", float(m.group(1)))
    try:
        q = float(value)
    except ValueError:
        raise bad from None
    if not 0.0 <= q <= 1.0:
        raise EffcastError(
            f"--stat {text!r}: a quantile must lie between 0 and 1, got {q:g}",
            field="stat",
        )
    return Stat(s, series, kind, q)


def _row(cr: Crossing, stat: Stat) -> int:
    for i, row in enumerate(cr.rows):
        if stat.limit == "budget" and row["kind"] == "hardware":
            return i
        if (
            stat.limit is not None
            and stat.limit != "budget"
            and row["kind"] == "compute"
            and math.isclose(row["threshold_flop"], float(stat.limit), rel_tol=1e-9)
        ):
            return i
    raise EffcastError(  # check_stat prevents this
        f"--stat {stat.text!r}: no such threshold", field="stat"
    )


def compute_stat(
    res: Results,
    stat: Stat,
    fc: Forecast | None = None,
    cr: Crossing | None = None,
) -> float | None:
    """The value of ``stat``; ``None`` for a crossing year that never comes.

    :func:`parse_stat` fills ``value``, ``year`` and ``limit`` as each kind
    needs, and the sweep passes the forecast and crossing the kinds need.
    """
    if stat.kind == "at":
        assert fc is not None and stat.value is not None and stat.year is not None
        return float(np.quantile(fc.reduction(stat.series, stat.year), stat.value))
    if stat.kind == "crossing":
        assert cr is not None and stat.value is not None
        year = float(cr.year_quantile(_row(cr, stat), stat.value))
        return year if math.isfinite(year) else None
    if stat.kind == "by":
        assert cr is not None and stat.year is not None
        return cr.prob_crossed_by(_row(cr, stat), stat.year)
    if stat.series in ("hardware", "compute"):
        data = res.hardware if stat.series == "hardware" else res.compute
    elif stat.series in res.names:
        data = res.factor(stat.series)
    else:
        data = res.group(stat.series)
    if stat.kind == "mean_log10":
        return float(np.mean(np.log10(data)))
    assert stat.value is not None
    if stat.kind == "quantile":
        return float(np.quantile(data, stat.value))
    if stat.kind == "oom":
        return float(np.quantile(np.log10(data) / res.years, stat.value))
    if stat.kind == "annual":
        return float(np.quantile(data ** (1.0 / res.years), stat.value))
    if stat.kind == "prob":
        return float(np.count_nonzero(data > stat.value) / data.size)
    return float(np.mean(np.log10(data)))


def check_stat(stat: Stat, model: Model, question: dict | None = None) -> None:
    """Refuse a statistic this prior (or the crossing question) cannot give."""
    if stat.kind in ("crossing", "by"):
        question = question or {}
        if stat.limit == "budget":
            if question.get("budget") is None:
                raise EffcastError(
                    f"--stat {stat.text!r}: no hardware budget was given (--budget)",
                    field="stat",
                )
            return
        given = [float(t) for t in question.get("thresholds", [])]
        assert stat.limit is not None  # parse_stat sets it for these kinds
        if not any(math.isclose(t, float(stat.limit), rel_tol=1e-9) for t in given):
            raise EffcastError(
                f"--stat {stat.text!r}: {stat.limit} is not one of the thresholds "
                "given (--threshold " + ", ".join(f"{t:g}" for t in given) + ")"
                if given
                else f"--stat {stat.text!r}: give the threshold with --threshold",
                field="stat",
            )
        return
    if stat.series in ("hardware", "compute"):
        return
    if stat.series not in model.factor_names and stat.series not in model.groups:
        raise EffcastError(
            f"--stat {stat.text!r}: {stat.series!r} is not hardware, compute, or "
            "a factor or group of the prior (factors: "
            + ", ".join(model.factor_names)
            + "; groups: "
            + ", ".join(model.groups)
            + ")",
            field="stat",
        )
    if stat.kind != "quantile":
        raise EffcastError(
            f"--stat {stat.text!r}: factors and groups allow quantiles only "
            f"({stat.series}.0.5)",
            field="stat",
        )
