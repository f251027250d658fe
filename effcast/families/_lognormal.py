"""``dist = "lognormal"``: a multiplier that is (split) normal in log space."""

from __future__ import annotations

from effcast.families._base import SplitFamily

__all__ = ["LognormalFamily"]


class LognormalFamily(SplitFamily):
    """``dist = "lognormal"``: a (split) normal on the natural logarithm."""

    name = "lognormal"
    log = True
    explicit = ("mu", "sigma")
