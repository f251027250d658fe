"""Statistics by name: ``hardware.0.5``, ``compute.oom.0.9``, ``hardware.p1000``.

A sweep reports, per scenario, the statistics a user names on the command
line. This module reads those names and computes them from a
:class:`~effcast.Results`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from ._errors import EffcastError
from ._results import Results
from ._sampler import Model

__all__ = ["Stat", "check_stat", "compute_stat", "parse_stat"]

_PROB = re.compile(r"^p(\d+(\.\d*)?([eE][+-]?\d+)?)$")


@dataclass(frozen=True)
class Stat:
    """One statistic of a scenario: what to compute on which samples."""

    text: str
    series: str  # "hardware", "compute", or a factor or group name
    kind: str  # "quantile", "oom", "annual", "prob", "mean_log10"
    value: float | None


def parse_stat(text: str) -> Stat:
    """Read a statistic such as ``hardware.0.5`` or ``compute.p1000``.

    ``SERIES.Q`` is the Q-quantile of the reduction, ``SERIES.oom.Q`` and
    ``SERIES.annual.Q`` the Q-quantile of the OOM per year and of the
    multiplier per year, ``SERIES.pX`` the probability of exceeding ``X``
    times, and ``SERIES.mean_log10`` the mean of ``log10``. ``SERIES`` is
    ``hardware``, ``compute``, or the name of a factor or group (factors and
    groups allow ``SERIES.Q`` only).

    Examples
    --------
    >>> parse_stat("compute.oom.0.9")
    Stat(text='compute.oom.0.9', series='compute', kind='oom', value=0.9)
    >>> parse_stat("hardware.p1000").kind
    'prob'
    """
    s = str(text).strip()
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


def compute_stat(res: Results, stat: Stat) -> float:
    if stat.series in ("hardware", "compute"):
        data = res.hardware if stat.series == "hardware" else res.compute
    elif stat.series in res.names:
        data = res.factor(stat.series)
    else:
        data = res.group(stat.series)
    if stat.kind == "quantile":
        return float(np.quantile(data, stat.value))
    if stat.kind == "oom":
        return float(np.quantile(np.log10(data) / res.years, stat.value))
    if stat.kind == "annual":
        return float(np.quantile(data ** (1.0 / res.years), stat.value))
    if stat.kind == "prob":
        return float(np.count_nonzero(data > stat.value) / data.size)
    return float(np.mean(np.log10(data)))


def check_stat(stat: Stat, model: Model) -> None:
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
