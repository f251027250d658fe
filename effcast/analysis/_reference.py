"""Reference training runs: the run whose capability a crossing question asks about.

A :class:`ReferenceRun` is a training run (its FLOP, year, GPU-hours and
GPU) that fixes a capability; :data:`REFERENCE_RUNS` holds the presets
(GPT-3, GPT-4, Llama 3.1 405B, DeepSeek-V3) and :func:`reference_run`
builds one from a preset's name or a FLOP figure, checking every number.
:mod:`effcast.analysis._threshold`
asks when a model of that capability fits under a limit.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import Any

from effcast._errors import EffcastError
from effcast.io._numbers import sci
from effcast.prior._hardware import lookup, peak

__all__ = ["REFERENCE_RUNS", "ReferenceRun", "baseline_run", "reference_run"]


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
    # 3.8e25 FLOP on up to 16,384 H100 (BF16), 30.84M H100-hours; released
    # 23 July 2024, so trained in the first half of 2024 (Meta, The Llama 3
    # Herd of Models, 2024; model card).
    "llama31_405b": ReferenceRun("Llama 3.1 405B", 3.8e25, 2024.4, 30.84e6, "H100"),
    # 2.788M H800-hours for the full training, in FP8 mixed precision; about
    # 3.3e24 FLOP (6 x 37B active parameters x 14.8T tokens); released 26
    # December 2024 (DeepSeek-AI, DeepSeek-V3 Technical Report, 2024).
    "deepseek_v3": ReferenceRun("DeepSeek-V3", 3.3e24, 2024.9, 2.788e6, "H800"),
}


def _preset(name: str) -> str:
    """``"Llama31-405B"`` and ``"llama31_405b"`` name the same preset."""
    return name.strip().lower().replace("-", "_")


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


def _finite_year(value: Any) -> float:
    if isinstance(value, bool):
        value = None
    try:
        year = float(value)
    except (TypeError, ValueError):
        raise EffcastError(
            f"the reference year must be a number, got {value!r}",
            field="reference_year",
        ) from None
    if not math.isfinite(year):
        raise EffcastError("the reference year must be finite", field="reference_year")
    return year


def baseline_run(prior: Any) -> ReferenceRun | None:
    """A prior's own ``[baseline]`` as a reference run, dated at its period start.

    ``None`` when the prior has no baseline. Its GPU-hours come from the
    baseline's ``gpus`` and ``days`` when it states them.
    """
    base = getattr(prior, "baseline", None)
    if base is None:
        return None
    hours = None if base.gpus is None else base.gpus * base.days * 24.0
    return ReferenceRun(base.name, base.flop, None, hours, base.gpu or "V100")


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
        A preset of :data:`REFERENCE_RUNS`: ``"gpt3"`` (3.14e23 FLOP, 2020.0,
        10,000 V100 x 14.8 days), ``"gpt4"`` (2e25 FLOP, 2022.6, 25,000 A100
        x 95 days), ``"llama31_405b"`` (3.8e25 FLOP, 2024.4, 30.84M
        H100-hours), ``"deepseek_v3"`` (3.3e24 FLOP, 2024.9, 2.788M
        H800-hours); or the run's FLOP as a positive number.
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
    elif isinstance(reference, str) and _preset(reference) in REFERENCE_RUNS:
        run = REFERENCE_RUNS[_preset(reference)]
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
        changes["year"] = _finite_year(year)
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
