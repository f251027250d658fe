"""Accepted means finite: the range a belief's draws must stay in.

A prior the validator accepts must give finite numbers. A belief wide enough
to draw ``1e400`` (``sigma = 400``, ``level = 1e-9``, ``ci = [1e-300,
1e300]``, ``mu = 1e308``) would overflow, and a product holding ``inf`` and
``0`` is NaN. So every factor is checked when a model is built:

- its draws between the :data:`TAIL` and ``1 - TAIL`` quantiles (``1e-12``:
  more than a trillion draws pass before one lies beyond) must lie within
  ``[LOWEST, HIGHEST] = [1e-100, 1e100]`` (values at or below zero, which a
  truncated normal may reach, are left to its own bounds);
- the product of every factor's extreme quantiles must stay within
  ``1e-200 .. 1e200`` (:data:`PRODUCT_DECADES`), leaving a hundred decades of
  headroom in the double range for the rare draw beyond those quantiles.

A scaling-law factor is checked at its fits' exponents and eight standard
deviations either side; its exponent noise must leave a reasonable chance of
an exponent above the least one the sampler accepts (the sampler redraws
below it, and would otherwise never return).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from effcast._errors import EffcastError
from effcast.families._layout import MIN_EXPONENT

__all__ = [
    "HIGHEST",
    "LOWEST",
    "PRODUCT_DECADES",
    "TAIL",
    "check_factor",
    "check_product",
]

TAIL = 1e-12
"""The quantiles whose values are checked: ``TAIL`` and ``1 - TAIL``."""

LOWEST, HIGHEST = 1e-100, 1e100
"""The range a factor's :data:`TAIL` quantiles must lie in."""

PRODUCT_DECADES = 200
"""The product of the factors' extreme quantiles stays within 10**±this."""

# An exponent's noise must leave at least this chance of a draw the sampler
# keeps (three and a bit standard deviations below the mean).
_MIN_ACCEPT = 1e-3


def _spread_field(spec: Any, centre_ok: bool) -> str:
    """The key of ``spec`` most likely to blame for a belief out of range."""
    get = lambda k: getattr(spec, k, None)  # noqa: E731
    if get("dist") == "mixture":
        return "components"
    if get("dist") == "chinchilla":
        return "fits"
    for centre, spread in (("mu", "sigma"), ("mean", "sd")):
        if get(centre) is not None or get(spread) is not None:
            return spread if centre_ok and get(spread) is not None else centre
    if not centre_ok and get("median") is not None:
        return "median"
    level = get("level")
    if level is not None and level < 0.5 and centre_ok:
        return "level"
    return "ci"


def _chinchilla_range(marginal: Any) -> tuple[float, float]:
    from effcast.families._chinchilla import compute_ratio

    lo, hi = math.inf, -math.inf
    for _, fit in marginal.fits:
        for name, mean, sd in (
            ("alpha", fit.alpha, marginal.alpha_sd),
            ("beta", fit.beta, marginal.beta_sd),
        ):
            if sd > 0 and (mean - MIN_EXPONENT) / sd < -3.09:
                raise EffcastError(
                    f"factor {marginal.name!r}, field '{name}_sd': the exponent "
                    f"{name} = {mean:g} with noise {name}_sd = {sd:g} "
                    f"almost never reaches {MIN_EXPONENT:g}, the least exponent "
                    "the sampler accepts (it would redraw for ever); widen the "
                    "noise or raise the exponent",
                    factor=marginal.name,
                    field=f"{name}_sd",
                )
        a_set = {fit.alpha}
        b_set = {fit.beta}
        if marginal.alpha_sd > 0:
            a_set |= {
                max(fit.alpha + k * marginal.alpha_sd, MIN_EXPONENT) for k in (-8, 8)
            }
        if marginal.beta_sd > 0:
            b_set |= {
                max(fit.beta + k * marginal.beta_sd, MIN_EXPONENT) for k in (-8, 8)
            }
        for a in a_set:
            for b in b_set:
                try:
                    r = compute_ratio(marginal.n_params, marginal.tokens, fit, a, b)
                except (OverflowError, ZeroDivisionError, ValueError):
                    r = math.inf
                lo, hi = min(lo, r), max(hi, r)
    return lo, hi


def factor_range(marginal: Any) -> tuple[float, float]:
    """The values of a factor at its :data:`TAIL` and ``1 - TAIL`` quantiles."""
    if getattr(marginal, "family", "") == "chinchilla":
        lo, hi = _chinchilla_range(marginal)
    else:
        try:
            with np.errstate(all="ignore"):
                q = marginal.ppf(np.array([TAIL, 1 - TAIL]))
            lo, hi = float(q[0]), float(q[1])
        except (ArithmeticError, ValueError, RuntimeError):
            # Its quantiles cannot even be found (a root-finder that does not
            # converge on a CDF flat to rounding): refused below.
            lo, hi = math.nan, math.nan
    floor = getattr(marginal, "floor", -math.inf)
    return max(lo, floor), max(hi, floor)


def check_factor(marginal: Any, spec: Any) -> tuple[float, float]:
    """Refuse a factor whose draws can leave :data:`LOWEST` .. :data:`HIGHEST`.

    Returns the factor's range, for :func:`check_product`.

    Raises
    ------
    EffcastError
        Naming the factor and the key to change.
    """
    lo, hi = factor_range(marginal)
    bad_hi = not hi <= HIGHEST  # also NaN
    bad_lo = not (lo <= 0 or lo >= LOWEST)
    if bad_hi or bad_lo or math.isnan(lo):
        try:
            with np.errstate(all="ignore"):
                centre = float(marginal.median)
        except Exception:  # noqa: BLE001 - only to pick the key to blame
            centre = math.nan
        centre_ok = LOWEST <= abs(centre) <= HIGHEST
        floor = getattr(marginal, "floor", -math.inf)
        if math.isfinite(floor) and floor > HIGHEST:
            field = "floor"
        else:
            field = _spread_field(spec, centre_ok)
        raise EffcastError(
            f"factor {marginal.name!r}, field {field!r}: its draws would reach "
            f"{lo:.3g} .. {hi:.3g} (its 1e-12 and 1 - 1e-12 quantiles); effcast "
            f"accepts beliefs within {LOWEST:g} .. {HIGHEST:g}, so that every "
            f"product stays a finite number: change {field!r}",
            factor=marginal.name,
            field=field,
        )
    return lo, hi


def check_product(ranges: dict[str, tuple[float, float]]) -> None:
    """Refuse factors whose extremes multiply beyond 10**±:data:`PRODUCT_DECADES`."""
    up = sum(math.log10(hi) for lo, hi in ranges.values() if hi > 1)
    down = sum(-math.log10(lo) for lo, hi in ranges.values() if 0 < lo < 1)
    if up > PRODUCT_DECADES or down > PRODUCT_DECADES:
        side, worst = (
            ("upper", max(ranges, key=lambda k: ranges[k][1]))
            if up > PRODUCT_DECADES
            else ("lower", min(ranges, key=lambda k: max(ranges[k][0], 1e-300)))
        )
        raise EffcastError(
            f"factor {worst!r}: the factors' {side} extremes multiply to "
            f"1e{up if side == 'upper' else -down:.0f}, beyond the "
            f"1e±{PRODUCT_DECADES} effcast accepts so that products stay "
            f"finite; the widest is {worst!r}",
            factor=worst,
            field="ci",
        )
