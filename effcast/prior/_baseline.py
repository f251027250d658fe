"""The tables of a prior that place its reductions in the world.

``[baseline]`` (the reference training run), ``[target]`` (today's
hardware), ``[gpus]`` (additions to the hardware catalogue) and
``[[reference]]`` (published rates to compare with). None of them changes a
sampled value; :mod:`effcast.results._resources` turns them into the summary's
``resources`` and ``reference_rates``. The checks that need the whole prior
(GPU names against ``[gpus]``, references against the factors) are functions
here that :class:`effcast.prior._schema.Prior` calls.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Annotated, Any, ClassVar, Literal, TypeVar

from pydantic import Field, StrictFloat, StrictStr, field_validator, model_validator

from effcast._errors import EffcastError
from effcast.prior._beliefs import NAME_PATTERN, FieldError, StrictModel
from effcast.prior._hardware import lookup

__all__ = [
    "Baseline",
    "GpuPeaks",
    "Reference",
    "Target",
    "Targeted",
    "checked_targets",
    "check_hardware",
    "check_references",
    "gpu_table",
]

_Positive = Annotated[StrictFloat, Field(gt=0)]


class GpuPeaks(StrictModel):
    """One accelerator's dense peak TFLOP/s: an entry of ``[gpus]``."""

    bf16: _Positive | None = None
    fp8: _Positive | None = None
    fp4: _Positive | None = None


class Baseline(StrictModel):
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
        given = self._given("gpu", "gpus", "days")
        if given and len(given) < 3:
            missing = next(k for k in ("gpu", "gpus", "days") if k not in given)
            raise FieldError(
                missing,
                "missing: gpu, gpus and days go together (the hardware of the "
                "baseline run); give all three or none",
            )
        return self


class Target(StrictModel):
    """The hardware the reductions are expressed on today: ``[target]``.

    ``gpus`` is the size of the cluster for wall-clock time; by default the
    cluster whose total peak equals the baseline cluster's.
    """

    gpu: StrictStr
    precision: Literal["bf16", "fp8", "fp4"] = "bf16"
    gpus: _Positive | None = None


class Targeted(StrictModel):
    """What a ``[[reference]]`` and an ``[[evidence]]`` entry begin with: a
    name, a label and the total, factor or group the entry ``applies_to``.

    ``applies_to`` is ``"hardware"``, ``"compute"``, ``"factor:NAME"`` or
    ``"group:NAME"``, or one of the kind's :attr:`extra_targets`;
    :func:`checked_targets` checks the names against the prior.
    """

    extra_targets: ClassVar[tuple[str, ...]] = ()
    """What else this kind of entry may apply to (evidence: the resources)."""

    name: Annotated[StrictStr, Field(pattern=NAME_PATTERN, max_length=64)]
    label: StrictStr | None = None
    applies_to: StrictStr

    @field_validator("applies_to")
    @classmethod
    def _target(cls, v: str) -> str:
        kind, sep, name = v.partition(":")
        if v in ("hardware", "compute") or v in cls.extra_targets:
            return v
        if sep and kind in ("factor", "group") and name:
            return v
        if cls.extra_targets:
            raise ValueError(
                "must be 'hardware', 'compute', 'factor:NAME', 'group:NAME', "
                f"{', '.join(repr(r) for r in cls.extra_targets)}; got {v!r}"
            )
        raise ValueError(
            f"must be 'hardware', 'compute', 'factor:NAME' or 'group:NAME', got {v!r}"
        )


class Reference(Targeted):
    """A published rate to set beside effcast's: one ``[[reference]]``.

    Give the rate in exactly one way: ``per_year`` (a multiplier per year),
    ``oom_per_year``, ``halving_months`` (the requirement halves every so
    many months), or ``multiplier`` over ``years``.
    """

    per_year: _Positive | None = None
    oom_per_year: StrictFloat | None = None
    halving_months: _Positive | None = None
    multiplier: _Positive | None = None
    years: _Positive | None = None
    source: StrictStr | None = None
    note: StrictStr | None = None

    @model_validator(mode="after")
    def _one_way(self) -> Reference:
        ways = self._given("per_year", "oom_per_year", "halving_months", "multiplier")
        if len(ways) != 1:
            raise FieldError(
                ways[1] if len(ways) > 1 else "per_year",
                "give the rate in exactly one way: per_year, oom_per_year, "
                "halving_months, or multiplier with years"
                + (f" (got {', '.join(ways)})" if ways else ""),
            )
        if (self.multiplier is None) != (self.years is None):
            raise FieldError(
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


def gpu_table(gpus: dict[str, GpuPeaks]) -> dict[str, dict[str, float]]:
    """``[gpus]`` as ``{name: {precision: peak}}``, as ``lookup`` takes it."""
    return {name: peaks.model_dump(exclude_none=True) for name, peaks in gpus.items()}


def check_hardware(
    baseline: Baseline | None, target: Target | None, gpus: dict[str, GpuPeaks]
) -> None:
    """Every GPU named in ``[baseline]`` and ``[target]`` is in the catalogue
    (extended by ``[gpus]``), with a peak in the precision asked for."""
    extra = gpu_table(gpus)
    if target is not None and (baseline is None or baseline.gpu is None):
        raise FieldError(
            "target.gpu",
            "a [target] needs a [baseline] with gpu, gpus and days to convert from",
        )
    for table, spec in (("baseline", baseline), ("target", target)):
        if spec is None or spec.gpu is None:
            continue
        try:
            key, peaks = lookup(spec.gpu, extra)
        except EffcastError as exc:
            raise FieldError(f"{table}.gpu", str(exc)) from None
        precision = getattr(spec, "precision", "bf16")
        if precision not in peaks:
            raise FieldError(
                f"{table}.precision" if table == "target" else f"{table}.gpu",
                f"GPU {key!r} has no {precision} peak; add one under [gpus.{key}]",
            )


_Entry = TypeVar("_Entry", bound=Targeted)


def checked_targets(
    entries: Sequence[_Entry], factors: Sequence[Any], section: str
) -> Iterator[tuple[int, _Entry]]:
    """Each entry of ``[[section]]`` with its index, once its name is unique
    and the factor or group its ``applies_to`` names exists."""
    names = [e.name for e in entries]
    factor_names = [f.name for f in factors]
    groups = sorted({f.group for f in factors})
    for i, e in enumerate(entries):
        if e.name in names[:i]:
            raise FieldError(
                "name",
                f"duplicate {section} name {e.name!r}",
                factor_index=i,
                section=section,
            )
        kind, _, name = e.applies_to.partition(":")
        known = factor_names if kind == "factor" else groups
        if kind in ("factor", "group") and name not in known:
            raise FieldError(
                "applies_to",
                f"no {kind} named {name!r}; the {kind}s are {', '.join(known)}",
                factor_index=i,
                section=section,
            )
        yield i, e


def check_references(references: Sequence[Reference], factors: Sequence[Any]) -> None:
    """Reference names are unique, and ``factor:``/``group:`` targets exist."""
    for _ in checked_targets(references, factors, "reference"):
        pass
