"""Render a summary (the dictionary of :meth:`Results.summary`) as rich tables.

The report works from the summary document alone, so whatever produces that
document can be rendered the same way.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from rich.console import ConsoleRenderable, Group
from rich.table import Table
from rich.text import Text

from effcast.io._numbers import (
    fmt_flop,
    fmt_multiplier,
    fmt_percent,
    fmt_years,
)
from effcast.report._cells import (
    band,
    baseline_line,
    gpu_hour_rate,
    oom,
    reference_cells,
    resource_rows,
    sensitivity_parts,
    target_of,
    total_rows,
)
from effcast.report._header import append_provenance, title_head, titled_table

__all__ = ["fmt_multiplier", "fmt_percent", "fmt_years", "render_summary"]


def _pm(se: float | None, scale: float = 1.0) -> str:
    """`` ± 1.3`` for a standard error (two significant figures), or nothing."""
    if se is None or not math.isfinite(se):
        return ""
    return f" ± {scale * se:.2g}"


def _median_se(d: Mapping[str, Any]) -> str:
    se = d.get("se", {}).get("quantiles", {}).get("0.5")
    return fmt_multiplier(d["quantiles"]["0.5"]) + _pm(se)


def _prob_se(d: Mapping[str, Any], k: str) -> str:
    se = d.get("se", {}).get("prob_exceeds", {}).get(k)
    # The error of a percentage, in percentage points.
    return fmt_percent(d["prob_exceeds"][k]) + (_pm(se, 100) + " pp" if se else "")


def render_summary(doc: dict) -> Group:
    """Tables for the reductions, the factors and the groups of a summary."""
    head = title_head(doc)
    head.append(
        f"\n{doc['prior']} | {doc['samples']:,} samples | seed {doc['seed']} | "
        f"period of {fmt_years(doc['years'])} years"
    )
    if doc.get("streamed"):
        head.append(
            f" | streamed: quantiles within {100 * doc['quantile_relative_error']:.2g}%"
        )
    if doc.get("qmc"):
        head.append(f" | quasi-Monte Carlo, {doc['qmc']['scrambles']} scrambles")
    if doc.get("precision"):
        p = doc["precision"]
        head.append(
            f"\nprecision mode: headline quantiles' standard error "
            f"{100 * p['rel_se']:.2g}% of their value (target "
            f"{100 * p['target_rel_se']:.2g}%"
            + (")" if p["reached"] else f", not reached by {p['max_samples']:,})")
        )
    append_provenance(head, doc)

    totals = titled_table(
        "Reduction in what it takes to reach the reference capability",
        (("", "left"), ("Hardware (GPU-hours)", "right"), ("Compute (FLOP)", "right")),
    )
    for cells in total_rows(doc, ("median (± standard error)", _median_se), _prob_se):
        totals.add_row(*cells)

    parts: list[ConsoleRenderable] = [head, Text(""), totals]
    if doc.get("resources"):
        parts += [Text(""), render_resources(doc["resources"])]
    if doc.get("reference_rates"):
        parts += [Text(""), render_references(doc)]
    if doc.get("factors"):
        table = doc.get("table")
        running = (
            {r["name"]: r["running_median"] for r in table["factors"]} if table else {}
        )
        factors = titled_table(
            "Factors, in sampling order",
            (
                ("factor", "left"),
                ("reduces", "left"),
                ("median", "right"),
                ("80% interval", "right"),
            ),
        )
        if running:
            factors.add_column("running product, median", justify="right")
        for name, f in doc["factors"].items():
            cells = [
                name,
                f.get("reduces", ""),
                fmt_multiplier(f["quantiles"]["0.5"]),
                band(f["quantiles"], "0.1", "0.9"),
            ]
            factors.add_row(
                *cells, *([fmt_multiplier(running[name])] if running else [])
            )
        if running:
            factors.caption = (
                "The running product multiplies each factor by those above it; its "
                "median is not the product of the medians."
            )
            factors.caption_justify = "left"
        parts += [Text(""), factors]
    if doc.get("groups"):
        groups = titled_table(
            "Groups (product of their factors)",
            (
                ("group", "left"),
                ("factors", "left"),
                ("median", "right"),
                ("80% interval", "right"),
            ),
        )
        for name, g in doc["groups"].items():
            groups.add_row(
                name,
                ", ".join(g.get("factors", [])),
                fmt_multiplier(g["quantiles"]["0.5"]),
                band(g["quantiles"], "0.1", "0.9"),
            )
        parts += [Text(""), groups]
    if doc.get("evidence"):
        from effcast.report._evidence_tables import render_evidence

        parts += [Text(""), render_evidence(doc["evidence"])]
    return Group(*parts)


def _count(x: float) -> str:
    return f"{x:,.0f}"


def _precision(key: str) -> str:
    """The catalogue's precision key as people write it."""
    return {"bf16": "16-bit", "fp8": "FP8"}.get(key, key)


def render_resources(res: dict) -> Group:
    """The ``resources`` section: FLOP, GPU-hours and wall-clock time at the
    period's end (the year the reductions bring the baseline run to)."""
    base, target = res["baseline"], target_of(res)
    when = f"in {math.floor(res['year'])}" if res.get("year") is not None else "now"
    title = f"What {base.get('name', 'the baseline')} would take {when}"
    lines = [baseline_line(base)]
    table = titled_table(
        title,
        (
            ("", "left"),
            ("median", "right"),
            ("80% interval", "right"),
            ("90% interval", "right"),
        ),
    )
    for cells in resource_rows(res):
        table.add_row(*cells)
    if target is not None:
        unit = target["gpu"]
        lines.append(
            f"{gpu_hour_rate(base, target)} "
            f"(ratio of dense peaks: {unit} {_precision(target['precision'])} "
            f"{target['peak_tflops']:g} vs {base['gpu']} "
            f"{_precision(base.get('precision', 'bf16'))} "
            f"{base['peak_tflops']:g} TFLOP/s)"
        )
        if target.get("equal_peak_cluster"):
            lines.append(
                f"{_count(target['gpus'])} {unit} have the peak of the baseline's "
                f"{_count(base['gpus'])} {base['gpu']}."
            )
    # Below the table, not as its caption: a caption wraps to the table's width.
    return Group(table, Text("\n".join(lines)))


def render_references(doc: dict) -> Table:
    """The ``reference_rates`` section beside effcast's own rates."""
    table = titled_table("Published rates beside effcast's")
    table.add_column("reference", no_wrap=True)
    table.add_column("for")
    for col in ("rate", "effcast", "P(faster)"):
        table.add_column(col, justify="right", no_wrap=True)
    for name, ref in doc["reference_rates"].items():
        table.add_row(name, *reference_cells(doc, ref))
    table.caption = (
        "rate: per year (OOM per year); effcast: its median rate per year; "
        "P(faster): the chance that effcast's rate is the higher.\n"
    ) + "\n".join(
        f"{name}: {ref['label']}" for name, ref in doc["reference_rates"].items()
    )
    table.caption_justify = "left"
    return table


def render_sensitivity(doc: dict) -> Group:
    """Tables for :func:`effcast.sensitivity`: shares and tornado, per total."""
    head = title_head(doc)
    head.append(f"\n{doc['prior']} | {doc['samples']:,} samples | seed {doc['seed']}")
    append_provenance(head, doc)
    parts: list = [head]
    lo, hi = f"{100 * doc['low']:g}th", f"{100 * doc['high']:g}th"
    for title, ranked in sensitivity_parts(doc):
        table = titled_table(title)
        table.add_column("factor", no_wrap=True)
        for col in ("share", f"held at {lo}", "median", f"held at {hi}", "median"):
            table.add_column(col, justify="right", no_wrap=True)
        for name, f in ranked:
            table.add_row(
                name,
                f"{100 * f['share']:.1f}%",
                fmt_multiplier(f["low_value"]),
                fmt_multiplier(f["median_at_low"]),
                fmt_multiplier(f["high_value"]),
                fmt_multiplier(f["median_at_high"]),
            )
        table.caption = (
            "share: of the variance of log10(reduction), cov(log10 factor, "
            "log10 total) / var(log10 total), adding to 100%. held at: the factor "
            "fixed at its own percentile, the others varying; median: the median "
            "reduction then. Rows by the width of the swing."
        )
        table.caption_justify = "left"
        parts += [Text(""), table]
    return Group(*parts)


def render_comparison(doc: dict) -> Group:
    """Side-by-side figures of several summaries (``effcast compare``)."""
    runs = doc["runs"]
    head = Text()
    head.append("Priors compared", style="bold")
    head.append(
        f"\n{doc['samples']:,} samples each | seed {doc['seed']} (the same for all)"
    )
    if runs:  # the same --set for every prior; each run lists what it left out
        disabled = sorted({n for r in runs for n in r.get("disabled", [])})
        append_provenance(
            head, {"overrides": runs[0].get("overrides"), "disabled": disabled}
        )
    table = Table(show_edge=False)
    table.add_column("")
    for i in range(1, len(runs) + 1):
        table.add_column(f"[{i}]", justify="right")

    def row(label, f, end_section=False):
        table.add_row(label, *[f(r) for r in runs], end_section=end_section)

    for which, name in (("hardware", "Hardware"), ("compute", "Compute")):
        row(
            f"{name}: median",
            lambda r, w=which: fmt_multiplier(r[w]["quantiles"]["0.5"]),
        )
        row(
            "  80% interval",
            lambda r, w=which: band(r[w]["quantiles"], "0.1", "0.9"),
        )
        row(
            "  P(> 1000x)",
            lambda r, w=which: (
                fmt_percent(r[w]["prob_exceeds"]["1000"])
                if "1000" in r[w]["prob_exceeds"]
                else "n/a"
            ),
        )
        row(
            "  per year, median",
            lambda r, w=which: fmt_multiplier(
                r[w]["annual_multiplier"]["quantiles"]["0.5"]
            ),
        )
        row(
            "  OOM per year, median",
            lambda r, w=which: oom(r[w]["oom_per_year"]["quantiles"]["0.5"]),
            end_section=True,
        )
    row("period (years)", lambda r: fmt_years(r["years"]))
    if any("resources" in r for r in runs):
        row(
            "FLOP needed, median",
            lambda r: (
                fmt_flop(r["resources"]["flop_needed"]["quantiles"]["0.5"])
                if "resources" in r
                else "n/a"
            ),
        )
    legend = Text()
    for i, run in enumerate(runs, start=1):
        sha = run.get("prior_sha256")
        tag = f" (sha256 {sha[:12]})" if sha else ""
        legend.append(f"[{i}] {run['prior']}{tag}: {run.get('title') or ''}\n")
    return Group(head, Text(""), table, Text(""), legend)
