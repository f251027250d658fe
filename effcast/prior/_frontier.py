"""``[frontier]``: the largest training run and how fast it grows.

The efficiency factors say how much less compute a capability needs; the
frontier says how much compute the largest run has. Together they give the
effective compute of frontier runs and the founding analysis's central
comparison of resource growth with efficiency growth.

Keys:

* ``year``: when the frontier run was trained (decimal year or TOML date);
* ``flop``, or the run's ``gpu``, ``gpus``, ``days`` and ``mfu`` (with
  ``precision``, the number format whose dense peak ``mfu`` refers to);
* ``growth``: how many times larger the frontier run gets each year, either
  a constant with units (``"4.5x"``) or a belief written like a factor's
  (``{median = 4.5, ci = [3.5, 5.5], level = 0.8}``, lognormal unless
  ``dist = "truncnormal"``);
* ``slowing`` (optional): the fraction by which the growth rate (in OOM per
  year) shrinks every year, for supply or budget limits; 0 by default.

For a constant growth ``g`` and no slowing the frontier run in year ``t``
is ``flop * g ** (t - year)``. The forecast
(:mod:`effcast.analysis._frontier`) reads this; sampling ignores it.
"""

from __future__ import annotations

import datetime as _dt
from typing import Annotated, Any, Literal

from pydantic import (
    Field,
    StrictFloat,
    StrictStr,
    TypeAdapter,
    ValidationError,
    field_validator,
    model_validator,
)

from effcast._errors import EffcastError
from effcast.prior._beliefs import (
    FieldError,
    LognormalBelief,
    StrictModel,
    TruncnormalBelief,
)
from effcast.prior._hardware import lookup
from effcast.prior._rates import RateError, parse_rate

__all__ = ["Frontier", "GrowthBelief", "check_frontier"]

_Positive = Annotated[StrictFloat, Field(gt=0)]

GrowthBelief = Annotated[
    LognormalBelief | TruncnormalBelief, Field(discriminator="dist")
]
"""A belief about the growth multiplier per year, as a factor states one."""

_GROWTH: TypeAdapter[Any] = TypeAdapter(GrowthBelief)


class Frontier(StrictModel):
    """The ``[frontier]`` table (see the module docstring)."""

    name: StrictStr = "frontier"
    year: StrictFloat | _dt.date
    flop: _Positive | None = None
    gpu: StrictStr | None = None
    gpus: _Positive | None = None
    days: _Positive | None = None
    mfu: _Positive | None = None
    precision: Literal["bf16", "fp8", "fp4"] = "bf16"
    growth: Any
    slowing: StrictFloat = 0.0
    source: StrictStr | None = None
    note: StrictStr | None = None

    @field_validator("growth", mode="before")
    @classmethod
    def _growth(cls, v: Any) -> Any:
        """A constant with units, or a belief validated as a factor's."""
        if isinstance(v, str):
            try:
                parse_rate(v, allow_negative=True)
            except RateError as exc:
                raise ValueError(str(exc)) from None
            return v
        if isinstance(v, LognormalBelief | TruncnormalBelief):
            return v
        if not isinstance(v, dict):
            raise ValueError(
                f"the growth {v!r} has no units; write a constant such as "
                '"4.5x" (times per year) or a belief such as '
                "{median = 4.5, ci = [3.5, 5.5], level = 0.8}"
            )
        data = {"dist": "lognormal", **v}
        try:
            return _GROWTH.validate_python(data)
        except ValidationError as exc:
            err = exc.errors()[0]
            loc = [str(p) for p in err["loc"] if p not in ("lognormal", "truncnormal")]
            original = (err.get("ctx") or {}).get("error")
            if isinstance(original, FieldError):
                loc.append(original.field)
                message = str(original)
            elif err["type"] == "extra_forbidden":
                message = "unknown key"
            else:
                message = str((err.get("ctx") or {}).get("error", err["msg"]))
            raise FieldError(".".join(loc) or "dist", message) from None

    @field_validator("mfu")
    @classmethod
    def _mfu(cls, v: float | None) -> float | None:
        if v is not None and v > 1:
            raise ValueError(f"a model FLOP utilisation is at most 1, got {v:g}")
        return v

    @field_validator("slowing")
    @classmethod
    def _slowing(cls, v: float) -> float:
        if not 0.0 <= v < 1.0:
            raise ValueError(
                f"must lie in [0, 1) (the fraction the growth rate loses each "
                f"year), got {v:g}"
            )
        return v

    @model_validator(mode="after")
    def _check(self) -> Frontier:
        hardware = ("gpu", "gpus", "days", "mfu")
        given = self._given(*hardware)
        if self.flop is not None and given:
            raise FieldError(
                given[0], "give either flop or the run's gpu, gpus, days and mfu"
            )
        if self.flop is None and len(given) < 4:
            missing = next(k for k in hardware if k not in given)
            raise FieldError(
                missing if given else "flop",
                "missing: give flop, or gpu, gpus, days and mfu together",
            )
        g = self.growth
        if not isinstance(g, str):
            if g.ci is not None and g.level is None:
                raise FieldError(
                    "growth.level", "missing: say what probability ci holds"
                )
            if g.dist == "truncnormal" and (g.lower is None or g.lower <= 0):
                raise FieldError(
                    "growth.lower",
                    "a growth multiplier must stay positive: set lower to a "
                    "positive value (for example 1.0)",
                )
        return self

    @property
    def decimal_year(self) -> float:
        """``year`` as a decimal year."""
        from effcast.prior._schema import _decimal_year

        return float(_decimal_year(self.year))

    def flop_at_year(self, extra: dict[str, dict[str, float]] | None = None) -> float:
        """The frontier run's FLOP, from ``flop`` or its hardware."""
        if self.flop is not None:
            return self.flop
        assert self.gpu is not None and self.gpus and self.days and self.mfu
        _, peaks = lookup(self.gpu, extra)
        peak = peaks[self.precision]
        return self.gpus * self.days * 86_400.0 * peak * 1e12 * self.mfu


def check_frontier(
    frontier: Frontier | None,
    start: float,
    extra: dict[str, dict[str, float]],
) -> None:
    """The frontier year lies in or after the period; its GPU is known."""
    if frontier is None:
        return
    if frontier.decimal_year < start:
        raise FieldError(
            "frontier.year",
            f"{frontier.decimal_year:g} lies before the period start ({start:g}); "
            "the efficiency gains say nothing about years before it",
        )
    if frontier.gpu is not None:
        try:
            key, peaks = lookup(frontier.gpu, extra)
        except EffcastError as exc:
            raise FieldError("frontier.gpu", str(exc)) from None
        if frontier.precision not in peaks:
            raise FieldError(
                "frontier.precision",
                f"GPU {key!r} has no {frontier.precision} peak; add one under "
                f"[gpus.{key}]",
            )
