"""Assemble the self-contained HTML report of a prior (``effcast report``).

Samples the prior once, derives every document from those samples (summary,
sensitivity, forecast and, with thresholds, crossing probabilities), draws
the figures as inline SVG and hands it all to the report's template
(:func:`effcast.report._html.render_report`). The page makes no request of
any kind: styles and figures are inside it.
"""

from __future__ import annotations

import datetime as _dt
import shlex
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from effcast._errors import EffcastError
from effcast._version import __version__
from effcast.engine._blocks import SeedLike
from effcast.prior._provenance import text_digest
from effcast.results._model import Model

if TYPE_CHECKING:
    from effcast.analysis._forecast import Forecast
    from effcast.results._in_memory import Results

__all__ = ["html_report", "prior_context", "write_report"]

_HTML = {".html": "HTML", ".htm": "HTML"}
_IDENTITY = ("name", "label", "group", "reduces", "source", "notes", "enabled")


def _params(spec: Mapping[str, Any]) -> str:
    """A factor's distribution in one line: ``lognormal: ci = [1.25, 6.0], ...``."""
    parts = [f"{k} = {v}" for k, v in spec.items() if k not in _IDENTITY + ("dist",)]
    return f"{spec.get('dist', '?')}: " + ", ".join(parts)


def prior_context(model: Model) -> list[dict[str, Any]]:
    """Each factor of the model's prior as the report's factor cards show it."""
    out = []
    for item in model.prior.factor:
        f: Any = item
        spec = f.model_dump(exclude_none=True)
        out.append(
            {
                "name": f.name,
                "label": f.label or f.name,
                "group": f.group,
                "reduces": f.reduces,
                "params": _params(spec),
                "source": spec.get("source"),
                "notes": [
                    " ".join(para.split())
                    for para in (spec.get("notes") or "").split("\n\n")
                    if para.strip()
                ],
                "enabled": spec.get("enabled", True),
            }
        )
    return out


def _figure(fig: Any, fid: str, caption: str) -> dict[str, str]:
    from effcast.web._svg import svg_text

    return {"id": fid, "svg": svg_text(fig, fid), "caption": caption}


def _command(
    prior: str,
    overrides: Sequence[str],
    n: int,
    seed: int,
    to: float | None,
    thresholds: Sequence[float],
    reference: str,
) -> str:
    words = ["effcast", "report", prior]
    for o in overrides:
        words += ["--set", o]
    words += ["-n", str(n), "--seed", str(seed)]
    if to is not None:
        words += ["--to", f"{to:g}"]
    for t in thresholds:
        words += ["--threshold", f"{t:g}"]
    if thresholds and reference != "gpt3":
        words += ["--reference", reference]
    words += ["-o", "report.html"]
    return shlex.join(words)


def _result_sections(
    model: Model, res: Results, doc: dict[str, Any]
) -> list[dict[str, Any]]:
    """The question, headline, steps, resources, rates, sensitivity and
    evidence: what the samples of the period say (``doc``, their summary)."""
    from effcast.analysis._sensitivity import sensitivity
    from effcast.plots._figures import KINDS, figure
    from effcast.report import _html_tables as tables

    sens = sensitivity(res)
    sections: list[dict[str, Any]] = []
    p = model.prior
    facts: list[tuple[str, str]] = [
        ("Prior", model.source),
        ("Period", f"{p.period.start} to {p.period.end} ({p.period.years:g} years)"),
        ("Factors", ", ".join(model.factor_names)),
        ("Samples", f"{res.n:,} (seed {res.seed})"),
    ]
    if p.baseline is not None:
        facts.insert(2, ("Reference run", p.baseline.name or "baseline"))
    question = {
        "id": "question",
        "title": "The question",
        "text": [p.description.strip()] if p.description else [],
        "facts": facts,
    }
    sections.append(question)
    sections.append(
        {
            "id": "headline",
            "title": "Headline",
            "tables": [tables.headline_table(doc)],
            "figures": [
                _figure(
                    figure(res, "distributions"),
                    "distributions",
                    "The distributions of the hardware and compute reductions "
                    "(density and cumulative probability, log scale).",
                )
            ],
        }
    )
    steps = tables.steps_table(doc)
    sections.append(
        {
            "id": "steps",
            "title": "Step by step",
            "tables": [steps] if steps else [],
            "figures": [
                _figure(
                    figure(res, "waterfall"),
                    "waterfall",
                    "The running product, factor by factor (median and 80% band).",
                ),
                _figure(
                    figure(res, "factors"),
                    "factors",
                    "Each factor's distribution as sampled (after truncation "
                    "and floor).",
                ),
            ],
        }
    )
    resources = tables.resources_table(doc)
    if resources is not None:
        sections.append(
            {"id": "resources", "title": "Resources", "tables": [resources]}
        )
    refs = tables.reference_table(doc)
    if refs is not None:
        sections.append(
            {
                "id": "rates",
                "title": "Published rates beside effcast's",
                "tables": [refs],
            }
        )
    sections.append(
        {
            "id": "sensitivity",
            "title": "Sensitivity",
            "tables": tables.sensitivity_tables(sens),
            "figures": [
                _figure(
                    figure(res, "tornado"),
                    "tornado",
                    "The median reduction with each factor held at its own 10th "
                    "and 90th percentile while the others vary.",
                )
            ],
        }
    )
    if "evidence" in KINDS and getattr(model.prior, "evidence", None):
        # With [[evidence]] (and an effcast that draws its figure).
        sections.append(
            {
                "id": "evidence",
                "title": "Evidence",
                "figures": [
                    _figure(
                        figure(res, "evidence"),
                        "evidence",
                        "The prior beside the posterior that the evidence gives, "
                        "and each entry alone.",
                    )
                ],
            }
        )
    return sections


def _forward_sections(
    fc: Forecast, thresholds: Sequence[float], reference: str
) -> list[dict[str, Any]]:
    """The forecast and, with thresholds, the crossing probabilities."""
    from effcast.plots._forecast_figures import crossing_chart, fan_chart
    from effcast.report import _html_tables as tables

    sections: list[dict[str, Any]] = []
    sections.append(
        {
            "id": "forecast",
            "title": "Forecast",
            "tables": [tables.forecast_table(fc.summary())],
            "figures": [
                _figure(
                    fan_chart(fc),
                    "fan",
                    "The reductions since the period start, projected: median "
                    "and 50/80/90% bands.",
                )
            ],
        }
    )
    if thresholds:
        from effcast.analysis._threshold import crossing

        cr = crossing(fc, thresholds, reference=reference)
        sections.append(
            {
                "id": "crossing",
                "title": "Crossing thresholds",
                "tables": [tables.crossing_table(cr.summary())],
                "figures": [
                    _figure(
                        crossing_chart(cr),
                        "crossing",
                        "The chance that a model of the reference run's "
                        "capability can be trained under each threshold, by year.",
                    )
                ],
            }
        )
    return sections


def _provenance_sections(
    model: Model,
    res: Results,
    doc: dict[str, Any],
    prior_text: str | None,
    applied: Sequence[str],
    command: str,
) -> list[dict[str, Any]]:
    """The prior as stated, and what it takes to make the report again."""
    sections: list[dict[str, Any]] = []
    sections.append(
        {
            "id": "prior",
            "title": "The prior",
            "text": [
                "Every factor as the prior states it, with its source and the "
                "reasoning behind it. Factors multiply in this order, each "
                "stated conditional on those above it."
            ],
            "factors": prior_context(model),
            "code": prior_text,
            "code_title": "The prior file",
        }
    )
    digest = (
        doc.get("prior_sha256")
        or (text_digest(prior_text) if prior_text else None)
        or "n/a"
    )
    # The summary's own provenance (prior hash, overrides, factors switched
    # off) where the results carry it; else what this report knows.
    shown = [str(o) for o in doc.get("overrides") or applied]
    facts = [
        ("effcast version", __version__),
        ("Prior", model.source),
        ("Prior SHA-256", digest),
        ("Overrides", ", ".join(shown) if shown else "none"),
        ("Samples", f"{res.n:,}"),
        ("Seed", str(res.seed)),
        ("Made", _dt.datetime.now(_dt.UTC).strftime("%Y-%m-%d %H:%M UTC")),
    ]
    if doc.get("disabled"):
        facts.insert(4, ("Switched off", ", ".join(map(str, doc["disabled"]))))
    sections.append(
        {
            "id": "reproduce",
            "title": "Reproduce",
            "facts": facts,
            "code": command,
            "code_title": "The command that makes this report again",
            "open": True,
        }
    )
    return sections


def write_report(path: str | Path, html: str, *, force: bool = False) -> Path:
    """Write the report atomically; an existing file only with ``force``."""
    from effcast.io._atomic import atomic_write, check_output

    out = check_output(path, _HTML, force=force)

    def write(tmp: Any) -> None:
        Path(tmp).write_text(html, encoding="utf-8")

    atomic_write(out, write)
    return out


def read_prior_text(prior: str) -> str | None:
    """The prior file's text, if it can be read (for display and hashing)."""
    from effcast.prior._shipped import resolve_prior_path

    try:
        return Path(resolve_prior_path(prior)).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError, EffcastError):
        return None


def html_report(
    prior: Model | str | Path,
    path: str | Path | None = None,
    *,
    n: int = 1_000_000,
    seed: SeedLike = None,
    threads: int | None = None,
    to: float | None = None,
    thresholds: Sequence[float] = (),
    reference: str = "gpt3",
    overrides: Sequence[str] = (),
    prior_text: str | None = None,
    force: bool = False,
) -> str:
    """A self-contained HTML report of a prior, as ``effcast report`` writes it.

    One page with the question, the headline table, the factors with the
    running product, resources, published rates, sensitivity, the figures
    (inline SVG), a forecast, crossing probabilities (with ``thresholds``),
    the prior with every factor's ``source`` and ``notes``, and what it takes
    to reproduce it. The page makes no request of any kind.

    Parameters
    ----------
    prior : Model, str or pathlib.Path
        A model, a prior file or the name of a shipped prior.
    path : str or pathlib.Path, optional
        Also write the page here (``.html``); an existing file is replaced
        only with ``force=True``, and nothing is written if anything fails.
    n, seed, threads
        As for :meth:`Model.sample`.
    to : float, optional
        The forecast's last year (default: the prior's ``[forecast] to``,
        else ten years after the period end).
    thresholds : sequence of float
        Compute thresholds in FLOP for the crossing section (default: the
        prior's, if its ``[forecast]`` names any; else no such section).
    reference : str
        The run the thresholds ask about: ``"gpt3"``, ``"gpt4"`` or its FLOP.
    overrides : sequence of str
        ``"NAME.KEY=VALUE"`` changes to the prior, as ``--set``; a model
        given with overrides gets them on top of its own.
    prior_text : str, optional
        The prior file's text, shown and hashed (SHA-256) in the report
        (default: read from the file the model came from, if there is one).

    Returns
    -------
    str
        The page.

    Raises
    ------
    EffcastError
        For an invalid prior, override or setting, a path that cannot be
        written, or if Jinja2 is missing (``pip install "effcast[web]"``).

    Examples
    --------
    >>> import effcast
    >>> page = effcast.html_report("gpt3_today", n=20_000, seed=1)
    >>> 'id="hardware-median"' in page and "<script" not in page
    True
    """
    from effcast.analysis._forecast_settings import period_start, resolve_settings
    from effcast.analysis._project import forecast
    from effcast.report._html import environment, render_report
    from effcast.results._model import load

    overrides = [str(o) for o in overrides]
    if isinstance(prior, Model):
        model = prior.with_overrides(overrides) if overrides else prior
    else:
        model = load(prior, overrides=overrides or None)
    if path is not None:
        from effcast.io._atomic import check_output

        check_output(path, _HTML, force=force)
    environment()  # fail early, before sampling, if Jinja2 is missing
    if not thresholds:
        # A prior whose [forecast] names thresholds asks the question itself.
        thresholds = getattr(model.prior.forecast, "thresholds", None) or ()
    thresholds = [float(t) for t in thresholds]
    settings = resolve_settings(model, to=to)  # checked before sampling
    if thresholds:
        from effcast.analysis._question import check_question

        check_question(
            period_start(model), settings["to"], thresholds, reference=reference
        )
    if prior_text is None:
        prior_text = read_prior_text(model.source)
    res = model.sample(n, seed=seed, threads=threads)
    doc = res.summary()
    fc = forecast(model, to, results=res, seed=res.seed)
    applied = [o.strip() for o in overrides]
    command = _command(
        model.source, applied, res.n, res.seed, to, thresholds, reference
    )
    html = render_report(
        {
            "title": model.prior.title or Path(model.source).stem,
            "description": "",
            "version": __version__,
            "sections": [
                *_result_sections(model, res, doc),
                *_forward_sections(fc, thresholds, reference),
                *_provenance_sections(model, res, doc, prior_text, applied, command),
            ],
        }
    )
    if path is not None:
        write_report(path, html, force=force)
    return html
