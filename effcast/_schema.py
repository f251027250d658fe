"""The prior file's shape: pydantic models and the rules that bind their keys.

This is the lowest layer of effcast. It knows the shape of a prior and which
combinations of keys make sense; it knows nothing about files or sampling.
Reading TOML and turning validation failures into one readable
:class:`~effcast.EffcastError` is the job of :mod:`effcast._loading`.
"""

from __future__ import annotations

import datetime as _dt
import math
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StrictFloat,
    StrictStr,
    field_validator,
    model_validator,
)

__all__ = [
    "FAMILY_NAMES",
    "Defaults",
    "FactorSpec",
    "ForecastSettings",
    "LognormalSpec",
    "Period",
    "Prior",
    "TruncnormalSpec",
    "floor_of",
    "level_of",
]

_NAME = r"^[A-Za-z_][A-Za-z0-9_\-]*$"


class _FieldError(ValueError):
    """A validation failure that knows which field it concerns."""

    def __init__(self, field: str, message: str, factor_index: int | None = None):
        super().__init__(message)
        self.field = field
        self.factor_index = factor_index


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False, frozen=True)


def _decimal_year(value: float | _dt.date) -> float:
    """A decimal year from a number or a TOML date (1 January = ``.0``)."""
    if isinstance(value, _dt.datetime):
        value = value.date()
    if isinstance(value, _dt.date):
        start = _dt.date(value.year, 1, 1)
        length = (_dt.date(value.year + 1, 1, 1) - start).days
        return value.year + (value - start).days / length
    return float(value)


class Period(_Model):
    """The span over which the gains accrued, used for annualised rates.

    ``start`` and ``end`` are decimal years (``2020.0``) or TOML dates
    (``2020-01-01``); dates are converted to decimal years.
    """

    start: StrictFloat | _dt.date
    end: StrictFloat | _dt.date

    @property
    def years(self) -> float:
        """The length of the period in years."""
        # Rounded so that 2024.1 - 2020.0 reads 4.1, not 4.0999999999999091.
        return round(_decimal_year(self.end) - _decimal_year(self.start), 9)

    @model_validator(mode="after")
    def _ordered(self) -> Period:
        if self.years <= 0:
            raise _FieldError(
                "end",
                f"must come after start (start {_decimal_year(self.start):g}, "
                f"end {_decimal_year(self.end):g})",
            )
        return self


class Defaults(_Model):
    """Values that apply to every factor that does not set its own."""

    floor: StrictFloat | bool | None = None
    level: StrictFloat | None = None

    @field_validator("floor")
    @classmethod
    def _floor(cls, v: Any) -> Any:
        return _check_floor(v)

    @field_validator("level")
    @classmethod
    def _level(cls, v: float | None) -> float | None:
        return _check_level(v)


def _check_floor(v: Any) -> Any:
    if v is True:
        raise ValueError("must be a number, or false to switch the default off")
    return v


def _check_level(v: float | None) -> float | None:
    if v is not None and not 0.0 < v < 1.0:
        raise ValueError(f"must lie strictly between 0 and 1, got {v:g}")
    return v


class _FactorBase(_Model):
    name: Annotated[StrictStr, Field(pattern=_NAME, max_length=64)]
    label: StrictStr | None = None
    group: Annotated[StrictStr, Field(min_length=1, max_length=64)] = "other"
    reduces: Literal["compute", "hardware"]
    floor: StrictFloat | bool | None = None
    source: StrictStr | None = None
    note: StrictStr | None = None

    ci: tuple[StrictFloat, StrictFloat] | None = None
    level: StrictFloat | None = None
    median: StrictFloat | None = None
    lower: StrictFloat | None = None
    upper: StrictFloat | None = None

    _explicit: tuple[str, str] = ("", "")

    @field_validator("floor")
    @classmethod
    def _floor(cls, v: Any) -> Any:
        return _check_floor(v)

    @field_validator("level")
    @classmethod
    def _level(cls, v: float | None) -> float | None:
        return _check_level(v)

    @field_validator("ci")
    @classmethod
    def _ci(cls, v: tuple[float, float] | None) -> tuple[float, float] | None:
        if v is not None and not v[0] < v[1]:
            raise ValueError(f"the interval must increase, got [{v[0]:g}, {v[1]:g}]")
        return v

    def _check_common(self) -> None:
        """Checks shared by the families: one way of stating the belief, bounds."""
        a, b = self._explicit
        given = {k for k in (a, b) if getattr(self, k) is not None}
        if self.ci is not None and given:
            raise _FieldError(
                sorted(given)[0], f"give either ci (with level) or {a}/{b}, not both"
            )
        if self.ci is None:
            if len(given) < 2:
                missing = a if a not in given else b
                hint = f"give ci and level, or both {a} and {b}"
                if self.median is not None or self.level is not None:
                    raise _FieldError("ci", f"missing: {hint}")
                raise _FieldError(missing, f"missing: {hint}")
            if getattr(self, b) <= 0:
                raise _FieldError(b, f"must be positive, got {getattr(self, b):g}")
            if self.median is not None:
                raise _FieldError(
                    "median",
                    f"median goes with ci; with {a}/{b} the median follows from {a}",
                )
            if self.level is not None:
                raise _FieldError("level", "level goes with ci; drop it or give ci")
        elif self.median is not None and not self.ci[0] < self.median < self.ci[1]:
            raise _FieldError(
                "median",
                f"{self.median:g} lies outside its interval "
                f"[{self.ci[0]:g}, {self.ci[1]:g}]",
            )
        if (
            self.lower is not None
            and self.upper is not None
            and not self.lower < self.upper
        ):
            raise _FieldError(
                "upper",
                f"lower ({self.lower:g}) must be smaller than upper ({self.upper:g})",
            )


class LognormalSpec(_FactorBase):
    """A factor whose logarithm is (split-)normal: ``dist = "lognormal"``.

    State it as ``ci`` + ``level`` (+ optional ``median``), or as ``mu`` and
    ``sigma`` of the natural logarithm. Optional ``lower``/``upper`` truncate
    it exactly and must be positive.
    """

    dist: Literal["lognormal"]
    mu: StrictFloat | None = None
    sigma: StrictFloat | None = None

    _explicit = ("mu", "sigma")

    @model_validator(mode="after")
    def _check(self) -> LognormalSpec:
        if self.ci is not None and self.ci[0] <= 0:
            raise _FieldError(
                "ci",
                f"a lognormal's interval must be positive, "
                f"got [{self.ci[0]:g}, {self.ci[1]:g}]",
            )
        for key in ("lower", "upper"):
            v = getattr(self, key)
            if v is not None and v <= 0:
                raise _FieldError(key, f"a lognormal bound must be positive, got {v:g}")
        self._check_common()
        return self


class TruncnormalSpec(_FactorBase):
    """A (truncated, possibly split) normal factor: ``dist = "truncnormal"``.

    State it as ``ci`` + ``level`` (+ optional ``median``), or as ``mean`` and
    ``sd``; these describe the normal *before* truncation to
    ``[lower, upper]`` (either bound may be omitted).
    """

    dist: Literal["truncnormal"]
    mean: StrictFloat | None = None
    sd: StrictFloat | None = None

    _explicit = ("mean", "sd")

    @model_validator(mode="after")
    def _check(self) -> TruncnormalSpec:
        self._check_common()
        return self


FactorSpec = Annotated[LognormalSpec | TruncnormalSpec, Field(discriminator="dist")]
"""One ``[[factor]]`` entry; ``dist`` selects the family."""

FAMILY_NAMES = ("lognormal", "truncnormal")


class ForecastSettings(_Model):
    """``[forecast]``: how gains continue after the period (all optional).

    The same settings as the options of ``effcast forecast`` (``--to``,
    ``--rate``, ...), which override them. Read by :func:`effcast.forecast`;
    sampling ignores them.
    """

    to: StrictFloat | None = None
    step: StrictFloat | None = None
    rate: StrictFloat | None = None
    rate_ci: tuple[StrictFloat, StrictFloat] | None = None
    rate_level: StrictFloat | None = None
    acceleration: StrictFloat | None = None
    cap: StrictFloat | None = None

    @field_validator("step", "acceleration", "cap")
    @classmethod
    def _positive(cls, v: float | None) -> float | None:
        if v is not None and v <= 0:
            raise ValueError(f"must be positive, got {v:g}")
        return v

    @field_validator("rate")
    @classmethod
    def _rate(cls, v: float | None) -> float | None:
        if v is not None and v < 0:
            raise ValueError(f"must be zero or more (OOM per year), got {v:g}")
        return v

    @field_validator("rate_level")
    @classmethod
    def _level(cls, v: float | None) -> float | None:
        return _check_level(v)

    @model_validator(mode="after")
    def _check(self) -> ForecastSettings:
        if self.rate_ci is not None:
            lo, hi = self.rate_ci
            if self.rate is None:
                raise _FieldError("rate", "missing: rate_ci needs rate (the median)")
            if not 0 < lo < self.rate < hi:
                raise _FieldError(
                    "rate_ci",
                    f"must be positive and hold rate {self.rate:g} strictly "
                    f"inside it, got [{lo:g}, {hi:g}]",
                )
        elif self.rate_level is not None:
            raise _FieldError("rate_level", "rate_level goes with rate_ci")
        return self


class Prior(_Model):
    """A whole prior file.

    Examples
    --------
    >>> from effcast._loading import parse_prior
    >>> prior = parse_prior({
    ...     "period": {"start": 2020.0, "end": 2024.0},
    ...     "factor": [{"name": "moe", "reduces": "compute", "dist": "lognormal",
    ...                 "ci": [1.25, 5.0], "level": 0.9}],
    ... })
    >>> prior.period.years
    4.0
    """

    title: StrictStr = ""
    description: StrictStr | None = None
    period: Period
    defaults: Defaults = Defaults()
    forecast: ForecastSettings = ForecastSettings()
    factor: Annotated[list[FactorSpec], Field(min_length=1)]

    @model_validator(mode="after")
    def _check(self) -> Prior:
        seen: dict[str, int] = {}
        for i, f in enumerate(self.factor):
            if f.name in seen:
                raise _FieldError(
                    "name",
                    f"duplicate factor name (first used by factor #{seen[f.name] + 1})",
                    factor_index=i,
                )
            seen[f.name] = i
            if f.ci is not None and f.level is None and self.defaults.level is None:
                raise _FieldError(
                    "level",
                    "missing: say what probability ci holds (e.g. level = 0.8), "
                    "here or in [defaults]",
                    factor_index=i,
                )
            lower = -math.inf if f.lower is None else f.lower
            if f.dist == "truncnormal" and max(lower, floor_of(f, self.defaults)) < 0:
                raise _FieldError(
                    "lower",
                    "a multiplier must be positive, but this one can fall below "
                    "zero; set lower = 0 (or a positive floor)",
                    factor_index=i,
                )
        return self


def level_of(spec: LognormalSpec | TruncnormalSpec, defaults: Defaults) -> float:
    """The credible level that applies to ``spec``'s interval."""
    level = spec.level if spec.level is not None else defaults.level
    assert level is not None  # guaranteed by Prior validation
    return level


def floor_of(spec: LognormalSpec | TruncnormalSpec, defaults: Defaults) -> float:
    """The floor that applies to ``spec`` (``-inf`` for none)."""
    floor = spec.floor if spec.floor is not None else defaults.floor
    if floor is None or floor is False:
        return -math.inf
    return float(floor)
