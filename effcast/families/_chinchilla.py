"""``dist = "chinchilla"``: a compute multiplier derived from a scaling-law fit.

For a baseline run of ``N`` parameters on ``D`` tokens (``C = 6 N D`` FLOP)
and a law ``L(N, D) = E + A / N**alpha + B / D**beta``, the factor is the
ratio between ``C`` and the least compute that reaches the same loss with the
parameters and tokens chosen optimally. Minimising ``log N + log D`` subject
to ``A / N**alpha + B / D**beta = R`` (the baseline's reducible loss) gives
the optimum in closed form: the two terms take the shares ``beta / (alpha +
beta)`` and ``alpha / (alpha + beta)`` of ``R``. ``E`` drops out.

Per sample, the kernel draws one fit (with the weights of ``fits``) and, if
asked, normal noise on the exponents, then evaluates the closed form.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cached_property

import numpy as np

from effcast.families._base import FactorBase, FamilyBase, identity_of
from effcast.families._layout import (
    ALPHA_SD,
    BETA_SD,
    FIT_A,
    FIT_ALPHA,
    FIT_B,
    FIT_BETA,
    KIND_CHINCHILLA,
    LOG_D0,
    LOG_N0,
    MIN_EXPONENT,
    N_ROW_COLS,
)
from effcast.prior._fits import ChinchillaSpec, Fit
from effcast.prior._schema import Defaults, floor_of

__all__ = ["ChinchillaFamily", "ChinchillaMarginal", "compute_ratio"]

# Draws used to answer cdf/ppf questions when the exponents are uncertain.
_REFERENCE_DRAWS = 200_000


def compute_ratio(
    n_params: float,
    tokens: float,
    fit: Fit,
    alpha: float | None = None,
    beta: float | None = None,
) -> float:
    """Baseline compute over the least compute reaching the baseline's loss.

    Examples
    --------
    >>> from effcast.prior._fits import FITS
    >>> round(compute_ratio(175e9, 300e9, FITS["hoffmann2022"]), 2)
    2.98
    >>> round(compute_ratio(175e9, 300e9, FITS["besiroglu2024"]), 2)
    1.64
    """
    a = fit.alpha if alpha is None else alpha
    b = fit.beta if beta is None else beta
    log_n0, log_d0 = math.log(n_params), math.log(tokens)
    reducible = fit.A * math.exp(-a * log_n0) + fit.B * math.exp(-b * log_d0)
    log_n = math.log(fit.A / (reducible * b / (a + b))) / a
    log_d = math.log(fit.B / (reducible * a / (a + b))) / b
    return math.exp(log_n0 + log_d0 - log_n - log_d)


@dataclass(frozen=True)
class ChinchillaMarginal(FactorBase):
    """The distribution of a scaling-law factor.

    Without exponent noise it is discrete: each fit's ratio with that fit's
    probability. With noise, ``cdf`` and ``ppf`` are estimated from a fixed
    set of 200,000 draws (Monte Carlo error of about 0.1% in probability);
    the sampler itself is exact.
    """

    name: str
    group: str
    reduces: str
    fits: tuple[tuple[float, Fit], ...]
    n_params: float
    tokens: float
    alpha_sd: float = 0.0
    beta_sd: float = 0.0
    floor: float = -math.inf

    family = "chinchilla"
    kind = KIND_CHINCHILLA
    copula_ok = False

    @property
    def point_values(self) -> tuple[float, ...]:
        """Each fit's ratio at its central exponents."""
        return tuple(compute_ratio(self.n_params, self.tokens, f) for _, f in self.fits)

    @property
    def reference_draws(self) -> float:
        """How many draws ``ppf``/``cdf`` rest on (``inf``: they are exact)."""
        if self.alpha_sd == 0 and self.beta_sd == 0:
            return math.inf
        return float(_REFERENCE_DRAWS)

    def _reference(self) -> tuple[np.ndarray, np.ndarray]:
        return self._support

    @cached_property
    def _support(self) -> tuple[np.ndarray, np.ndarray]:
        """Sorted support values and their cumulative probabilities."""
        if self.alpha_sd == 0 and self.beta_sd == 0:
            values = np.array(self.point_values)
            probs = np.array([w for w, _ in self.fits])
        else:
            rng = np.random.default_rng(20240101)
            weights = np.array([w for w, _ in self.fits])
            which = rng.choice(len(self.fits), size=_REFERENCE_DRAWS, p=weights)
            values = np.empty(_REFERENCE_DRAWS)
            for k, (_, fit) in enumerate(self.fits):
                sel = which == k
                a = _positive_normal(rng, fit.alpha, self.alpha_sd, sel.sum())
                b = _positive_normal(rng, fit.beta, self.beta_sd, sel.sum())
                values[sel] = _ratio_array(self.n_params, self.tokens, fit, a, b)
            probs = np.full(_REFERENCE_DRAWS, 1 / _REFERENCE_DRAWS)
        order = np.argsort(values, kind="stable")
        return values[order], np.cumsum(probs[order])

    def cdf(self, x, *, floored: bool = True) -> np.ndarray:
        """P(factor <= x)."""
        x = np.asarray(x, dtype=float)
        values, cum = self._reference()
        idx = np.searchsorted(values, x, side="right")
        c = np.where(idx > 0, cum[np.maximum(idx - 1, 0)], 0.0)
        if floored:
            c = np.where(x < self.floor, 0.0, c)
        return c

    def ppf(self, p, *, floored: bool = True) -> np.ndarray:
        """The smallest value whose CDF reaches ``p``."""
        values, cum = self._reference()
        p = np.asarray(p, dtype=float)
        idx = np.minimum(np.searchsorted(cum, p - 1e-12, side="left"), len(values) - 1)
        x = values[idx]
        return np.maximum(x, self.floor) if floored else x

    @property
    def floor_mass(self) -> float:
        """P(below the floor): the lump at the floor itself is not raised."""
        if math.isinf(self.floor):
            return 0.0
        return float(self.cdf(np.nextafter(self.floor, -np.inf), floored=False))

    def kernel_rows(self) -> tuple[list[list[float]], list[list[int]]]:
        """One row per fit: A, B, alpha, beta and the cumulative weight."""
        rows, flags = [], []
        cumulative = np.cumsum([w for w, _ in self.fits])
        cumulative[-1] = 1.0
        for (_, fit), cw in zip(self.fits, cumulative, strict=True):
            row = [0.0] * N_ROW_COLS
            row[FIT_A], row[FIT_B] = fit.A, fit.B
            row[FIT_ALPHA], row[FIT_BETA] = fit.alpha, fit.beta
            row[-1] = float(cw)
            rows.append(row)
            flags.append([0, 0])
        return rows, flags

    def kernel_fparams(self) -> list[float]:
        out = super().kernel_fparams()
        out[LOG_N0] = math.log(self.n_params)
        out[LOG_D0] = math.log(self.tokens)
        out[ALPHA_SD] = self.alpha_sd
        out[BETA_SD] = self.beta_sd
        return out


def _positive_normal(
    rng: np.random.Generator, mean: float, sd: float, n: int
) -> np.ndarray:
    """``n`` draws of N(mean, sd**2), each redrawn until at least MIN_EXPONENT."""
    out = np.full(n, mean, dtype=float)
    if sd == 0:
        return out
    todo = np.ones(n, dtype=bool)
    while todo.any():
        out[todo] = mean + sd * rng.standard_normal(todo.sum())
        todo = out < MIN_EXPONENT
    return out


def _ratio_array(n_params, tokens, fit: Fit, a: np.ndarray, b: np.ndarray):
    """:func:`compute_ratio` for arrays of exponents."""
    log_n0, log_d0 = math.log(n_params), math.log(tokens)
    reducible = fit.A * np.exp(-a * log_n0) + fit.B * np.exp(-b * log_d0)
    log_n = np.log(fit.A / (reducible * b / (a + b))) / a
    log_d = np.log(fit.B / (reducible * a / (a + b))) / b
    return np.exp(log_n0 + log_d0 - log_n - log_d)


class ChinchillaFamily(FamilyBase):
    """``dist = "chinchilla"``: the factor of :func:`compute_ratio`, per sample."""

    name = "chinchilla"
    builds = ChinchillaMarginal

    def marginal(self, spec: ChinchillaSpec, defaults: Defaults) -> ChinchillaMarginal:
        return ChinchillaMarginal(
            **identity_of(spec),
            fits=tuple(spec.weighted_fits()),
            n_params=spec.n_params,
            tokens=spec.tokens,
            alpha_sd=spec.alpha_sd,
            beta_sd=spec.beta_sd,
            floor=floor_of(spec, defaults),
        )
