"""``dist = "lognormal"``: a multiplier that is (split) normal in log space."""

from __future__ import annotations

import math

from effcast.families._base import Marginal, bounded_marginal, split_from_ci
from effcast.families._layout import KIND_SPLIT
from effcast.prior._schema import Defaults, LognormalSpec, floor_of, level_of

__all__ = ["LognormalFamily"]


class LognormalFamily:
    """``dist = "lognormal"``: a (split) normal on the natural logarithm."""

    name = "lognormal"
    kind = KIND_SPLIT
    copula_ok = True

    def marginal(self, spec: LognormalSpec, defaults: Defaults) -> Marginal:
        return self.belief(spec, defaults, spec, floor_of(spec, defaults))

    def belief(self, spec, defaults: Defaults, ident, floor: float) -> Marginal:
        """The distribution of a lognormal belief, named after ``ident``."""
        if spec.ci is not None:
            med = None if spec.median is None else math.log(spec.median)
            loc, s_lo, s_hi = split_from_ci(
                math.log(spec.ci[0]),
                math.log(spec.ci[1]),
                level_of(spec, defaults),
                med,
            )
        else:
            loc, s_lo, s_hi = spec.mu, spec.sigma, spec.sigma
        return bounded_marginal(spec, ident, floor, self.name, True, loc, s_lo, s_hi)
