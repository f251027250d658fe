"""Render the document of :func:`effcast.describe` as text."""

from __future__ import annotations

from typing import Any

from rich.console import Group
from rich.text import Text

from effcast.report._header import append_provenance, title_head, titled_table
from effcast.report._tables import fmt_multiplier, fmt_percent, fmt_years

__all__ = ["render_describe"]


def _forward(forward: dict[str, Any]) -> str:
    if "error" in forward:
        return f"forward view: invalid ({forward['error']})"
    rate = forward["rate"]
    if rate == "historical":
        text = "each sample's own historical rate"
    elif isinstance(rate, dict):
        text = "compute rate (OOM/yr) " + ", ".join(f"{k} {v}" for k, v in rate.items())
    else:
        text = f"compute rate {rate:g} OOM/yr"
    if forward["acceleration"] != 1.0:
        text += f", rate x{forward['acceleration']:g} per year"
    if forward.get("cap") is not None:
        text += f", soft cap {forward['cap']:g} OOM"
    to, step = forward["to"], forward["step"]
    unit = "year" if step == 1 else "years"
    return f"forward view: to {to:g} in steps of {step:g} {unit}; {text}"


def render_describe(doc: dict[str, Any]) -> Group:
    """The factors' implied quantiles, the correlations, forward view, warnings."""
    head = title_head(doc)
    period = doc["period"]
    head.append(
        f"\n{doc['prior']} | period {fmt_years(period['start'])}-"
        f"{fmt_years(period['end'])} ({fmt_years(period['years'])} years) | "
        "read without sampling"
    )
    append_provenance(head, doc)
    head.append("\n" + _forward(doc["forward"]))
    table = titled_table(
        "Each factor as its prior states it (quantiles of the family)",
        [(col, "left") for col in ("factor", "dist", "reduces")]
        + [
            (col, "right")
            for col in ("5%", "10%", "median", "90%", "95%", "at floor", "median/yr")
        ],
    )
    for name, f in doc["factors"].items():
        q = f["quantiles"]
        table.add_row(
            name,
            f["dist"],
            f["reduces"],
            *(fmt_multiplier(q[k]) for k in ("0.05", "0.1", "0.5", "0.9", "0.95")),
            "-" if f["floor"] is None else fmt_percent(f["floor_mass"]),
            fmt_multiplier(f["median_per_year"]),
        )
    parts: list[Any] = [head, Text(""), table]
    if doc["correlations"]:
        corr = titled_table(
            "Correlations (Spearman)", (("between", "left"), ("rho", "right"))
        )
        for c in doc["correlations"]:
            corr.add_row(" and ".join(c["between"]), f"{c['rho']:g}")
        parts += [Text(""), corr]
    else:
        parts += [
            Text(""),
            Text("No correlations: every factor is drawn independently."),
        ]
    if doc["warnings"]:
        w = Text("Warnings:", style="bold yellow")
        for message in doc["warnings"]:
            w.append("\n- " + message, style="yellow")
        parts += [Text(""), w]
    else:
        parts += [Text("No warnings.", style="dim")]
    labels = Text("Labels: ", style="dim")
    labels.append(
        "; ".join(
            f"{n} = {f['label']}" for n, f in doc["factors"].items() if f["label"]
        ),
        style="dim",
    )
    parts += [Text(""), labels]
    return Group(*parts)
