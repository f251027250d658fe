"""``dist = "constant"``: a factor pinned at one value.

Every draw is exactly ``value``: the kernel copies it from the factor's one
row and uses no random numbers, so pinning a factor leaves the streams of
the other factors as they were. A constant ignores floors and cannot take
part in a copula.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from effcast.families._base import FactorBase, FamilyBase, identity_of
from effcast.families._layout import KIND_CONSTANT, LOC, N_ROW_COLS
from effcast.prior._schema import ConstantSpec, Defaults

__all__ = ["ConstantFamily", "ConstantMarginal"]


@dataclass(frozen=True)
class ConstantMarginal(FactorBase):
    """A point mass at ``value``.

    Examples
    --------
    >>> m = ConstantMarginal("x", "g", "compute", 2.98)
    >>> float(m.ppf(0.9)), float(m.cdf(2.98)), m.median
    (2.98, 1.0, 2.98)
    """

    name: str
    group: str
    reduces: str
    value: float
    family: str = "constant"
    floor: float = -math.inf

    kind = KIND_CONSTANT
    copula_ok = False

    def ppf(self, p: float | np.ndarray, *, floored: bool = True) -> np.ndarray:
        """The value, whatever the probability."""
        return np.full_like(np.asarray(p, dtype=float), self.value)

    def cdf(self, x: float | np.ndarray, *, floored: bool = True) -> np.ndarray:
        """0 below the value, 1 from it on."""
        return np.where(np.asarray(x, dtype=float) >= self.value, 1.0, 0.0)

    def kernel_rows(self) -> tuple[list[list[float]], list[list[int]]]:
        """One row holding the value in its ``loc`` column."""
        row = [0.0] * N_ROW_COLS
        row[LOC] = self.value
        return [row], [[0, 0]]


class ConstantFamily(FamilyBase):
    """``dist = "constant"``: exactly ``value``."""

    name = "constant"
    builds = ConstantMarginal

    def marginal(self, spec: ConstantSpec, defaults: Defaults) -> ConstantMarginal:
        return ConstantMarginal(**identity_of(spec), value=float(spec.value))
