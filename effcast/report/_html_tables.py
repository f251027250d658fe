"""The report's tables as HTML, shared by the HTML report, the explorer and notebooks.

Each builder turns one document (the summary of :meth:`Results.summary`, the
result of :func:`effcast.sensitivity`, a forecast's or a crossing's summary)
into an :class:`HtmlTable`: plain cells, already formatted with the same
formatters as the terminal tables. :func:`tables_html` renders tables with
the Jinja2 macro of the report (``templates/_tables.html.j2``), so a notebook
cell, ``effcast report`` and ``effcast explore`` show the same tables.

Optional parts of a summary appear when present: Monte Carlo standard errors
(``se`` beside ``quantiles``), the overrides and the prior's hash.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from effcast.io._numbers import fmt_flop, fmt_multiplier, fmt_percent
from effcast.report._cells import (
    band,
    baseline_line,
    gpu_hour_rate,
    reference_cells,
    resource_rows,
    sensitivity_parts,
    target_of,
    total_rows,
)

__all__ = [
    "HtmlTable",
    "crossing_table",
    "forecast_table",
    "headline_table",
    "reference_table",
    "resources_table",
    "sensitivity_tables",
    "steps_table",
    "summary_html",
    "summary_tables",
    "tables_html",
]


@dataclass
class HtmlTable:
    """One table: a title, column heads, rows of text cells and a caption.

    ``ids`` gives some cells an HTML ``id`` (``{(row, column): id}``) and
    ``values`` the exact number behind a cell (``data-value``), so pages and
    tests can read a figure without parsing its formatting.
    """

    title: str
    columns: list[str]
    rows: list[list[str]]
    caption: str = ""
    numeric: list[bool] = field(default_factory=list)
    ids: dict[tuple[int, int], str] = field(default_factory=dict)
    values: dict[tuple[int, int], float] = field(default_factory=dict)
    css_class: str = ""

    def __post_init__(self) -> None:
        if not self.numeric:
            self.numeric = [False] + [True] * (len(self.columns) - 1)

    def cell_id(self, row: int, col: int) -> str | None:
        """The HTML id of a cell, if it has one."""
        return self.ids.get((row, col))

    def cell_value(self, row: int, col: int) -> float | None:
        """The exact number behind a cell, if recorded."""
        return self.values.get((row, col))


def _se(part: Mapping[str, Any], q: str) -> float | None:
    """The Monte Carlo standard error of a quantile, if the summary has one."""
    se = part.get("se")
    if isinstance(se, Mapping):
        inner = se.get("quantiles", se)
        if isinstance(inner, Mapping) and isinstance(inner.get(q), int | float):
            return float(inner[q])
    return None


def headline_table(doc: Mapping[str, Any]) -> HtmlTable:
    """The reductions in hardware and compute: medians, intervals, rates.

    The medians carry the ids ``hardware-median`` and ``compute-median``.

    Examples
    --------
    >>> import effcast
    >>> doc = effcast.load("gpt3_today").sample(20_000, seed=1).summary()
    >>> t = headline_table(doc)
    >>> t.columns[1:], t.cell_id(0, 1)
    (['Hardware (GPU-hours)', 'Compute (FLOP)'], 'hardware-median')
    """
    hw, cp = doc["hardware"], doc["compute"]

    def median(d: Mapping[str, Any]) -> str:
        text = fmt_multiplier(d["quantiles"]["0.5"])
        se = _se(d, "0.5")
        return text if se is None else f"{text} ± {fmt_multiplier(se)}"

    rows = total_rows(
        doc, ("median", median), lambda d, k: fmt_percent(d["prob_exceeds"][k])
    )
    caption = (
        "How many times less of each resource a model of the reference "
        "capability needs at the end of the period than at its start."
    )
    if _se(hw, "0.5") is not None:
        caption += " ± : one Monte Carlo standard error."
    return HtmlTable(
        "Reduction in what it takes to reach the reference capability",
        ["", "Hardware (GPU-hours)", "Compute (FLOP)"],
        rows,
        caption,
        ids={(0, 1): "hardware-median", (0, 2): "compute-median"},
        values={(0, 1): hw["quantiles"]["0.5"], (0, 2): cp["quantiles"]["0.5"]},
        css_class="headline",
    )


def steps_table(doc: Mapping[str, Any]) -> HtmlTable | None:
    """Each factor in sampling order with the running product's median."""
    factors = doc.get("factors") or {}
    if not factors:
        return None
    table = doc.get("table") or {}
    running = {r["name"]: r["running_median"] for r in table.get("factors", [])}
    group_of = {r["name"]: r.get("group", "") for r in table.get("factors", [])}
    rows = []
    for name, f in factors.items():
        rows.append(
            [
                name,
                group_of.get(name, ""),
                f.get("reduces", ""),
                fmt_multiplier(f["quantiles"]["0.5"]),
                band(f["quantiles"], "0.1", "0.9"),
                fmt_multiplier(running[name]) if name in running else "n/a",
            ]
        )
    for name, g in (doc.get("groups") or {}).items():
        rows.append(
            [
                f"{name} (group)",
                ", ".join(g.get("factors", [])),
                "",
                fmt_multiplier(g["quantiles"]["0.5"]),
                band(g["quantiles"], "0.1", "0.9"),
                "",
            ]
        )
    return HtmlTable(
        "Factors, in sampling order, with the running product",
        ["factor", "group", "reduces", "median", "80% interval", "running product"],
        rows,
        "The running product multiplies each factor by those above it; its median "
        "is not the product of the medians. Group rows: the product of their "
        "factors.",
        numeric=[False, False, False, True, True, True],
    )


def resources_table(doc: Mapping[str, Any]) -> HtmlTable | None:
    """FLOP, GPU-hours and wall-clock time the baseline run would need today."""
    res = doc.get("resources")
    if not res:
        return None
    base, target = res["baseline"], target_of(res)
    lines = [baseline_line(base) + ("." if "gpu" in base else "")]
    if target is not None:
        lines.append(
            f"{gpu_hour_rate(base, target)} "
            f"(ratio of dense {target['precision']} peaks, "
            f"{target['peak_tflops']:g} vs {base['peak_tflops']:g} TFLOP/s)."
        )
    return HtmlTable(
        f"What {base.get('name', 'the baseline')} would take today",
        ["", "median", "80% interval", "90% interval"],
        resource_rows(res),
        " ".join(lines),
    )


def reference_table(doc: Mapping[str, Any]) -> HtmlTable | None:
    """Published rates beside effcast's, with the chance effcast's is faster."""
    refs = doc.get("reference_rates")
    if not refs:
        return None
    rows = [
        [ref.get("label") or name, *reference_cells(doc, ref)]
        for name, ref in refs.items()
    ]
    return HtmlTable(
        "Published rates beside effcast's",
        ["reference", "for", "rate per year (OOM)", "effcast", "P(faster)"],
        rows,
        "effcast: its median rate per year; P(faster): the chance that effcast's "
        "rate is the higher.",
        numeric=[False, False, True, True, True],
    )


def sensitivity_tables(doc: Mapping[str, Any]) -> list[HtmlTable]:
    """Variance shares and the tornado's medians, one table per total."""
    lo, hi = f"{100 * doc['low']:g}th", f"{100 * doc['high']:g}th"
    out = []
    for title, ranked in sensitivity_parts(doc):
        rows = [
            [
                name,
                f"{100 * f['share']:.1f}%",
                fmt_multiplier(f["median_at_low"]),
                fmt_multiplier(f["median_at_high"]),
            ]
            for name, f in ranked
        ]
        out.append(
            HtmlTable(
                title,
                [
                    "factor",
                    "share of variance",
                    f"median, held at {lo}",
                    f"median, held at {hi}",
                ],  # fmt: skip
                rows,
                "share: of the variance of log10(reduction), adding to 100%. held "
                "at: the factor fixed at its own percentile while the others vary. "
                "Rows by the width of the swing.",
            )
        )
    return out


def forecast_table(doc: Mapping[str, Any]) -> HtmlTable:
    """A forecast's medians and 80% intervals, year by year."""
    rows = []
    for year in doc["years"]:
        key = f"{year:g}"
        h, c = doc["hardware"][key]["quantiles"], doc["compute"][key]["quantiles"]
        rows.append(
            [
                key,
                fmt_multiplier(h["0.5"]),
                band(h, "0.1", "0.9"),
                fmt_multiplier(c["0.5"]),
                band(c, "0.1", "0.9"),
            ]
        )
    return HtmlTable(
        "Reductions since the period start, projected",
        ["year", "hardware median", "hardware 80%", "compute median", "compute 80%"],
        rows,
        f"Forward view: {describe_forward(doc.get('forward') or {})}.",
    )


def describe_forward(settings: Mapping[str, Any]) -> str:
    """The forward rate, acceleration and cap in words."""
    rate = settings.get("rate")
    if rate is None or rate == "historical":
        text = "each sample keeps its own historical rate"
    elif isinstance(rate, Mapping):
        text = (
            f"forward rate {rate.get('median')} OOM/yr, "
            f"{100 * float(rate.get('level', 0.8)):g}% interval {rate.get('ci')}"
        )
    else:
        text = f"forward rate {rate} OOM/yr"
    if settings.get("acceleration") not in (None, 1, 1.0):
        text += f", times {settings['acceleration']:g} each year"
    if settings.get("cap") is not None:
        text += f", soft cap {settings['cap']:g} OOM"
    return text


def crossing_table(doc: Mapping[str, Any]) -> HtmlTable:
    """P(crossed by year) for each threshold or budget, with the median year."""
    years = [f"{y:g}" for y in doc["years"]]
    shown = years[:: max(1, len(years) // 8)][:8]
    rows = []
    for q in doc["questions"]:
        median = q.get("median_year")
        rows.append(
            [q["label"]]
            + [fmt_percent(q["prob_crossed_by"][y]) for y in shown]
            + ["never" if median is None else f"{median:.1f}"]
        )
    ref = doc.get("reference") or {}
    return HtmlTable(
        f"When a {ref.get('name', 'reference')}-level model fits under the limit",
        ["limit"] + [f"by {y}" for y in shown] + ["median year"],
        rows,
        f"The reference run: {fmt_flop(ref.get('flop'))} FLOP, gains counted "
        f"from {ref.get('year', 0):g}. P(crossed by year) with the forward view "
        "of the forecast.",
    )


def summary_tables(doc: Mapping[str, Any]) -> list[HtmlTable]:
    """Every table a summary holds: headline, resources, rates, factors."""
    out = [headline_table(doc)]
    for build in (resources_table, reference_table, steps_table):
        table = build(doc)
        if table is not None:
            out.append(table)
    return out


def tables_html(tables: HtmlTable | Sequence[HtmlTable]) -> str:
    """Render tables as HTML with the report's macro (needs Jinja2).

    Raises
    ------
    EffcastError
        If Jinja2 is not installed (``pip install "effcast[web]"``).

    Examples
    --------
    >>> t = HtmlTable("Demo", ["", "value"], [["a", "1 < 2"]])
    >>> html = tables_html(t)
    >>> "1 &lt; 2" in html and "<table" in html
    True
    """
    from effcast.report._html import environment

    if isinstance(tables, HtmlTable):
        tables = [tables]
    macro = environment().get_template("_tables.html.j2").module.table
    return "\n".join(str(macro(t)) for t in tables)


def summary_html(doc: Mapping[str, Any]) -> str:
    """A summary's tables as one HTML fragment, as the HTML report shows them.

    The headline table, then (where the summary has them) the resources,
    the published rates and the factors with the running product: the same
    tables, rendered by the same template, as ``effcast report``, for a
    notebook's display or any page of your own.

    Parameters
    ----------
    doc : mapping
        A summary: :meth:`Results.summary` (or ``effcast sample --json``).

    Returns
    -------
    str
        HTML (tables with captions; no styles, no script).

    Raises
    ------
    EffcastError
        From :func:`tables_html`, which renders them: if Jinja2 is not
        installed (``pip install "effcast[web]"``).

    Examples
    --------
    >>> import effcast
    >>> doc = effcast.load("gpt3_today").sample(20_000, seed=1).summary()
    >>> html = effcast.summary_html(doc)
    >>> html.count("<table"), 'id="hardware-median"' in html
    (4, True)

    In a notebook: ``IPython.display.HTML(effcast.summary_html(doc))``.
    """
    return tables_html(summary_tables(doc))
