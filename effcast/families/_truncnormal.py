"""``dist = "truncnormal"``: a (split) normal multiplier, truncated."""

from __future__ import annotations

from effcast.families._base import Marginal, bounded_marginal, split_from_ci
from effcast.families._layout import KIND_SPLIT
from effcast.prior._schema import Defaults, TruncnormalSpec, floor_of, level_of

__all__ = ["TruncnormalFamily"]


class TruncnormalFamily:
    """``dist = "truncnormal"``: a (split) normal, truncated to [lower, upper]."""

    name = "truncnormal"
    kind = KIND_SPLIT
    copula_ok = True

    def marginal(self, spec: TruncnormalSpec, defaults: Defaults) -> Marginal:
        return self.belief(spec, defaults, spec, floor_of(spec, defaults))

    def belief(self, spec, defaults: Defaults, ident, floor: float) -> Marginal:
        """The distribution of a truncated-normal belief, named after ``ident``."""
        if spec.ci is not None:
            loc, s_lo, s_hi = split_from_ci(
                spec.ci[0], spec.ci[1], level_of(spec, defaults), spec.median
            )
        else:
            loc, s_lo, s_hi = spec.mean, spec.sd, spec.sd
        return bounded_marginal(spec, ident, floor, self.name, False, loc, s_lo, s_hi)
