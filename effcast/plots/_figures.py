"""Figures: the requirement distributions, each factor, the waterfall of the
running product, the tornado, and comparisons of several priors.

Figures are drawn on :class:`matplotlib.figure.Figure` objects directly (no
pyplot, so no global state and no display needed) and saved through
:func:`effcast.io._atomic.atomic_write`; the file's extension chooses the format
(``.png``, ``.svg`` or ``.pdf``).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from effcast._errors import EffcastError
from effcast.analysis._sensitivity import sensitivity
from effcast.io._atomic import check_output
from effcast.io._formats import FIGURE_FORMATS
from effcast.io._numbers import fmt_x
from effcast.plots._evidence_figure import evidence_figure
from effcast.plots._kinds import KINDS
from effcast.plots._labels import (
    factor_label,
    heading,
    percent_axis,
    save_with_provenance,
    wrap_words,
)
from effcast.plots._style import (
    RC,
    TOTAL_STYLE,
    log_axis,
    log_ticks,
    new_figure,
)
from effcast.results._in_memory import Results
from effcast.results._weighted import weighted_quantile

if TYPE_CHECKING:
    from matplotlib.typing import LineStyleType

__all__ = ["KINDS", "compare_figure", "figure", "plot", "plot_compare"]


def _log_hist(ax, data, lo, hi, w=None, **style) -> float:
    """A density histogram of ``data`` (weighted by ``w``) in log10 space."""
    edges = np.logspace(math.log10(lo), math.log10(hi), 81)
    counts, _ = np.histogram(data, bins=edges, weights=w)
    widths = np.diff(np.log10(edges))
    dens = counts / ((len(data) if w is None else np.sum(w)) * widths)
    ax.stairs(dens, edges, **style)
    return float(dens.max())


def _cdf_axis(ax: Any, *, rule: str) -> None:
    """A cumulative-probability axis: 0 to 1 in percent, grey rules (colour
    ``rule``) at 10%, 50% and 90%."""
    for p in (0.1, 0.5, 0.9):
        ax.axhline(p, color=rule, linewidth=0.8, zorder=0)
    ax.set_ylim(0, 1)
    ax.set_yticks([0, 0.1, 0.25, 0.5, 0.75, 0.9, 1])
    percent_axis(ax)
    ax.set_ylabel("P(reduction ≤ x)")


def _ecdf(ax, data, w=None, **style) -> None:
    ps = np.linspace(0.0005, 0.9995, 1000)
    ax.plot(weighted_quantile(data, w, ps), ps, **style)


def _range(*arrays, lo=0.002, hi=0.998) -> tuple[float, float]:
    qs = [np.quantile(a, [lo, hi]) for a in arrays]
    low = min(q[0] for q in qs)
    high = max(q[1] for q in qs)
    if not low > 0:  # a floor at zero: start at the least positive value
        positive = [a[a > 0] for a in arrays]
        low = min((float(p.min()) for p in positive if p.size), default=1e-12)
    if not high > low:
        high = low * 10.0
    return low / 1.2, high * 1.2


def _distributions(res: Results):
    from matplotlib.lines import Line2D

    fig = new_figure(8.0, 6.4)
    top, bottom = fig.subplots(2, 1, sharex=True, height_ratios=[3, 2])
    lo, hi = _range(res.hardware, res.compute)
    peak = 0.0
    for which, (color, label) in TOTAL_STYLE.items():
        data = res.series(which)
        w = res.weights  # [[evidence]]: the posterior (None: the prior)
        peak = max(
            peak, _log_hist(top, data, lo, hi, w, color=color, alpha=0.25, fill=True)
        )
        _log_hist(top, data, lo, hi, w, color=color, linewidth=1.2)
        _ecdf(bottom, data, w, color=color, linewidth=1.6, label=label)
    handles = []
    for i, (which, (color, label)) in enumerate(TOTAL_STYLE.items()):
        q10, q50, q90 = res.quantile(res.series(which), [0.1, 0.5, 0.9])
        y = peak * (1.1 + 0.16 * i)
        top.plot([q10, q90], [y, y], color=color, linewidth=2.5)
        top.plot([q50], [y], "o", color=color, markersize=6)
        for ax in (top, bottom):
            ax.axvline(q50, color=color, linestyle="--", linewidth=1)
        handles.append(
            Line2D(
                [],
                [],
                color=color,
                linewidth=2.5,
                marker="o",
                label=f"{label}: median {fmt_x(q50)}, "
                f"80% interval {fmt_x(q10)} to {fmt_x(q90)}",
            )
        )
    top.set_ylim(0, peak * 1.85)
    top.legend(handles=handles, loc="upper left", fontsize=9, framealpha=0.95)
    top.set_ylabel("density per order of magnitude")
    top.set_title(
        "Reduction in what it takes to reach the reference capability\n"
        + heading(res, fig)
    )
    _cdf_axis(bottom, rule="0.8")
    bottom.set_xlabel(
        "reduction: times less needed than at the start of the period (log scale)"
    )
    bottom.legend(loc="lower right", fontsize=9)
    log_axis(bottom, lo, hi)
    for ax in (top, bottom):
        ax.grid(True, which="major", axis="x", color="0.9")
    return fig


def _factors(res: Results):
    names = res.names
    ncols = 3 if len(names) > 4 else 2 if len(names) > 1 else 1
    nrows = math.ceil(len(names) / ncols)
    fig = new_figure(3.4 * ncols, 2.6 * nrows + 0.6)
    axes = np.atleast_1d(fig.subplots(nrows, ncols, squeeze=False)).ravel()
    for ax, name in zip(axes, names, strict=False):
        data = res.factor(name)
        lo, hi = _range(data, lo=0.001, hi=0.999)
        color = "C1" if res.reduces[name] == "compute" else "C0"
        _log_hist(ax, data, lo, hi, res.weights, color=color, fill=True, alpha=0.35)
        q10, q50, q90 = res.quantile(data, [0.1, 0.5, 0.9])
        ax.axvspan(q10, q90, color=color, alpha=0.08)
        ax.axvline(q50, color="k", linestyle="--", linewidth=1)
        atom = 1 - res.prob_exceeds(data, float(data.min()))
        note = f"median {fmt_x(q50)}\n80%: {fmt_x(q10)} to {fmt_x(q90)}"
        if atom > 0.01:
            note += f"\n{100 * atom:.0f}% at the floor {fmt_x(float(data.min()))}"
        ax.text(
            0.97,
            0.95,
            note,
            transform=ax.transAxes,
            ha="right",
            va="top",
            fontsize=8,
            bbox={"facecolor": "white", "alpha": 0.8, "linewidth": 0},
        )
        ax.set_ylim(0, ax.get_ylim()[1] * 1.5)  # room for the note above the bars
        ax.set_title(
            wrap_words(f"{factor_label(res, name)} (reduces {res.reduces[name]})", 40),
            fontsize=10,
        )
        log_axis(ax, lo, hi)
        ax.set_yticks([])
    for ax in axes[len(names) :]:
        ax.set_visible(False)
    fig.suptitle(
        "Each factor's sampled distribution (after truncation and floor)\n"
        + heading(res, fig),
        fontsize=11,
    )
    fig.supxlabel(
        "multiplier (log scale); shaded: 80% interval, dashed: median", fontsize=9
    )
    return fig


def _waterfall(res: Results):
    doc = res.summary()
    table = doc["table"]
    rows = table["factors"]
    groups = [g["name"] for g in table["groups"]]
    colors = {g: f"C{(i + 2) % 10}" for i, g in enumerate(groups)}
    # Labels break between words only, so a long word widens every bar.
    ticks = [wrap_words(factor_label(res, r["name"]), 14) for r in rows]
    longest = max(len(line) for t in ticks for line in t.split("\n"))
    per_bar = max(1.15, 0.08 * longest + 0.2)
    fig = new_figure(max(7.5, per_bar * (len(rows) + 2) + 1), 5.6)
    ax = fig.subplots()
    prev = 1.0
    for i, row in enumerate(rows):
        cur = row["running_median"]
        ax.bar(
            i,
            cur - prev,
            bottom=prev,
            color=colors[row["group"]],
            width=0.7,
            edgecolor="k",
            linewidth=0.5,
        )
        thin = abs(math.log10(cur / prev)) < 0.12  # too short to hold its label
        ax.text(
            i,
            min(cur, prev) / 1.06 if thin else math.sqrt(cur * prev),
            f"×{row['median']:.3g}",
            ha="center",
            va="top" if thin else "center",
            fontsize=9,
            fontweight="bold",
            color="0.15" if thin else "white",
        )
        ax.text(
            i,
            max(cur, prev) * 1.08,
            f"= {fmt_x(cur)}",
            ha="center",
            va="bottom",
            fontsize=8,
            color="0.25",
        )
        if i + 1 < len(rows):
            ax.plot([i + 0.35, i + 0.65], [cur, cur], color="0.5", linewidth=0.8)
        prev = cur
    n = len(rows)
    for j, which in enumerate(("compute", "hardware")):
        value = table[which]
        color = TOTAL_STYLE[which][0]
        ax.bar(
            n + j + 0.3,
            value - 1,
            bottom=1,
            color=color,
            width=0.7,
            alpha=0.8,
            edgecolor="k",
            linewidth=0.5,
        )
        ax.text(
            n + j + 0.3,
            value * 1.08,
            fmt_x(value),
            ha="center",
            va="bottom",
            fontsize=9,
            fontweight="bold",
        )
    ax.set_yscale("log")
    ax.set_xticks(
        [*range(n), n + 0.3, n + 1.3],
        [*ticks, "compute\ntotal", "hardware\ntotal"],
    )
    top = max(table["hardware"], rows[-1]["running_median"])
    ax.set_ylim(0.8, top * 4)
    ax.set_ylabel("reduction, running product (log scale)")
    from matplotlib.patches import Patch

    handles = [
        Patch(color=colors[g["name"]], label=f"{g['name']}: ×{g['median']:.3g}")
        for g in table["groups"]
    ]
    ax.legend(
        handles=handles,
        title="group (subtotal median)",
        loc="upper left",
        fontsize=9,
        title_fontsize=9,
    )
    ax.set_title(
        "The running product: each factor on top of the ones before it\n"
        + heading(res, fig)
    )
    fig.supxlabel(
        "Inside each bar: the factor's own median. Above it: the median of the "
        "running product (this factor times those before it),\nwhich bars span; a "
        "product's median is not the product of the medians.",
        fontsize=8,
        color="0.3",
    )
    log_ticks(ax.yaxis)
    return fig


def _tornado(res: Results):
    doc = sensitivity(res)
    whiches = [w for w in TOTAL_STYLE if doc[w]["factors"]]
    k = max(len(doc[w]["factors"]) for w in whiches)
    fig = new_figure(8.5, 1.2 + 0.55 * k * len(whiches) + 0.6)
    axes = fig.subplots(len(whiches), 1, squeeze=False).ravel()
    lo_pct, hi_pct = f"{100 * doc['low']:g}th", f"{100 * doc['high']:g}th"
    for ax, which in zip(axes, whiches, strict=True):
        part = doc[which]
        color, label = TOTAL_STYLE[which]
        items = sorted(
            part["factors"].items(),
            key=lambda kv: kv[1]["median_at_high"] / kv[1]["median_at_low"],
        )
        med = part["median"]
        for y, (_name, f) in enumerate(items):
            lo, hi = f["median_at_low"], f["median_at_high"]
            ax.barh(y, med - lo, left=lo, color=color, alpha=0.45, height=0.6)
            ax.barh(y, hi - med, left=med, color=color, alpha=0.9, height=0.6)
            ax.text(
                lo / 1.04,
                y,
                fmt_x(lo),
                ha="right",
                va="center",
                fontsize=8,
            )
            ax.text(
                hi * 1.04,
                y,
                f"{fmt_x(hi)}   share {100 * f['share']:.0f}%",
                ha="left",
                va="center",
                fontsize=8,
            )
        ax.axvline(med, color="k", linewidth=1)
        ax.set_yticks(
            range(len(items)), [wrap_words(factor_label(res, n), 30) for n, _ in items]
        )
        lows = [f["median_at_low"] for _, f in items]
        highs = [f["median_at_high"] for _, f in items]
        log_axis(ax, min(lows) / 1.6, max(highs) * 4.5)
        ax.set_title(f"{label}: median {fmt_x(med)}", fontsize=10, loc="left")
        ax.grid(True, axis="x", color="0.9")
        ax.set_axisbelow(True)
    axes[-1].set_xlabel(
        f"median reduction with one factor held at its own {lo_pct} (light) or "
        f"{hi_pct} (dark) percentile\nwhile the others vary (log scale); black "
        "line: the median with all factors varying"
    )
    fig.suptitle(
        "What moves the estimate: one factor at a time\n" + heading(res, fig),
        fontsize=11,
    )
    return fig


_DRAW = {
    "distributions": _distributions,
    "factors": _factors,
    "waterfall": _waterfall,
    "tornado": _tornado,
    "evidence": evidence_figure,
}
if tuple(_DRAW) != KINDS:  # pragma: no cover - a developer's slip
    raise ImportError(f"figure kinds {tuple(_DRAW)} and KINDS {KINDS} disagree")


def figure(res: Results, kind: str = "distributions"):
    """A matplotlib :class:`~matplotlib.figure.Figure` of ``kind``.

    Parameters
    ----------
    res : Results
        Samples with factors kept (all kinds but ``"distributions"`` need them).
    kind : {"distributions", "factors", "waterfall", "tornado", "evidence"}

    Raises
    ------
    EffcastError
        For an unknown kind, or a kind that needs factors when none were kept.

    Examples
    --------
    >>> import effcast
    >>> res = effcast.load("gpt3_today").sample(20_000, seed=1)
    >>> fig = figure(res, "tornado")
    >>> len(fig.axes)
    2
    """
    if not isinstance(res, Results):
        raise EffcastError(
            f"a figure needs Results (model.sample(...)), got {type(res).__name__}",
            field="results",
        )
    if kind not in _DRAW:
        raise EffcastError(
            f"unknown plot kind {kind!r}; choose one of {', '.join(KINDS)}",
            field="kind",
        )
    if kind != "distributions" and not res.has_factors:
        raise EffcastError(
            f"the {kind} plot needs each factor's samples; sample with factors=True",
            field="kind",
        )
    import matplotlib

    with matplotlib.rc_context(RC):
        return _DRAW[kind](res)


def plot(
    res: Results, path: str | Path, kind: str = "distributions", *, force: bool = False
) -> Path:
    """Draw ``kind`` (see :func:`figure`) and save it to ``path``.

    The extension (``.png``, ``.svg``, ``.pdf``) chooses the format. An
    existing file is replaced only with ``force=True``; the file is written
    atomically.

    Raises
    ------
    EffcastError
        For an unknown extension or kind, or a path that cannot be written.
    """
    path = check_output(path, FIGURE_FORMATS, force=force)
    return save_with_provenance(figure(res, kind), path, [res], force=force)


def compare_figure(results: Sequence[Results], labels: Sequence[str] | None = None):
    """Overlaid CDFs of the hardware and compute reductions of several runs."""
    import matplotlib
    from matplotlib.lines import Line2D

    results = list(results) if isinstance(results, Sequence) else []
    if not results or not all(isinstance(r, Results) for r in results):
        raise EffcastError(
            "compare_figure needs a non-empty list of Results", field="results"
        )
    labels = list(labels) if labels else [r.title or r.source for r in results]
    if len(labels) != len(results):
        raise EffcastError(
            f"{len(labels)} labels for {len(results)} results", field="labels"
        )
    styles: list[LineStyleType] = ["-", "--", "-.", ":"]
    with matplotlib.rc_context(RC):
        fig = new_figure(8.0, 6.4 + 0.25 * len(results))
        axes = fig.subplots(2, 1, sharex=True)
        lo, hi = _range(*[r.hardware for r in results], *[r.compute for r in results])
        for ax, which in zip(axes, TOTAL_STYLE, strict=True):
            for i, res in enumerate(results):
                data = res.series(which)
                med = float(res.quantile(data, 0.5))
                style = {"color": f"C{i % 10}", "linestyle": styles[(i // 10) % 4]}
                _ecdf(ax, data, res.weights, linewidth=1.7, **style)
                ax.plot([med], [0.5], "o", markersize=4, color=style["color"])
            _cdf_axis(ax, rule="0.85")
            ax.set_title(TOTAL_STYLE[which][1], loc="left", fontsize=10)
            ax.grid(True, axis="x", color="0.9")
        log_axis(axes[-1], lo, hi)
        axes[-1].set_xlabel(
            "reduction (times less needed than at the start, log scale)"
        )
        handles = [
            Line2D(
                [],
                [],
                color=f"C{i % 10}",
                linestyle=styles[(i // 10) % 4],
                linewidth=1.7,
                label=f"{label}: median {fmt_x(res.quantile('hardware', 0.5))} "
                f"hardware, {fmt_x(res.quantile('compute', 0.5))} compute",
            )
            for i, (res, label) in enumerate(zip(results, labels, strict=True))
        ]
        fig.legend(handles=handles, loc="outside lower center", fontsize=8.5)
        what_if = heading(results[0], fig).split("\n")[1:]
        fig.suptitle(
            "\n".join(
                [
                    "Priors compared: cumulative distributions of the reductions",
                    f"({results[0].n:,} samples each; dots: medians)",
                    *what_if,
                ]
            ),
            fontsize=11,
        )
    return fig


def plot_compare(
    results: Sequence[Results],
    path: str | Path,
    labels: Sequence[str] | None = None,
    *,
    force: bool = False,
) -> Path:
    """Save :func:`compare_figure` to ``path`` (format from the extension)."""
    path = check_output(path, FIGURE_FORMATS, force=force)
    fig = compare_figure(results, labels)
    return save_with_provenance(fig, path, results, force=force)
