"""The cells that the terminal tables and the HTML tables share.

:mod:`effcast.report._tables` lays a summary out with rich and
:mod:`effcast.report._html_tables` as HTML; the rows they have in common
(the headline reductions, the resources, the published rates, the ranking
of a tornado) are built here once, as text, so the two cannot drift apart.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import Any

from effcast.io._numbers import fmt_flop, fmt_hours, fmt_multiplier, fmt_percent

__all__ = [
    "band",
    "baseline_line",
    "d_keys",
    "effcast_rate",
    "gpu_hour_rate",
    "oom",
    "reference_cells",
    "resource_rows",
    "sensitivity_parts",
    "target_of",
    "total_rows",
]

Cell = Callable[[Mapping[str, Any]], str]
"""A cell of one total (hardware or compute) from that total's part of a summary."""


def band(qs: Mapping[str, Any], lo: str, hi: str, fmt=fmt_multiplier) -> str:
    """The interval between two quantiles: ``2.1x - 8.4x``."""
    return f"{fmt(qs[lo])} - {fmt(qs[hi])}"


def oom(x: float | None) -> str:
    """Orders of magnitude, two decimals."""
    return "n/a" if x is None else f"{x:.2f}"


def d_keys(d: Mapping[str, Any]) -> list[str]:
    """Keys of a threshold dictionary, in numeric order."""
    return sorted(d, key=float)


def total_rows(
    doc: Mapping[str, Any],
    median: tuple[str, Cell],
    prob: Callable[[Mapping[str, Any], str], str],
) -> list[list[str]]:
    """The headline rows, ``[label, hardware, compute]``: the ``median`` row
    (label and cell), intervals, the chance of exceeding each threshold
    (``prob`` of a total and a threshold's key) and the annual rates."""
    hw, cp = doc["hardware"], doc["compute"]
    rows: list[list[str]] = []

    def row(label: str, f: Cell) -> None:
        rows.append([label, f(hw), f(cp)])

    row(*median)
    row("80% interval (10th-90th)", lambda d: band(d["quantiles"], "0.1", "0.9"))
    row("90% interval (5th-95th)", lambda d: band(d["quantiles"], "0.05", "0.95"))
    for key in d_keys(hw["prob_exceeds"]):
        rows.append([f"P(> {float(key):g}x)", prob(hw, key), prob(cp, key)])
    row(
        "per year, median",
        lambda d: fmt_multiplier(d["annual_multiplier"]["quantiles"]["0.5"]),
    )
    row(
        "per year, 80% interval",
        lambda d: band(d["annual_multiplier"]["quantiles"], "0.1", "0.9"),
    )
    row("OOM per year, median", lambda d: oom(d["oom_per_year"]["quantiles"]["0.5"]))
    row(
        "OOM per year, 80% interval",
        lambda d: band(d["oom_per_year"]["quantiles"], "0.1", "0.9", oom),
    )
    return rows


def _gpu_hours(v: float | None) -> str:
    return "n/a" if v is None else f"{v:,.0f}" if v >= 10 else f"{v:.2g}"


def resource_rows(res: Mapping[str, Any]) -> list[list[str]]:
    """The ``resources`` rows, ``[label, median, 80% interval, 90% interval]``:
    FLOP needed, then GPU-hours and wall-clock time on the target hardware."""
    rows: list[list[str]] = []

    def add(label: str, qs: Mapping[str, Any], fmt) -> None:
        rows.append(
            [
                label,
                fmt(qs["0.5"]),
                band(qs, "0.1", "0.9", fmt),
                band(qs, "0.05", "0.95", fmt),
            ]
        )

    add("FLOP needed", res["flop_needed"]["quantiles"], fmt_flop)
    target = target_of(res)
    if target is not None:
        unit = target["gpu"]
        add(f"{unit}-hours", res["gpu_hours"]["quantiles"], _gpu_hours)
        add(
            f"wall clock, {target['gpus']:,.0f} {unit}",
            res["wall_clock_hours"]["quantiles"],
            fmt_hours,
        )
    return rows


def target_of(res: Mapping[str, Any]) -> Mapping[str, Any] | None:
    """The target hardware of the ``resources`` section, where it has one and
    the resources hold GPU-hours on it."""
    target = res.get("target")
    return target if target is not None and "gpu_hours" in res else None


def gpu_hour_rate(base: Mapping[str, Any], target: Mapping[str, Any]) -> str:
    """What an hour of the target GPU is worth: ``1 H100-hour = 3.17 A100-hours``."""
    return f"1 {target['gpu']}-hour = {target['peak_ratio']:.3g} {base['gpu']}-hours"


def baseline_line(base: Mapping[str, Any]) -> str:
    """The baseline run in words: its FLOP and, where given, its hardware."""
    line = f"Baseline: {fmt_flop(base['flop'])} FLOP"
    if "gpu" in base:
        line += (
            f" on {base['gpus']:,.0f} {base['gpu']} for {base['days']:g} days "
            f"({base['gpu_hours']:,.0f} GPU-hours, {100 * base['mfu']:.1f}% MFU)"
        )
    return line


def effcast_rate(doc: Mapping[str, Any], applies_to: str) -> float | None:
    """effcast's median annual rate for what a reference applies to."""
    kind, _, name = applies_to.partition(":")
    if kind in ("hardware", "compute"):
        return doc[kind]["annual_multiplier"]["quantiles"]["0.5"]
    entry = doc.get("factors" if kind == "factor" else "groups", {}).get(name)
    if not entry:
        return None
    median = entry["quantiles"]["0.5"]
    return median ** (1.0 / doc["years"]) if median > 0 else None


def reference_cells(doc: Mapping[str, Any], ref: Mapping[str, Any]) -> list[str]:
    """A published rate's cells after its name: what it applies to, its rate
    per year (OOM per year), effcast's and the chance effcast's is faster."""
    p = ref["prob_effcast_faster"]
    return [
        ref["applies_to"].partition(":")[2] or ref["applies_to"],
        f"{fmt_multiplier(ref['per_year'])} ({oom(ref['oom_per_year'])})",
        fmt_multiplier(effcast_rate(doc, ref["applies_to"])),
        "n/a" if p is None else fmt_percent(p),
    ]


def sensitivity_parts(
    doc: Mapping[str, Any],
) -> Iterator[tuple[str, list[tuple[str, Any]]]]:
    """For each total of a sensitivity document that has factors, the title
    of its table and its factors by the width of their swing, widest first."""
    for which, label in (
        ("hardware", "Hardware (GPU-hours)"),
        ("compute", "Compute (FLOP)"),
    ):
        part = doc[which]
        if not part["factors"]:
            continue
        ranked = sorted(
            part["factors"].items(),
            key=lambda kv: kv[1]["median_at_high"] / kv[1]["median_at_low"],
            reverse=True,
        )
        yield f"{label}: median reduction {fmt_multiplier(part['median'])}", ranked
