"""Render forecast, threshold and sweep documents as rich tables.

Like :mod:`effcast.report._tables`, each function works from the plain dictionary
that ``--json`` prints, so the tables and the JSON never disagree.
"""

from __future__ import annotations

import math
from typing import Any

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from effcast.io._numbers import (
    fmt_percent,
    fmt_x,
    fmt_year,
    fmt_years,
    sci,
)
from effcast.report._forward_tables import (
    factors_table,
    frontier_table,
    indexed_table,
    sensitivity_tables,
    views_text,
)
from effcast.report._header import append_provenance, title_head

__all__ = ["render_crossing", "render_forecast", "render_sweep"]


def _band(lo: float | None, hi: float | None) -> str:
    if lo is None:
        return "never"
    return f"{fmt_year(lo)}-{fmt_year(hi)}"


def _forward_text(forward: dict[str, Any]) -> str:
    rate = forward["rate"]
    if rate == "historical":
        text = "forward rate: each sample's own historical rate"
    elif isinstance(rate, dict):
        body = ", ".join(f"{k} {v}" for k, v in rate.items())
        text = f"forward compute rate (OOM/yr): {body}"
    else:
        text = f"forward compute rate: {10.0**rate:.3g}x/yr ({rate:.3g} OOM/yr)"
    if forward.get("factors"):
        text = text.replace("forward", "default forward", 1)
        text += " (factors without a view of their own)"
    if forward["acceleration"] != 1.0:
        text += f" | rate x{forward['acceleration']:g} per year"
    if forward["cap_oom"] is not None:
        text += f" | soft cap {forward['cap_oom']:g} OOM"
    return text


def _head(doc: dict) -> Text:
    head = title_head(doc)
    period = doc["period"]
    head.append(
        f"\n{doc['prior']} | {doc['samples']:,} samples | seed {doc['seed']} | "
        f"period {fmt_years(period['start'])}-{fmt_years(period['end'])}\n"
        + _forward_text(doc["forward"])
    )
    head.append("\nper factor:")
    head.append_text(views_text(doc["forward"]))
    return append_provenance(head, doc)


def render_forecast(doc: dict) -> Group:
    """The reductions' median and intervals at each year of a forecast."""
    table = Table(
        title=f"Reduction since {fmt_years(doc['period']['start'])} "
        "(times less needed)",
        title_justify="left",
        show_edge=False,
    )
    table.add_column("year", justify="right")
    for label in ("hardware", "compute"):
        table.add_column(f"{label}\nmedian", justify="right")
        table.add_column(f"{label}\n80% interval", justify="right")
    for key in doc["hardware"]:
        cells = [key + (" (end)" if float(key) == doc["period"]["end"] else "")]
        for which in ("hardware", "compute"):
            qs = doc[which][key]["quantiles"]
            cells += [
                fmt_x(qs["0.5"]),
                f"{fmt_x(qs['0.1'])} - {fmt_x(qs['0.9'])}",
            ]
        table.add_row(*cells)
    parts: list[RenderableType] = [_head(doc), Text(""), table]
    for extra in (factors_table(doc), frontier_table(doc), *sensitivity_tables(doc)):
        if extra is not None:
            parts += [Text(""), extra]
    return Group(*parts)


def render_crossing(doc: dict) -> Group:
    """P(crossed by year) for each threshold and budget, and median years."""
    ref = doc["reference"]
    # The title goes above the table, not in it: a table's title wraps to the
    # table's width, a few words per line for a narrow table.
    title = Text(
        f"P(a {ref['name']}-level model fits under the limit by the start of "
        f"each year)\nreference: {sci(ref['flop'])} FLOP in {ref['year']:g}",
        style="italic",
    )
    table = Table(show_edge=False)
    table.add_column("year", justify="right")
    questions = doc["questions"]
    for q in questions:
        table.add_column(q["label"], justify="right")
    for key in questions[0]["prob_crossed_by"] if questions else []:
        table.add_row(key, *[fmt_percent(q["prob_crossed_by"][key]) for q in questions])
    summary = Table(title="Crossing year", title_justify="left", show_edge=False)
    for col in ("limit", "OOM needed", "median", "80% interval", "by period end"):
        summary.add_column(col, justify="right" if col != "limit" else "left")
    summary.add_column("never", justify="right")
    for q in questions:
        yq = q["year_quantiles"]
        summary.add_row(
            q["label"],
            f"{q['oom']:.2f}",
            fmt_year(yq["0.5"]),
            _band(yq["0.1"], yq["0.9"]),
            fmt_percent(q["prob_by_period_end"]),
            fmt_percent(q["prob_never"]),
        )
    note = Text(
        "Years are decimal years: 2026 means 1 January 2026. 'never': the "
        "forward model does not get there at all (a cap or a slowdown).",
        style="dim",
    )
    parts: list[RenderableType] = [_head(doc), Text(""), title, table]
    parts += [Text(""), summary]
    indexed = indexed_table(doc)
    if indexed is not None:
        parts += [Text(""), indexed]
    for extra in sensitivity_tables(doc):
        parts += [Text(""), extra]
    return Group(*parts, Text(""), note)


def _value(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float):
        if math.isnan(v):
            return "n/a"
        return f"{v:.4g}"
    return str(v)


def _stat_cell(name: str, v: float | None) -> str:
    if v is None and not name.startswith("crossing."):
        return "off"  # the factor or group is switched off in this scenario
    if v is None:
        return "n/a"
    if name.startswith("crossing."):
        if ".by" in name:
            return fmt_percent(v)
        return fmt_year(v)
    kind = name.split(".")[1] if "." in name else ""
    if kind == "oom" or name.endswith("mean_log10"):
        return f"{v:.3f}"
    if kind.startswith("p") and kind[1:2].isdigit():
        return fmt_percent(v)
    return fmt_x(v)


def render_sweep(doc: dict) -> Group:
    """One row per scenario: its overrides, then the statistics asked for."""
    head = Text()
    head.append(doc["prior"], style="bold")
    head.append(
        f"\n{len(doc['scenarios'])} scenarios | {doc['samples']:,} samples each | "
        f"seed {doc['seed']}"
    )
    append_provenance(head, doc)
    table = Table(show_edge=False)
    for p in doc["paths"]:
        table.add_column(p.replace(".", "\n", 1), justify="right", style="cyan")
    for s in doc["stats"]:
        # "hardware\noom.0.5": two short header lines rather than one cut off.
        table.add_column(s.replace(".", "\n", 1), justify="right")
    for sc in doc["scenarios"]:
        table.add_row(
            *[_value(sc["overrides"].get(p, "")) for p in doc["paths"]],
            *[_stat_cell(s, sc["stats"][s]) for s in doc["stats"]],
        )
    note = Text(
        "Statistics: SERIES.Q is a quantile of the reduction, SERIES.oom.Q of "
        "the OOM per year, SERIES.pX the chance of exceeding X times, "
        "SERIES.atYEAR.Q of the reduction at YEAR, crossing.LIMIT.Q of the "
        "crossing year. Each scenario's seed is in --json.",
        style="dim",
    )
    return Group(head, Text(""), table, Text(""), note)
