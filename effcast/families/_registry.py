"""The registry of distribution families: the one list of every ``dist``.

A family is one module in this package (its marginal, kernel kind and
whether it can take part in a copula) plus its spec in
:mod:`effcast.prior._specs` and, if it needs one, its branch in the kernel.
Adding it to :data:`FAMILIES` below is what makes the sampler, the copula
guard and the conformance tests see it; nothing registers itself on import.
"""

from __future__ import annotations

from effcast._errors import EffcastError
from effcast.families._base import FactorDistribution, Family
from effcast.families._chinchilla import ChinchillaFamily
from effcast.families._constant import ConstantFamily
from effcast.families._lognormal import LognormalFamily
from effcast.families._mixture import MixtureFamily
from effcast.families._truncnormal import TruncnormalFamily
from effcast.prior._schema import Defaults
from effcast.prior._specs import FAMILY_NAMES

__all__ = ["FAMILIES", "marginal_from_spec"]

FAMILIES: dict[str, Family] = {
    f.name: f
    for f in (
        LognormalFamily(),
        TruncnormalFamily(),
        MixtureFamily(),
        ChinchillaFamily(),
        ConstantFamily(),
    )
}
"""Every family, keyed by its ``dist`` name, in the order the docs list them."""

if tuple(FAMILIES) != FAMILY_NAMES:  # pragma: no cover - a developer's slip
    raise ImportError(
        f"families {tuple(FAMILIES)} and the prior's specs {FAMILY_NAMES} disagree"
    )


def marginal_from_spec(spec, defaults: Defaults) -> FactorDistribution:
    """Build the distribution of one validated factor entry."""
    try:
        family = FAMILIES[spec.dist]
    except KeyError:  # pragma: no cover - the schema admits only known names
        raise EffcastError(
            f"factor {spec.name!r}, field 'dist': unknown family {spec.dist!r}",
            factor=spec.name,
            field="dist",
        ) from None
    return family.marginal(spec, defaults)
