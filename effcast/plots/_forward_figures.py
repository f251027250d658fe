"""A tornado of a forward answer: which beliefs move it, and how far.

Draws one document of :func:`effcast.crossing_sensitivity` or
:func:`effcast.forecast_sensitivity`: for each input (largest Shapley share
first), a bar from the median answer among samples where the input is low
to the median where it is high, around the overall median, labelled with
the input's share.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

from effcast.io._formats import save_figure
from effcast.plots._forecast_figures import check_figure_path
from effcast.plots._style import DPI, new_figure

__all__ = ["forward_tornado"]


def forward_tornado(
    doc: dict[str, Any],
    path: str | Path | None = None,
    *,
    top: int = 10,
    title: str | None = None,
    force: bool = False,
) -> Any:
    """Draw a tornado of one forward output (a crossing year, a reduction).

    Parameters
    ----------
    doc : dict
        One document of :func:`effcast.crossing_sensitivity` or
        :func:`effcast.forecast_sensitivity`.
    path : str or Path, optional
        Where to save the figure (``.png``, ``.svg`` or ``.pdf``).
    top : int
        How many inputs to show (largest shares).
    title : str, optional
        Overrides the default title.
    force : bool
        Replace ``path`` if it exists.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import effcast
    >>> fc = effcast.forecast(effcast.load("gpt4_2026"), n=20_000, seed=1)
    >>> doc = effcast.crossing_sensitivity(effcast.crossing(fc, 1e24))[0]
    >>> fig = effcast.forward_tornado(doc)
    >>> len(fig.axes)
    1
    """
    if path is not None:
        path = check_figure_path(path, force)
    rows = list(doc["inputs"].items())[:top]
    rows = [
        (name, r)
        for name, r in rows
        if r["median_at_low"] is not None and r["median_at_high"] is not None
    ]
    fig = new_figure(10, 0.45 * max(len(rows), 3) + 2.2)
    ax = fig.subplots()
    centre = doc["median"]
    for i, (_, r) in enumerate(reversed(rows)):
        lo, hi = r["median_at_low"], r["median_at_high"]
        ax.barh(i, hi - (centre or 0), left=centre, color="#c0392b", alpha=0.75)
        ax.barh(i, lo - (centre or 0), left=centre, color="#1f5fa8", alpha=0.75)
        ax.text(
            max(lo, hi),
            i,
            f"  {r['share']:.0%}",
            va="center",
            fontsize=9,
        )
    ax.set_yticks(range(len(rows)), [name for name, _ in reversed(rows)])
    if centre is not None and math.isfinite(centre):
        ax.axvline(centre, color="0.2", linewidth=1)
    ax.set_xlabel(
        f"{doc['output']}\nmedian with the input in its bottom "
        f"{doc['low']:.0%} (blue) or top {1 - doc['high']:.0%} (red); "
        "the line is the overall median"
    )
    ax.grid(True, axis="x", alpha=0.3)
    ax.set_title(
        title
        or (
            "Which beliefs move the answer\n"
            f"Shapley shares of the explained variance ({doc['explained']:.0%} "
            "of it, on normal scores) beside each bar"
        ),
        fontsize=11,
    )
    if path is not None:
        save_figure(fig, path, DPI)
    return fig
