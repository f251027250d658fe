"""The evidence figure: each total and factor before and after conditioning.

One row per series (hardware, compute, then every factor): the prior's
median and 80% interval in grey, the posterior's in colour, on a shared log
axis, with the ratio of the medians at the right. The table of the same
figures is the summary's ``evidence.shifts``.
"""

from __future__ import annotations

import numpy as np

from effcast._errors import EffcastError
from effcast.results._in_memory import Results

__all__ = ["evidence_figure"]


def _fmt(x: float) -> str:
    if x >= 1e5:
        return f"{x:.1e}x"
    if x >= 100:
        return f"{x:,.0f}x"
    return f"{x:.3g}x"


def evidence_figure(res: Results):
    """Prior vs posterior median and 80% interval of each total and factor.

    Raises
    ------
    EffcastError
        If the results are not conditioned on evidence.

    Examples
    --------
    >>> import effcast
    >>> res = effcast.load("gpt3_today_evidence").sample(20_000, seed=1)
    >>> fig = evidence_figure(res)
    >>> len(fig.axes)
    1
    """
    from matplotlib.figure import Figure

    if res.weights is None or res.evidence is None:
        raise EffcastError(
            "the evidence plot needs a prior with [[evidence]] entries "
            "(and no --no-evidence)",
            field="kind",
        )
    series = ["hardware", "compute"] + [f"factor:{n}" for n in res.names]
    labels = ["hardware (total)", "compute (total)"] + list(res.names)
    fig = Figure(figsize=(8.0, 1.2 + 0.42 * len(series)), dpi=110, layout="constrained")
    ax = fig.subplots()
    qs = [0.1, 0.5, 0.9]
    for i, which in enumerate(series):
        data = res.series(which)
        prior = np.quantile(data, qs)
        post = res.quantile(data, qs)
        y = len(series) - 1 - i
        ax.plot(prior[[0, 2]], [y + 0.15] * 2, color="0.6", linewidth=3)
        ax.plot([prior[1]], [y + 0.15], "o", color="0.45", markersize=5)
        colour = "C0" if i == 0 else "C1" if i == 1 else "C2"
        ax.plot(post[[0, 2]], [y - 0.15] * 2, color=colour, linewidth=3)
        ax.plot([post[1]], [y - 0.15], "o", color=colour, markersize=5)
        ax.annotate(
            f"median x{post[1] / prior[1]:.2f}",
            (1.0, y),
            xycoords=("axes fraction", "data"),
            xytext=(6, 0),
            textcoords="offset points",
            va="center",
            fontsize=8,
        )
    ax.set_xscale("log")
    ax.set_yticks(range(len(series)), labels[::-1])
    ax.set_ylim(-0.7, len(series) - 0.3)
    ax.grid(True, axis="x", color="0.9")
    ax.set_xlabel("reduction or factor (times, log scale): median and 80% interval")
    ev = res.evidence
    names = ", ".join(s.name for s in ev.specs)
    ax.set_title(
        f"{res.title or res.source}\nprior (grey) and posterior (colour) given "
        f"{names}; ESS {ev.ess:,.0f} of {res.n:,}",
        fontsize=10,
    )
    return fig
