"""Forecasts: carry each sample's efficiency gains past the prior's period.

A prior describes the gains between its period's ``start`` and ``end``. A
:class:`Forecast` extends every sample beyond ``end``. Write ``L(t)`` for a
sample's cumulative gain at decimal year ``t``, in orders of magnitude (OOM)
and measured from the period start (so ``10 ** L(t)`` is how many times less
of a resource it takes at ``t`` to reach the prior's reference capability
than it took at ``start``):

* within the period, ``L(t) = r * (t - start)`` with the sample's historical
  rate ``r = log10(reduction) / years``, so ``L(end)`` is the sampled
  reduction itself;
* after it, ``L(t) = L(end) + cap(v(t - end))``, where ``v`` is the further
  gain at a forward rate ``rho`` (the sample's own ``r`` unless a forward
  prior on the rate is given), changed by a factor ``a`` every year:
  ``v(tau) = rho * (a ** tau - 1) / ln(a)`` (``rho * tau`` when ``a = 1``);
  and ``cap(v) = C * (1 - exp(-v / C))`` is an optional soft cap of ``C``
  OOM on the further gain (none by default).

The forward prior on the rate describes the compute reduction. The hardware
reduction moves at that rate plus the sample's own historical rate of the
factors that reduce hardware only (``log10(hardware / compute) / years``),
so hardware never falls behind compute.

Every per-sample quantity is kept as four arrays (historical and forward
rates of both resources), and ``L(t)`` is computed on demand for any year.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from effcast._errors import EffcastError
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
from effcast.engine._blocks import SeedLike, resolve_seed
from effcast.results._in_memory import QUANTILES, Results, quantile_dict
from effcast.results._model import Model

__all__ = [
    "Forecast",
    "forecast",
    "forecast_years",
    "period_start",
    "prior_rate",
    "rate_marginal",
    "resolve_settings",
]

TOTALS = ("hardware", "compute")

# The forward rate's random stream: a spawn key no sampling block uses.
_RATE_STREAM = (0x666F7265, 0x63617374)


class Forecast:
    """Per-sample projections of the hardware and compute reductions.

    Build one with :func:`effcast.forecast`. Every reduction it reports is
    cumulative and measured from the prior's period start: how many times less
    of a resource it takes at a given year to reach the prior's reference
    capability than it took at ``start``. At ``end`` it equals the sampled
    reduction.

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
    ) -> None:
        self.results = results
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
        years = results.years
        with np.errstate(divide="ignore", invalid="ignore"):
            self._log_h = np.log10(results.hardware)
            self._log_c = np.log10(results.compute)
        if not (np.all(np.isfinite(self._log_h)) and np.all(np.isfinite(self._log_c))):
            raise EffcastError(
                "some sampled reductions are zero, so their growth rate is "
                "undefined; give the prior's factors a positive lower bound or floor"
            )
        self._hist = {"hardware": self._log_h / years, "compute": self._log_c / years}
        n = results.n
        if rate is None:
            rho_c = self._hist["compute"]
            self.rate_spec: Any = None
            self.seed = None
        else:
            if isinstance(rate, Mapping):
                marginal = rate_marginal(rate)
                root, entropy = resolve_seed(seed)
                ss = np.random.SeedSequence(
                    entropy=root.entropy, spawn_key=_RATE_STREAM
                )
                u = np.random.Generator(np.random.PCG64(ss)).random(n)
                rho_c = np.asarray(marginal.ppf(u), dtype=float)
                self.seed = entropy
                self.rate_spec = dict(rate)
            else:
                rho_c = np.full(n, nonnegative(rate, "rate"))
                self.seed = None
                self.rate_spec = float(rate)
        extra = self._hist["hardware"] - self._hist["compute"]
        self._rho = {"compute": rho_c, "hardware": rho_c + extra}
        self.years = forecast_years(self.end, self.to, self.step)

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
        }

    def _check(self, which: str) -> str:
        if which not in TOTALS:
            raise EffcastError(f"expected 'hardware' or 'compute', got {which!r}")
        return which

    def _forward(self, rho: np.ndarray, tau: float) -> np.ndarray:
        a = self.acceleration
        if tau <= 0:
            return np.zeros_like(rho)
        growth = tau if a == 1.0 else math.expm1(tau * math.log(a)) / math.log(a)
        v = rho * growth
        if self.cap is not None:
            v = self.cap * -np.expm1(-v / self.cap)
        return v

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
        return total + self._forward(self._rho[which], year - self.end)

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
        return 10.0 ** self.log10_reduction(which, year)

    def quantiles(
        self, which: str, year: float, q: float | Sequence[float] = QUANTILES
    ) -> np.ndarray:
        """Quantiles of the reduction at ``year`` (numpy's linear method)."""
        return np.quantile(self.reduction(which, year), q)

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
        oom = float(oom)
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

    # -- reporting ------------------------------------------------------
    def summary(self, years: Sequence[float] | None = None) -> dict:
        """Quantiles of both reductions at each year, as a plain dictionary.

        This is the document ``effcast forecast --json`` prints.
        """
        grid = self.years if years is None else np.asarray(years, dtype=float)
        doc: dict[str, Any] = {
            "prior": self.results.source,
            "title": self.results.title,
            "samples": self.n,
            "seed": self.results.seed,
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
                    "quantiles": quantile_dict(data),
                    "oom_quantiles": quantile_dict(np.log10(data)),
                }
            doc[which] = rows
        return doc

    def __repr__(self) -> str:
        return (
            f"<Forecast of {self.results.source!r}: {self.n:,} samples, "
            f"{self.end:g} -> {self.to:g}>"
        )


def forecast(
    model: Model,
    to: float | None = None,
    *,
    n: int = 1_000_000,
    seed: SeedLike = None,
    step: float | None = None,
    rate: float | str | Mapping[str, Any] | None = None,
    acceleration: float | None = None,
    cap: float | None = None,
    threads: int | None = None,
    results: Results | None = None,
) -> Forecast:
    """Project a prior's efficiency gains forward, sample by sample.

    Parameters
    ----------
    model : Model
        The prior to sample.
    to : float, optional
        The last year (decimal, as in ``[period]``) of the default table; must
        come after the prior's period end. Default: ``[forecast] to``, else
        ten years after the period end, rounded up.
    n : int
        Samples to draw.
    seed : int, numpy.random.Generator or None
        Seed for the samples and for the forward rate prior.
    step : float, optional
        Years between rows of the default table (default: ``[forecast]``'s,
        else 1).
    rate : float, mapping or "historical", optional
        The forward rate of the compute reduction, in OOM per year: a number
        (the same for every sample) or a distribution written like a factor
        (``{"median": 0.45, "ci": [0.2, 0.8], "level": 0.8}``, lognormal by
        default). ``"historical"``: each sample keeps its own historical
        rate. Default: the prior's ``[forecast]`` rate, else historical.
    acceleration : float, optional
        The forward rate is multiplied by this every year (1: constant, 1.2:
        20% faster each year, 0.8: slowing down). Default: ``[forecast]``'s,
        else 1.
    cap : float, optional
        A soft cap on the further gain after the period end, in OOM: the gain
        ``v`` becomes ``cap * (1 - exp(-v / cap))``. Default: ``[forecast]``'s,
        else none.
    threads : int, optional
        Threads for sampling.
    results : Results, optional
        Samples already drawn from ``model``, to extend instead of drawing
        ``n`` new ones (``n`` is then ignored; ``seed`` still seeds a forward
        rate prior).

    Returns
    -------
    Forecast

    Raises
    ------
    EffcastError
        If ``to`` is not after the period end, ``acceleration``, ``cap`` or
        ``step`` is not positive, or the rate prior is invalid. These checks
        come before any sampling.

    Examples
    --------
    >>> import effcast
    >>> model = effcast.load("gpt3_today")
    >>> fc = effcast.forecast(model, to=2030, n=100_000, seed=1)
    >>> fc.years.tolist()[:3]
    [2024.1, 2025.0, 2026.0]
    >>> bool(fc.quantiles("compute", 2030, 0.5) > fc.quantiles("compute", 2026, 0.5))
    True
    """
    settings = resolve_settings(
        model, to=to, step=step, rate=rate, acceleration=acceleration, cap=cap
    )
    if results is None:
        results = model.sample(n, seed=seed, factors=False, threads=threads)
        seed = results.seed
    elif results.years != model.years or results.source != model.source:
        raise EffcastError("these results were not drawn from this model")
    return Forecast(results, period_start(model), seed=seed, **settings)
