"""Frontier compute and effective compute: the resource side of the analysis.

A prior's ``[frontier]`` table (:class:`effcast.prior._frontier.Frontier`)
states the largest training run ``F0`` (FLOP) in year ``y0`` and how many
times larger it gets per year, ``g`` (a constant or a belief, drawn once
per sample). With ``slowing`` ``s`` the growth rate in OOM per year is
multiplied by ``a = 1 - s`` every year, so per sample

    log10 F(t) = log10 F0 + log10(g) * G(t - y0, a),

with ``G(tau, a) = (a**tau - 1) / ln(a)`` (``tau`` when ``a = 1``; the same
formula before ``y0``). For a constant growth the frontier run is
``F0 * g ** (t - y0)`` and passes a limit ``X`` in the year

    y0 + ln(X / F0) / ln(g)

(:meth:`FrontierProjection.crossing_year` inverts ``G`` the same way with
slowing). *Effective compute* of the frontier run at ``t`` is ``F(t)`` times
the compute-requirement reduction since the period start, in FLOP of the
period start; relative to the prior's ``[baseline]`` run it is
``F(t) * C(t) / baseline_flop``. Its growth splits into a *resource* part
``F(t) / baseline_flop`` and an *efficiency* part ``C(t)``, the founding
analysis's central comparison (668x compute resources beside 170x
efficiency for 2020-24).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from effcast.analysis._dynamics import RATE_STREAM
from effcast.engine._blocks import resolve_seed
from effcast.prior._frontier import Frontier
from effcast.prior._rates import parse_rate
from effcast.results._in_memory import quantile_dict

__all__ = ["FrontierProjection", "frontier_summary"]

_FRONTIER_KEY = (*RATE_STREAM, 0x66726F6E)


def _growth_marginal(belief: Any):
    """The marginal of a growth belief (times per year), built as a factor."""
    from effcast.prior._loading import parse_prior
    from effcast.results._model import Model

    stated = belief.model_dump(exclude_none=True)
    spec = {"name": "growth", "reduces": "compute", **stated}
    data = {"period": {"start": 0.0, "end": 1.0}, "factor": [spec]}
    model = Model(parse_prior(data, source="[frontier] growth"), source="frontier")
    return model.marginals[0]


def _inverse_growth(x: np.ndarray, a: float) -> np.ndarray:
    """``tau`` with ``G(tau, a) = x`` (``inf`` where a slowdown never gets there)."""
    if a == 1.0:
        return x
    la = math.log(a)
    arg = 1.0 + x * la
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(arg > 0, np.log(arg) / la, np.inf)


def _signed_growth(tau: float, a: float) -> float:
    """``G(tau, a)`` for any sign of ``tau``."""
    return tau if a == 1.0 else math.expm1(tau * math.log(a)) / math.log(a)


class FrontierProjection:
    """Per sample, the largest training run's FLOP in any year.

    Parameters
    ----------
    frontier : Frontier
        The prior's ``[frontier]`` table.
    n : int
        Samples (one growth rate each).
    seed : seed-like
        Seeds the growth draws (its own stream).
    gpus : dict, optional
        The prior's ``[gpus]`` additions to the catalogue.

    Examples
    --------
    >>> from effcast.prior._frontier import Frontier
    >>> fr = FrontierProjection(Frontier(year=2025.0, flop=5e26, growth="4x"), 10)
    >>> print(f"{float(fr.flop(2026.0)[0]):.3g}")
    2e+27
    >>> round(float(fr.crossing_year(8e27)[0]), 9)
    2027.0
    """

    def __init__(
        self,
        frontier: Frontier,
        n: int,
        seed: Any = None,
        gpus: dict[str, dict[str, float]] | None = None,
    ) -> None:
        self.spec = frontier
        self.name = frontier.name
        self.year = frontier.decimal_year
        self.flop0 = frontier.flop_at_year(gpus)
        self.a = 1.0 - frontier.slowing
        growth = frontier.growth
        self.seed: int | None = None
        if isinstance(growth, str):
            self.log10_g = np.full(n, parse_rate(growth, allow_negative=True))
        else:
            root, entropy = resolve_seed(seed)
            ss = np.random.SeedSequence(entropy=root.entropy, spawn_key=_FRONTIER_KEY)
            u = np.random.Generator(np.random.PCG64(ss)).random(n)
            g = np.asarray(_growth_marginal(growth).ppf(u), dtype=float)
            self.log10_g = np.log10(g)
            self.seed = entropy

    def log10_flop(self, year: float) -> np.ndarray:
        """Per sample, ``log10`` of the frontier run's FLOP in ``year``."""
        return math.log10(self.flop0) + self.log10_g * _signed_growth(
            float(year) - self.year, self.a
        )

    def flop(self, year: float) -> np.ndarray:
        """Per sample, the frontier run's FLOP in ``year``."""
        return 10.0 ** self.log10_flop(year)

    def crossing_year(self, limit: float) -> np.ndarray:
        """Per sample, the year the frontier run reaches ``limit`` FLOP.

        Exact (no time grid): ``y0 + G^-1(log10(limit / F0) / log10(g))``.
        A frontier that does not grow, or slows down before getting there,
        never does (``inf``).
        """
        need = math.log10(limit / self.flop0)
        out = np.full(self.log10_g.shape, np.inf)
        if need == 0:
            out[:] = self.year
            return out
        with np.errstate(divide="ignore", invalid="ignore"):
            x = need / self.log10_g
            ok = (self.log10_g != 0) & (x == x)
            if need > 0:
                ok &= self.log10_g > 0
            tau = _inverse_growth(np.where(ok, x, 0.0), self.a)
        out[ok] = self.year + tau[ok]
        return out

    def describe(self) -> str:
        """The frontier assumption, in words."""
        g = self.spec.growth
        text = f"{self.name}: {self.flop0:.3g} FLOP in {self.year:g}, growing "
        if isinstance(g, str):
            text += g + " per year"
        else:
            text += f"{10 ** float(np.median(self.log10_g)):.3g}x per year (median)"
        if self.spec.slowing:
            text += f", the growth rate {self.spec.slowing:.0%} slower every year"
        return text


def frontier_summary(fc: Any, grid: np.ndarray) -> dict[str, Any]:
    """The forecast document's frontier, effective compute and split, by year.

    ``fc`` is a :class:`effcast.Forecast` with a frontier. Years before the
    period start are not reported.
    """
    fr: FrontierProjection = fc.frontier
    prior = fc.results.prior
    base = prior.baseline if prior is not None else None
    base_flop = base.flop if base is not None else None
    unit = (
        f"multiples of the baseline run ({base.name}, {base_flop:.3g} FLOP)"
        if base is not None
        else f"FLOP at {fc.start:g} efficiency"
    )
    frontier: dict[str, Any] = {}
    effective: dict[str, Any] = {}
    split: dict[str, Any] = {}
    for year in grid:
        key = f"{year:g}"
        log_f = fr.log10_flop(float(year))
        log_c = fc.log10_reduction("compute", float(year))
        log_e = log_f + log_c - (0.0 if base_flop is None else math.log10(base_flop))
        frontier[key] = {"quantiles": quantile_dict(10.0**log_f)}
        effective[key] = {
            "quantiles": quantile_dict(10.0**log_e),
            "oom_quantiles": quantile_dict(log_e),
        }
        if base_flop is not None:
            log_r = log_f - math.log10(base_flop)
            with np.errstate(divide="ignore", invalid="ignore"):
                share = np.where(log_e != 0, log_c / log_e, np.nan)
            split[key] = {
                "resources": quantile_dict(10.0**log_r),
                "efficiency": quantile_dict(10.0**log_c),
                "efficiency_share_median": float(np.nanmedian(share)),
            }
    doc: dict[str, Any] = {
        "frontier": frontier,
        "frontier_assumption": fr.describe(),
        "effective_compute": effective,
        "effective_compute_unit": unit,
    }
    if split:
        doc["growth_split"] = split
    hardware = _hardware_split(fc, fr)
    if hardware is not None:
        doc["hardware_split"] = hardware
    return doc


def _hardware_split(fc: Any, fr: FrontierProjection) -> dict[str, Any] | None:
    """At the frontier year: fp16-equivalent GPU-hours beside the hardware gain.

    Needs the frontier's and the baseline's hardware. GPU-hours convert by
    dense 16-bit peak, as the analysis does (its 267x for 2020-24).
    """
    prior = fc.results.prior
    base = prior.baseline if prior is not None else None
    spec = fr.spec
    if base is None or base.gpu is None or spec.gpu is None or fr.year < fc.start:
        return None
    from effcast.prior._hardware import lookup

    extra = prior.gpu_table()
    assert base.gpus is not None and base.days is not None
    assert spec.gpus is not None and spec.days is not None
    peak_f = lookup(spec.gpu, extra)[1]["bf16"]
    peak_b = lookup(base.gpu, extra)[1]["bf16"]
    ratio = (spec.gpus * spec.days * peak_f) / (base.gpus * base.days * peak_b)
    reduction = fc.reduction("hardware", fr.year)
    return {
        "year": fr.year,
        "resources": ratio,
        "efficiency": quantile_dict(reduction),
        "effective": quantile_dict(ratio * reduction),
    }
