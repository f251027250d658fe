"""Building blocks of the prior schema: how one belief about a multiplier is stated.

A *belief* is a distribution stated the way analysts state them: a central
credible interval ``ci`` with its probability ``level`` and, optionally, a
``median`` that need not be the interval's centre; or explicit parameters
(``mu``/``sigma`` of the natural log for a lognormal, ``mean``/``sd`` for a
normal). Optional ``lower``/``upper`` truncate it. A factor entry is a belief
plus an *identity* (name, group, what it reduces, its floor); a mixture
component is a belief plus a weight.

:mod:`effcast.prior._schema` assembles these into the whole prior.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal, Self

from pydantic import (
    AliasChoices,
    BaseModel,
    ConfigDict,
    Field,
    StrictBool,
    StrictFloat,
    StrictStr,
    field_validator,
    model_validator,
)

__all__ = [
    "FieldError",
    "Identity",
    "LognormalBelief",
    "StrictModel",
    "TruncnormalBelief",
    "check_floor",
    "check_level",
]

NAME_PATTERN = r"^[A-Za-z_][A-Za-z0-9_\-]*$"


class FieldError(ValueError):
    """A validation failure that knows which field (and which entry) it concerns.

    ``section`` and ``index`` locate the entry of an array of tables
    (``[[factor]]`` number ``index``) when the check runs on the whole prior.
    """

    def __init__(
        self,
        field: str,
        message: str,
        factor_index: int | None = None,
        section: str = "factor",
    ):
        super().__init__(message)
        self.field = field
        self.factor_index = factor_index
        self.section = section


class StrictModel(BaseModel):
    """Every table of a prior: unknown keys, inf and nan are refused."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False, frozen=True)

    def _given(self, *keys: str) -> list[str]:
        """Those of ``keys`` that the entry sets, in the order asked."""
        return [k for k in keys if getattr(self, k) is not None]

    def _check_increasing(self, low: str, high: str) -> None:
        """``low`` is smaller than ``high`` where the entry sets both."""
        lo, hi = getattr(self, low), getattr(self, high)
        if lo is not None and hi is not None and not lo < hi:
            raise FieldError(
                high, f"{low} ({lo:g}) must be smaller than {high} ({hi:g})"
            )


def check_floor(v: Any) -> Any:
    if v is True:
        raise ValueError("must be a number, or false to switch the default off")
    return v


def check_level(v: float | None) -> float | None:
    if v is not None and not 0.0 < v < 1.0:
        raise ValueError(f"must lie strictly between 0 and 1, got {v:g}")
    if v is not None and not 1e-9 <= v <= 1 - 1e-9:
        raise ValueError(
            f"{v:g} is too close to {0 if v < 0.5 else 1} for an interval to say "
            "anything; use a level between 1e-9 and 1 - 1e-9"
        )
    return v


class Identity(StrictModel):
    """What makes a belief a factor: its name, group, effect and floor.

    ``enabled = false`` switches the factor off: it stays in the file (and
    can be switched back on with ``--set NAME.enabled=true``) but is dropped
    before sampling, exactly as if its entry were deleted.
    """

    name: Annotated[StrictStr, Field(pattern=NAME_PATTERN, max_length=64)]
    label: StrictStr | None = None
    group: Annotated[StrictStr, Field(min_length=1, max_length=64)] = "other"
    reduces: Literal["compute", "hardware"]
    floor: StrictFloat | bool | None = None
    source: StrictStr | None = None
    # Why the belief is what it is, in prose; ``note`` is the older spelling.
    notes: StrictStr | None = Field(
        default=None, validation_alias=AliasChoices("notes", "note")
    )
    enabled: StrictBool = True

    @field_validator("floor")
    @classmethod
    def _floor(cls, v: Any) -> Any:
        return check_floor(v)


class _Belief(StrictModel):
    ci: tuple[StrictFloat, StrictFloat] | None = None
    level: StrictFloat | None = None
    median: StrictFloat | None = None
    lower: StrictFloat | None = None
    upper: StrictFloat | None = None

    _explicit: tuple[str, str] = ("", "")

    @field_validator("level")
    @classmethod
    def _level(cls, v: float | None) -> float | None:
        return check_level(v)

    @field_validator("ci")
    @classmethod
    def _ci(cls, v: tuple[float, float] | None) -> tuple[float, float] | None:
        if v is not None and not v[0] < v[1]:
            raise ValueError(f"the interval must increase, got [{v[0]:g}, {v[1]:g}]")
        return v

    @model_validator(mode="after")
    def _check(self) -> Self:
        self._check_family()
        self._check_common()
        return self

    def _check_family(self) -> None:
        """What one family asks of a belief beyond :meth:`_check_common`."""

    def _check_common(self) -> None:
        """Checks shared by the families: one way of stating the belief, bounds."""
        a, b = self._explicit
        given = self._given(a, b)
        if self.ci is not None and given:
            raise FieldError(
                min(given), f"give either ci (with level) or {a}/{b}, not both"
            )
        if self.ci is None:
            if len(given) < 2:
                missing = a if a not in given else b
                hint = f"give ci and level, or both {a} and {b}"
                if self.median is not None or self.level is not None:
                    raise FieldError("ci", f"missing: {hint}")
                raise FieldError(missing, f"missing: {hint}")
            if getattr(self, b) <= 0:
                raise FieldError(b, f"must be positive, got {getattr(self, b):g}")
            if self.median is not None:
                raise FieldError(
                    "median",
                    f"median goes with ci; with {a}/{b} the median follows from {a}",
                )
            if self.level is not None:
                raise FieldError("level", "level goes with ci; drop it or give ci")
        elif self.median is not None and not self.ci[0] < self.median < self.ci[1]:
            raise FieldError(
                "median",
                f"{self.median:g} lies outside its interval "
                f"[{self.ci[0]:g}, {self.ci[1]:g}]",
            )
        self._check_increasing("lower", "upper")


class LognormalBelief(_Belief):
    """A multiplier whose logarithm is (split-)normal: ``dist = "lognormal"``.

    State it as ``ci`` + ``level`` (+ optional ``median``), or as ``mu`` and
    ``sigma`` of the natural logarithm. Optional ``lower``/``upper`` truncate
    it exactly and must be positive.
    """

    dist: Literal["lognormal"]
    mu: StrictFloat | None = None
    sigma: StrictFloat | None = None

    _explicit = ("mu", "sigma")

    def _check_family(self) -> None:
        if self.ci is not None and self.ci[0] <= 0:
            raise FieldError(
                "ci",
                f"a lognormal's interval must be positive, "
                f"got [{self.ci[0]:g}, {self.ci[1]:g}]",
            )
        for key in ("lower", "upper"):
            v = getattr(self, key)
            if v is not None and v <= 0:
                raise FieldError(key, f"a lognormal bound must be positive, got {v:g}")


class TruncnormalBelief(_Belief):
    """A (truncated, possibly split) normal multiplier: ``dist = "truncnormal"``.

    State it as ``ci`` + ``level`` (+ optional ``median``), or as ``mean`` and
    ``sd``; these describe the normal *before* truncation to
    ``[lower, upper]`` (either bound may be omitted).
    """

    dist: Literal["truncnormal"]
    mean: StrictFloat | None = None
    sd: StrictFloat | None = None

    _explicit = ("mean", "sd")
