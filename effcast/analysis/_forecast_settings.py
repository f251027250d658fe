"""Forecast settings: how gains continue after a prior's period, validated.

The forward settings (target year, step, forward rate, acceleration, soft
cap) come from :func:`effcast.forecast`'s arguments, else the prior's
``[forecast]`` table, else defaults. They are resolved and checked here
without sampling, so a sweep can validate every scenario before any runs.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np

from effcast._errors import EffcastError
from effcast.prior._rates import (
    RATE_FORMS,
    RateError,
    parse_rate,
    parse_rate_interval,
)
from effcast.results._model import Model

MAX_HORIZON = 200
"""The furthest a forecast may reach past the period end, in years."""

MAX_ROWS = 1000
"""The most rows (years) a forecast table may have."""

__all__ = [
    "MAX_HORIZON",
    "MAX_ROWS",
    "finite",
    "forecast_years",
    "nonnegative",
    "period_start",
    "positive",
    "prior_rate",
    "rate_argument",
    "rate_marginal",
    "resolve_settings",
]


def finite(value: Any, name: str) -> float:
    """``value`` as a finite float, or an error naming ``name``."""
    if isinstance(value, bool) or not isinstance(value, int | float | np.number):
        raise EffcastError(f"{name} must be a number, got {value!r}", field=name)
    value = float(value)
    if not math.isfinite(value):
        raise EffcastError(f"{name} must be a finite number, got {value}", field=name)
    return value


def nonnegative(value: Any, name: str) -> float:
    """A finite rate of at least zero (OOM per year)."""
    value = finite(value, name)
    if value < 0:
        raise EffcastError(
            f"{name} must be zero or more (orders of magnitude gained per year), "
            f"got {value:g}",
            field=name,
        )
    return value


def positive(value: Any, name: str) -> float:
    """A finite value above zero."""
    value = finite(value, name)
    if value <= 0:
        raise EffcastError(f"{name} must be positive, got {value:g}", field=name)
    return value


def rate_marginal(rate: Mapping[str, Any]):
    """The distribution of a forward prior on the compute rate (OOM per year).

    ``rate`` is written like a ``[[factor]]`` entry without ``name`` and
    ``reduces``: ``{"median": 0.45, "ci": [0.2, 0.8], "level": 0.8}`` gives
    the (split) lognormal of the prior format; ``dist = "truncnormal"`` and
    the explicit parameters work too. It is validated by the same rules.

    Examples
    --------
    >>> m = rate_marginal({"median": 0.45, "ci": [0.2, 0.8], "level": 0.8})
    >>> round(float(m.ppf(0.5)), 3)
    0.45
    """
    from effcast.prior._loading import parse_prior

    if not isinstance(rate, Mapping):
        raise EffcastError(
            f"the forward rate must be a number or a table such as "
            f'{{"median": 0.45, "ci": [0.2, 0.8], "level": 0.8}}, got {rate!r}',
            field="rate",
        )
    for key in ("name", "reduces", "group"):
        if key in rate:
            raise EffcastError(
                f"forward rate: '{key}' does not apply to a rate", field=key
            )
    spec = {"name": "rate", "reduces": "compute", "dist": "lognormal", **rate}
    data = {"period": {"start": 0.0, "end": 1.0}, "factor": [spec]}
    try:
        model = Model(parse_prior(data, source="forward rate"), source="forward rate")
    except EffcastError as exc:
        message = str(exc).replace("factor 'rate' (#1), ", "")
        raise EffcastError(message, field=exc.field) from None
    return model.marginals[0]


def forecast_years(start: float, to: float, step: float = 1.0) -> np.ndarray:
    """``start``, each whole multiple of ``step`` after it up to ``to``, then ``to``.

    Examples
    --------
    >>> forecast_years(2024.1, 2027).tolist()
    [2024.1, 2025.0, 2026.0, 2027.0]
    >>> forecast_years(2024.1, 2026.5).tolist()
    [2024.1, 2025.0, 2026.0, 2026.5]
    """
    step = positive(step, "step")
    first = math.floor(start / step + 1e-9) * step + step
    count = max(0, math.floor((to - first) / step + 1e-9) + 1)
    grid = first + step * np.arange(count)
    years = np.round(np.concatenate([[start], grid]), 9)
    if years[-1] < to - 1e-9:
        years = np.append(years, round(float(to), 9))  # --to is always the last row
    return years


def prior_rate(settings) -> float | dict[str, Any] | None:
    """The forward rate a prior's ``[forecast]`` table states, in OOM per year."""
    rate = settings.rate_oom
    if rate is None:
        return None
    ci = settings.rate_ci_oom
    if ci is None:
        return rate
    level = 0.8 if settings.rate_level is None else settings.rate_level
    return {"median": rate, "ci": list(ci), "level": level}


def rate_argument(rate: Any) -> float | dict[str, Any] | None:
    """A ``rate=`` argument with units, in OOM per year (``None``: historical).

    ``rate`` is text with units (``"2.3x"``, ``"0.36oom"``, ``"8mo"``),
    ``"historical"``, or a distribution written like a factor whose
    ``median`` and ``ci`` carry units
    (``{"median": "2.3x", "ci": ["1.6x", "3.3x"], "level": 0.8}``).

    Raises
    ------
    EffcastError
        For a bare number, or text that is not a rate.

    Examples
    --------
    >>> round(rate_argument("2.3x"), 4)
    0.3617
    >>> rate_argument("historical") is None
    True
    """
    if isinstance(rate, str) and rate.strip() == "historical":
        return None
    try:
        if isinstance(rate, Mapping):
            out = dict(rate)
            if "median" in out:
                out["median"] = parse_rate(out["median"])
            if "ci" in out:
                out["ci"] = list(parse_rate_interval(out["ci"]))
            return out
        if isinstance(rate, str) or isinstance(rate, int | float | np.number):
            return parse_rate(rate)
    except RateError as exc:
        raise EffcastError(f"rate: {exc}, or 'historical'", field="rate") from None
    raise EffcastError(
        f"rate must be a rate with units ({RATE_FORMS}), a distribution or "
        f"'historical', got {rate!r}",
        field="rate",
    )


def period_start(model: Model) -> float:
    """The model's period start as a decimal year."""
    from effcast.prior._schema import _decimal_year

    return float(_decimal_year(model.prior.period.start))


def resolve_settings(
    model: Model,
    *,
    to: float | None = None,
    step: float | None = None,
    rate: float | str | Mapping[str, Any] | None = None,
    acceleration: float | None = None,
    cap: float | None = None,
    views: bool = True,
) -> dict[str, Any]:
    """The forward settings in force: arguments, else ``[forecast]``, else defaults.

    With ``views`` (the default) the factors' own ``[factor.forward]`` views
    are in force, and a forward rate applies to the compute factors without
    one; ``views=False`` ignores them (every factor follows the prior-wide
    settings, as before forward views existed).

    Validates them without sampling (so a sweep can check every scenario
    first); :func:`forecast` calls it.

    Raises
    ------
    EffcastError
        As :func:`forecast`.
    """
    if not isinstance(model, Model):
        raise EffcastError(
            f"forecast needs an effcast Model, got {type(model).__name__}"
        )
    start = period_start(model)
    end = round(start + model.years, 9)
    settings = model.prior.forecast
    origin = ""
    if to is None and settings.to is not None:
        to, origin = settings.to, " (from the prior's [forecast] to)"
    elif to is None:
        to = math.ceil(end) + 10
    if finite(to, "to") <= end:
        raise EffcastError(
            f"the target year must come after the prior's period end "
            f"({end:g}), got {float(to):g}{origin}",
            field="to",
        )
    if step is None:
        step = 1.0 if settings.step is None else settings.step
    step = positive(step, "step")
    if float(to) - end > MAX_HORIZON:
        raise EffcastError(
            f"the target year {float(to):g} lies more than {MAX_HORIZON} years "
            f"after the period end ({end:g}); effcast projects at most that far",
            field="to",
        )
    if (float(to) - end) / step > MAX_ROWS:
        raise EffcastError(
            f"--step {step:g} would give more than {MAX_ROWS:,} rows up to "
            f"{float(to):g}; use a larger step",
            field="step",
        )
    if acceleration is None:
        acceleration = settings.acceleration or 1.0
    positive(acceleration, "acceleration")
    cap = settings.cap if cap is None else positive(cap, "cap")
    origin = ""
    explicit = rate is not None
    if rate is None:
        rate = prior_rate(settings)
        origin = " ([forecast] rate)" if rate is not None else ""
    else:
        rate = rate_argument(rate)
    if isinstance(rate, Mapping):
        rate_marginal(rate)
    elif rate is not None:
        nonnegative(rate, "rate")
    forward = {
        f.name: f.forward
        for f in model.prior.factor
        if views and getattr(f, "forward", None) is not None
    }
    set_aside: list[str] = []
    if explicit and rate is not None:
        # A rate given as an argument is a scenario for the whole compute
        # reduction: it sets aside the compute factors' own views (the
        # hardware-only factors keep theirs, and so their ceilings).
        set_aside = [
            f.name
            for f in model.prior.factor
            if f.reduces == "compute" and f.name in forward
        ]
        for name in set_aside:
            del forward[name]
    elif rate is not None and all(
        f.name in forward for f in model.prior.factor if f.reduces == "compute"
    ):
        raise EffcastError(
            f"the forward rate{origin} applies to the compute factors without a "
            "forward view of their own, and every compute factor has one; drop "
            "the rate or ignore the views (--no-views)",
            field="rate",
        )
    level = model.prior.defaults.level
    return {
        "to": float(to),
        "step": step,
        "rate": rate,
        "acceleration": float(acceleration),
        "cap": cap,
        "rate_origin": origin,
        "views": forward,
        "set_aside": set_aside,
        "level": 0.8 if level is None else level,
    }
