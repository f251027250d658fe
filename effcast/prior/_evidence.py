"""``[[evidence]]``: what has been observed, stated so that it can reweight a prior.

An evidence entry names one quantity the model samples, with the same
vocabulary as ``[[reference]]``'s ``applies_to`` (plus the baseline's
resources), and says how the observation constrains it, in one of two ways:

* a noisy **measurement**, written like a belief: ``dist``, ``ci``,
  ``level`` and optionally ``median``. This is the observation's error
  distribution read as a likelihood of the true value: with
  ``dist = "lognormal"`` the log of the true value is (split-)normally
  distributed around the log of the median, with the spread that puts
  ``level`` of the mass inside ``ci``; ``dist = "normal"`` does the same
  on the natural scale.
* a **bound** the quantity satisfies: ``at_least``, ``at_most`` or both.
  Hard by default (samples outside get weight zero); ``soft = s`` lets the
  likelihood fall off outside the bound like a half-normal in the natural
  log of the quantity with standard deviation ``s`` (``0.1``: about 10%).

``measure`` says which function of a total, factor or group was observed:
the multiplier itself (``"value"``, the default), its annual rate
(``"per_year"``, the multiplier to the power ``1 / years``) or the time it
takes the requirement to halve (``"halving_months"``).

This module knows only the shape of an entry; :mod:`effcast.engine._evidence`
turns entries into per-sample log-likelihoods.

Examples
--------
>>> e = EvidenceSpec(name="epoch", applies_to="compute", measure="halving_months",
...                  dist="lognormal", median=8.0, ci=(5.0, 14.0), level=0.95)
>>> e.kind
'measurement'
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal

from pydantic import StrictFloat, StrictStr, field_validator, model_validator

from effcast.prior._baseline import Targeted, checked_targets
from effcast.prior._beliefs import FieldError, check_level

__all__ = [
    "EVIDENCE_MEASURES",
    "EVIDENCE_RESOURCES",
    "EvidenceSpec",
    "check_evidence",
]

EVIDENCE_RESOURCES: tuple[str, ...] = ("flop_needed", "gpu_hours", "wall_clock_hours")
"""Resource figures the baseline defines that evidence may name."""

EVIDENCE_MEASURES: tuple[str, ...] = ("value", "per_year", "halving_months")
"""What function of a total, factor or group an entry observed."""


class EvidenceSpec(Targeted):
    """One ``[[evidence]]`` entry: an observation of a quantity the model samples.

    Give either a measurement (``dist`` with ``ci`` and ``level``, optional
    ``median``) or a bound (``at_least`` and/or ``at_most``, optional
    ``soft``), not both.
    """

    extra_targets = EVIDENCE_RESOURCES

    measure: Literal["value", "per_year", "halving_months"] = "value"
    dist: Literal["lognormal", "normal"] | None = None
    median: StrictFloat | None = None
    ci: tuple[StrictFloat, StrictFloat] | None = None
    level: StrictFloat | None = None
    at_least: StrictFloat | None = None
    at_most: StrictFloat | None = None
    soft: StrictFloat | None = None
    source: StrictStr | None = None
    note: StrictStr | None = None

    @field_validator("level")
    @classmethod
    def _level(cls, v: float | None) -> float | None:
        return check_level(v)

    @model_validator(mode="after")
    def _check(self) -> EvidenceSpec:
        bound = self.at_least is not None or self.at_most is not None
        if self.dist is None and not bound:
            raise FieldError(
                "dist",
                "missing: give a measurement (dist, ci, level) or a bound "
                "(at_least and/or at_most)",
            )
        if self.dist is not None and bound:
            raise FieldError(
                "at_least" if self.at_least is not None else "at_most",
                "give either a measurement (dist, ci, level) or a bound, not both",
            )
        if self.measure != "value" and self.applies_to in EVIDENCE_RESOURCES:
            raise FieldError(
                "measure",
                f"a resource ({self.applies_to}) has no rate; use measure = "
                '"value" or name the total it comes from',
            )
        if self.dist is not None:
            self._check_measurement()
        else:
            self._check_bound()
        return self

    def _check_measurement(self) -> None:
        for key in self._given("soft"):
            raise FieldError(key, f"{key} goes with a bound, not a measurement")
        if self.ci is None:
            raise FieldError("ci", "missing: a measurement needs ci and level")
        if self.level is None:
            raise FieldError(
                "level", "missing: say what probability ci holds (e.g. 0.9)"
            )
        lo, hi = self.ci
        if not lo < hi:
            raise FieldError("ci", f"the interval must increase, got [{lo:g}, {hi:g}]")
        if self.dist == "lognormal" and lo <= 0:
            raise FieldError(
                "ci",
                f"a lognormal measurement's interval must be positive, got "
                f"[{lo:g}, {hi:g}]",
            )
        if self.median is not None and not lo < self.median < hi:
            raise FieldError(
                "median", f"{self.median:g} lies outside its interval [{lo:g}, {hi:g}]"
            )

    def _check_bound(self) -> None:
        for key in self._given("median", "ci", "level"):
            raise FieldError(key, f"{key} goes with dist (a measurement)")
        for key in ("at_least", "at_most"):
            v = getattr(self, key)
            if v is not None and v <= 0:
                raise FieldError(
                    key, f"every quantity evidence names is positive, got {v:g}"
                )
        self._check_increasing("at_least", "at_most")
        if self.soft is not None and self.soft <= 0:
            raise FieldError(
                "soft",
                f"must be positive (the log-scale width of the fall-off), got "
                f"{self.soft:g}; leave it out for a hard bound",
            )

    @property
    def kind(self) -> str:
        """``"measurement"`` or ``"bound"``."""
        return "measurement" if self.dist is not None else "bound"


def check_evidence(
    evidence: Sequence[EvidenceSpec], factors: Sequence[Any], baseline: Any
) -> None:
    """Entry names are unique; factors, groups and resources they name exist."""
    for i, e in checked_targets(evidence, factors, "evidence"):
        if e.applies_to in EVIDENCE_RESOURCES:
            if baseline is None:
                raise FieldError(
                    "applies_to",
                    f"{e.applies_to} needs a [baseline] (the run the reductions "
                    "apply to)",
                    factor_index=i,
                    section="evidence",
                )
            if e.applies_to != "flop_needed" and baseline.gpu is None:
                raise FieldError(
                    "applies_to",
                    f"{e.applies_to} needs the baseline's gpu, gpus and days",
                    factor_index=i,
                    section="evidence",
                )
