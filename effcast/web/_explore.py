"""The explorer's model: a prior as a form, edits as overrides, one run per change.

:class:`Explorer` reads the prior file once (the page never names a file) and
lists its editable fields, each named by the override key it sets
(``moe.median``, ``moe.ci.0``, ``period.end``, ``forecast.rate``) plus the
view's settings (``view.samples``, ``view.seed``, ``view.thresholds``,
``view.reference``). :meth:`Explorer.run` validates an edit set exactly as
``effcast sample --set`` would, samples, and returns what the page draws: the
headline table (the report's HTML), the distribution of the reductions, the
fan chart's quantiles and the crossing probabilities. Invalid input returns
the CLI's message keyed by the field it concerns.
"""

from __future__ import annotations

import math
import re
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np

from effcast._errors import EffcastError
from effcast._version import __version__
from effcast.prior._beliefs import Identity
from effcast.prior._loading import parse_prior, read_toml
from effcast.prior._provenance import Provenance, text_digest
from effcast.prior._shipped import resolve_prior_path
from effcast.results._model import Model

__all__ = ["DEFAULT_SAMPLES", "MAX_SAMPLES", "Explorer"]

DEFAULT_SAMPLES = 100_000
"""The explorer's sample count: one update (sample, summarise, forecast,
crossing, respond) takes well under 300 ms at this size on two cores; see
``benchmarks/bench_explore.py``."""

MAX_SAMPLES = 2_000_000
"""The most samples the page may ask for (a larger run would stall the page)."""

ENABLED_KEY = "enabled" in Identity.model_fields
"""Whether factors take ``enabled`` (the explorer's on/off switch)."""

_BELIEF_KEYS = ("median", "ci", "level", "mu", "sigma", "mean", "sd", "lower", "upper")
_FORWARD_KEYS = ("to", "rate", "acceleration", "cap")
_VIEW_DEFAULTS = {
    "view.samples": str(DEFAULT_SAMPLES),
    "view.seed": "1",
    "view.thresholds": "1e25",
    "view.reference": "gpt4",
}
_REFERENCES = ("gpt3", "gpt4")
_TOTALS = ("hardware", "compute")
_MAX_VALUE = 200
_SET_BY = re.compile(r"\(set by --set ([^=]+)=")
# Fields of the question's checks (effcast.analysis) and the form's keys.
_QUESTION_FIELDS = {
    "threshold": "view.thresholds",
    "reference": "view.reference",
    "reference_year": "view.reference",
}


def _text(value: Any) -> str:
    """A prior's value as an input shows it (and as an override reads it)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return f"{value:.1f}"
    return str(value)


class Explorer:
    """One prior, edited through the page.

    Parameters
    ----------
    prior : str
        A prior file or the name of a shipped prior, as on the command line.
    samples, seed : int
        The view's defaults.
    edits : mapping, optional
        Edits to start from (``--set`` on the command line).

    Raises
    ------
    EffcastError
        If the prior (with ``edits``) is invalid.

    Examples
    --------
    >>> ex = Explorer("gpt3_today", samples=20_000)
    >>> out = ex.run({"moe.median": "3"}, {})
    >>> out["ok"], round(out["hardware_median"]) > 400
    (True, True)
    >>> ex.run({"moe.median": "abc"}, {})["errors"]["moe.median"][-41:]
    "got 'abc' (set by --set moe.median='abc')"
    """

    def __init__(
        self,
        prior: str,
        *,
        samples: int = DEFAULT_SAMPLES,
        seed: int = 1,
        edits: Mapping[str, Any] | None = None,
    ) -> None:
        self.source = str(prior)
        self.data, self.text = read_toml(resolve_prior_path(prior))
        # The file's hash, as effcast.load records it; each edit adds to it.
        self.provenance = Provenance(self.source, text_digest(self.text))
        self.model = self._model([])
        self.view_defaults = dict(_VIEW_DEFAULTS)
        self.view_defaults["view.samples"] = str(samples)
        self.view_defaults["view.seed"] = str(seed)
        named = getattr(self.model.prior.forecast, "thresholds", None)
        if named:  # a prior whose [forecast] names thresholds asks the question
            self.view_defaults["view.thresholds"] = ", ".join(f"{t:g}" for t in named)
        self.fields = self._fields()
        self.keys = {f["key"] for f in self.fields}
        self.initial = {str(k): _text(v) for k, v in (edits or {}).items()}
        if self.initial:
            self._model(self.check(self.initial)[0])

    # -- the form -------------------------------------------------------
    def _fields(self) -> list[dict[str, Any]]:
        """Every editable field: key, label, value, kind, section."""
        out: list[dict[str, Any]] = []
        prior = self.model.prior
        specs: list[Any] = list(prior.factor)
        for raw, spec in zip(self.data.get("factor", []), specs, strict=True):
            name = spec.name
            section = {"section": name, "title": spec.label or name}
            editable = spec.dist in ("lognormal", "truncnormal")
            if editable:
                keys = [k for k in _BELIEF_KEYS if k in raw]
                if "ci" in raw:
                    keys = ["median", "ci", "level"] + [
                        k for k in keys if k not in ("median", "ci", "level")
                    ]
                for key in keys:
                    value = raw.get(key)
                    if key == "level" and value is None:
                        value = prior.defaults.level
                    if key == "ci":
                        for i, end in enumerate(("low", "high")):
                            out.append(
                                {**section, "key": f"{name}.ci.{i}",
                                 "label": f"interval {end}",
                                 "value": _text(value[i]), "kind": "number"}
                            )  # fmt: skip
                        continue
                    label = "median" if key == "median" else key
                    placeholder = "centre of the interval" if key == "median" else ""
                    out.append(
                        {**section, "key": f"{name}.{key}", "label": label,
                         "value": _text(value), "kind": "number",
                         "placeholder": placeholder}
                    )  # fmt: skip
            out.append(
                {**section, "key": f"{name}.enabled", "label": "on",
                 "value": _text(raw.get("enabled", True)), "kind": "switch",
                 "disabled": not ENABLED_KEY,
                 "note": "" if editable else f"a {spec.dist} factor: edit its "
                 "parameters in the TOML"}
            )  # fmt: skip
        period = self.data.get("period", {})
        for key in ("start", "end"):
            out.append(
                {"section": "period", "title": "Period", "key": f"period.{key}",
                 "label": key, "value": _text(period.get(key)), "kind": "number"}
            )  # fmt: skip
        forward = self.data.get("forecast", {})
        from effcast.prior._schema import ForecastSettings

        for key in [k for k in _FORWARD_KEYS if k in ForecastSettings.model_fields]:
            placeholder = {
                "to": f"{math.ceil(self._end()) + 10}",
                "rate": "historical",
                "acceleration": "1",
                "cap": "none",
            }[key]
            out.append(
                {"section": "forward", "title": "Forward view",
                 "key": f"forecast.{key}", "label": key,
                 "value": _text(forward.get(key)),
                 "kind": "number", "placeholder": placeholder}
            )  # fmt: skip
        for key, value in self.view_defaults.items():
            out.append(
                {"section": "view", "title": "Question and sampling", "key": key,
                 "label": key.partition(".")[2], "value": value,
                 "kind": "select" if key == "view.reference" else "text",
                 "options": _REFERENCES}
            )  # fmt: skip
        return out

    def _end(self) -> float:
        from effcast.analysis._forecast_settings import period_start

        return period_start(self.model) + self.model.years

    # -- checking and running -------------------------------------------
    def check(
        self, edits: Mapping[str, Any], view: Mapping[str, Any] | None = None
    ) -> tuple[list[str], dict[str, str]]:
        """The edits as ``--set`` strings and the view with defaults filled in.

        Raises
        ------
        EffcastError
            With ``field`` set to the offending key, for an unknown key, a
            value that is not text, or one over 200 characters.
        """
        overrides = []
        merged = dict(self.view_defaults)
        for source, allowed in ((edits, "prior"), (view or {}, "view")):
            if not isinstance(source, Mapping):
                raise EffcastError(f"expected a table of {allowed} edits")
            for key, value in source.items():
                if not isinstance(key, str) or key not in self.keys:
                    raise EffcastError(f"unknown field {key!r}", field=str(key)[:80])
                if not isinstance(value, str) or len(value) > _MAX_VALUE:
                    raise EffcastError(
                        f"{key}: expected text of at most {_MAX_VALUE} characters",
                        field=key,
                    )
                if key.startswith("view."):
                    merged[key] = value.strip() or self.view_defaults[key]
                else:
                    overrides.append(f"{key}={value}")
        return overrides, merged

    @property
    def stem(self) -> str:
        """A file-name stem for downloads (``gpt3_today``)."""
        return re.sub(r"[^A-Za-z0-9_.-]", "_", Path(self.source).stem) or "prior"

    def model_with(self, overrides: list[str]) -> Model:
        """The prior with ``--set``-style overrides, validated as by the CLI."""
        return self._model(overrides)

    def toml(self, overrides: list[str]) -> str:
        """The edited prior as TOML; it samples as the edits did."""
        from effcast.io._toml import dumps_toml
        from effcast.prior._overrides import apply_overrides

        data = apply_overrides(self.data, overrides)
        header = (
            f"Edited with effcast explore {__version__} from {self.source}.\n"
            + ("Edits: " + ", ".join(overrides) if overrides else "No edits.")
            + "\nComments of the original file are not kept."
        )
        return dumps_toml(data, header)

    def report(self, overrides: list[str], view: Mapping[str, str]) -> str:
        """The HTML report of the edited prior at the view's samples and seed."""
        from effcast.web._report import html_report

        n, seed, thresholds, reference = self._view(view)
        # The file's own model: the report applies and records the edits.
        return html_report(
            self.model,
            n=n,
            seed=seed,
            thresholds=thresholds,
            reference=reference,
            overrides=overrides,
            prior_text=self.text,
        )

    def _model(self, overrides: list[str]) -> Model:
        prior = parse_prior(
            self.data, source=self.source, text=self.text, overrides=overrides or None
        )
        prov = self.provenance.with_overrides(overrides)
        return Model(prior, source=self.source, provenance=prov)

    def _view(self, view: Mapping[str, str]) -> tuple[int, int, list[float], str]:
        def number(key: str, kind: type, lo: int, hi: int) -> Any:
            text = view[key].replace("_", "").strip()
            try:
                value = (
                    int(text)  # exact, however large (a seed)
                    if kind is int and text.isdigit()
                    else kind(float(text))
                )
            except (ValueError, OverflowError):
                raise EffcastError(
                    f"{key.partition('.')[2]}: expected a number, got {view[key]!r}",
                    field=key,
                ) from None
            if kind is int and not text.isdigit() and float(text) != value:
                raise EffcastError(f"{key}: expected a whole number", field=key)
            if not lo <= value <= hi:
                raise EffcastError(
                    f"{key.partition('.')[2]}: must lie between {lo:,} and "
                    f"{hi:,}, got {view[key]}",
                    field=key,
                )
            return value

        n = number("view.samples", int, 1, MAX_SAMPLES)
        seed = number("view.seed", int, 0, 2**63 - 1)
        thresholds = []
        for part in view["view.thresholds"].replace(";", ",").split(","):
            if part.strip():
                try:
                    thresholds.append(float(part))
                except ValueError:
                    raise EffcastError(
                        f"--threshold: {part.strip()!r} is not a number of FLOP "
                        "(write 1e25, or several separated by commas)",
                        field="view.thresholds",
                    ) from None
        reference = view["view.reference"]
        if reference not in _REFERENCES:
            raise EffcastError(
                f"reference: choose {' or '.join(_REFERENCES)}", field="view.reference"
            )
        return n, seed, thresholds[:6], reference

    def blame(self, exc: EffcastError, keys: list[str]) -> str | None:
        """The form field an error concerns, if one can be named."""
        if exc.field in keys:
            return exc.field
        if exc.field in _QUESTION_FIELDS:
            return _QUESTION_FIELDS[exc.field]
        m = _SET_BY.search(str(exc))
        if m and m.group(1) in keys:
            return m.group(1)
        if exc.factor and exc.field:
            stem = f"{exc.factor}.{exc.field.split('[')[0]}"
            for k in keys:
                if k == stem or k.startswith(stem + "."):
                    return k
        if exc.field:
            for k in keys:
                if k.endswith("." + exc.field):
                    return k
        return None

    def run(self, edits: Mapping[str, Any], view: Mapping[str, Any]) -> dict[str, Any]:
        """Validate, sample and summarise: the page's whole update as JSON.

        Never raises for bad input: ``ok`` is false and ``errors`` maps the
        field (or ``""`` for the page) to the CLI's message.
        """
        t0 = time.perf_counter()
        keys = [
            k
            for given in (edits, view)
            if isinstance(given, Mapping)
            for k in given
            if isinstance(k, str)
        ]
        try:
            overrides, merged = self.check(edits, view)
            n, seed, thresholds, reference = self._view(merged)
            model = self._model(overrides)
            out = self._compute(model, n, seed, thresholds, reference)
        except EffcastError as exc:
            where = self.blame(exc, keys)
            return {"ok": False, "errors": {where or "": str(exc)}}
        out["ok"] = True
        out["errors"] = {}
        out["elapsed_ms"] = round(1000 * (time.perf_counter() - t0), 1)
        return out

    def _compute(
        self,
        model: Model,
        n: int,
        seed: int,
        thresholds: list[float],
        reference: str,
    ) -> dict[str, Any]:
        from effcast.analysis._forecast_settings import period_start, resolve_settings
        from effcast.analysis._project import forecast
        from effcast.analysis._question import check_question
        from effcast.analysis._threshold import crossing
        from effcast.report._html_tables import (
            crossing_table,
            headline_table,
            tables_html,
        )

        settings = resolve_settings(model)
        if thresholds:
            check_question(
                period_start(model), settings["to"], thresholds, reference=reference
            )
        res = model.sample(n, seed=seed)  # forward views need each factor
        summary = res.summary()  # weighted with evidence; with errors otherwise
        doc = {w: summary[w] for w in ("hardware", "compute")}
        fc = forecast(model, results=res, seed=res.seed)
        out: dict[str, Any] = {
            "n": res.n,
            "seed": res.seed,
            "headline_html": tables_html(headline_table(doc)),
            "hardware_median": doc["hardware"]["quantiles"]["0.5"],
            "compute_median": doc["compute"]["quantiles"]["0.5"],
            "hist": _histograms(res.hardware, res.compute, doc),
            "fan": _fan(fc),
        }
        if thresholds:
            cr = crossing(fc, thresholds, reference=reference)
            grid = np.linspace(cr.since, fc.to, 61)
            summary = cr.summary()
            out["crossing"] = {
                "years": grid.tolist(),
                "rows": [
                    {
                        "label": row["label"],
                        "probs": cr.prob_crossed_by(i, grid.tolist()).tolist(),
                        "median": summary["questions"][i]["median_year"],
                    }
                    for i, row in enumerate(cr.rows)
                ],
                "reference": summary["reference"]["name"],
            }
            out["crossing_html"] = tables_html(crossing_table(summary))
        return out


FIGURE_SAMPLES = 20_000
"""The figures' range and the fan chart's bands come from this many of the
samples (the first ones; samples are independent), which keeps an update
fast; the tables, medians and crossing probabilities use every sample."""


def _histograms(
    hardware: np.ndarray, compute: np.ndarray, doc: Mapping[str, Any]
) -> dict[str, Any]:
    """Density per order of magnitude of both reductions, on shared bins."""
    logs = [np.log10(hardware), np.log10(compute)]
    m = FIGURE_SAMPLES
    lo = min(float(np.quantile(x[:m], 0.002)) for x in logs)
    hi = max(float(np.quantile(x[:m], 0.998)) for x in logs)
    if not hi > lo:
        lo, hi = lo - 0.5, hi + 0.5
    edges = np.linspace(lo, hi, 61)
    out: dict[str, Any] = {"edges": edges.tolist()}
    for name, x in zip(("hardware", "compute"), logs, strict=True):
        counts, _ = np.histogram(x, edges)
        out[name] = (counts / (x.size * (edges[1] - edges[0]))).tolist()
        out[f"{name}_median"] = float(np.log10(doc[name]["quantiles"]["0.5"]))
    return out


_FAN_QS = (0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95)


def _fan(fc: Any) -> dict[str, Any]:
    """Quantiles of log10(reduction) at the period start, its end and each year.

    From :data:`FIGURE_SAMPLES` of the samples: the bands are drawn, not read.
    """
    years = [fc.start] + [float(y) for y in fc.years]
    out: dict[str, Any] = {"years": years, "end": fc.end, "qs": list(_FAN_QS)}
    for which in ("hardware", "compute"):
        rows = [[0.0] * len(_FAN_QS)]
        for y in years[1:]:
            data = fc.log10_reduction(which, y)[:FIGURE_SAMPLES]
            rows.append(np.quantile(data, _FAN_QS).tolist())
        out[which] = rows
    return out
