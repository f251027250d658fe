"""The ``[[factor]]`` entries: one pydantic spec per distribution family.

Each spec is a family's keys (``dist``, and the numbers that state the
belief); its sampling lives in the module of the same name in
:mod:`effcast.families`. :data:`SPECS` is the one list the schema's union
and the family names in messages are derived from.
"""

from __future__ import annotations

import typing
from typing import Annotated, Literal

from pydantic import Field, StrictFloat, field_validator, model_validator

from effcast.prior._beliefs import (
    FieldError,
    Identity,
    LognormalBelief,
    StrictModel,
    TruncnormalBelief,
)
from effcast.prior._fits import ChinchillaSpec

__all__ = [
    "FAMILY_NAMES",
    "SPECS",
    "ComponentSpec",
    "FactorSpec",
    "LognormalSpec",
    "MixtureSpec",
    "TruncnormalSpec",
]


class LognormalSpec(Identity, LognormalBelief):
    """A factor whose logarithm is (split-)normal: ``dist = "lognormal"``.

    State it as ``ci`` + ``level`` (+ optional ``median``), or as ``mu`` and
    ``sigma`` of the natural logarithm. Optional ``lower``/``upper`` truncate
    it exactly and must be positive.
    """


class TruncnormalSpec(Identity, TruncnormalBelief):
    """A (truncated, possibly split) normal factor: ``dist = "truncnormal"``.

    State it as ``ci`` + ``level`` (+ optional ``median``), or as ``mean`` and
    ``sd``; these describe the normal *before* truncation to
    ``[lower, upper]`` (either bound may be omitted).
    """


class _Weighted(StrictModel):
    weight: StrictFloat

    @field_validator("weight")
    @classmethod
    def _weight(cls, v: float) -> float:
        if v < 0:
            raise ValueError(f"must not be negative, got {v:g}")
        return v


class LognormalComponent(_Weighted, LognormalBelief):
    """A lognormal component of a mixture, with its weight."""


class TruncnormalComponent(_Weighted, TruncnormalBelief):
    """A truncated-normal component of a mixture, with its weight."""


ComponentSpec = Annotated[
    LognormalComponent | TruncnormalComponent, Field(discriminator="dist")
]
"""One entry of a mixture's ``components``."""


class MixtureSpec(Identity):
    """A weighted mixture of beliefs: ``dist = "mixture"``.

    Each component is a lognormal or truncated normal stated exactly as a
    factor would be, plus a ``weight``; a sample comes from component ``k``
    with probability ``weight_k / sum(weights)``. The factor's floor applies
    to the mixture as a whole.
    """

    dist: Literal["mixture"]
    components: Annotated[list[ComponentSpec], Field(min_length=1)]

    @model_validator(mode="after")
    def _check(self) -> MixtureSpec:
        if not sum(c.weight for c in self.components) > 0:
            raise FieldError("components", "the weights must not all be zero")
        return self


FactorSpec = Annotated[
    LognormalSpec | TruncnormalSpec | MixtureSpec | ChinchillaSpec,
    Field(discriminator="dist"),
]
"""One ``[[factor]]`` entry; ``dist`` selects the family.

The union is the one list of specs: add a family's spec here."""

SPECS: tuple[type[Identity], ...] = typing.get_args(typing.get_args(FactorSpec)[0])
"""Every factor spec, one per family, in the order the docs list them."""

FAMILY_NAMES: tuple[str, ...] = tuple(
    typing.get_args(s.model_fields["dist"].annotation)[0] for s in SPECS
)
"""The ``dist`` names, as error messages and the CLI list them."""
