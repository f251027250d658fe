"""What the reductions mean in the world: FLOP, GPU-hours, wall-clock time,
and published rates to compare them with.

Everything here works from quantiles and probabilities, not from samples, so
that any summary of a run (in memory or streamed) gives the same document:

* a resource needed today is the baseline's resource divided by a reduction,
  a decreasing transform, so its ``q``-quantile is the baseline divided by
  the reduction's ``(1 - q)``-quantile;
* effcast's annual rate exceeds a reference rate ``r`` exactly when the
  reduction exceeds ``r ** years``, so that probability is a count of
  samples above a threshold (:func:`reference_thresholds` lists them).

Examples
--------
>>> from effcast.prior._loading import parse_prior
>>> prior = parse_prior({
...     "period": {"start": 2020.0, "end": 2024.0},
...     "factor": [{"name": "x", "reduces": "compute", "dist": "lognormal",
...                 "ci": [2.0, 8.0], "level": 0.8}],
...     "baseline": {"flop": 3.14e23, "gpu": "V100", "gpus": 10000, "days": 14.8},
...     "target": {"gpu": "H100"},
... })
>>> spec = resolve_resources(prior)
>>> round(spec["baseline"]["mfu"], 3), round(spec["target"]["gpus"])
(0.196, 1264)
"""

from __future__ import annotations

import math
from collections.abc import Mapping

from effcast.prior._hardware import lookup
from effcast.prior._schema import Prior

__all__ = [
    "reference_summary",
    "reference_thresholds",
    "resolve_resources",
    "resources_summary",
]

_SECONDS_PER_DAY = 86_400.0


def resolve_resources(prior: Prior) -> dict | None:
    """The baseline run and target hardware of ``prior`` as plain numbers.

    Returns ``None`` when the prior has no ``[baseline]``. Otherwise a dict
    with ``"baseline"`` (``flop`` and, when the run's hardware is given,
    ``gpu``, ``gpus``, ``days``, ``gpu_hours``, ``peak_tflops`` and the
    ``mfu`` that follows) and ``"target"`` (``None`` without baseline
    hardware; otherwise the GPU, its peak, ``peak_ratio`` to the baseline
    GPU, the baseline run's ``gpu_hours`` converted to target-GPU hours, and
    the cluster size ``gpus`` used for wall-clock time). Without a
    ``[target]``, the target is the baseline's own GPU.
    """
    base = prior.baseline
    if base is None:
        return None
    extra = prior.gpu_table()
    baseline: dict = {"name": base.name, "flop": base.flop, "source": base.source}
    if base.gpu is None:
        return {"baseline": baseline, "target": None}
    assert base.gpus is not None and base.days is not None
    gpu, peaks = lookup(base.gpu, extra)
    peak = peaks["bf16"]
    seconds = base.days * _SECONDS_PER_DAY
    baseline.update(
        gpu=gpu,
        gpus=base.gpus,
        days=base.days,
        gpu_hours=base.gpus * base.days * 24.0,
        peak_tflops=peak,
        mfu=base.flop / (base.gpus * seconds * peak * 1e12),
    )
    tgt = prior.target
    if tgt is None:
        name, precision, target_peak, count = gpu, "bf16", peak, None
    else:
        name, tpeaks = lookup(tgt.gpu, extra)
        precision, target_peak, count = tgt.precision, tpeaks[tgt.precision], tgt.gpus
    ratio = target_peak / peak
    equal_peak = base.gpus / ratio
    target = {
        "gpu": name,
        "precision": precision,
        "peak_tflops": target_peak,
        "peak_ratio": ratio,
        "gpu_hours_at_baseline": baseline["gpu_hours"] / ratio,
        "gpus": equal_peak if count is None else count,
        "equal_peak_cluster": count is None,
    }
    return {"baseline": baseline, "target": target}


def _mirror(key: str) -> str:
    """The quantile key of ``1 - q``: ``"0.1"`` -> ``"0.9"``."""
    return f"{round(1.0 - float(key), 10):g}"


def _divide(amount: float, qs: Mapping[str, float]) -> dict[str, float | None]:
    """Quantiles of ``amount / reduction`` from the reduction's quantiles."""
    out: dict[str, float | None] = {}
    for key in qs:
        r = qs.get(_mirror(key))
        out[key] = None if r is None or r <= 0 else amount / r
    return out


def resources_summary(
    spec: Mapping, hardware_q: Mapping[str, float], compute_q: Mapping[str, float]
) -> dict:
    """The ``"resources"`` section of a summary.

    Parameters
    ----------
    spec : mapping
        What :func:`resolve_resources` returns.
    hardware_q, compute_q : mapping
        Quantiles of the two reductions, keyed ``"0.05"`` ... ``"0.95"``;
        the keys must come in pairs ``q`` and ``1 - q``.

    Returns
    -------
    dict
        ``baseline`` and ``target`` (from ``spec``), and the quantiles of
        ``flop_needed`` (baseline FLOP / compute reduction) and, when the
        baseline's hardware is known, ``gpu_hours`` (target-GPU hours:
        baseline hours converted by the peak ratio, / hardware reduction)
        and ``wall_clock_hours`` (those hours spread over the target
        cluster).

    Examples
    --------
    >>> spec = {"baseline": {"flop": 1e24}, "target": None}
    >>> resources_summary(spec, {}, {"0.1": 10.0, "0.5": 100.0, "0.9": 1000.0})
    ... # doctest: +NORMALIZE_WHITESPACE
    {'baseline': {'flop': 1e+24}, 'target': None,
     'flop_needed': {'quantiles': {'0.1': 1e+21, '0.5': 1e+22, '0.9': 1e+23}}}
    """
    out: dict = {"baseline": dict(spec["baseline"]), "target": spec["target"]}
    out["flop_needed"] = {"quantiles": _divide(spec["baseline"]["flop"], compute_q)}
    target = spec["target"]
    if target is not None:
        hours = _divide(target["gpu_hours_at_baseline"], hardware_q)
        out["gpu_hours"] = {"quantiles": hours}
        out["wall_clock_hours"] = {
            "quantiles": {
                k: (None if v is None else v / target["gpus"]) for k, v in hours.items()
            }
        }
    return out


def reference_thresholds(prior: Prior) -> list[tuple[str, str, float]]:
    """``(name, "hardware" or "compute", threshold)`` for each reference rate.

    effcast's annual rate beats the reference exactly when the reduction
    over the period exceeds ``threshold = rate ** years``.
    """
    years = prior.period.years
    return [(r.name, r.applies_to, r.rate**years) for r in prior.reference]


def reference_summary(prior: Prior, probs: Mapping[str, float | None]) -> dict:
    """The ``"reference_rates"`` section: each reference and P(effcast faster).

    Parameters
    ----------
    prior : Prior
        The validated prior, holding the ``[[reference]]`` entries.
    probs : mapping
        For each reference name, the fraction of samples whose reduction
        exceeds that reference's threshold (:func:`reference_thresholds`).
    """
    out = {}
    for ref, (name, which, threshold) in zip(
        prior.reference, reference_thresholds(prior), strict=True
    ):
        out[name] = {
            "label": ref.label or name,
            "applies_to": which,
            "per_year": ref.rate,
            "oom_per_year": math.log10(ref.rate),
            "over_period": threshold,
            "prob_effcast_faster": probs[name],
            "source": ref.source,
        }
    return out
