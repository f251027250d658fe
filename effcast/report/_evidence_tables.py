"""Render the ``evidence`` section of a conditioned summary as rich tables.

Two tables: the evidence entries (what was observed, where it falls under
the prior, the ESS each leaves) and the prior-vs-posterior comparison of
both totals and every factor (median and 80% interval before and after).
"""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.text import Text

from effcast.io._numbers import fmt_multiplier
from effcast.report._header import titled_table

__all__ = ["render_evidence"]


def _pct(p: float) -> str:
    return f"{p:.3g}%" if p < 1 or p > 99 else f"{p:.1f}%"


def _what(e: dict) -> str:
    measure = "" if e["measure"] == "value" else f" ({e['measure']})"
    return f"{e['applies_to']}{measure}"


def _prior_check(e: dict) -> str:
    if "prior_percentile" in e:
        return f"at its {_pct(e['prior_percentile'])} point"
    return f"{100 * e['prior_mass_inside']:.3g}% inside"


def _cell(d: dict) -> str:
    mult = fmt_multiplier
    return f"{mult(d['0.5'])} [{mult(d['0.1'])}-{mult(d['0.9'])}]"


def render_evidence(ev: dict) -> Group:
    """The entries table and the prior-vs-posterior table of ``ev``."""
    head = Text()
    head.append("Conditioned on evidence", style="bold")
    head.append(
        f": effective sample size {ev['ess']:,.0f} of {ev['samples']:,} "
        f"({100 * ev['ess_fraction']:.3g}%); every figure above is weighted"
    )
    entries = titled_table(
        "Evidence entries",
        (
            ("entry", "left"),
            ("observes", "left"),
            ("under the prior", "left"),
            ("ESS alone", "right"),
        ),
    )
    for e in ev["entries"]:
        entries.add_row(e["name"], _what(e), _prior_check(e), f"{e['ess_alone']:,.0f}")
    shifts = titled_table(
        "Prior and posterior: median [80% interval]",
        (("", "left"), ("prior", "right"), ("posterior", "right"), ("moved", "right")),
    )
    for key, row in ev["shifts"].items():
        if key.startswith("group:"):
            continue
        ratio, shift = row["median_ratio"], row["median_shift"]
        moved = "n/a" if ratio is None else f"x{ratio:.2f}"
        if shift is not None:
            moved += f" {shift:+.2f}"
        shifts.add_row(
            key.partition(":")[2] or key,
            _cell(row["prior"]),
            _cell(row["posterior"]),
            moved,
        )
    if ev.get("moved_most"):
        shifts.caption = (
            "moved: posterior / prior median, then that move in widths of the "
            "prior's 80% interval (log scale). Moved most for its "
            f"uncertainty: {ev['moved_most']}."
        )
        shifts.caption_justify = "left"
    parts: list[RenderableType] = [head, Text(""), entries, Text(""), shifts]
    if ev.get("warning"):
        parts += [Text(""), Text(f"Warning: {ev['warning']}", style="yellow")]
    return Group(*parts)
