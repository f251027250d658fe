"""Forecasts: carry each sample's efficiency gains past the prior's period.

Write ``L(t)`` for a sample's cumulative gain at decimal year ``t``, in
orders of magnitude (OOM) from the period start (``10 ** L(t)`` times less
of a resource is needed at ``t`` than at ``start``). Within the period
``L(t) = L(end) * (t - start) / years``, log-linear, so ``L(end)`` is the
sampled reduction. After it each factor continues by its forward view, and
the factors without one continue as a block at the prior-wide rate
(:mod:`effcast.analysis._dynamics` states the model). A prior with no views
is projected as before views existed: the compute reduction at a forward
rate ``rho`` (each sample's own historical rate unless one is given),
changed by a factor ``a`` a year, ``v(tau) = rho * (a ** tau - 1) / ln(a)``,
under an optional soft cap ``C * (1 - exp(-v / C))``; the hardware
reduction at that rate plus the sample's historical rate of the
hardware-only factors.

With a ``[frontier]`` table the forecast also projects the largest run
(:mod:`effcast.analysis._frontier`).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from effcast._errors import EffcastError
from effcast.analysis._dynamics import FactorDynamics
from effcast.analysis._forecast_settings import (
    finite,
    forecast_years,
    nonnegative,
    period_start,
    positive,
    prior_rate,
    rate_marginal,
    resolve_settings,
)
from effcast.analysis._frontier import FrontierProjection, frontier_summary
from effcast.engine._blocks import SeedLike
from effcast.prior._forward import ForwardView
from effcast.prior._provenance import provenance_fields
from effcast.results._base import check_probabilities, check_values, scalar_or_array
from effcast.results._display import Displayable
from effcast.results._in_memory import QUANTILES, Results, quantile_dict
from effcast.results._weighted import weighted_inverted_cdf, weighted_quantile

__all__ = [
    "Forecast",
    "forecast_years",
    "period_start",
    "prior_rate",
    "rate_marginal",
    "resolve_settings",
]

TOTALS = ("hardware", "compute")

# Crossing years past this many years after the period end count as never.
SOLVE_HORIZON = 1000.0


class Forecast(Displayable):
    """Per-sample projections of the hardware and compute reductions.

    Build one with :func:`effcast.forecast`. Every reduction it reports is
    cumulative and measured from the prior's period start: how many times less
    of a resource it takes at a given year to reach the prior's reference
    capability than it took at ``start``. At ``end`` it equals the sampled
    reduction.

    :meth:`to_pandas` gives the table of :meth:`summary`, one row per series,
    year and probability: columns ``series`` (``"hardware"`` or
    ``"compute"``), ``year``, ``q`` and ``reduction`` (cumulative since the
    period start).

    Attributes
    ----------
    start, end : float
        The prior's period (decimal years).
    to : float
        The last year of the default table.
    years : numpy.ndarray
        The years of the default table: the period end, then whole years.
    results : Results
        The samples of the period that the forecast extends.
    settings : dict
        The forward rate, acceleration and cap in force.
    """

    def __init__(
        self,
        results: Results,
        start: float,
        *,
        to: float,
        step: float = 1.0,
        rate: float | Mapping[str, Any] | None = None,
        acceleration: float = 1.0,
        cap: float | None = None,
        seed: SeedLike = None,
        views: Mapping[str, ForwardView] | None = None,
        level: float = 0.8,
        rate_origin: str = "",
        set_aside: Sequence[str] = (),
        frontier: bool = True,
    ) -> None:
        self.results = results
        self.weights = results.weights  # [[evidence]]: None for the prior
        self.start = float(start)
        self.end = round(self.start + results.years, 9)
        to = finite(to, "to")
        if to <= self.end:
            raise EffcastError(
                f"the target year must come after the prior's period end "
                f"({self.end:g}), got {to:g}",
                field="to",
            )
        self.to = to
        self.step = positive(step, "step")
        self.acceleration = positive(acceleration, "acceleration")
        self.cap = None if cap is None else positive(cap, "cap")
        with np.errstate(divide="ignore", invalid="ignore"):
            self._log_h = np.log10(results.hardware)
            self._log_c = np.log10(results.compute)
        if not (np.all(np.isfinite(self._log_h)) and np.all(np.isfinite(self._log_c))):
            raise EffcastError(
                "some sampled reductions are zero, so their growth rate is "
                "undefined; give the prior's factors a positive lower bound or floor"
            )
        years = results.years
        self._hist = {"hardware": self._log_h / years, "compute": self._log_c / years}
        if rate is not None and not isinstance(rate, Mapping):
            rate = nonnegative(rate, "rate")
        self.dynamics = FactorDynamics(
            results,
            views or {},
            rate=rate,
            acceleration=self.acceleration,
            cap=self.cap,
            level=level,
            seed=seed,
            rate_origin=rate_origin,
            set_aside=set_aside,
        )
        self.rate_spec: Any = self.dynamics.rate_spec
        seeds = [s for s in self.dynamics.seeds.values() if s is not None]
        self.seed = seeds[0] if seeds else None
        self._rho = self.dynamics.rho_default
        self.years = forecast_years(self.end, self.to, self.step)
        self.frontier: FrontierProjection | None = None
        prior = results.prior
        if frontier and prior is not None and prior.frontier is not None:
            self.frontier = FrontierProjection(
                prior.frontier, results.n, seed, prior.gpu_table()
            )

    # -- the model ------------------------------------------------------
    @property
    def n(self) -> int:
        """The number of samples."""
        return self.results.n

    @property
    def settings(self) -> dict[str, Any]:
        """The forward rate, acceleration and cap, as a plain dictionary."""
        return {
            "rate": "historical" if self.rate_spec is None else self.rate_spec,
            "acceleration": self.acceleration,
            "cap_oom": self.cap,
            "factors": self.dynamics.describe(),
        }

    @property
    def has_views(self) -> bool:
        """Whether any factor follows a forward view of its own."""
        return bool(self.dynamics.views)

    def _check(self, which: str) -> str:
        if not isinstance(which, str) or which not in TOTALS:
            raise EffcastError(
                f"expected 'hardware' or 'compute', got {which!r}", field="which"
            )
        return which

    def log10_reduction(self, which: str, year: float) -> np.ndarray:
        """Per sample, ``log10`` of the reduction at ``year`` since the start.

        Raises
        ------
        EffcastError
            If ``year`` lies before the period start.
        """
        self._check(which)
        year = finite(year, "year")
        if year < self.start:
            raise EffcastError(
                f"year {year:g} lies before the prior's period start {self.start:g}",
                field="year",
            )
        total = self._log_h if which == "hardware" else self._log_c
        if year <= self.end:
            return total * ((year - self.start) / self.results.years)
        return total + self.dynamics.total_gain(which, year - self.end)

    def factor_log10(self, name: str, year: float) -> np.ndarray:
        """Per sample, ``log10`` of one factor's multiplier at ``year``.

        Cumulative since the period start, as the factor is sampled: within
        the period it is interpolated log-linearly, after it the factor
        follows its forward view (or its share of the default block).

        Raises
        ------
        EffcastError
            If there is no such factor, or the factors were not kept.
        """
        if name not in self.results.names:
            raise EffcastError(
                f"no factor named {name!r}; the factors are "
                + ", ".join(self.results.names),
                factor=name,
            )
        year = finite(year, "year")
        end_value = self.dynamics.factor_log_end(name)
        if year < self.end:
            return end_value * (max(year - self.start, 0.0) / self.results.years)
        return end_value + self.dynamics.factor_gain(name, year - self.end)

    def factor(self, name: str, year: float) -> np.ndarray:
        """Per sample, one factor's cumulative multiplier at ``year``.

        Examples
        --------
        >>> import effcast
        >>> fc = effcast.forecast(effcast.load("gpt3_today"), to=2035,
        ...                       n=20_000, seed=1)
        >>> bool(fc.factor("hardware_efficiency", 2035).max() <= 4.7)
        True
        """
        value = 10.0 ** self.factor_log10(name, year)
        view = self.dynamics.views.get(name)
        if view is not None and view.ceiling is not None and year >= self.end:
            # 10 ** log10(4.7) is 4.700000000000001: a factor held at its
            # ceiling stays at the ceiling itself (or at its end value, if
            # that was above it).
            end = 10.0 ** self.dynamics.factor_log_end(name)
            value = np.minimum(value, np.maximum(view.ceiling, end))
        return value

    def reduction(self, which: str, year: float) -> np.ndarray:
        """Per sample, the reduction at ``year``, cumulative since the start.

        Examples
        --------
        >>> import effcast
        >>> fc = effcast.forecast(effcast.load("gpt3_today"),
        ...                       to=2030, n=100_000, seed=1)
        >>> bool(np.allclose(fc.reduction("compute", fc.end), fc.results.compute))
        True
        """
        with np.errstate(over="ignore"):  # beyond 1e308 the reduction is inf
            return 10.0 ** self.log10_reduction(which, year)

    def quantiles(
        self, which: str, year: float, q: float | Sequence[float] = QUANTILES
    ) -> Any:
        """Quantiles of the reduction at ``year`` (numpy's linear method;
        weighted by the evidence, if any).

        A float for a scalar ``q``, else an array.

        Raises
        ------
        EffcastError
            For a series other than hardware and compute, a year before the
            period start, or a probability outside [0, 1].
        """
        qs = check_probabilities(q)
        data = self.reduction(which, year)
        return scalar_or_array(_quantile(data, qs, self.weights), q)

    def crossing_year(
        self, which: str, oom: float | np.ndarray, since: float | None = None
    ) -> np.ndarray:
        """Per sample, the first year the gain since ``since`` reaches ``oom`` OOM.

        Solves ``L(t) - L(since) = oom`` exactly (no time grid). Samples that
        never get there (a cap below what is needed, a rate that is not
        positive, or a slowdown that converges too soon) get ``inf``; an
        ``oom`` of zero or less is reached at ``since`` itself.

        Parameters
        ----------
        which : {"hardware", "compute"}
        oom : float
            The gain needed, in orders of magnitude (``log10`` of a ratio).
        since : float, optional
            The year the gain counts from; the period start by default.
        """
        self._check(which)
        since = self.start if since is None else finite(since, "since")
        if since < self.start:
            raise EffcastError(
                f"the reference year {since:g} lies before the prior's period "
                f"start {self.start:g}; the prior says nothing about gains "
                "before it",
                field="reference_year",
            )
        oom = finite(oom, "oom")
        target = self.log10_reduction(which, since) + oom
        total = self._log_h if which == "hardware" else self._log_c
        hist = self._hist[which]
        out = np.full(self.n, np.inf)
        if oom <= 0:
            out[:] = since
            return out
        # Reached within the period (only possible if it starts there).
        inside = (target <= total) & (hist > 0) & (since < self.end)
        with np.errstate(divide="ignore", invalid="ignore"):
            out[inside] = self.start + target[inside] / hist[inside]
        if self.has_views:
            ahead = ~inside
            out[ahead] = self._solve(which, target, max(since, self.end))[ahead]
            return out
        with np.errstate(divide="ignore", invalid="ignore"):
            need = np.where(inside, np.nan, target - total)
            if self.cap is not None:
                frac = need / self.cap
                need = np.where(frac < 1, -self.cap * np.log1p(-frac), np.inf)
            rho = self._rho[which]
            a = self.acceleration
            if a == 1.0:
                tau = need / rho
            else:
                arg = 1.0 + need * math.log(a) / rho
                tau = np.where(arg > 0, np.log(arg) / math.log(a), np.inf)
            tau = np.where((rho > 0) & np.isfinite(need), tau, np.inf)
        ahead = ~inside
        out[ahead] = self.end + tau[ahead]
        return out

    def _solve(self, which: str, target: np.ndarray, lo_year: float) -> np.ndarray:
        """Per sample, the first year after ``lo_year`` with ``L(t) >= target``.

        Every factor's forward gain is non-decreasing in time, so ``L`` is
        too, and bisection finds the crossing to about 1e-11 years. Samples
        not there by ``SOLVE_HORIZON`` years after the period end never get
        there (``inf``): a ceiling, a one-off or a slowdown stops them.
        """
        total = self._log_h if which == "hardware" else self._log_c
        gain = self.dynamics.total_gain
        lo = np.full(self.n, max(lo_year - self.end, 0.0))
        hi = np.full(self.n, SOLVE_HORIZON)
        done = total + gain(which, lo) >= target
        never = total + gain(which, SOLVE_HORIZON) < target
        for _ in range(48):  # 1,000 years / 2**48: below 1e-11 years
            mid = 0.5 * (lo + hi)
            reached = total + gain(which, mid) >= target
            hi = np.where(reached, mid, hi)
            lo = np.where(reached, lo, mid)
        out = self.end + hi
        out[done] = max(lo_year, self.end)
        out[never] = np.inf
        return out

    # -- reporting ------------------------------------------------------
    def summary(self, years: Sequence[float] | None = None) -> dict:
        """Quantiles of both reductions at each year, as a plain dictionary.

        This is the document ``effcast forecast --json`` prints.
        """
        grid = self.years if years is None else check_values(years, "years")
        grid = np.atleast_1d(grid)
        if not np.all(np.isfinite(grid)):
            raise EffcastError("years must be finite", field="years")
        doc: dict[str, Any] = {
            "prior": self.results.source,
            "title": self.results.title,
            "samples": self.n,
            "seed": self.results.seed,
            **provenance_fields(self.results),
            "rate_seed": self.seed,
            "period": {"start": self.start, "end": self.end},
            "relative_to": "period start",
            "forward": self.settings,
            "years": [float(y) for y in grid],
        }
        for which in TOTALS:
            rows = {}
            for year in grid:
                data = self.reduction(which, float(year))
                rows[f"{year:g}"] = {
                    "quantiles": _qdict(data, self.weights),
                    "oom_quantiles": _qdict(np.log10(data), self.weights),
                }
            doc[which] = rows
        if self.results.has_factors:
            doc["factors"] = {
                name: {
                    f"{year:g}": {"quantiles": quantile_dict(self.factor(name, year))}
                    for year in grid
                }
                for name in self.results.names
            }
        if self.frontier is not None:
            doc.update(frontier_summary(self, grid))
        return doc

    _view = "forecast"

    def _tidy(self) -> tuple[list[dict], list[str]]:
        rows = [
            {"series": which, "year": float(year), "q": q, "reduction": float(v)}
            for which in TOTALS
            for year in self.years
            for q, v in zip(
                QUANTILES, self.quantiles(which, float(year), QUANTILES), strict=True
            )
        ]
        return rows, ["series", "year", "q", "reduction"]

    def __repr__(self) -> str:
        med = self.quantiles("hardware", self.to, 0.5)
        return (
            f"<Forecast of {self.results.source!r}: {self.n:,} samples, "
            f"{self.end:g} -> {self.to:g}; hardware median {med:.3g}x by {self.to:g}>"
        )


def _quantile(data: np.ndarray, q: Any, w: np.ndarray | None = None) -> np.ndarray:
    """numpy's linear quantile (weighted by ``w``), or, where a projection
    overflowed to infinity, the sampled value at each quantile (interpolating
    between two infinities would give NaN)."""
    if np.isfinite(data).all():
        return np.asarray(weighted_quantile(data, w, q))
    return np.asarray(weighted_inverted_cdf(data, w, q))


def _qdict(data: np.ndarray, w: np.ndarray | None = None) -> dict[str, float]:
    """:func:`quantile_dict`, safe for projections that overflowed."""
    if np.isfinite(data).all():
        return quantile_dict(data, w)
    values = _quantile(data, QUANTILES, w)
    return {f"{q:g}": float(v) for q, v in zip(QUANTILES, values, strict=True)}
