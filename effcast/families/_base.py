"""Distribution families: from a validated factor entry to a sampled marginal.

Every family effcast knows is a *transformed, truncated split normal*:

    z ~ N(0, 1) truncated to [z_lo, z_hi]
    y = loc + (s_lo if z < 0 else s_hi) * z
    x = exp(y) for log families, y otherwise
    x = max(x, floor)

With ``s_lo == s_hi`` this is the plain (truncated) normal or lognormal. With
``s_lo != s_hi`` it is the *split* (two-piece) form that lets a factor hold a
median that is not the centre of its credible interval: half the mass lies on
each side of ``loc``, and each side is a half-normal scaled to put one end of
the interval at the right quantile. So the three stated quantiles (the
interval's ends and the median) hold exactly, and the plain family is the
special case where the median is the centre.

A family is a small object that turns a factor entry into a *factor
distribution*: something that writes the rows the kernels read, and answers
``cdf``/``ppf``/``median`` questions exactly (the :class:`FactorDistribution`
protocol). :class:`Marginal` is the split normal above; mixtures
(:mod:`effcast.families._mixture`) and scaling-law factors
(:mod:`effcast.families._chinchilla`) are built from it. The families
themselves (one module each) are listed in
:mod:`effcast.families._registry`, keyed by the ``dist`` name used in
prior files. The kernels only ever see the numbers.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from statistics import NormalDist
from typing import Any, ClassVar, Protocol, TypedDict

import numpy as np

from effcast._errors import EffcastError
from effcast.families._layout import (
    FLOOR,
    KIND_SPLIT,
    METHOD_INV_LOWER,
    METHOD_INV_UPPER,
    METHOD_NONE,
    METHOD_REJECT,
    N_FPARAM_COLS,
)
from effcast.prior._schema import Defaults, floor_of, level_of

__all__ = [
    "FactorBase",
    "FactorIdentity",
    "Family",
    "FamilyBase",
    "FactorDistribution",
    "Marginal",
    "SplitFamily",
    "bounded_marginal",
    "identity_of",
    "split_from_ci",
]

_SQRT1_2 = 0.7071067811865476
_NORMAL = NormalDist()


def _ndtr(z: float) -> float:
    """The standard normal CDF of a scalar (stdlib, so loading stays light)."""
    return 0.5 * math.erfc(-z * _SQRT1_2)


def _ndtri(p: float) -> float:
    """The standard normal quantile of a scalar (Wichura's AS 241, in stdlib)."""
    if p <= 0.0:
        return -math.inf
    if p >= 1.0:
        return math.inf
    return _NORMAL.inv_cdf(p)


# Truncation regions with at least this much mass are sampled by rejection
# (exact, and cheaper than an inverse CDF); thinner ones by the inverse CDF.
REJECTION_MIN_MASS = 0.3


class FactorBase:
    """What every factor distribution derives the same way from its own
    ``ppf``/``cdf`` and ``floor``: the median, the floor's lump, and the
    factor's row of ``fparams`` (families add their own columns to it)."""

    floor: float
    kind: ClassVar[int]
    copula_ok: ClassVar[bool]

    def ppf(self, p, *, floored: bool = True) -> np.ndarray:
        """The quantile function; each family defines it."""
        raise NotImplementedError

    def cdf(self, x, *, floored: bool = True) -> np.ndarray:
        """The distribution function; each family defines it."""
        raise NotImplementedError

    @property
    def median(self) -> float:
        """The median after truncation and floor."""
        return float(self.ppf(0.5))

    @property
    def floor_mass(self) -> float:
        """The probability that the floor raises a draw (before the floor)."""
        if math.isinf(self.floor):
            return 0.0
        return float(self.cdf(self.floor, floored=False))

    def kernel_fparams(self) -> list[float]:
        """The factor's row of ``fparams`` (see _layout)."""
        out = [0.0] * N_FPARAM_COLS
        out[FLOOR] = self.floor
        return out


@dataclass(frozen=True)
class Marginal(FactorBase):
    """One factor's distribution, as numbers the kernels understand.

    Parameters are those of the module docstring; ``lower``/``upper`` are the
    truncation bounds on the factor's own scale (``-inf``/``inf`` for none)
    and ``floor`` the value below which draws are raised (``-inf`` for none).
    """

    name: str
    group: str
    reduces: str
    family: str
    log: bool
    loc: float
    s_lo: float
    s_hi: float
    lower: float = -math.inf
    upper: float = math.inf
    floor: float = -math.inf

    kind = KIND_SPLIT
    copula_ok = True

    # -- the standard-normal picture ------------------------------------
    def _to_z(self, x: float) -> float:
        """The standard-normal value that maps to ``x`` (monotone)."""
        if math.isinf(x):
            return x
        if self.log:
            if x <= 0:
                return -math.inf
            y = math.log(x)
        else:
            y = x
        d = y - self.loc
        return d / (self.s_lo if d < 0 else self.s_hi)

    def _from_z(self, z: np.ndarray) -> np.ndarray:
        y = self.loc + np.where(z < 0, self.s_lo, self.s_hi) * z
        return np.exp(y) if self.log else y

    @property
    def z_bounds(self) -> tuple[float, float]:
        """The truncation bounds in standard-normal units."""
        return self._to_z(self.lower), self._to_z(self.upper)

    @property
    def mass(self) -> float:
        """The probability the untruncated distribution puts inside the bounds."""
        a, b = self.z_bounds
        if b <= 0:
            return _ndtr(b) - _ndtr(a)
        return _ndtr(-a) - _ndtr(-b)

    @property
    def method(self) -> int:
        """How the kernel draws the truncated standard normal."""
        a, b = self.z_bounds
        if math.isinf(a) and math.isinf(b):
            return METHOD_NONE
        if self.mass >= REJECTION_MIN_MASS:
            return METHOD_REJECT
        return METHOD_INV_UPPER if a > 0 else METHOD_INV_LOWER

    # -- reference functions (scipy, used by tests, docs and reports) ----
    def ppf(self, p: float | np.ndarray, *, floored: bool = True) -> np.ndarray:
        """Quantile function of the marginal (after truncation and floor).

        Examples
        --------
        >>> import math
        >>> m = Marginal("x", "g", "compute", "lognormal", True, math.log(2.5),
        ...              0.4, 0.6)
        >>> float(m.ppf(0.5))
        2.5
        """
        from scipy import special

        p = np.asarray(p, dtype=float)
        a, b = self.z_bounds
        if b <= 0:
            lo, hi = special.ndtr(a), special.ndtr(b)
            z = special.ndtri(lo + p * (hi - lo))
        else:
            lo, hi = special.ndtr(-a), special.ndtr(-b)
            z = -special.ndtri(lo - p * (lo - hi))
        x = self._from_z(z)
        return np.maximum(x, self.floor) if floored else x

    def cdf(self, x: float | np.ndarray, *, floored: bool = True) -> np.ndarray:
        """Cumulative distribution function (after truncation and floor)."""
        from scipy import special

        x = np.asarray(x, dtype=float)
        a, b = self.z_bounds
        z = np.vectorize(self._to_z, otypes=[float])(x)
        z = np.clip(z, a, b)
        if b <= 0:
            lo, hi = special.ndtr(a), special.ndtr(b)
            c = (special.ndtr(z) - lo) / (hi - lo)
        else:
            lo, hi = special.ndtr(-a), special.ndtr(-b)
            c = (lo - special.ndtr(-z)) / (lo - hi)
        if floored:
            c = np.where(x < self.floor, 0.0, c)
        return c

    def pdf(self, x: float | np.ndarray) -> np.ndarray:
        """Density of the truncated distribution (before the floor)."""
        x = np.asarray(x, dtype=float)
        z = np.vectorize(self._to_z, otypes=[float])(x)
        a, b = self.z_bounds
        s = np.where(z < 0, self.s_lo, self.s_hi)
        dens = np.exp(-0.5 * z * z) / math.sqrt(2 * math.pi) / s / self.mass
        if self.log:
            dens = dens / np.where(x > 0, x, np.inf)
        return np.where((z >= a) & (z <= b), dens, 0.0)

    def kernel_row(
        self, cumulative_weight: float = 1.0
    ) -> tuple[list[float], list[int]]:
        """This component's row of ``rows`` and ``rowflags`` (see _layout)."""
        a, b = self.z_bounds
        row = [
            self.loc,
            self.s_lo,
            self.s_hi,
            a,
            b,
            _ndtr(a),
            _ndtr(b),
            _ndtr(-a),
            _ndtr(-b),
            cumulative_weight,
        ]
        return row, [int(self.log), self.method]

    def kernel_rows(self) -> tuple[list[list[float]], list[list[int]]]:
        """The rows the kernels read for this factor (one: a single component)."""
        row, flags = self.kernel_row()
        return [row], [flags]


class FactorDistribution(Protocol):
    """What the sampler, reports and tests need of one factor's distribution.

    The attributes are read-only: distributions are frozen dataclasses.
    """

    @property
    def name(self) -> str: ...

    @property
    def group(self) -> str: ...

    @property
    def reduces(self) -> str: ...

    @property
    def family(self) -> str: ...

    @property
    def floor(self) -> float: ...

    @property
    def kind(self) -> int: ...

    @property
    def copula_ok(self) -> bool: ...

    def ppf(self, p, *, floored: bool = True) -> np.ndarray: ...

    def cdf(self, x, *, floored: bool = True) -> np.ndarray: ...

    @property
    def median(self) -> float: ...

    @property
    def floor_mass(self) -> float: ...

    def kernel_rows(self) -> tuple[list[list[float]], list[list[int]]]: ...

    def kernel_fparams(self) -> list[float]: ...


class Family(Protocol):
    """What a distribution family provides: its name and a way to build marginals."""

    @property
    def name(self) -> str: ...

    @property
    def kind(self) -> int: ...

    @property
    def copula_ok(self) -> bool: ...

    def marginal(self, spec: Any, defaults: Defaults) -> FactorDistribution:
        """Turn a validated factor entry into its distribution."""
        ...


class FactorIdentity(TypedDict):
    """What a distribution takes from its factor entry unchanged."""

    name: str
    group: str
    reduces: str


def identity_of(ident: Any) -> FactorIdentity:
    """The name, group and effect of a factor entry, as distributions take them."""
    return {"name": ident.name, "group": ident.group, "reduces": ident.reduces}


class FamilyBase:
    """What every family shares: its kernel ``kind`` and whether it can take
    part in a copula are those of the distribution it ``builds``."""

    name: str
    builds: type[FactorBase]

    @property
    def kind(self) -> int:
        """The kernel kind of the distributions this family builds."""
        return self.builds.kind

    @property
    def copula_ok(self) -> bool:
        """Whether this family's factors can take part in a copula."""
        return self.builds.copula_ok


class SplitFamily(FamilyBase):
    """A family whose belief is one split normal (see the module docstring),
    on the natural logarithm (``log``) or on the multiplier itself.

    A belief states ``ci`` and ``level`` (and perhaps ``median``) on the
    multiplier's scale, or the centre and spread of the normal by the two
    keys named in ``explicit``.
    """

    builds = Marginal
    log: bool
    explicit: tuple[str, str]

    def marginal(self, spec: Any, defaults: Defaults) -> Marginal:
        return self.belief(spec, defaults, spec, floor_of(spec, defaults))

    def belief(self, spec, defaults: Defaults, ident, floor: float) -> Marginal:
        """The distribution of a belief of this family, named after ``ident``."""
        if spec.ci is not None:
            (lo, hi), median = spec.ci, spec.median
            if self.log:
                lo, hi = math.log(lo), math.log(hi)
                median = None if median is None else math.log(median)
            level = level_of(spec, defaults)
            loc, s_lo, s_hi = split_from_ci(lo, hi, level, median)
        else:
            loc, spread = (getattr(spec, key) for key in self.explicit)
            s_lo = s_hi = spread
        return bounded_marginal(
            spec, ident, floor, self.name, self.log, loc, s_lo, s_hi
        )


def split_from_ci(
    lo: float, hi: float, level: float, median: float | None
) -> tuple[float, float, float]:
    """(loc, s_lo, s_hi) putting lo, median, hi at the right quantiles."""
    z = _ndtri(0.5 + level / 2)
    m = 0.5 * (lo + hi) if median is None else median
    return m, (m - lo) / z, (hi - m) / z


def bounded_marginal(spec, ident, floor, family, log, loc, s_lo, s_hi) -> Marginal:
    m = Marginal(
        **identity_of(ident),
        family=family,
        log=log,
        loc=float(loc),
        s_lo=float(s_lo),
        s_hi=float(s_hi),
        lower=-math.inf if spec.lower is None else float(spec.lower),
        upper=math.inf if spec.upper is None else float(spec.upper),
        floor=floor,
    )
    # A truncated normal that could go negative was refused by the schema
    # (Prior checks lower and floor together, components included).
    if not m.mass > 1e-280:
        raise EffcastError(
            f"factor '{ident.name}', field 'lower': the bounds [{m.lower:g}, "
            f"{m.upper:g}] leave no probability to sample from",
            factor=ident.name,
            field="lower",
        )
    return m
