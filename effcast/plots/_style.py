"""The one style of effcast's figures: colours, text sizes, resolution, axes.

Both figure modules draw through these helpers, so every figure effcast
makes has the same colours for hardware and compute, the same fonts, the
same resolution and the same log-axis labels (``10x``, ``2.5e6x``).
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from effcast.io._numbers import fmt_x

if TYPE_CHECKING:
    from matplotlib.typing import RcKeyType

__all__ = [
    "COLOURS",
    "DPI",
    "RC",
    "TOTAL_STYLE",
    "decade_ticks",
    "log_axis",
    "log_ticks",
    "new_figure",
]

COLOURS = {"hardware": "#1f5fa8", "compute": "#c0392b"}
"""One colour per reduction, in every figure."""

TOTAL_STYLE = {
    "hardware": (COLOURS["hardware"], "Hardware (GPU-hours)"),
    "compute": (COLOURS["compute"], "Compute (FLOP)"),
}
"""Each reduction's colour and its label."""

DPI = 150
"""Resolution of saved raster figures."""

RC: dict[RcKeyType, Any] = {
    "font.size": 10,
    "axes.titlesize": 11,
    "axes.labelsize": 10,
}
"""Text sizes, applied with ``matplotlib.rc_context`` around drawing."""


def new_figure(width: float, height: float) -> Any:
    """A matplotlib Figure (no pyplot state) with constrained layout."""
    from matplotlib.figure import Figure

    return Figure(figsize=(width, height), dpi=110, layout="constrained")


def log_ticks(axis: Any) -> None:
    """Label a log axis's major ticks ``10x``, ``2.5x``, ``2.5e6x``."""
    from matplotlib.ticker import FuncFormatter, NullFormatter

    axis.set_major_formatter(FuncFormatter(lambda v, _: fmt_x(v) if v > 0 else ""))
    axis.set_minor_formatter(NullFormatter())


def log_axis(ax: Any, lo: float, hi: float) -> None:
    """A log x axis from ``lo`` to ``hi`` with ticks dense enough to read."""
    from matplotlib.ticker import LogLocator

    ax.set_xscale("log")
    ax.set_xlim(lo, hi)
    decades = math.log10(hi / lo)
    if decades > 2.5:
        subs: tuple[float, ...] = (1.0,)
    elif decades > 1.2:
        subs = (1.0, 2.0, 5.0)
    else:
        subs = (1.0, 1.5, 2.0, 3.0, 4.0, 6.0, 8.0)
    ax.xaxis.set_major_locator(LogLocator(base=10, subs=subs))
    log_ticks(ax.xaxis)


def decade_ticks(axis: Any) -> None:
    """Label a log axis spanning many decades at powers of ten only."""
    from matplotlib.ticker import FuncFormatter, LogLocator, NullFormatter

    def label(v: float, _pos: Any) -> str:
        if v <= 0:
            return ""
        e = math.log10(v)
        if abs(e - round(e)) > 1e-9:
            return ""
        k = round(e)
        return f"{10**k:,.0f}x" if 0 <= k <= 4 else f"$10^{{{k}}}$x"

    axis.set_major_locator(LogLocator(base=10, numticks=30))
    axis.set_major_formatter(FuncFormatter(label))
    axis.set_minor_formatter(NullFormatter())
