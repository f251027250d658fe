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

from ._errors import EffcastError
from ._hardware import lookup

__all__ = [
    "FAMILY_NAMES",
    "Baseline",
    "Defaults",
    "GpuPeaks",
    "Reference",
    "Target",
    "FactorSpec",
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

    def __init__(
        self,
        field: str,
        message: str,
        factor_index: int | None = None,
        at: tuple[str | int, ...] = (),
    ):
        super().__init__(message)
        self.field = field
        self.factor_index = factor_index
        self.at = at  # the table the field lies in, e.g. ("target",)


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


_Positive = Annotated[StrictFloat, Field(gt=0)]


class GpuPeaks(_Model):
    """One accelerator's dense peak TFLOP/s: an entry of ``[gpus]``."""

    bf16: _Positive | None = None
    fp8: _Positive | None = None


class Baseline(_Model):
    """The reference training run the reductions apply to: ``[baseline]``.

    ``flop`` alone gives the FLOP needed today; ``gpu``, ``gpus`` and
    ``days`` (all three, or none) add GPU-hours and wall-clock time.
    """

    name: StrictStr = "baseline"
    flop: _Positive
    gpu: StrictStr | None = None
    gpus: _Positive | None = None
    days: _Positive | None = None
    source: StrictStr | None = None

    @model_validator(mode="after")
    def _all_or_none(self) -> Baseline:
        given = [k for k in ("gpu", "gpus", "days") if getattr(self, k) is not None]
        if given and len(given) < 3:
            missing = next(k for k in ("gpu", "gpus", "days") if k not in given)
            raise _FieldError(
                missing,
                "missing: gpu, gpus and days go together (the hardware of the "
                "baseline run); give all three or none",
            )
        return self


class Target(_Model):
    """The hardware the reductions are expressed on today: ``[target]``.

    ``gpus`` is the size of the cluster for wall-clock time; by default the
    cluster whose total peak equals the baseline cluster's.
    """

    gpu: StrictStr
    precision: Literal["bf16", "fp8"] = "bf16"
    gpus: _Positive | None = None


class Reference(_Model):
    """A published rate to set beside effcast's: one ``[[reference]]``.

    Give the rate in exactly one way: ``per_year`` (a multiplier per year),
    ``oom_per_year``, ``halving_months`` (the requirement halves every so
    many months), or ``multiplier`` over ``years``.
    """

    name: Annotated[StrictStr, Field(pattern=_NAME, max_length=64)]
    label: StrictStr | None = None
    applies_to: StrictStr
    per_year: _Positive | None = None
    oom_per_year: StrictFloat | None = None
    halving_months: _Positive | None = None
    multiplier: _Positive | None = None
    years: _Positive | None = None
    source: StrictStr | None = None
    note: StrictStr | None = None

    @field_validator("applies_to")
    @classmethod
    def _target(cls, v: str) -> str:
        kind, sep, name = v.partition(":")
        if v in ("hardware", "compute") or (
            sep and kind in ("factor", "group") and name
        ):
            return v
        raise ValueError(
            f"must be 'hardware', 'compute', 'factor:NAME' or 'group:NAME', got {v!r}"
        )

    @model_validator(mode="after")
    def _one_way(self) -> Reference:
        ways = [
            k
            for k in ("per_year", "oom_per_year", "halving_months", "multiplier")
            if getattr(self, k) is not None
        ]
        if len(ways) != 1:
            raise _FieldError(
                ways[1] if len(ways) > 1 else "per_year",
                "give the rate in exactly one way: per_year, oom_per_year, "
                "halving_months, or multiplier with years"
                + (f" (got {', '.join(ways)})" if ways else ""),
            )
        if (self.multiplier is None) != (self.years is None):
            raise _FieldError(
                "years" if self.years is None else "multiplier",
                "multiplier and years go together: the growth over how many years",
            )
        return self

    @property
    def rate(self) -> float:
        """The rate as a multiplier per year."""
        if self.per_year is not None:
            return self.per_year
        if self.oom_per_year is not None:
            return 10.0**self.oom_per_year
        if self.halving_months is not None:
            return 2.0 ** (12.0 / self.halving_months)
        assert self.multiplier is not None and self.years is not None
        return self.multiplier ** (1.0 / self.years)


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
    factor: Annotated[list[FactorSpec], Field(min_length=1)]
    baseline: Baseline | None = None
    target: Target | None = None
    gpus: dict[str, GpuPeaks] = {}
    reference: list[Reference] = []

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
        self._check_hardware()
        names = [r.name for r in self.reference]
        factors = [f.name for f in self.factor]
        groups = {f.group for f in self.factor}
        for i, ref in enumerate(self.reference):
            if ref.name in names[:i]:
                raise _FieldError(
                    "name",
                    f"duplicate reference name {ref.name!r}",
                    at=("reference", i),
                )
            kind, _, name = ref.applies_to.partition(":")
            known = factors if kind == "factor" else sorted(groups)
            if kind in ("factor", "group") and name not in known:
                raise _FieldError(
                    "applies_to",
                    f"no {kind} named {name!r}; the {kind}s are {', '.join(known)}",
                    at=("reference", i),
                )
        return self

    def _check_hardware(self) -> None:
        """Every GPU named in [baseline] and [target] is in the catalogue."""
        extra = self.gpu_table()
        if self.target is not None and (
            self.baseline is None or self.baseline.gpu is None
        ):
            raise _FieldError(
                "gpu",
                "a [target] needs a [baseline] with gpu, gpus and days to convert from",
                at=("target",),
            )
        for table, spec in (("baseline", self.baseline), ("target", self.target)):
            if spec is None or spec.gpu is None:
                continue
            try:
                key, peaks = lookup(spec.gpu, extra)
            except EffcastError as exc:
                raise _FieldError("gpu", str(exc), at=(table,)) from None
            precision = getattr(spec, "precision", "bf16")
            if precision not in peaks:
                raise _FieldError(
                    "precision" if table == "target" else "gpu",
                    f"GPU {key!r} has no {precision} peak; add one under [gpus.{key}]",
                    at=(table,),
                )

    def gpu_table(self) -> dict[str, dict[str, float]]:
        """The prior's ``[gpus]`` entries as ``{name: {precision: peak}}``."""
        return {
            name: peaks.model_dump(exclude_none=True)
            for name, peaks in self.gpus.items()
        }


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
