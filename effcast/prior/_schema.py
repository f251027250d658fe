"""The prior file's shape: pydantic models and the rules that bind their keys.

This is the lowest layer of effcast. It knows the shape of a prior and which
combinations of keys make sense; it knows nothing about files or sampling.
Reading TOML and turning validation failures into one readable
:class:`~effcast.EffcastError` is the job of :mod:`effcast.prior._loading`.
The pieces a belief is made of live in :mod:`effcast.prior._beliefs`; the
scaling-law factor in :mod:`effcast.prior._fits`; the baseline run, target
hardware and reference rates in :mod:`effcast.prior._baseline`.
"""

from __future__ import annotations

import datetime as _dt
import math
from typing import Annotated, Any

from pydantic import Field, StrictFloat, StrictStr, field_validator, model_validator

from effcast.prior._baseline import (
    Baseline,
    GpuPeaks,
    Reference,
    Target,
    check_hardware,
    check_references,
    gpu_table,
)
from effcast.prior._beliefs import (
    FieldError,
    Identity,
    LognormalBelief,
    StrictModel,
    TruncnormalBelief,
    check_floor,
    check_level,
)
from effcast.prior._evidence import EvidenceSpec, check_evidence
from effcast.prior._fits import ChinchillaSpec
from effcast.prior._forward import (
    ForwardView,
    RateChecks,
    check_forward,
    check_rate_ci,
)
from effcast.prior._frontier import Frontier, check_frontier
from effcast.prior._rates import parse_rate, parse_rate_interval
from effcast.prior._specs import (
    FAMILY_NAMES,
    ComponentSpec,
    ConstantSpec,
    FactorSpec,
    LognormalSpec,
    MixtureSpec,
    TruncnormalSpec,
)

__all__ = [
    "FAMILY_NAMES",
    "Baseline",
    "ChinchillaSpec",
    "ComponentSpec",
    "ConstantSpec",
    "CorrelationSpec",
    "Defaults",
    "EvidenceSpec",
    "GpuPeaks",
    "Reference",
    "Target",
    "FactorSpec",
    "ForecastSettings",
    "ForwardView",
    "Frontier",
    "LognormalSpec",
    "MixtureSpec",
    "Period",
    "Prior",
    "TruncnormalSpec",
    "floor_of",
    "level_of",
]


def _decimal_year(value: float | _dt.date) -> float:
    """A decimal year from a number or a TOML date (1 January = ``.0``)."""
    if isinstance(value, _dt.datetime):
        value = value.date()
    if isinstance(value, _dt.date):
        start = _dt.date(value.year, 1, 1)
        length = (_dt.date(value.year + 1, 1, 1) - start).days
        return value.year + (value - start).days / length
    return float(value)


class Period(StrictModel):
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
            raise FieldError(
                "end",
                f"must come after start (start {_decimal_year(self.start):g}, "
                f"end {_decimal_year(self.end):g})",
            )
        if not 1 / 366 <= self.years <= 1000:
            raise FieldError(
                "end",
                f"the period lasts {self.years:g} years; annual rates need one "
                "between a day and 1,000 years",
            )
        return self


class Defaults(StrictModel):
    """Values that apply to every factor that does not set its own."""

    floor: StrictFloat | bool | None = None
    level: StrictFloat | None = None

    @field_validator("floor")
    @classmethod
    def _floor(cls, v: Any) -> Any:
        return check_floor(v)

    @field_validator("level")
    @classmethod
    def _level(cls, v: float | None) -> float | None:
        return check_level(v)


class CorrelationSpec(StrictModel):
    """A ``[[correlation]]`` entry: the Spearman rank correlation of two factors."""

    between: tuple[StrictStr, StrictStr]
    rho: StrictFloat

    @field_validator("rho")
    @classmethod
    def _rho(cls, v: float) -> float:
        if not -1.0 < v < 1.0:
            raise ValueError(f"must lie strictly between -1 and 1, got {v:g}")
        return v


class ForecastSettings(RateChecks):
    """``[forecast]``: how gains continue after the period (all optional).

    The same settings as the options of ``effcast forecast`` (``--to``,
    ``--rate``, ...), which override them. They are the defaults for every
    factor without its own ``[factor.forward]`` view: ``rate`` is the
    forward rate of the compute reduction of those factors together, with
    units (``"2.3x"``, ``"0.36oom"`` or ``"8mo"``); ``acceleration`` is also
    the default of the factors' own views. Read by :func:`effcast.forecast`;
    sampling ignores them.
    """

    to: StrictFloat | None = None
    step: StrictFloat | None = None
    rate: StrictStr | None = None
    rate_ci: tuple[StrictStr, StrictStr] | None = None
    rate_level: StrictFloat | None = None
    acceleration: StrictFloat | None = None
    cap: StrictFloat | None = None

    @field_validator("step", "acceleration", "cap")
    @classmethod
    def _positive(cls, v: float | None) -> float | None:
        if v is not None and v <= 0:
            raise ValueError(f"must be positive, got {v:g}")
        return v

    @property
    def rate_oom(self) -> float | None:
        """``rate`` in OOM per year."""
        return None if self.rate is None else parse_rate(self.rate)

    @property
    def rate_ci_oom(self) -> tuple[float, float] | None:
        """``rate_ci`` in OOM per year, increasing."""
        return None if self.rate_ci is None else parse_rate_interval(list(self.rate_ci))

    @model_validator(mode="after")
    def _check(self) -> ForecastSettings:
        check_rate_ci(self.rate, self.rate_ci, self.rate_level)
        return self


class Prior(StrictModel):
    """A whole prior file.

    Examples
    --------
    >>> from effcast.prior._loading import parse_prior
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
    baseline: Baseline | None = None
    target: Target | None = None
    gpus: dict[str, GpuPeaks] = {}
    reference: list[Reference] = []
    correlation: list[CorrelationSpec] = []
    evidence: list[EvidenceSpec] = []
    frontier: Frontier | None = None

    @model_validator(mode="after")
    def _check(self) -> Prior:
        seen: dict[str, int] = {}
        for i, f in enumerate(self.factor):
            if f.name in seen:
                raise FieldError(
                    "name",
                    f"duplicate factor name (first used by factor #{seen[f.name] + 1})",
                    factor_index=i,
                )
            seen[f.name] = i
            beliefs: list[LognormalBelief | TruncnormalBelief] = []
            if isinstance(f, LognormalSpec | TruncnormalSpec):
                beliefs = [f]
            elif isinstance(f, MixtureSpec):
                beliefs = list(f.components)
            for k, b in enumerate(beliefs):
                field = "level" if b is f else f"components.{k}.level"
                if b.ci is not None and b.level is None and self.defaults.level is None:
                    raise FieldError(
                        field,
                        "missing: say what probability ci holds (e.g. level = 0.8), "
                        "here or in [defaults]",
                        factor_index=i,
                    )
                lower = -math.inf if b.lower is None else b.lower
                floor = floor_of(f, self.defaults)
                if b.dist == "truncnormal" and max(lower, floor) < 0:
                    raise FieldError(
                        "lower" if b is f else f"components.{k}.lower",
                        "a multiplier must be positive, but this one can fall "
                        "below zero; set lower = 0 (or a positive floor)",
                        factor_index=i,
                    )
        if not any(f.enabled for f in self.factor):
            raise FieldError(
                "enabled",
                "every factor is switched off (enabled = false); "
                "at least one must stay on",
                factor_index=len(self.factor) - 1,
            )
        self._check_correlations(seen)
        check_hardware(self.baseline, self.target, self.gpus)
        check_references(self.reference, self.factor)
        check_evidence(self.evidence, self.factor, self.baseline)
        check_forward(self.factor)
        check_frontier(
            self.frontier, _decimal_year(self.period.start), self.gpu_table()
        )
        return self

    @property
    def disabled(self) -> tuple[str, ...]:
        """The names of the factors switched off with ``enabled = false``."""
        return tuple(f.name for f in self.factor if not f.enabled)

    def active(self) -> Prior:
        """This prior with its switched-off factors deleted.

        What sampling, tables and figures see: the same as the file with
        those ``[[factor]]`` entries removed. References that apply to a
        switched-off factor (or to a group left empty) are dropped with it.
        """
        off = set(self.disabled)
        if not off:
            return self
        factors = [f for f in self.factor if f.enabled]
        groups = {f.group for f in factors}
        names = {f.name for f in factors}

        def kept(ref: Any) -> bool:
            kind, _, name = ref.applies_to.partition(":")
            if kind == "factor":
                return name in names
            if kind == "group":
                return name in groups
            return True

        return self.model_copy(
            update={
                "factor": factors,
                "reference": [r for r in self.reference if kept(r)],
            }
        )

    def _check_correlations(self, index: dict[str, int]) -> None:
        pairs: dict[frozenset[str], int] = {}
        for i, c in enumerate(self.correlation):
            for name in c.between:
                if name not in index:
                    raise FieldError(
                        "between",
                        f"no factor named {name!r}; the factors are "
                        + ", ".join(index),
                        factor_index=i,
                        section="correlation",
                    )
            a, b = c.between
            if a == b:
                raise FieldError(
                    "between",
                    f"a factor cannot be correlated with itself ({a!r})",
                    factor_index=i,
                    section="correlation",
                )
            for name in c.between:
                why = _uncorrelatable(self.factor[index[name]])
                if why is not None:
                    raise FieldError(
                        "between",
                        f"{name!r} {why}",
                        factor_index=i,
                        section="correlation",
                    )
            key = frozenset(c.between)
            if key in pairs:
                raise FieldError(
                    "between",
                    f"the pair {a!r}, {b!r} is already correlated by "
                    f"[[correlation]] #{pairs[key] + 1}",
                    factor_index=i,
                    section="correlation",
                )
            pairs[key] = i

    def gpu_table(self) -> dict[str, dict[str, float]]:
        """The prior's ``[gpus]`` entries as ``{name: {precision: peak}}``."""
        return gpu_table(self.gpus)


def _uncorrelatable(factor: Any) -> str | None:
    """Why a factor cannot take part in a ``[[correlation]]``, or ``None``."""
    if not factor.enabled:
        return (
            "is switched off (enabled = false) and cannot be correlated; "
            "remove this [[correlation]] too"
        )
    if factor.dist == "constant":
        return (
            'is a constant (dist = "constant") and cannot be correlated; '
            "remove this [[correlation]]"
        )
    if factor.dist == "chinchilla":
        return (
            'is derived from a scaling law (dist = "chinchilla") and cannot be '
            "correlated"
        )
    return None


def level_of(spec: Any, defaults: Defaults) -> float:
    """The credible level that applies to a belief's interval."""
    level = spec.level if spec.level is not None else defaults.level
    assert level is not None  # guaranteed by Prior validation
    return level


def floor_of(spec: Identity, defaults: Defaults) -> float:
    """The floor that applies to a factor (``-inf`` for none)."""
    floor = spec.floor if spec.floor is not None else defaults.floor
    if floor is None or floor is False:
        return -math.inf
    return float(floor)
