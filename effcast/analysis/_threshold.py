"""Threshold crossing: when does a reference capability fit under a limit?

A reference training run (GPT-3: 3.14e23 FLOP on 10,000 V100 for 14.8 days)
reached some capability at some year. Efficiency gains since then lower what
it takes to reach that capability again. For a compute threshold (the EU AI
Act's 1e25 FLOP, the 1e26 of the 2023 US executive order and of California's
SB 53, or any number) the crossing year of a sample is the first year ``t``
at which

    reference_flop / compute_reduction(reference_year -> t) < threshold,

that is, the compute gain since the reference year reaches
``log10(reference_flop / threshold)`` orders of magnitude. For a hardware
budget (GPU-hours on a named GPU), the same with the hardware reduction and
GPU-hours converted between GPUs by their dense 16-bit peak throughput (the
seed's fp16-equivalence). The crossing years come from
:meth:`effcast.Forecast.crossing_year`, solved exactly per sample, so the
probabilities of having crossed by each year are an empirical distribution
function: non-decreasing in the year by construction.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import asdict
from typing import Any, Unpack

import numpy as np

from effcast._errors import EffcastError
from effcast.analysis._forecast import Forecast
from effcast.analysis._indexed import frontier_rows, indexed_threshold
from effcast.analysis._question import Question, check_question
from effcast.analysis._reference import (
    REFERENCE_RUNS,
    ReferenceRun,
    baseline_run,
    reference_run,
)
from effcast.io._numbers import sci
from effcast.prior._provenance import provenance_fields
from effcast.results._base import check_probabilities, check_values, scalar_or_array
from effcast.results._display import Displayable
from effcast.results._weighted import (
    weighted_cdf,
    weighted_inverted_cdf,
    weighted_mean,
)

__all__ = [
    "REFERENCE_RUNS",
    "Crossing",
    "ReferenceRun",
    "baseline_run",
    "crossing",
    "reference_run",
]


def _fmt_year(t: float) -> float | None:
    return float(t) if math.isfinite(t) else None


class Crossing(Displayable):
    """Per-sample crossing years for compute thresholds and a hardware budget.

    Build one with :func:`effcast.crossing`. :meth:`to_pandas` gives the
    probabilities of having crossed, one row per question and year: columns
    ``question`` (its label), ``kind`` (``"compute"`` or ``"hardware"``),
    ``threshold`` (FLOP, or GPU-hours for the budget), ``year`` and
    ``prob_crossed_by``.

    Attributes
    ----------
    forecast : Forecast
    reference : ReferenceRun
    since : float
        The reference year the gains count from.
    years : numpy.ndarray
        The years of the default table (whole years after ``since``).
    rows : list of dict
        One entry per question: ``kind`` (``"compute"``, ``"hardware"`` or
        ``"frontier"``),
        a ``label``, the ``oom`` of gain needed, and ``samples``, the
        per-sample crossing years (``inf`` where never).
    """

    def __init__(
        self,
        forecast: Forecast,
        reference: ReferenceRun,
        thresholds: Sequence[float],
        budget: float | None,
        gpu: str,
        years: np.ndarray,
        *,
        frontier: bool = False,
    ) -> None:
        self.forecast = forecast
        self.reference = reference
        self.since = forecast.start if reference.year is None else reference.year
        self.years = years
        self.rows: list[dict[str, Any]] = []
        for threshold in thresholds:
            oom = math.log10(reference.flop / threshold)
            self.rows.append(
                {
                    "kind": "compute",
                    "label": f"< {sci(threshold)} FLOP",
                    "threshold_flop": threshold,
                    "oom": oom,
                    "samples": forecast.crossing_year("compute", oom, self.since),
                }
            )
        if budget is not None:
            need = reference.gpu_hours_on(gpu)
            oom = math.log10(need / budget)
            self.rows.append(
                {
                    "kind": "hardware",
                    "label": f"<= {sci(budget)} {gpu}-hours",
                    "budget_gpu_hours": budget,
                    "gpu": gpu,
                    "reference_gpu_hours_on_gpu": need,
                    "oom": oom,
                    "samples": forecast.crossing_year("hardware", oom, self.since),
                }
            )
        if frontier and forecast.frontier is not None:
            self.rows.extend(frontier_rows(forecast.frontier, thresholds, sci))

    def row_index(self, row: int | float | str) -> int:
        """The position in :attr:`rows` of a question.

        ``row`` is a position (``0``), a compute threshold in FLOP
        (``1e25``, matched to nine significant figures), ``"budget"`` (or
        ``"hardware"``) for the hardware budget, or a row's label.

        Raises
        ------
        EffcastError
            If no question matches.

        Examples
        --------
        >>> import effcast
        >>> fc = effcast.forecast(effcast.load("gpt3_today"), to=2030,
        ...                       n=10_000, seed=1)
        >>> cr = effcast.crossing(fc, [1e25, 1e26], reference="gpt4")
        >>> cr.row_index(1e26), cr.row_index(0)
        (1, 0)
        """
        n = len(self.rows)
        if isinstance(row, int | np.integer) and not isinstance(row, bool):
            if -n <= row < n:
                return int(row) % n
        if isinstance(row, str):
            key = row.strip().lower()
            for i, r in enumerate(self.rows):
                if key in ("budget", "hardware") and r["kind"] == "hardware":
                    return i
                if key == r["label"].lower():
                    return i
        elif isinstance(row, int | float | np.integer | np.floating) and not (
            isinstance(row, bool)
        ):
            for i, r in enumerate(self.rows):
                t = r.get("threshold_flop")
                if t is not None and math.isclose(float(row), t, rel_tol=1e-9):
                    return i
        known = ", ".join(f"{i} ({r['label']})" for i, r in enumerate(self.rows))
        raise EffcastError(
            f"no crossing question {row!r}; give a position, a threshold in "
            f"FLOP or 'budget': {known}",
            field="row",
        )

    def samples(self, row: int | float | str) -> np.ndarray:
        """Per sample, the crossing year of a question (see :meth:`row_index`)."""
        return self.rows[self.row_index(row)]["samples"]

    def prob_crossed_by(
        self, row: int | float | str, year: float | Sequence[float] | np.ndarray
    ) -> Any:
        """The fraction of samples (of the weight, with evidence) whose
        crossing year is at or before ``year``.

        ``row`` is a position, a threshold in FLOP or ``"budget"`` (see
        :meth:`row_index`); a float for a scalar ``year``, else an array.

        Raises
        ------
        EffcastError
            For an unknown question or a year that is not a number.
        """
        data = self.samples(row)
        ys = np.atleast_1d(check_values(year, "year"))
        out = weighted_cdf(data, self.forecast.weights, ys)
        return scalar_or_array(out, year)

    def year_quantile(self, row: int | float | str, q: float | Sequence[float]) -> Any:
        """Quantiles of the crossing year (``inf`` if not reached by then).

        Uses the inverted empirical distribution function (each quantile is
        a sampled year), which stays defined when some samples never cross.
        A float for a scalar ``q``, else an array.
        """
        data = self.samples(row)
        qs = check_probabilities(q)
        return scalar_or_array(
            weighted_inverted_cdf(data, self.forecast.weights, qs), q
        )

    def prob_never(self, row: int | float | str) -> float:
        """The fraction of samples (of the weight) that never cross."""
        never = np.isinf(self.samples(row))
        return weighted_mean(never.astype(float), self.forecast.weights)

    def summary(self) -> dict:
        """The document ``effcast threshold --json`` prints."""
        fc = self.forecast
        doc: dict[str, Any] = {
            "prior": fc.results.source,
            "title": fc.results.title,
            "samples": fc.n,
            "seed": fc.results.seed,
            **provenance_fields(fc.results),
            "rate_seed": fc.seed,
            "period": {"start": fc.start, "end": fc.end},
            "forward": fc.settings,
            "reference": {**asdict(self.reference), "year": self.since},
            "years": [float(y) for y in self.years],
            "questions": [],
        }
        qs = (0.1, 0.25, 0.5, 0.75, 0.9)
        for i, row in enumerate(self.rows):
            entry = {k: v for k, v in row.items() if k != "samples"}
            probs = self.prob_crossed_by(i, self.years)
            entry["prob_crossed_by"] = {
                f"{y:g}": float(p) for y, p in zip(self.years, probs, strict=True)
            }
            entry["prob_by_period_end"] = self.prob_crossed_by(i, fc.end)
            entry["prob_never"] = self.prob_never(i)
            entry["year_quantiles"] = {
                f"{q:g}": _fmt_year(float(t))
                for q, t in zip(qs, self.year_quantile(i, qs), strict=True)
            }
            entry["median_year"] = entry["year_quantiles"]["0.5"]
            entry["indexed_threshold"] = indexed_threshold(self, row)
            doc["questions"].append(entry)
        return doc

    _view = "crossing"

    def _tidy(self) -> tuple[list[dict], list[str]]:
        rows = []
        for i, r in enumerate(self.rows):
            limit = r.get("threshold_flop", r.get("budget_gpu_hours"))
            probs = self.prob_crossed_by(i, self.years)
            for year, p in zip(self.years, np.atleast_1d(probs), strict=True):
                rows.append(
                    {
                        "question": r["label"],
                        "kind": r["kind"],
                        "threshold": limit,
                        "year": float(year),
                        "prob_crossed_by": float(p),
                    }
                )
        return rows, ["question", "kind", "threshold", "year", "prob_crossed_by"]

    def __repr__(self) -> str:
        def median(i: int) -> str:
            t = self.year_quantile(i, 0.5)
            return f"median year {t:.1f}" if math.isfinite(t) else "median never"

        parts = ", ".join(f"{r['label']}: {median(i)}" for i, r in enumerate(self.rows))
        return f"<Crossing of {self.reference.name} from {self.since:g}: {parts}>"


def crossing(
    forecast: Forecast,
    thresholds: float | Sequence[float] = (),
    *,
    years: Sequence[float] | None = None,
    frontier: bool = False,
    **question: Unpack[Question],
) -> Crossing:
    """When can a model of the reference run's capability be trained under a limit?

    Parameters
    ----------
    forecast : Forecast
        The projected gains (:func:`effcast.forecast`).
    thresholds : float or sequence of float
        Compute thresholds in FLOP (for example 1e25 and 1e26).
    years : sequence of float, optional
        The years of the table; by default each whole year after the
        reference year up to the forecast's ``to``.
    frontier : bool
        Also ask, for each threshold, when the largest training run exceeds
        it (a question of kind ``"frontier"``; needs a ``[frontier]`` table).
    **question
        The rest of the question (the keys of :class:`Question`), below.

    Other Parameters
    ----------------
    reference : str, float or ReferenceRun, optional
        The run that fixes the capability: a preset name (``"gpt3"``,
        ``"gpt4"``, ``"llama31_405b"``, ``"deepseek_v3"``) or its FLOP; see
        :func:`reference_run`. Default: the prior's own ``[baseline]``,
        dated at its period start, else GPT-3.
    reference_year : float, optional
        When the reference run was trained, if not the preset's year (a
        run given by its FLOP defaults to the prior's period start). Gains
        count from this year, which may not precede the period start.
    budget : float, optional
        A hardware budget in GPU-hours on ``gpu``.
    gpu : str
        The budget's GPU: V100, A100, H100, H200, B200, TPUv4 or TPUv5p.
    reference_gpu_hours, reference_gpu : optional
        The reference run's GPU-hours and GPU, if not the preset's.

    Raises
    ------
    EffcastError
        If a threshold, budget or FLOP figure is not positive, neither a
        threshold nor a budget is given, the GPU is unknown, or the reference
        year precedes the period start or follows the forecast's ``to``,
        or a keyword is none of the above.

    Examples
    --------
    >>> import effcast
    >>> fc = effcast.forecast(effcast.load("gpt3_today"),
    ...                       to=2030, n=100_000, seed=1)
    >>> cr = effcast.crossing(fc, 1e25, reference="gpt4")
    >>> p = cr.prob_crossed_by(0, [2023, 2024, 2025])
    >>> bool(np.all(np.diff(p) >= 0))
    True
    """
    if not isinstance(forecast, Forecast):
        raise EffcastError(f"crossing needs a Forecast, got {type(forecast).__name__}")
    baseline = baseline_run(forecast.results.prior)
    thresholds, budget, gpu, run, since = check_question(
        forecast.start, forecast.to, thresholds, baseline=baseline, **question
    )
    if frontier and forecast.frontier is None:
        raise EffcastError(
            "a frontier question needs the prior's [frontier] table (the largest "
            "training run and its growth); this prior has none",
            field="frontier",
        )
    if years is None:
        # Whole years after the reference run, every ``forecast.step`` years.
        step = max(1, round(forecast.step))
        first = math.floor(since) + 1
        grid = np.arange(first, math.floor(forecast.to + 1e-9) + 1, step, dtype=float)
    else:
        grid = np.atleast_1d(check_values(years, "years"))
    return Crossing(forecast, run, thresholds, budget, gpu, grid, frontier=frontier)
