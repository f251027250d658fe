"""``dist = "mixture"``: a weighted mixture of lognormal / truncated-normal beliefs.

A mixture holds two (or more) views at once, for example two sources that
disagree. Drawn independently, a sample picks component ``k`` with
probability ``w_k`` and draws from it. Inside a copula (a correlated factor)
the sampler needs the mixture's quantile function instead, which has no
closed form: the kernel inverts the mixture's CDF by bisection between the
bracket :attr:`MixtureMarginal.bracket` computed here.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from effcast.families._base import FactorBase, FamilyBase, Marginal, identity_of
from effcast.families._layout import KIND_MIXTURE, X_HI, X_LO
from effcast.families._lognormal import LognormalFamily
from effcast.families._truncnormal import TruncnormalFamily
from effcast.prior._schema import Defaults, MixtureSpec, floor_of

__all__ = ["MixtureFamily", "MixtureMarginal"]

# The bracket for inverting the CDF spans these quantiles of every component.
_TAIL = 1e-15


@dataclass(frozen=True)
class MixtureMarginal(FactorBase):
    """A mixture of split-normal components, floored as a whole.

    Examples
    --------
    >>> import effcast
    >>> model = effcast.Model.from_dict({
    ...     "period": {"start": 2020.0, "end": 2024.0},
    ...     "factor": [{"name": "views", "reduces": "compute", "dist": "mixture",
    ...                 "components": [
    ...                     {"weight": 1, "dist": "lognormal", "ci": [1.5, 3.0],
    ...                      "level": 0.8},
    ...                     {"weight": 1, "dist": "lognormal", "ci": [4.0, 8.0],
    ...                      "level": 0.8}]}],
    ... })
    >>> m = model.marginals[0]
    >>> round(float(m.cdf(m.ppf(0.3))), 6)
    0.3
    """

    name: str
    group: str
    reduces: str
    components: tuple[Marginal, ...]
    weights: tuple[float, ...]
    floor: float = -math.inf

    family = "mixture"
    kind = KIND_MIXTURE
    copula_ok = True

    @property
    def bracket(self) -> tuple[float, float]:
        """Values between which every quantile the kernel needs lies."""
        with np.errstate(over="ignore"):
            lo = min(float(c.ppf(_TAIL, floored=False)) for c in self.components)
            hi = max(float(c.ppf(1 - _TAIL, floored=False)) for c in self.components)
        # Keep the bracket finite, and positive when every component is a
        # lognormal, so the kernel can bisect on the log scale.
        hi = min(hi, 1e300)  # a component so wide its tail overflows
        if all(c.log for c in self.components):
            lo = max(lo, 1e-300)
        return lo, hi

    def cdf(self, x, *, floored: bool = True) -> np.ndarray:
        """The mixture's CDF (after the floor unless ``floored=False``)."""
        x = np.asarray(x, dtype=float)
        c = sum(
            w * c.cdf(x, floored=False)
            for w, c in zip(self.weights, self.components, strict=True)
        )
        c = np.asarray(c, dtype=float)
        if floored:
            c = np.where(x < self.floor, 0.0, c)
        return c

    def pdf(self, x) -> np.ndarray:
        """The mixture's density (before the floor)."""
        out = np.zeros(np.shape(x))
        for w, c in zip(self.weights, self.components, strict=True):
            out = out + w * c.pdf(x)
        return out

    def ppf(self, p, *, floored: bool = True) -> np.ndarray:
        """The mixture's quantile function, by root-finding on its CDF."""
        from scipy import optimize

        lo, hi = self.bracket

        def one(q: float) -> float:
            if q <= 0:
                return lo
            if q >= 1:
                return hi
            return optimize.brentq(
                lambda v: float(self.cdf(v, floored=False)) - q,
                lo,
                hi,
                xtol=1e-14,
                rtol=1e-13,
                maxiter=500,
            )

        x = np.vectorize(one, otypes=[float])(np.asarray(p, dtype=float))
        return np.maximum(x, self.floor) if floored else x

    def kernel_rows(self) -> tuple[list[list[float]], list[list[int]]]:
        """One row per component, with cumulative weights."""
        rows, flags = [], []
        cumulative = np.cumsum(self.weights)
        cumulative[-1] = 1.0
        for c, cw in zip(self.components, cumulative, strict=True):
            row, flag = c.kernel_row(float(cw))
            rows.append(row)
            flags.append(flag)
        return rows, flags

    def kernel_fparams(self) -> list[float]:
        out = super().kernel_fparams()
        out[X_LO], out[X_HI] = self.bracket
        return out


_SPLIT = {f.name: f for f in (LognormalFamily(), TruncnormalFamily())}


class MixtureFamily(FamilyBase):
    """``dist = "mixture"``: components of any split-normal family, weighted."""

    name = "mixture"
    builds = MixtureMarginal

    def marginal(self, spec: MixtureSpec, defaults: Defaults) -> MixtureMarginal:
        floor = floor_of(spec, defaults)
        parts = []
        for c in spec.components:
            # The floor applies to the mixture as a whole, not per component.
            parts.append(_SPLIT[c.dist].belief(c, defaults, spec, -math.inf))
        total = sum(c.weight for c in spec.components)
        return MixtureMarginal(
            **identity_of(spec),
            components=tuple(parts),
            weights=tuple(c.weight / total for c in spec.components),
            floor=floor,
        )
