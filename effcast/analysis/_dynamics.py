"""Per-factor forward dynamics: how each factor's gain continues after the period.

Write ``l_i`` for a sample's ``log10`` of factor ``i`` at the period end and
``tau`` for the years since the end. A factor with a forward view
(``[factor.forward]``, :class:`effcast.prior._forward.ForwardView`) gains a
further ``v_i(tau)`` OOM:

* one-off: ``v_i = 0``;
* recurring or historical: ``u_i = rho_i * G(tau, a_i)`` with the factor's
  rate ``rho_i`` (OOM per year: stated, drawn from its interval, or the
  sample's own ``l_i / years``) and ``G(tau, a) = (a**tau - 1) / ln(a)``
  (``tau`` when the acceleration ``a`` is 1); then, with a ceiling ``C``
  and headroom ``h_i = max(0, log10(C) - l_i)``, ``v_i = min(u_i, h_i)``
  (hard) or ``v_i = h_i * (1 - exp(-u_i / h_i))`` (saturating: the same
  initial rate, closing in on the ceiling). The cumulative factor
  ``10 ** (l_i + v_i)`` thus never passes ``max(C, 10 ** l_i)``.

The factors without a view form the *default block*, which continues as
effcast always projected the totals: its compute part at the prior-wide
rate (``[forecast] rate`` or ``--rate``, else each sample's own historical
rate of those factors), its hardware-only part at its own historical rate,
with the prior-wide acceleration and soft cap. A prior with no views is
projected exactly as before. Within the block, a factor's share of the
block's gain is its share of the block's historical ``log10``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np

from effcast._errors import EffcastError
from effcast.analysis._forecast_settings import rate_marginal
from effcast.engine._blocks import resolve_seed
from effcast.engine._ppf import ppf_many
from effcast.prior._forward import ForwardView
from effcast.prior._rates import format_rate
from effcast.results._in_memory import Results

__all__ = ["FactorDynamics", "growth"]

# The random streams of forward rates: spawn keys no sampling block uses.
RATE_STREAM = (0x666F7265, 0x63617374)


def growth(tau: Any, a: float) -> Any:
    """``G(tau, a)``: years of progress at the initial rate after ``tau`` years.

    ``tau`` may be a number or an array (one per sample); zero before the
    period end.

    Examples
    --------
    >>> growth(2.0, 1.0), round(growth(2.0, 2.0), 3)
    (2.0, 4.328)
    """
    if np.ndim(tau) == 0:
        t = float(tau)
        if t <= 0:
            return 0.0
        if a == 1.0:
            return t
        x = t * math.log(a)
        # Beyond e**700 the growth is infinite (the reduction, 10**v, was
        # infinite long before): no OverflowError.
        return math.expm1(x) / math.log(a) if x < 700.0 else math.inf
    t = np.maximum(np.asarray(tau, dtype=float), 0.0)
    if a == 1.0:
        return t
    with np.errstate(over="ignore"):
        return np.expm1(t * math.log(a)) / math.log(a)


def _draw(spec: float | Mapping[str, Any], n: int, seed, key: tuple[int, ...]):
    """A stated rate (constant) or ``n`` draws from its distribution."""
    if not isinstance(spec, Mapping):
        return np.full(n, float(spec)), None
    marginal = rate_marginal(spec)
    root, entropy = resolve_seed(seed)
    ss = np.random.SeedSequence(entropy=root.entropy, spawn_key=key)
    u = np.random.Generator(np.random.PCG64(ss)).random(n)
    return np.asarray(ppf_many(marginal, u), dtype=float), entropy


class FactorDynamics:
    """The forward gain of every factor and of the default block, per sample.

    Parameters
    ----------
    results : Results
        The period's samples; each factor's samples are needed when any
        factor has a view.
    views : mapping of str to ForwardView
        The factors with their own forward view.
    rate : float, mapping or None
        The default block's compute rate (OOM/yr or a distribution); ``None``
        for each sample's historical rate.
    acceleration, cap : float
        The prior-wide acceleration (also the default of the views) and soft
        cap (default block only).
    level : float
        The credible level of a view's ``rate_ci`` that gives none.
    seed : seed-like
        Seeds the rate draws.
    rate_origin : str
        Where the rate came from, for messages.
    set_aside : sequence of str
        Factors whose own views a rate given as an argument set aside.
    """

    def __init__(
        self,
        results: Results,
        views: Mapping[str, ForwardView],
        *,
        rate: float | Mapping[str, Any] | None,
        acceleration: float,
        cap: float | None,
        level: float,
        seed: Any,
        rate_origin: str = "",
        set_aside: Any = (),
    ) -> None:
        self.results = results
        self.set_aside = tuple(set_aside)
        self.views = dict(views)
        self.acceleration = acceleration
        self.cap = cap
        self.level = level
        years = results.years
        n = results.n
        names = results.names
        if self.views and not results.has_factors:
            raise EffcastError(
                "forward views need each factor's samples; sample with factors=True"
            )
        with np.errstate(divide="ignore"):
            log_h = np.log10(results.hardware)
            log_c = np.log10(results.compute)
        self.log_end = {"hardware": log_h, "compute": log_c}
        self.default = [f for f in names if f not in self.views]
        dc = [f for f in self.default if results.reduces[f] == "compute"]
        dh = [f for f in self.default if results.reduces[f] == "hardware"]
        self._dc, self._dh = dc, dh
        self._flog: dict[str, np.ndarray] = {}
        if results.has_factors:
            for f in names:
                with np.errstate(divide="ignore"):
                    self._flog[f] = np.log10(results.factor(f))
        # The default block's historical log10 of compute and hardware-only.
        view_c = sum(
            (self._flog[f] for f in self.views if results.reduces[f] == "compute"),
            np.zeros(n),
        )
        view_h = sum(
            (self._flog[f] for f in self.views if results.reduces[f] == "hardware"),
            np.zeros(n),
        )
        block_c = log_c - view_c
        block_h_only = log_h - log_c - view_h
        self.seeds: dict[str, int | None] = {}
        if rate is None:
            rho_c = block_c / years
            self.rate_spec: Any = None
        else:
            if not dc:
                raise EffcastError(
                    f"the forward rate{rate_origin} applies to the compute factors "
                    "without a forward view of their own, and every compute factor "
                    "has one; drop the rate, change a factor's [factor.forward], "
                    "or ignore the views (--no-views)",
                    field="rate",
                )
            rho_c, entropy = _draw(rate, n, seed, RATE_STREAM)
            self.seeds["default"] = entropy
            self.rate_spec = dict(rate) if isinstance(rate, Mapping) else float(rate)
        self.rho_default = {"compute": rho_c, "hardware": rho_c + block_h_only / years}
        self._block_log = {"compute": block_c, "hardware_only": block_h_only}
        # The views' rates, accelerations and headroom under their ceilings.
        self.rho: dict[str, np.ndarray] = {}
        self.accel: dict[str, float] = {}
        self.headroom: dict[str, np.ndarray | None] = {}
        for f, view in self.views.items():
            index = names.index(f)
            if view.kind == "one-off":
                self.rho[f] = np.zeros(n)
            elif view.kind == "historical":
                self.rho[f] = self._flog[f] / years
            else:
                spec = view.rate_spec(level)
                assert spec is not None
                key = (*RATE_STREAM, 1 + index)
                self.rho[f], self.seeds[f] = _draw(spec, n, seed, key)
            self.accel[f] = (
                view.acceleration if view.acceleration is not None else acceleration
            )
            if view.ceiling is None:
                self.headroom[f] = None
            else:
                self.headroom[f] = np.maximum(
                    0.0, math.log10(view.ceiling) - self._flog[f]
                )

    # -- gains after the period ------------------------------------------
    def _default_gain(self, which: str, tau: Any) -> np.ndarray:
        v = self.rho_default[which] * growth(tau, self.acceleration)
        if self.cap is not None:
            v = self.cap * -np.expm1(-v / self.cap)
        return v

    def view_gain(self, name: str, tau: Any) -> np.ndarray:
        """The further ``log10`` gain of a factor with a view, ``tau`` years on."""
        u = self.rho[name] * growth(tau, self.accel[name])
        h = self.headroom[name]
        if h is None:
            return u
        if self.views[name].approach == "hard":
            return np.minimum(u, h)
        with np.errstate(divide="ignore", invalid="ignore"):
            sat = h * -np.expm1(-u / h)
        return np.where(h > 0, sat, 0.0)

    def total_gain(self, which: str, tau: Any) -> np.ndarray:
        """The further ``log10`` gain of a total (``hardware`` or ``compute``)."""
        v = self._default_gain(which, tau)
        for f in self.views:
            if which == "hardware" or self.results.reduces[f] == "compute":
                v = v + self.view_gain(f, tau)
        return v

    def factor_gain(self, name: str, tau: Any) -> np.ndarray:
        """The further ``log10`` gain of any factor, ``tau`` years on."""
        if name in self.views:
            return self.view_gain(name, tau)
        members = self._dc if name in self._dc else self._dh
        if name in self._dc:
            block = self._default_gain("compute", tau)
        else:
            block = self._default_gain("hardware", tau) - self._default_gain(
                "compute", tau
            )
        total = sum((self._flog[f] for f in members), np.zeros(self.results.n))
        with np.errstate(divide="ignore", invalid="ignore"):
            share = np.where(total != 0, self._flog[name] / total, 1.0 / len(members))
        return block * share

    def factor_log_end(self, name: str) -> np.ndarray:
        """A factor's ``log10`` at the period end, per sample."""
        if name not in self._flog:
            raise EffcastError(
                "these results keep only the totals; per-factor projections "
                "need factors=True"
            )
        return self._flog[name]

    # -- description ------------------------------------------------------
    def describe(self) -> dict[str, str]:
        """Per factor, the forward assumption in force, in words."""
        out: dict[str, str] = {}
        for f in self.results.names:
            view = self.views.get(f)
            if f in self.set_aside:
                out[f] = (
                    "its own forward view set aside: shares the forward rate "
                    "given for the compute reduction"
                )
                continue
            if view is None:
                if self.rate_spec is None:
                    out[f] = (
                        "no forward view: continues at each sample's own "
                        "historical rate"
                    )
                else:
                    out[f] = (
                        "no forward view: shares the prior-wide forward rate"
                        if f in self._dc
                        else "no forward view: continues at each sample's own "
                        "historical rate"
                    )
                continue
            if view.kind == "one-off":
                out[f] = "one-off: stays at its end-of-period value"
                continue
            if view.kind == "historical":
                text = "recurring at each sample's own historical rate"
            else:
                rate = view.rate_oom
                assert rate is not None
                text = f"recurring at {format_rate(rate)}"
                if view.rate_ci is not None:
                    lo, hi = view.rate_ci
                    level = view.rate_level or self.level
                    text += f", {level:.0%} interval {lo} to {hi}"
            a = self.accel[f]
            if a != 1.0:
                text += f", rate x{a:g} per year"
            if view.ceiling is not None:
                text += f", {view.approach} ceiling {view.ceiling:g}"
            out[f] = text
        return out
