"""Render the forward parts of forecast and threshold documents.

The assumption each factor follows, each factor's projected multiplier,
the frontier run and its effective compute, and the indexed thresholds; all
from the plain dictionaries ``--json`` prints.
"""

from __future__ import annotations

import math
from typing import Any

from rich.table import Table
from rich.text import Text

from effcast.io._numbers import fmt_x as _mult

__all__ = [
    "factors_table",
    "frontier_table",
    "indexed_table",
    "sensitivity_tables",
    "views_text",
]


def _flop(x: float) -> str:
    if not math.isfinite(x):
        return f"{x:g}"
    mant, _, exp = f"{x:.2g}".partition("e")
    return f"{mant}e{int(exp)}" if exp else mant


def views_text(forward: dict[str, Any]) -> Text:
    """One line per factor: the forward assumption it follows."""
    out = Text()
    for name, said in (forward.get("factors") or {}).items():
        out.append(f"\n  {name}: ", style="bold")
        out.append(said)
    return out


def factors_table(doc: dict) -> Table | None:
    """Each factor's median multiplier at the period end and the last year."""
    factors = doc.get("factors")
    if not factors:
        return None
    years = list(doc["hardware"])
    first, last = years[0], years[-1]
    table = Table(
        title=f"Per factor: median multiplier since {doc['period']['start']:g}",
        title_justify="left",
        show_edge=False,
    )
    table.add_column("factor")
    for y in (first, last):
        table.add_column(f"{y}\nmedian", justify="right")
        table.add_column(f"{y}\n80% interval", justify="right")
    for name, rows in factors.items():
        cells = [name]
        for y in (first, last):
            q = rows[y]["quantiles"]
            cells += [_mult(q["0.5"]), f"{_mult(q['0.1'])} - {_mult(q['0.9'])}"]
        table.add_row(*cells)
    return table


def frontier_table(doc: dict) -> Table | None:
    """The frontier run, effective compute and the resource/efficiency split."""
    frontier = doc.get("frontier")
    if not frontier:
        return None
    split = doc.get("growth_split") or {}
    table = Table(
        title=(
            f"Frontier: {doc['frontier_assumption']}\n"
            f"effective compute (median) in {doc['effective_compute_unit']}; "
            "resources x efficiency; efficiency share: of its orders of magnitude"
        ),
        title_justify="left",
        show_edge=False,
    )
    table.add_column("year", justify="right")
    table.add_column("frontier FLOP\nmedian", justify="right")
    table.add_column("frontier FLOP\n80% interval", justify="right")
    table.add_column("effective\ncompute", justify="right")
    if split:
        table.add_column("resources\nmedian", justify="right")
        table.add_column("efficiency\nmedian", justify="right")
        table.add_column("efficiency\nshare", justify="right")
    for key, row in frontier.items():
        f = row["quantiles"]
        e = doc["effective_compute"][key]["quantiles"]
        cells = [
            key,
            _flop(f["0.5"]),
            f"{_flop(f['0.1'])}-{_flop(f['0.9'])}",
            _mult(e["0.5"]),
        ]
        if split:
            s = split[key]
            share = s["efficiency_share_median"]
            cells += [
                _mult(s["resources"]["0.5"]),
                _mult(s["efficiency"]["0.5"]),
                "n/a" if share != share else f"{share:.0%}",
            ]
        table.add_row(*cells)
    hw = doc.get("hardware_split")
    if hw is not None:
        table.caption = (
            f"Hardware side in {hw['year']:g}: {_mult(hw['resources'])} the baseline's "
            f"fp16-equivalent GPU-hours beside a {_mult(hw['efficiency']['0.5'])} "
            "hardware reduction (median)"
        )
        table.caption_justify = "left"
    return table


def indexed_table(doc: dict) -> Table | None:
    """Each question's indexed threshold (median) by year."""
    questions = [q for q in doc["questions"] if q.get("indexed_threshold")]
    if not questions:
        return None
    table = Table(
        title="Indexed threshold: the limit that still means the reference-year "
        "capability (median)",
        title_justify="left",
        show_edge=False,
    )
    table.add_column("year", justify="right")
    for q in questions:
        table.add_column(q["label"], justify="right")
    for year in questions[0]["indexed_threshold"]:
        table.add_row(
            year,
            *[
                _flop(q["indexed_threshold"][year]["quantiles"]["0.5"])
                for q in questions
            ],
        )
    return table


def _value(x: float | None, label: str) -> str:
    if x is None:
        return "never"
    if label.startswith("crossing year"):
        return f"{x:.1f}"
    return _mult(10.0**x)


def sensitivity_tables(doc: dict, top: int = 8) -> list[Table]:
    """One table per sensitivity document: shares and the tornado's medians."""
    tables = []
    for sens in doc.get("sensitivity") or []:
        label = sens["output"]
        table = Table(
            title=(
                f"Which beliefs move it: {label} (median "
                f"{_value(sens['median'], label)}; explained {sens['explained']:.0%})"
            ),
            title_justify="left",
            show_edge=False,
        )
        table.add_column("belief")
        table.add_column("share", justify="right")
        table.add_column(f"median if low\n(bottom {sens['low']:.0%})", justify="right")
        table.add_column(
            f"median if high\n(top {1 - sens['high']:.0%})", justify="right"
        )
        for name, row in list(sens["inputs"].items())[:top]:
            table.add_row(
                name,
                f"{row['share']:.0%}",
                _value(row["median_at_low"], label),
                _value(row["median_at_high"], label),
            )
        tables.append(table)
    return tables
