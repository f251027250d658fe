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
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

from effcast._errors import EffcastError
from effcast.analysis._forecast import Forecast
from effcast.io._numbers import sci
from effcast.prior._hardware import lookup, peak

__all__ = [
    "REFERENCE_RUNS",
    "Crossing",
    "ReferenceRun",
    "check_question",
    "crossing",
    "reference_run",
]


def _gpu(name: str) -> str:
    """The hardware catalogue's spelling of ``name`` (case, spaces, dashes ignored)."""
    return lookup(str(name))[0]


@dataclass(frozen=True)
class ReferenceRun:
    """A training run that fixes the reference capability.

    Attributes
    ----------
    name : str
        A label for reports.
    flop : float
        Its training compute.
    year : float or None
        When it was trained (decimal year); ``None`` means the prior's
        period start.
    gpu_hours : float or None
        Its hardware, in hours of ``gpu``.
    gpu : str
        The GPU ``gpu_hours`` counts.
    """

    name: str
    flop: float
    year: float | None = None
    gpu_hours: float | None = None
    gpu: str = "V100"

    def gpu_hours_on(self, gpu: str) -> float:
        """The run's GPU-hours converted to ``gpu`` by peak throughput."""
        if self.gpu_hours is None:
            raise EffcastError(
                f"the reference run {self.name!r} has no GPU-hours; give them "
                "(--reference-gpu-hours) to ask about a hardware budget",
                field="reference_gpu_hours",
            )
        ratio = peak(self.gpu) / peak(gpu)
        return self.gpu_hours * ratio


REFERENCE_RUNS: dict[str, ReferenceRun] = {
    # 10,000 V100 for 14.8 days, 3.14e23 FLOP, early 2020 (the seed).
    "gpt3": ReferenceRun("GPT-3", 3.14e23, 2020.0, 10_000 * 14.8 * 24, "V100"),
    # About 2e25 FLOP on 25,000 A100 for about 95 days, finished in August
    # 2022 (the seed, after SemiAnalysis; 68x GPT-3's FLOP, 40x its
    # fp16-equivalent GPU-hours).
    "gpt4": ReferenceRun("GPT-4", 2e25, 2022.6, 25_000 * 95 * 24, "A100"),
}


def _positive(value: Any, name: str, field: str) -> float:
    if isinstance(value, bool):
        value = None
    try:
        x = float(value)
    except (TypeError, ValueError):
        raise EffcastError(
            f"{name} must be a number, got {value!r}", field=field
        ) from None
    if not math.isfinite(x):
        raise EffcastError(
            f"{name} must be a finite number, got {value!r}", field=field
        )
    if x <= 0:
        raise EffcastError(f"{name} must be positive, got {value!r}", field=field)
    return x


def reference_run(
    reference: str | float | ReferenceRun = "gpt3",
    *,
    year: float | None = None,
    gpu_hours: float | None = None,
    gpu: str | None = None,
) -> ReferenceRun:
    """A :class:`ReferenceRun` from a preset name or a FLOP figure.

    Parameters
    ----------
    reference : str, float or ReferenceRun
        ``"gpt3"`` (3.14e23 FLOP, 2020.0, 10,000 V100 x 14.8 days),
        ``"gpt4"`` (2e25 FLOP, 2022.6, 25,000 A100 x 95 days), or the run's
        FLOP as a positive number.
    year, gpu_hours, gpu : optional
        Replace the preset's values. A run given by its FLOP alone has no
        year (meaning: the prior's period start) and no GPU-hours.

    Examples
    --------
    >>> reference_run("gpt4").flop
    2e+25
    >>> reference_run(1e24, year=2023).year
    2023.0
    """
    if isinstance(reference, ReferenceRun):
        run = reference
    elif isinstance(reference, str) and reference.strip().lower() in REFERENCE_RUNS:
        run = REFERENCE_RUNS[reference.strip().lower()]
    else:
        try:
            flop = float(reference)
        except (TypeError, ValueError):
            raise EffcastError(
                f"reference must be one of {', '.join(REFERENCE_RUNS)} or a "
                f"number of FLOP, got {reference!r}",
                field="reference",
            ) from None
        flop = _positive(flop, "the reference run's FLOP", "reference")
        run = ReferenceRun(f"{sci(flop)}-FLOP", flop)
    _positive(run.flop, "the reference run's FLOP", "reference")
    changes: dict[str, Any] = {}
    if year is not None:
        changes["year"] = float(year)
    if gpu_hours is not None:
        changes["gpu_hours"] = _positive(
            gpu_hours, "the reference run's GPU-hours", "reference_gpu_hours"
        )
    if gpu is not None:
        changes["gpu"] = _gpu(gpu)
    if changes:
        run = ReferenceRun(**{**asdict(run), **changes})
    if run.year is not None and not math.isfinite(run.year):
        raise EffcastError("the reference year must be finite", field="reference_year")
    return run


def _fmt_year(t: float) -> float | None:
    return float(t) if math.isfinite(t) else None


class Crossing:
    """Per-sample crossing years for compute thresholds and a hardware budget.

    Build one with :func:`effcast.crossing`.

    Attributes
    ----------
    forecast : Forecast
    reference : ReferenceRun
    since : float
        The reference year the gains count from.
    years : numpy.ndarray
        The years of the default table (whole years after ``since``).
    rows : list of dict
        One entry per question: ``kind`` (``"compute"`` or ``"hardware"``),
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

    def prob_crossed_by(self, row: int, year: float | Sequence[float] | np.ndarray):
        """The fraction of samples whose crossing year is at or before ``year``."""
        data = self.rows[row]["samples"]
        ys = np.atleast_1d(np.asarray(year, dtype=float))
        out = np.searchsorted(np.sort(data), ys, side="right") / data.size
        return float(out[0]) if np.ndim(year) == 0 else out

    def year_quantile(self, row: int, q: float | Sequence[float]) -> np.ndarray:
        """Quantiles of the crossing year (``inf`` if not reached by then).

        Uses the inverted empirical distribution function (each quantile is
        a sampled year), which stays defined when some samples never cross.
        """
        return np.quantile(self.rows[row]["samples"], q, method="inverted_cdf")

    def summary(self) -> dict:
        """The document ``effcast threshold --json`` prints."""
        fc = self.forecast
        doc: dict[str, Any] = {
            "prior": fc.results.source,
            "title": fc.results.title,
            "samples": fc.n,
            "seed": fc.results.seed,
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
            entry["prob_never"] = float(np.mean(np.isinf(row["samples"])))
            entry["year_quantiles"] = {
                f"{q:g}": _fmt_year(float(t))
                for q, t in zip(qs, self.year_quantile(i, qs), strict=True)
            }
            entry["median_year"] = entry["year_quantiles"]["0.5"]
            doc["questions"].append(entry)
        return doc

    def __repr__(self) -> str:
        labels = ", ".join(r["label"] for r in self.rows)
        return f"<Crossing of {self.reference.name} from {self.since:g}: {labels}>"


def check_question(
    start: float,
    to: float,
    thresholds: float | Sequence[float] = (),
    *,
    reference: str | float | ReferenceRun = "gpt3",
    reference_year: float | None = None,
    budget: float | None = None,
    gpu: str = "H100",
    reference_gpu_hours: float | None = None,
    reference_gpu: str | None = None,
) -> tuple[list[float], float | None, str, ReferenceRun, float]:
    """Validate a crossing question against a period start and a last year.

    Returns the thresholds, the budget, the GPU's catalogue name, the
    reference run and the year gains count from. :func:`crossing` calls it;
    the command line calls it before sampling, so bad input fails at once.

    Raises
    ------
    EffcastError
        As :func:`crossing`.
    """
    given = (
        list(thresholds)
        if isinstance(thresholds, Sequence | np.ndarray)
        and not isinstance(thresholds, str)
        else [thresholds]
    )
    limits = [_positive(t, "a compute threshold", "threshold") for t in given]
    if budget is not None:
        budget = _positive(budget, "the hardware budget", "budget")
    if not limits and budget is None:
        raise EffcastError(
            "give at least one compute threshold (FLOP) or a hardware budget "
            "(GPU-hours)",
            field="threshold",
        )
    gpu = _gpu(gpu)
    run = reference_run(
        reference,
        year=reference_year,
        gpu_hours=reference_gpu_hours,
        gpu=reference_gpu,
    )
    if budget is not None:
        run.gpu_hours_on(gpu)
    since = start if run.year is None else run.year
    if since < start:
        raise EffcastError(
            f"the reference year {since:g} lies before the prior's period start "
            f"{start:g}; the prior says nothing about gains before it "
            "(give --reference-year)",
            field="reference_year",
        )
    if since >= to:
        raise EffcastError(
            f"the reference year {since:g} is not before the last year asked "
            f"about ({to:g})",
            field="reference_year",
        )
    return limits, budget, gpu, run, since


def crossing(
    forecast: Forecast,
    thresholds: float | Sequence[float] = (),
    *,
    reference: str | float | ReferenceRun = "gpt3",
    reference_year: float | None = None,
    budget: float | None = None,
    gpu: str = "H100",
    reference_gpu_hours: float | None = None,
    reference_gpu: str | None = None,
    years: Sequence[float] | None = None,
) -> Crossing:
    """When can a model of the reference run's capability be trained under a limit?

    Parameters
    ----------
    forecast : Forecast
        The projected gains (:func:`effcast.forecast`).
    thresholds : float or sequence of float
        Compute thresholds in FLOP (for example 1e25 and 1e26).
    reference : str, float or ReferenceRun
        The run that fixes the capability: ``"gpt3"`` (default), ``"gpt4"``
        or its FLOP; see :func:`reference_run`.
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
    years : sequence of float, optional
        The years of the table; by default each whole year after the
        reference year up to the forecast's ``to``.

    Raises
    ------
    EffcastError
        If a threshold, budget or FLOP figure is not positive, neither a
        threshold nor a budget is given, the GPU is unknown, or the reference
        year precedes the period start or follows the forecast's ``to``.

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
    thresholds, budget, gpu, run, since = check_question(
        forecast.start,
        forecast.to,
        thresholds,
        reference=reference,
        reference_year=reference_year,
        budget=budget,
        gpu=gpu,
        reference_gpu_hours=reference_gpu_hours,
        reference_gpu=reference_gpu,
    )
    if years is None:
        # Whole years after the reference run, every ``forecast.step`` years.
        step = max(1, round(forecast.step))
        first = math.floor(since) + 1
        grid = np.arange(first, math.floor(forecast.to + 1e-9) + 1, step, dtype=float)
    else:
        grid = np.asarray(years, dtype=float)
    return Crossing(forecast, run, thresholds, budget, gpu, grid)
