"""Figures for forecasts: a fan chart of the reductions, and crossing curves.

matplotlib is imported only when a figure is drawn, through its
object-oriented interface (no pyplot, no global state, no display needed).
Files are written atomically: to a temporary file in the target directory,
then renamed, so a failure never leaves half a figure behind.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import numpy as np

from effcast.analysis._forecast import Forecast
from effcast.analysis._threshold import Crossing
from effcast.io._atomic import check_output
from effcast.io._formats import FIGURE_FORMATS, save_figure
from effcast.io._numbers import sci
from effcast.plots._style import COLOURS, DPI, decade_ticks, new_figure

__all__ = ["check_figure_path", "crossing_chart", "fan_chart"]

"""Figure formats, chosen by the file's extension."""

BANDS = ((0.90, 0.18), (0.80, 0.30), (0.50, 0.48))
"""Central intervals of the fan chart and the opacity of each band."""

MAX_PLOT_SAMPLES = 200_000
"""Fan-chart quantiles use at most this many samples (evenly spaced)."""


def check_figure_path(path: str | Path, force: bool = False) -> Path:
    """Refuse a figure path with an unknown extension or a missing directory.

    Call it before any long computation, so bad input fails at once.

    Examples
    --------
    >>> check_figure_path("fan.png").suffix
    '.png'
    """
    return check_output(path, FIGURE_FORMATS, force=force, field="plot")


def _subsample(fc: Forecast) -> np.ndarray | None:
    if fc.n <= MAX_PLOT_SAMPLES:
        return None
    return np.linspace(0, fc.n - 1, MAX_PLOT_SAMPLES).astype(np.int64)


def _forward_label(fc: Forecast) -> str:
    """How the forecast continues past the period, in a few words."""
    rate = fc.settings["rate"]
    if rate == "historical":
        text = "each sample's historical rate"
    elif isinstance(rate, dict):
        text = f"forward rate median {rate.get('median', '?')} OOM/yr"
    else:
        text = f"forward rate {rate:g} OOM/yr"
    parts = [text]
    if fc.acceleration != 1.0:
        parts.append(f"rate x{fc.acceleration:g}/yr")
    if fc.cap is not None:
        parts.append(f"soft cap {fc.cap:g} OOM")
    return ", ".join(parts)


def fan_chart(
    fc: Forecast,
    path: str | Path | None = None,
    *,
    points: int = 81,
    title: str | None = None,
) -> Any:
    """Draw the forecast as a fan chart: median and 50/80/90% bands, log axis.

    One panel per resource (hardware, compute); the x axis runs from the
    period start to the forecast's ``to``, the y axis is the reduction since
    the period start. Within the period the lines interpolate each sample
    log-linearly; after it they follow the forward model.

    Parameters
    ----------
    fc : Forecast
    path : str or Path, optional
        Where to save the figure (``.png``, ``.svg`` or ``.pdf``).
    points : int
        Years at which the quantiles are computed.
    title : str, optional
        Overrides the default title.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import effcast, tempfile, os
    >>> fc = effcast.forecast(effcast.load("gpt3_today"),
    ...                       to=2030, n=20_000, seed=1)
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     fig = effcast.fan_chart(fc, os.path.join(tmp, "fan.png"))
    ...     os.path.getsize(os.path.join(tmp, "fan.png")) > 10_000
    True
    """
    if path is not None:
        path = check_figure_path(path)
    idx = _subsample(fc)
    ts = np.linspace(fc.start, fc.to, points)
    ts = np.unique(np.concatenate([ts, [fc.end]]))
    qs = sorted({0.5} | {0.5 + s * w / 2 for w, _ in BANDS for s in (-1, 1)})
    fig = new_figure(11, 4.8)
    axes = fig.subplots(1, 2, sharey=True)
    labels = {
        "hardware": "Hardware (GPU-hours)",
        "compute": "Compute (FLOP)",
    }
    for ax, which in zip(axes, ("hardware", "compute"), strict=True):
        rows = []
        for t in ts:
            data = fc.log10_reduction(which, float(t))
            if idx is not None:
                data = data[idx]
            rows.append(np.quantile(data, qs))
        table = 10.0 ** np.array(rows)
        col = {q: table[:, i] for i, q in enumerate(qs)}
        colour = COLOURS[which]
        for width, alpha in BANDS:
            lo, hi = 0.5 - width / 2, 0.5 + width / 2
            ax.fill_between(
                ts,
                col[lo],
                col[hi],
                color=colour,
                alpha=alpha,
                linewidth=0,
                label=f"{width:.0%} interval",
            )
        ax.plot(ts, col[0.5], color=colour, linewidth=2, label="median")
        ax.axvline(fc.end, color="0.3", linestyle="--", linewidth=1)
        ax.text(
            fc.end,
            0.03,
            "  period end: projection →",
            transform=ax.get_xaxis_transform(),
            va="bottom",
            ha="left",
            fontsize=9,
            color="0.25",
        )
        ax.set_yscale("log")
        decade_ticks(ax.yaxis)
        ax.set_title(labels[which], fontsize=12)
        ax.set_xlabel("year")
        ax.grid(True, which="major", axis="both", alpha=0.3)
        ax.set_xlim(fc.start, fc.to)
        ax.legend(loc="upper left", fontsize=9, framealpha=0.9)
    axes[0].set_ylabel(f"reduction since {fc.start:g} (times less needed)")
    axes[0].set_ylim(bottom=1.0)
    sub = _forward_label(fc)
    head = title or (fc.results.title or fc.results.source)
    fig.suptitle(
        f"{head}: projected reduction in requirements\n"
        f"({sub}; {fc.n:,} samples, seed {fc.results.seed})",
        fontsize=12,
    )
    if path is not None:
        save_figure(fig, path, DPI)
    return fig


def crossing_chart(
    cr: Crossing, path: str | Path | None = None, *, title: str | None = None
) -> Any:
    """Draw P(crossed by year) for each threshold and budget, medians marked.

    Parameters
    ----------
    cr : Crossing
    path : str or Path, optional
        Where to save the figure (``.png``, ``.svg`` or ``.pdf``).
    title : str, optional
        Overrides the default title.

    Returns
    -------
    matplotlib.figure.Figure
    """
    if path is not None:
        path = check_figure_path(path)
    fc = cr.forecast
    lo = cr.since
    ts = np.linspace(lo, fc.to, 400)
    fig = new_figure(8.5, 5)
    ax = fig.subplots()
    palette = ["#c0392b", "#8e44ad", "#d35400", "#16a085", "#2c3e50", "#7f8c8d"]
    for i, row in enumerate(cr.rows):
        colour = "#1f5fa8" if row["kind"] == "hardware" else palette[i % len(palette)]
        # Medians are labelled below their marker, alternately lower, so
        # that neighbouring labels do not collide.
        probs = cr.prob_crossed_by(i, ts)
        label = f"{row['kind']} {row['label']}"
        never = float(np.mean(np.isinf(row["samples"])))
        if never == 1.0:
            label += ": never, under these assumptions"
        elif never > 0:
            label += f" (never: {never:.0%})"
        ax.plot(ts, probs, color=colour, linewidth=2, label=label)
        median = float(cr.year_quantile(i, 0.5))
        if math.isfinite(median) and median <= fc.to:
            ax.plot([median], [0.5], "o", color=colour, markersize=6)
            ax.annotate(
                f"{median:.1f}",
                (median, 0.5),
                textcoords="offset points",
                xytext=(6, -14 - 12 * (i % 2)),
                fontsize=9,
                color=colour,
                bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none"},
            )
    ax.axhline(0.5, color="0.5", linewidth=0.8, linestyle=":")
    if lo < fc.end:
        ax.axvspan(lo, fc.end, color="0.9", zorder=0, label="within the prior's period")
    ax.set_xlim(lo, fc.to)
    ax.set_ylim(-0.02, 1.02)
    ax.set_xlabel("year (decimal; 2026 = 1 January 2026)")
    ax.set_ylabel("P(crossed by year)")
    ax.grid(True, alpha=0.3)
    ax.legend(loc="best", fontsize=9, framealpha=0.9)
    ref = cr.reference
    head = title or (f"When can a {ref.name}-level model be trained under the limit?")
    fig.suptitle(
        f"{head}\nreference {sci(ref.flop)} FLOP in {cr.since:g}; prior: "
        f"{fc.results.title or fc.results.source}\n({_forward_label(fc)}; "
        f"{fc.n:,} samples, seed {fc.results.seed})",
        fontsize=11,
    )
    if path is not None:
        save_figure(fig, path, DPI)
    return fig
