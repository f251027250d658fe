"""A factor's forward view: how its gain continues after the prior's period.

Written as a sub-table of the factor (``[factor.forward]`` right after its
``[[factor]]``). The kinds:

* ``kind = "one-off"``: the factor stays at its end-of-period value (the
  Chinchilla re-allocation: "you can only optimize the token-to-parameter
  ratio once");
* ``kind = "recurring"``: it keeps growing at ``rate`` (with units:
  ``"1.5x"``, ``"0.18oom"``, ``"20mo"``), optionally uncertain
  (``rate_ci`` and ``rate_level``: a lognormal in OOM per year);
* ``kind = "historical"``: it keeps each sample's own historical rate.

Recurring and historical views may also state ``acceleration`` (the rate is
multiplied by this every year; below 1 is slowing) and ``ceiling`` (a hard
limit on the factor's cumulative value since the period start, respected
sample by sample: the MFU roof), with ``approach = "saturating"`` to close
in on the ceiling exponentially instead of running into it.

The forecast (:mod:`effcast.analysis._dynamics`) reads these; sampling
ignores them.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any, Literal

from pydantic import (
    StrictFloat,
    StrictStr,
    ValidationInfo,
    field_validator,
    model_validator,
)

from effcast.prior._beliefs import FieldError, StrictModel, check_level
from effcast.prior._rates import RateError, parse_rate, parse_rate_interval

__all__ = [
    "ForwardView",
    "RateChecks",
    "check_forward",
    "check_rate_ci",
    "end_value_bound",
]


class RateChecks(StrictModel):
    """The checks of ``rate``, ``rate_ci`` and ``rate_level``, shared by a
    factor's forward view and the prior-wide ``[forecast]`` table."""

    @field_validator("rate", "rate_ci", mode="before", check_fields=False)
    @classmethod
    def _readable(cls, v: Any, info: ValidationInfo) -> Any:
        if v is not None:
            read = parse_rate if info.field_name == "rate" else parse_rate_interval
            try:
                read(v)
            except RateError as exc:
                raise ValueError(str(exc)) from None
        return v

    @field_validator("rate_level", check_fields=False)
    @classmethod
    def _level(cls, v: float | None) -> float | None:
        return check_level(v)


def check_rate_ci(
    rate: str | None, rate_ci: tuple[str, str] | None, rate_level: float | None
) -> None:
    """``rate_ci`` needs ``rate`` and holds it strictly inside, and
    ``rate_level`` goes with ``rate_ci``: the checks of :class:`RateChecks`
    that need all three keys (each table calls it where its order says)."""
    if rate_ci is not None:
        if rate is None:
            raise FieldError("rate", "missing: rate_ci needs rate (the median)")
        lo, hi = parse_rate_interval(list(rate_ci))
        if not 0 < lo < parse_rate(rate) < hi:
            raise FieldError(
                "rate_ci",
                f"must be positive and hold rate {rate} strictly inside it, "
                f"got {list(rate_ci)}",
            )
    elif rate_level is not None:
        raise FieldError("rate_level", "rate_level goes with rate_ci")


class ForwardView(RateChecks):
    """``[factor.forward]``: one factor's dynamics after the prior's period."""

    kind: Literal["one-off", "recurring", "historical"] = "recurring"
    rate: StrictStr | None = None
    rate_ci: tuple[StrictStr, StrictStr] | None = None
    rate_level: StrictFloat | None = None
    acceleration: StrictFloat | None = None
    ceiling: StrictFloat | None = None
    approach: Literal["hard", "saturating"] = "hard"
    source: StrictStr | None = None
    note: StrictStr | None = None

    @field_validator("acceleration", "ceiling")
    @classmethod
    def _positive(cls, v: float | None) -> float | None:
        if v is not None and v <= 0:
            raise ValueError(f"must be positive, got {v:g}")
        return v

    @model_validator(mode="after")
    def _check(self) -> ForwardView:
        if self.kind == "one-off":
            for key in self._given("rate", "rate_ci", "acceleration", "ceiling"):
                raise FieldError(
                    key,
                    "a one-off factor stays at its end-of-period value; "
                    f'drop {key} or use kind = "recurring"',
                )
        if self.kind == "recurring" and self.rate is None:
            raise FieldError(
                "rate",
                'missing: a recurring factor needs a rate such as "1.5x", '
                '"0.18oom" or "20mo" (or kind = "one-off" / "historical")',
            )
        if self.kind == "historical" and self.rate is not None:
            raise FieldError(
                "rate",
                'kind = "historical" keeps each sample\'s own rate; drop rate '
                'or use kind = "recurring"',
            )
        check_rate_ci(self.rate, self.rate_ci, self.rate_level)
        if self.approach == "saturating" and self.ceiling is None:
            raise FieldError(
                "approach",
                "a saturating approach needs a ceiling to approach",
            )
        return self

    @property
    def rate_oom(self) -> float | None:
        """The (median) rate in OOM per year; ``None`` unless recurring."""
        return None if self.rate is None else parse_rate(self.rate)

    def rate_spec(self, level: float | None = None) -> float | dict[str, Any] | None:
        """The rate as the forecast takes it: OOM/yr, or a lognormal's spec."""
        rate = self.rate_oom
        if rate is None or self.rate_ci is None:
            return rate
        lo, hi = parse_rate_interval(list(self.rate_ci))
        lev = self.rate_level if self.rate_level is not None else (level or 0.8)
        return {"median": rate, "ci": [lo, hi], "level": lev}


def end_value_bound(spec: Any) -> tuple[float, str] | None:
    """The largest end-of-period value a factor can take, or its median.

    Returns ``(value, what)``: the factor's ``upper`` bound when it has one
    (no sample exceeds it), else the median it states (or the centre of its
    interval), else ``None`` (a mixture or a scaling-law factor).
    """
    upper = getattr(spec, "upper", None)
    if upper is not None:
        return float(upper), "its upper bound"
    median = getattr(spec, "median", None)
    if median is not None:
        return float(median), "its median"
    ci = getattr(spec, "ci", None)
    if ci is not None and getattr(spec, "dist", "") == "lognormal":
        return math.sqrt(ci[0] * ci[1]), "the centre of its interval"
    if ci is not None and getattr(spec, "dist", "") == "truncnormal":
        return (ci[0] + ci[1]) / 2, "the centre of its interval"
    return None


def check_forward(factors: Sequence[Any]) -> None:
    """Every ceiling lies at or above the factor's end-of-period value."""
    for i, f in enumerate(factors):
        view = getattr(f, "forward", None)
        if view is None or view.ceiling is None:
            continue
        bound = end_value_bound(f)
        if bound is not None and view.ceiling < bound[0]:
            raise FieldError(
                "forward.ceiling",
                f"{view.ceiling:g} lies below the factor's end-of-period value "
                f"({bound[1]}, {bound[0]:g}); a ceiling bounds the cumulative "
                "multiplier since the period start",
                factor_index=i,
            )
