"""Chinchilla-form scaling-law fits and the ``dist = "chinchilla"`` factor entry.

A Chinchilla-form law models pre-training loss as

    L(N, D) = E + A / N**alpha + B / D**beta

for N parameters trained on D tokens, at 6 N D FLOP. The factor it defines is
the ratio between a baseline run's compute and the least compute that reaches
the same loss with N and D split optimally (see :mod:`effcast.families._chinchilla`).

:data:`FITS` holds the published fits effcast ships; a prior can name them
or give its own parameters.
"""

from __future__ import annotations

from typing import Literal

from pydantic import StrictFloat, StrictStr, model_validator

from effcast.prior._beliefs import FieldError, Identity, StrictModel
from effcast.prior._forward import ForwardView

__all__ = ["FITS", "ChinchillaSpec", "Fit", "FitSpec"]


class Fit(StrictModel):
    """The parameters of one Chinchilla-form law (``E`` does not affect the factor)."""

    E: StrictFloat = 0.0
    A: StrictFloat
    B: StrictFloat
    alpha: StrictFloat
    beta: StrictFloat
    source: StrictStr = ""


# The published laws: name -> (E, A, B, alpha, beta), and where each comes from.
_PUBLISHED: dict[str, tuple[float, float, float, float, float]] = {
    "hoffmann2022": (1.69, 406.4, 410.7, 0.34, 0.28),
    "besiroglu2024": (1.8172, 482.01, 2085.43, 0.3478, 0.3658),
}
_SOURCES: dict[str, str] = {
    "hoffmann2022": "Hoffmann et al. 2022, Training Compute-Optimal LLMs (approach 3)",
    "besiroglu2024": "Besiroglu et al. 2024, Chinchilla Scaling: A replication attempt",
}

FITS: dict[str, Fit] = {
    name: Fit(E=E, A=A, B=B, alpha=alpha, beta=beta, source=_SOURCES[name])
    for name, (E, A, B, alpha, beta) in _PUBLISHED.items()
}
"""Shipped fits, by the name a prior uses for them."""


class FitSpec(StrictModel):
    """One entry of ``fits``: a shipped fit by ``name``, or explicit parameters.

    ``weight`` is its probability (relative to the others) in the mixture
    over fits.
    """

    name: StrictStr | None = None
    weight: StrictFloat = 1.0
    E: StrictFloat | None = None
    A: StrictFloat | None = None
    B: StrictFloat | None = None
    alpha: StrictFloat | None = None
    beta: StrictFloat | None = None

    @model_validator(mode="after")
    def _check(self) -> FitSpec:
        if self.weight < 0:
            raise FieldError("weight", f"must not be negative, got {self.weight:g}")
        keys = ("A", "B", "alpha", "beta")
        if not self._given(*keys, "E"):
            if self.name is None:
                raise FieldError(
                    "name", "missing: name a shipped fit or give A, B, alpha and beta"
                )
            if self.name not in FITS:
                raise FieldError(
                    "name",
                    f"unknown fit {self.name!r}; shipped fits: " + ", ".join(FITS),
                )
            return self
        for k in keys:
            v = getattr(self, k)
            if v is None:
                raise FieldError(
                    k, "missing: a fit of your own needs A, B, alpha and beta"
                )
            if v <= 0:
                raise FieldError(k, f"must be positive, got {v:g}")
        return self

    def resolve(self) -> Fit:
        """The fit's parameters (from :data:`FITS` when only a name is given)."""
        if self.A is None:
            assert self.name is not None
            return FITS[self.name]
        # The validator above requires all four numbers once A is given.
        assert self.B is not None and self.alpha is not None
        assert self.beta is not None
        return Fit(
            E=self.E or 0.0,
            A=self.A,
            B=self.B,
            alpha=self.alpha,
            beta=self.beta,
            source=self.name or "",
        )


class ChinchillaSpec(Identity):
    """A factor derived from a scaling law: ``dist = "chinchilla"``.

    ``fit`` names one shipped fit, or ``fits`` lists several (shipped or
    explicit) with weights: each sample draws one fit with probability
    proportional to its weight. ``alpha_sd`` and ``beta_sd`` add normal
    uncertainty to the exponents (redrawn, per sample, until at least 0.05).
    ``n_params`` and ``tokens`` describe the baseline run (GPT-3 by default).
    """

    dist: Literal["chinchilla"]
    fit: StrictStr | None = None
    fits: list[FitSpec] | None = None
    n_params: StrictFloat = 175e9
    tokens: StrictFloat = 300e9
    alpha_sd: StrictFloat = 0.0
    beta_sd: StrictFloat = 0.0
    forward: ForwardView | None = None

    @model_validator(mode="after")
    def _check(self) -> ChinchillaSpec:
        if self.fit is not None and self.fits is not None:
            raise FieldError("fits", "give either fit (one name) or fits, not both")
        if self.fit is not None and self.fit not in FITS:
            raise FieldError(
                "fit", f"unknown fit {self.fit!r}; shipped fits: " + ", ".join(FITS)
            )
        if self.fits is not None:
            if not self.fits:
                raise FieldError("fits", "at least one fit is needed")
            if not sum(f.weight for f in self.fits) > 0:
                raise FieldError("fits", "the fits' weights must not all be zero")
        for key in ("n_params", "tokens"):
            if getattr(self, key) <= 0:
                raise FieldError(key, f"must be positive, got {getattr(self, key):g}")
        for key in ("alpha_sd", "beta_sd"):
            if getattr(self, key) < 0:
                raise FieldError(
                    key, f"must not be negative, got {getattr(self, key):g}"
                )
        return self

    def weighted_fits(self) -> list[tuple[float, Fit]]:
        """``[(probability, fit), ...]``, probabilities summing to 1."""
        if self.fits is None:
            return [(1.0, FITS[self.fit or "hoffmann2022"])]
        total = sum(f.weight for f in self.fits)
        return [(f.weight / total, f.resolve()) for f in self.fits]
