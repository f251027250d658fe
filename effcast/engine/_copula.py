"""Dependence between factors: a Gaussian copula along the prior's order.

A ``[[correlation]]`` entry asks for a Spearman rank correlation between two
factors. Every factor named in one takes part in a Gaussian copula: latent
standard normals ``W`` with correlation matrix ``R``, drawn as ``W = L e``
with ``L`` the lower Cholesky factor of ``R`` over those factors *in the
prior's order*, so each factor's latent value is its regression on the ones
before it plus fresh noise (each factor conditional on those before it). A
factor's value is its own quantile function at ``Phi(W)``, so every marginal
(split, truncated, mixed, floored) is exactly what it would be alone.

Spearman's rho survives monotone maps, so without floors the latent
correlation is the classical ``r = 2 sin(pi rho / 6)``. A floor puts a lump
of probability on one value; rank correlation with ties (mid-ranks, as
``scipy.stats.spearmanr`` computes it) is then smaller in size than the
latent one. :func:`latent_correlation` accounts for that exactly: with
``p`` the mass a floor collects, the mid-rank score of a floored factor is
``h(U) = p/2`` for ``U < p`` and ``U`` otherwise, and ``r`` is solved so that
``corr(h1(U1), h2(U2))`` equals the requested rho.
"""

from __future__ import annotations

import functools
import itertools
import math
from collections.abc import Sequence

import numpy as np

from effcast._errors import EffcastError
from effcast.prior._schema import CorrelationSpec

__all__ = ["build_copula", "latent_correlation", "spearman_from_latent"]

_EDGE = 9.0  # the latent normal is integrated over [-9, 9]


def _bvn_cdf(h: np.ndarray, k: np.ndarray, rho: float) -> np.ndarray:
    """P(X < h, Y < k) for standard normals with correlation ``rho`` (Owen's T)."""
    from scipy import special

    h = np.where(h == 0.0, 1e-12, h)
    k = np.where(k == 0.0, 1e-12, k)
    root = math.sqrt(1.0 - rho * rho)
    t_h = special.owens_t(h, (k - rho * h) / (h * root))
    t_k = special.owens_t(k, (h - rho * k) / (k * root))
    beta = np.where(h * k > 0, 0.0, 0.5)
    return 0.5 * (special.ndtr(h) + special.ndtr(k)) - t_h - t_k - beta


@functools.cache
def _legendre() -> tuple[np.ndarray, np.ndarray]:
    return np.polynomial.legendre.leggauss(400)


def _gauss(a: float, b: float) -> tuple[np.ndarray, np.ndarray]:
    """Gauss-Legendre nodes and weights on [a, b]."""
    nodes, weights = _legendre()
    return 0.5 * (b - a) * nodes + 0.5 * (a + b), 0.5 * (b - a) * weights


def spearman_from_latent(r: float, p1: float = 0.0, p2: float = 0.0) -> float:
    """Spearman's rho (mid-ranks) of two floored factors whose latent r is ``r``.

    ``p1`` and ``p2`` are the probabilities the floors collect (0 for none).

    Examples
    --------
    >>> round(spearman_from_latent(0.5), 6) == round(6 / math.pi * math.asin(0.25), 6)
    True
    """
    if p1 == 0.0 and p2 == 0.0:
        return 6.0 / math.pi * math.asin(r / 2.0)
    from scipy import special

    s = math.sqrt(1.0 - r * r)
    c1 = float(special.ndtri(p1)) if p1 > 0 else -math.inf
    c2 = float(special.ndtri(p2)) if p2 > 0 else -math.inf
    total = 0.0
    # Split the integral over w2 at the floor's edge, where h2 jumps.
    cuts = [-_EDGE, c2, _EDGE] if -_EDGE < c2 < _EDGE else [-_EDGE, _EDGE]
    for a, b in itertools.pairwise(cuts):
        w2, wt = _gauss(a, b)
        m = r * w2
        scale = math.sqrt(1.0 + s * s)
        expect_u1 = special.ndtr(m / scale)
        if p1 > 0:
            below = special.ndtr((c1 - m) / s)
            u1_below = _bvn_cdf(m / scale, (c1 - m) / s, -s / scale)
            g1 = 0.5 * p1 * below + expect_u1 - u1_below
        else:
            g1 = expect_u1
        u2 = special.ndtr(w2)
        h2 = np.where(u2 < p2, 0.5 * p2, u2)
        total += float(np.sum(wt * np.exp(-0.5 * w2 * w2) * h2 * g1))
    mean_product = total / math.sqrt(2.0 * math.pi)
    var1 = (1.0 - p1**3) / 12.0
    var2 = (1.0 - p2**3) / 12.0
    return (mean_product - 0.25) / math.sqrt(var1 * var2)


def latent_correlation(rho: float, p1: float = 0.0, p2: float = 0.0) -> float:
    """The latent normal correlation that gives Spearman ``rho`` after floors.

    Raises
    ------
    ValueError
        If the floors' ties make ``rho`` unreachable.

    Examples
    --------
    >>> round(latent_correlation(0.5), 4)
    0.5176
    """
    if p1 == 0.0 and p2 == 0.0:
        return 2.0 * math.sin(math.pi * rho / 6.0)
    if rho == 0.0:
        return 0.0
    from scipy import optimize

    edge = 1.0 - 1e-9
    lo, hi = spearman_from_latent(-edge, p1, p2), spearman_from_latent(edge, p1, p2)
    if not lo < rho < hi:
        raise ValueError(
            f"with the ties their floors create, these factors' Spearman "
            f"correlation can only lie between {lo:.3f} and {hi:.3f}"
        )
    return optimize.brentq(
        lambda r: spearman_from_latent(r, p1, p2) - rho, -edge, edge, xtol=1e-12
    )


def _non_pd_core(matrix: np.ndarray) -> list[int]:
    """A smallest set of indices whose sub-matrix is not positive definite."""

    def pd(idx: Sequence[int]) -> bool:
        sub = matrix[np.ix_(idx, idx)]
        try:
            np.linalg.cholesky(sub)
        except np.linalg.LinAlgError:
            return False
        return bool(np.linalg.eigvalsh(sub).min() > 1e-10)

    core = list(range(len(matrix)))
    for i in list(core):
        trial = [j for j in core if j != i]
        if len(trial) >= 2 and not pd(trial):
            core = trial
    return core


def build_copula(
    names: Sequence[str],
    marginals: Sequence,
    correlations: Sequence[CorrelationSpec],
    source: str = "<dict>",
) -> tuple[np.ndarray, list[int]]:
    """The Cholesky factor and each factor's position in the copula (-1: none).

    Raises
    ------
    EffcastError
        If a pair's rank correlation cannot be reached, or the correlations
        together are inconsistent (the latent matrix is not positive
        definite); the message names the pairs involved.
    """
    involved = sorted({names.index(n) for c in correlations for n in c.between})
    for j in involved:
        if not marginals[j].copula_ok:
            raise EffcastError(
                f"{source}, factor {names[j]!r}: a {marginals[j].family} factor "
                "cannot take part in a correlation",
                source=source,
                factor=names[j],
                field="between",
            )
    position = [-1] * len(names)
    for k, j in enumerate(involved):
        position[j] = k
    size = len(involved)
    matrix = np.eye(size)
    requested: dict[tuple[int, int], float] = {}
    for idx, c in enumerate(correlations):
        i, j = (names.index(n) for n in c.between)
        p_i, p_j = marginals[i].floor_mass, marginals[j].floor_mass
        for k, p in ((i, p_i), (j, p_j)):
            if p >= 1.0 - 1e-12:
                raise EffcastError(
                    f"{source}, correlation #{idx + 1} ({c.between[0]}, "
                    f"{c.between[1]}), field 'between': factor {names[k]!r} is "
                    f"constant (its floor, {marginals[k].floor:g}, lies above its "
                    "whole range), so it cannot be correlated",
                    source=source,
                    field="between",
                )
        try:
            r = latent_correlation(c.rho, p_i, p_j)
        except ValueError as exc:
            raise EffcastError(
                f"{source}, correlation #{idx + 1} ({c.between[0]}, "
                f"{c.between[1]}), field 'rho': {c.rho:g} cannot be reached: {exc}",
                source=source,
                field="rho",
            ) from None
        a, b = position[i], position[j]
        matrix[a, b] = matrix[b, a] = r
        requested[(min(a, b), max(a, b))] = c.rho
    try:
        chol = np.linalg.cholesky(matrix) if size else np.zeros((0, 0))
        ok = size == 0 or np.linalg.eigvalsh(matrix).min() > 1e-10
    except np.linalg.LinAlgError:
        ok = False
    if not ok:
        core = _non_pd_core(matrix)
        pairs = [
            f"{names[involved[a]]}-{names[involved[b]]} ({rho:g})"
            for (a, b), rho in sorted(requested.items())
            if a in core and b in core
        ]
        raise EffcastError(
            f"{source}, field 'correlation': these correlations cannot hold "
            f"together (their matrix is not positive definite): " + ", ".join(pairs),
            source=source,
            field="correlation",
        )
    return np.ascontiguousarray(chol), position
