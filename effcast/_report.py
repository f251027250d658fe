"""Render a summary (the dictionary of :meth:`Results.summary`) as rich tables.

The report works from the summary document alone, so whatever produces that
document can be rendered the same way.
"""

from __future__ import annotations

from rich.console import Console, Group
from rich.table import Table
from rich.text import Text

__all__ = ["fmt_multiplier", "render_summary"]


def fmt_multiplier(x: float | None) -> str:
    """``423.4 -> '423x'``, ``2.513 -> '2.51x'``, three significant figures."""
    if x is None:
        return "n/a"
    if x >= 1e5:
        return f"{x:.2e}x"
    if x >= 100:
        return f"{x:,.0f}x"
    return f"{x:.3g}x"


def _pct(p: float) -> str:
    """A probability as a percentage, saying "<0.1%" rather than rounding to 0."""
    if p == 0 or p == 1:
        return f"{100 * p:.0f}%"
    if p < 0.001:
        return "<0.1%"
    if p > 0.999:
        return ">99.9%"
    return f"{100 * p:.1f}%"


def _oom(x: float | None) -> str:
    return "n/a" if x is None else f"{x:.2f}"


def _band(qs: dict, lo: str, hi: str, fmt=fmt_multiplier) -> str:
    return f"{fmt(qs[lo])} - {fmt(qs[hi])}"


def render_summary(doc: dict) -> Group:
    """Tables for the reductions, the factors and the groups of a summary."""
    head = Text()
    head.append(doc.get("title") or doc["prior"], style="bold")
    head.append(
        f"\n{doc['prior']} | {doc['samples']:,} samples | seed {doc['seed']} | "
        f"period of {doc['years']:g} years"
    )
    if doc.get("streamed"):
        head.append(
            f" | streamed: quantiles within {100 * doc['quantile_relative_error']:.2g}%"
        )

    totals = Table(
        title="Reduction in what it takes to reach the reference capability",
        title_justify="left",
        show_edge=False,
    )
    totals.add_column("")
    totals.add_column("Hardware (GPU-hours)", justify="right")
    totals.add_column("Compute (FLOP)", justify="right")
    hw, cp = doc["hardware"], doc["compute"]

    def row(label, f):
        totals.add_row(label, f(hw), f(cp))

    row("median", lambda d: fmt_multiplier(d["quantiles"]["0.5"]))
    row("80% interval (10th-90th)", lambda d: _band(d["quantiles"], "0.1", "0.9"))
    row("90% interval (5th-95th)", lambda d: _band(d["quantiles"], "0.05", "0.95"))
    for key in d_keys(hw["prob_exceeds"]):
        row(f"P(> {float(key):g}x)", lambda d, k=key: _pct(d["prob_exceeds"][k]))
    row(
        "per year, median",
        lambda d: fmt_multiplier(d["annual_multiplier"]["quantiles"]["0.5"]),
    )
    row(
        "per year, 80% interval",
        lambda d: _band(d["annual_multiplier"]["quantiles"], "0.1", "0.9"),
    )
    row("OOM per year, median", lambda d: _oom(d["oom_per_year"]["quantiles"]["0.5"]))
    row(
        "OOM per year, 80% interval",
        lambda d: _band(d["oom_per_year"]["quantiles"], "0.1", "0.9", _oom),
    )

    parts = [head, Text(""), totals]
    if doc.get("factors"):
        factors = Table(
            title="Factors, in sampling order", title_justify="left", show_edge=False
        )
        for col, just in (
            ("factor", "left"),
            ("reduces", "left"),
            ("median", "right"),
            ("80% interval", "right"),
        ):
            factors.add_column(col, justify=just)
        for name, f in doc["factors"].items():
            factors.add_row(
                name,
                f.get("reduces", ""),
                fmt_multiplier(f["quantiles"]["0.5"]),
                _band(f["quantiles"], "0.1", "0.9"),
            )
        parts += [Text(""), factors]
    if doc.get("groups"):
        groups = Table(
            title="Groups (product of their factors)",
            title_justify="left",
            show_edge=False,
        )
        for col, just in (
            ("group", "left"),
            ("factors", "left"),
            ("median", "right"),
            ("80% interval", "right"),
        ):
            groups.add_column(col, justify=just)
        for name, g in doc["groups"].items():
            groups.add_row(
                name,
                ", ".join(g.get("factors", [])),
                fmt_multiplier(g["quantiles"]["0.5"]),
                _band(g["quantiles"], "0.1", "0.9"),
            )
        parts += [Text(""), groups]
    return Group(*parts)


def d_keys(d: dict) -> list[str]:
    """Keys of a threshold dictionary, in numeric order."""
    return sorted(d, key=float)


def print_summary(doc: dict, console: Console | None = None) -> None:
    """Print :func:`render_summary` to ``console`` (standard output by default)."""
    (console or Console()).print(render_summary(doc))
