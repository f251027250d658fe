"""The evidence figure: each total and factor before and after conditioning.

One row per series (hardware, compute, then every factor): the prior's
median and 80% interval in grey, then each evidence entry alone (thin, one
colour per entry), then the posterior under all of them (thick), on a
shared log axis, with the ratio of the posterior and prior medians at the
right. The table of the same figures is the summary's ``evidence.shifts``
and ``evidence.by_entry``.
"""

from __future__ import annotations

import numpy as np

from effcast._errors import EffcastError
from effcast.engine._evidence import Likelihood
from effcast.results._in_memory import Results
from effcast.results._weighted import weighted_quantile

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
    specs = res.evidence.specs
    alone = []
    if res.has_factors and res.prior is not None and len(specs) > 1:
        totals = np.vstack([res.hardware, res.compute])
        factors = np.vstack([res.factor(name) for name in res.names])
        logs = Likelihood(res.prior).entry_log_likelihoods(factors, totals)
        alone = [np.exp(ll) for ll in logs]
    rows = 2 + len(alone)
    fig = Figure(
        figsize=(8.0, 1.5 + (0.3 + 0.12 * rows) * len(series)),
        dpi=110,
        layout="constrained",
    )
    ax = fig.subplots()
    qs = [0.1, 0.5, 0.9]
    offsets = np.linspace(0.3, -0.3, rows) if rows > 2 else np.array([0.15, -0.15])
    for i, which in enumerate(series):
        data = res.series(which)
        prior = np.quantile(data, qs)
        post = res.quantile(data, qs)
        y = len(series) - 1 - i
        ax.plot(prior[[0, 2]], [y + offsets[0]] * 2, color="0.6", linewidth=3)
        ax.plot([prior[1]], [y + offsets[0]], "o", color="0.45", markersize=5)
        for k, w in enumerate(alone):
            v = weighted_quantile(data, w, qs)
            yk = y + offsets[1 + k]
            ax.plot(v[[0, 2]], [yk] * 2, color=f"C{3 + k}", linewidth=1.3)
            ax.plot([v[1]], [yk], "|", color=f"C{3 + k}", markersize=7)
        colour = "C0" if i == 0 else "C1" if i == 1 else "C2"
        ax.plot(post[[0, 2]], [y + offsets[-1]] * 2, color=colour, linewidth=3)
        ax.plot([post[1]], [y + offsets[-1]], "o", color=colour, markersize=5)
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
    names = ", ".join(s.name for s in specs)
    ax.set_title(
        f"{res.title or res.source}\nprior (grey) and posterior (thick, colour) "
        f"given {names}; ESS {ev.ess:,.0f} of {res.n:,}",
        fontsize=10,
    )
    if alone:
        from matplotlib.lines import Line2D

        handles = [
            Line2D([], [], color=f"C{3 + k}", linewidth=1.3, label=f"{s.name} alone")
            for k, s in enumerate(specs)
        ]
        fig.legend(handles=handles, loc="outside lower center", ncols=2, fontsize=8.5)
    return fig
