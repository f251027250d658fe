"""``dist = "truncnormal"``: a (split) normal multiplier, truncated."""

from __future__ import annotations

from effcast.families._base import SplitFamily

__all__ = ["TruncnormalFamily"]


class TruncnormalFamily(SplitFamily):
    """``dist = "truncnormal"``: a (split) normal, truncated to [lower, upper]."""

    name = "truncnormal"
    log = False
    explicit = ("mean", "sd")
