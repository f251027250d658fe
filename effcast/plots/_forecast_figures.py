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

from effcast._errors import EffcastError
from effcast.analysis._forecast import Forecast
from effcast.analysis._threshold import Crossing
from effcast.engine._blocks import as_count
from effcast.io._atomic import check_output
from effcast.io._formats import FIGURE_FORMATS
from effcast.io._numbers import sci
from effcast.plots._labels import heading, percent_axis, save_with_provenance
from effcast.plots._style import COLOURS, DPI, decade_ticks, new_figure
from effcast.results._weighted import weighted_quantile

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


def _what_if(fc: Forecast) -> str:
    """The run's overrides and switched-off factors, one line each, if any."""
    lines = heading(fc.results, new_figure(8.5, 1)).split("\n")[1:]
    return "".join("\n" + line for line in lines)


def _subsample(fc: Forecast) -> np.ndarray | None:
    if fc.n <= MAX_PLOT_SAMPLES:
        return None
    return np.linspace(0, fc.n - 1, MAX_PLOT_SAMPLES).astype(np.int64)


def _default_rate(fc: Forecast) -> str:
    rate = fc.settings["rate"]
    if rate == "historical":
        return "their historical rate"
    if isinstance(rate, dict):
        return f"a rate of median {rate.get('median', 0):.3g} OOM/yr"
    return f"{rate:.3g} OOM/yr"


def _forward_label(fc: Forecast) -> str:
    """How the forecast continues past the period, in a few words."""
    rate = fc.settings["rate"]
    if rate == "historical":
        text = "each sample's historical rate"
    elif isinstance(rate, dict):
        text = f"forward rate median {rate.get('median', '?')} OOM/yr"
    else:
        text = f"forward rate {rate:g} OOM/yr"
    if fc.has_views:
        views = len(fc.dynamics.views)
        text = f"forward views for {views} of {len(fc.results.names)} factors"
        if fc.dynamics.default:
            text += f"; the others at {_default_rate(fc)}"
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
    force: bool = False,
) -> Any:
    """Draw the forecast as a fan chart: median and 50/80/90% bands, log axis.

    One panel per resource (hardware, compute), plus one for the frontier
    when the prior has a ``[frontier]`` table. The fan begins at the
    period's end, where the sampled estimate (median and 80% interval) and
    the published rates the prior cites (``[[reference]]``, what each implies
    over the period) are marked as observations; the published rates are
    continued as thin dashed lines. The y axis is the reduction since the
    period start. The frontier panel shows the frontier run's FLOP over the
    baseline run's (resources), the compute reduction (efficiency) and their
    product (effective compute), medians with 80% bands.

    Parameters
    ----------
    fc : Forecast
    path : str or Path, optional
        Where to save the figure (``.png``, ``.svg`` or ``.pdf``).
    points : int
        Years at which the quantiles are computed.
    title : str, optional
        Overrides the default title.
    force : bool
        Replace an existing file at ``path`` (refused otherwise, even if
        another run writes it while this one draws).

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
    if not isinstance(fc, Forecast):
        raise EffcastError(
            f"fan_chart needs a Forecast, got {type(fc).__name__}", field="forecast"
        )
    points = as_count(points, field="points", what="points", minimum=2, maximum=10_000)
    if path is not None:
        path = check_figure_path(path, force)
    idx = _subsample(fc)
    ts = np.linspace(fc.end, fc.to, points)
    qs = sorted({0.5} | {0.5 + s * w / 2 for w, _ in BANDS for s in (-1, 1)})
    prior = fc.results.prior
    panels = 3 if _frontier_panel_possible(fc) else 2
    fig = new_figure(5.5 * panels, 5.0)
    axes = fig.subplots(1, panels)
    labels = {
        "hardware": "Hardware (GPU-hours)",
        "compute": "Compute (FLOP)",
    }
    for ax, which in zip(axes, ("hardware", "compute"), strict=False):
        rows = []
        for t in ts:
            data, w = fc.log10_reduction(which, float(t)), fc.weights
            if idx is not None:
                data, w = data[idx], (None if w is None else w[idx])
            rows.append(weighted_quantile(data, w, qs))
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
        _observations(ax, fc, which, ts)
        ax.set_yscale("log")
        decade_ticks(ax.yaxis)
        ax.set_title(labels[which], fontsize=12)
        ax.set_xlabel("year")
        ax.grid(True, which="major", axis="both", alpha=0.3)
        ax.set_xlim(fc.end - 0.3, fc.to)
        ax.legend(loc="upper left", fontsize=8, framealpha=0.9)
    axes[0].set_ylabel(f"reduction since {fc.start:g} (times less needed)")
    if panels == 3:
        _frontier_panel(axes[2], fc, ts, idx)
    sub = _forward_label(fc)
    head = title or (
        fc.results.title or (prior.title if prior else "") or fc.results.source
    )
    fig.suptitle(
        f"{head}: projected reduction in requirements from the period end "
        f"({fc.end:g})\n({sub}; {fc.n:,} samples, seed {fc.results.seed})"
        + _what_if(fc),
        fontsize=12,
    )
    if path is not None:
        save_with_provenance(fig, path, [fc.results], DPI, force=force)
    return fig


def _observations(ax, fc: Forecast, which: str, ts: np.ndarray) -> None:
    """The period-end estimate and the published rates, as observations."""
    data = fc.results.hardware if which == "hardware" else fc.results.compute
    lo, med, hi = np.quantile(data, [0.1, 0.5, 0.9])
    ax.errorbar(
        [fc.end],
        [med],
        yerr=[[med - lo], [hi - med]],
        fmt="o",
        color="black",
        markersize=6,
        capsize=4,
        zorder=5,
        label=f"{fc.end:g} estimate (median, 80%)",
    )
    prior = fc.results.prior
    refs = (
        [] if prior is None else [r for r in prior.reference if r.applies_to == which]
    )
    markers = ["s", "D", "^", "v", "P", "X"]
    for i, ref in enumerate(refs):
        implied = ref.rate ** (ts - fc.start)
        ax.plot(ts, implied, color="0.35", linewidth=0.8, linestyle="--", zorder=3)
        ax.plot(
            [fc.end],
            [ref.rate ** (fc.end - fc.start)],
            markers[i % len(markers)],
            color="0.2",
            markerfacecolor="white",
            markersize=6,
            zorder=6,
            label=f"{ref.name}: {ref.rate:.3g}x/yr",
        )


def _frontier_panel_possible(fc: Forecast) -> bool:
    prior = fc.results.prior
    return fc.frontier is not None and prior is not None and prior.baseline is not None


def _frontier_panel(ax, fc: Forecast, ts: np.ndarray, idx) -> None:
    """Resources, efficiency and effective compute relative to the baseline."""
    prior = fc.results.prior
    assert fc.frontier is not None and prior is not None and prior.baseline is not None
    base = math.log10(prior.baseline.flop)
    series: dict[str, tuple[str, list[np.ndarray]]] = {
        "resources (frontier FLOP / baseline)": ("#7f8c8d", []),
        "efficiency (compute reduction)": (COLOURS["compute"], []),
        "effective compute": ("#2c3e50", []),
    }
    for t in ts:
        log_r = fc.frontier.log10_flop(float(t)) - base
        log_c = fc.log10_reduction("compute", float(t))
        for (_, rows), data in zip(
            series.values(), (log_r, log_c, log_r + log_c), strict=True
        ):
            if idx is not None:
                data = data[idx]
            rows.append(np.quantile(data, [0.1, 0.5, 0.9]))
    for label, (colour, rows) in series.items():
        arr = 10.0 ** np.array(rows)
        ax.fill_between(ts, arr[:, 0], arr[:, 2], color=colour, alpha=0.18, linewidth=0)
        ax.plot(ts, arr[:, 1], color=colour, linewidth=2, label=label)
    ax.set_yscale("log")
    decade_ticks(ax.yaxis)
    ax.set_title(
        f"Frontier vs {prior.baseline.name} ({sci(prior.baseline.flop)} FLOP)",
        fontsize=12,
    )
    ax.set_xlabel("year")
    ax.set_ylabel("times the baseline run (median, 80% band)")
    ax.grid(True, which="major", axis="both", alpha=0.3)
    ax.set_xlim(fc.end - 0.3, fc.to)
    ax.legend(loc="upper left", fontsize=8, framealpha=0.9)


def crossing_chart(
    cr: Crossing,
    path: str | Path | None = None,
    *,
    title: str | None = None,
    force: bool = False,
) -> Any:
    """Draw P(crossed by year) for each question, medians marked.

    A second panel shows each FLOP threshold's indexed value (the limit that
    still means the reference-year capability; median and 80% band) and,
    with frontier questions, the frontier run's FLOP: where the frontier
    line meets an indexed threshold, the largest run holds that capability
    ten-fold, hundred-fold... over.

    Parameters
    ----------
    cr : Crossing
    path, title, force : optional
        As for :func:`fan_chart`: where to save it, a title of one's own,
        and whether an existing file may be replaced.

    Returns
    -------
    matplotlib.figure.Figure
    """
    if not isinstance(cr, Crossing):
        raise EffcastError(
            f"crossing_chart needs a Crossing, got {type(cr).__name__}",
            field="crossing",
        )
    if path is not None:
        path = check_figure_path(path, force)
    fc = cr.forecast
    lo = cr.since
    ts = np.linspace(lo, fc.to, 400)
    flop_rows = [r for r in cr.rows if r["kind"] in ("compute", "frontier")]
    fig = new_figure(15 if flop_rows else 8.5, 5)
    if flop_rows:
        ax, side = fig.subplots(1, 2, width_ratios=[1.15, 1])
    else:
        ax, side = fig.subplots(), None
    palette = ["#c0392b", "#8e44ad", "#d35400", "#16a085", "#2c3e50", "#7f8c8d"]
    for i, row in enumerate(cr.rows):
        colour = "#1f5fa8" if row["kind"] == "hardware" else palette[i % len(palette)]
        style = ":" if row["kind"] == "frontier" else "-"
        # Medians are labelled below their marker, alternately lower, so
        # that neighbouring labels do not collide.
        probs = cr.prob_crossed_by(i, ts)
        label = f"{row['kind']} {row['label']}"
        never = cr.prob_never(i)
        if never == 1.0:
            label += ": never, under these assumptions"
        elif never > 0:
            label += f" (never: {never:.0%})"
        ax.plot(ts, probs, color=colour, linewidth=2, linestyle=style, label=label)
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
    percent_axis(ax)
    ax.set_xlabel("year (decimal; 2026 = 1 January 2026)")
    ax.set_ylabel("P(crossed by year)")
    ax.grid(True, alpha=0.3)
    ax.legend(loc="best", fontsize=9, framealpha=0.9)
    if side is not None:
        _indexed_panel(side, cr, palette)
    ref = cr.reference
    head = title or (f"When can a {ref.name}-level model be trained under the limit?")
    fig.suptitle(
        f"{head}\nreference {sci(ref.flop)} FLOP in {cr.since:g}; prior: "
        f"{fc.results.title or fc.results.source}\n({_forward_label(fc)}; "
        f"{fc.n:,} samples, seed {fc.results.seed})" + _what_if(fc),
        fontsize=11,
    )
    if path is not None:
        save_with_provenance(fig, path, [fc.results], DPI, force=force)
    return fig


def _indexed_panel(ax, cr: Crossing, palette: list[str]) -> None:
    """Indexed FLOP thresholds (median, 80% band) and the frontier run."""
    fc = cr.forecast
    ts = np.linspace(cr.since, fc.to, 120)
    base = fc.log10_reduction("compute", cr.since)
    gains = [fc.log10_reduction("compute", float(t)) - base for t in ts]
    seen: set[float] = set()
    for i, row in enumerate(cr.rows):
        if row["kind"] != "compute" or row["threshold_flop"] in seen:
            continue
        limit = row["threshold_flop"]
        seen.add(limit)
        qs = np.array([np.quantile(limit / 10.0**g, [0.1, 0.5, 0.9]) for g in gains])
        colour = palette[i % len(palette)]
        ax.fill_between(ts, qs[:, 0], qs[:, 2], color=colour, alpha=0.15, linewidth=0)
        ax.plot(ts, qs[:, 1], color=colour, linewidth=2, label=f"{sci(limit)} indexed")
    if fc.frontier is not None and any(r["kind"] == "frontier" for r in cr.rows):
        fr = np.array(
            [np.quantile(fc.frontier.flop(float(t)), [0.1, 0.5, 0.9]) for t in ts]
        )
        ax.fill_between(ts, fr[:, 0], fr[:, 2], color="0.4", alpha=0.15, linewidth=0)
        ax.plot(
            ts, fr[:, 1], color="0.2", linewidth=2, linestyle=":", label="frontier run"
        )
        for r in cr.rows:
            if r["kind"] == "frontier":
                ax.axhline(r["threshold_flop"], color="0.6", linewidth=0.8)
    ax.set_yscale("log")
    ax.set_xlim(cr.since, fc.to)
    ax.set_xlabel("year")
    ax.set_ylabel("FLOP")
    ax.set_title(
        f"Indexed thresholds: the limit that still means its {cr.since:g} "
        "capability (median, 80%)",
        fontsize=10,
    )
    ax.grid(True, which="major", alpha=0.3)
    ax.legend(loc="best", fontsize=9, framealpha=0.9)
