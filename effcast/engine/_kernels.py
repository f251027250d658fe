"""numba kernels: draw every factor of a block of samples, and their products.

Kernels are small, compiled with ``cache=True`` (a second process loads them
from disk instead of compiling) and ``nogil=True`` (the sampler runs blocks on
several threads at once), never with fastmath. Each reads a numpy
``Generator`` passed in by the caller, so the stream of random numbers is
numpy's own and a block's output depends only on the generator it is given.

The kernels see a model only as numbers (built by
the model layer, in the layout of :mod:`effcast.families._layout`):

``rows`` (float64[R, 10]) and ``rowflags`` (int64[R, 2])
    One row per *component*: a transformed, truncated split normal
    ``x = T(loc + s * z)``, ``z ~ N(0, 1)`` cut to ``[z_lo, z_hi]``, with
    ``s = s_lo`` below zero and ``s_hi`` above, and ``T = exp`` for log
    families. A plain factor has one row; a mixture one per component, with
    cumulative weights; a scaling-law factor one per fit (columns then hold
    ``A, B, alpha, beta``); a constant one row whose ``loc`` is its value.
``factors`` (int64[F, 5]) and ``fparams`` (float64[F, 7])
    One row per factor, in the prior's order: its kind, first row, number of
    rows, whether it reduces compute, and its position in the copula (-1 if
    it is drawn independently); its floor, the bracket used to invert a
    mixture's CDF, and a scaling-law factor's baseline and exponent noise.
``chol`` (float64[C, C])
    The lower Cholesky factor of the latent normals' correlation matrix,
    over the factors that take part in the copula, in the prior's order.
"""

from __future__ import annotations

import math

import numba
import numpy as np

from effcast.engine._special import ndtr, ndtri
from effcast.families._layout import (
    ALPHA_SD,
    BETA_SD,
    COPULA,
    CUMW,
    FIT_A,
    FIT_ALPHA,
    FIT_B,
    FIT_BETA,
    FLOOR,
    IS_COMPUTE,
    IS_LOG,
    KIND,
    KIND_CHINCHILLA,
    KIND_CONSTANT,
    KIND_MIXTURE,
    KIND_SPLIT,
    LOC,
    LOG_D0,
    LOG_N0,
    METHOD,
    METHOD_INV_UPPER,
    METHOD_NONE,
    METHOD_REJECT,
    MIN_EXPONENT,
    NROWS,
    PL_A,
    PL_B,
    PU_A,
    PU_B,
    ROW0,
    S_HI,
    S_LO,
    X_HI,
    X_LO,
    Z_HI,
    Z_LO,
)

__all__ = [
    "chinchilla_ratio",
    "fill_block",
    "split_cdf",
    "split_value",
    "truncated_quantile",
    "truncated_standard_normal",
]

_jit = numba.njit(cache=True, nogil=True)


@_jit
def truncated_standard_normal(gen, method, z_lo, z_hi, p_a, p_b):
    """One draw of N(0, 1) restricted to [z_lo, z_hi], exactly.

    ``method`` 0: no truncation; 1: rejection (used when the interval holds
    much of the mass); 2: inverse CDF from the lower tail, with
    ``p_a, p_b = Phi(z_lo), Phi(z_hi)``; 3: inverse CDF from the upper tail,
    with ``p_a, p_b = Phi(-z_lo), Phi(-z_hi)`` (accurate far out on the right).
    """
    if method == 0:
        return gen.standard_normal()
    if method == 1:
        while True:
            z = gen.standard_normal()
            if z_lo <= z <= z_hi:
                return z
    u = gen.random()
    if method == 2:
        z = ndtri(p_a + u * (p_b - p_a))
    else:
        z = -ndtri(p_a - u * (p_a - p_b))
    # Guard against rounding pushing a draw a hair outside the bounds.
    return min(max(z, z_lo), z_hi)


@_jit
def split_value(z, loc, s_lo, s_hi, is_log):
    """The factor value at standard-normal ``z``: ``T(loc + s * z)``."""
    y = loc + (s_lo if z < 0.0 else s_hi) * z
    return math.exp(y) if is_log else y


@_jit
def truncated_quantile(w, method, z_lo, z_hi, pl_a, pl_b, pu_a, pu_b):
    """The truncated standard normal at the quantile ``Phi(w)``: the copula's map.

    Works from whichever tail keeps precision: the lower one when the
    truncation region lies below zero or ``w`` is negative, the upper one
    otherwise. ``pl_*`` are ``Phi(z_lo), Phi(z_hi)``; ``pu_*`` are
    ``Phi(-z_lo), Phi(-z_hi)``.
    """
    if method == METHOD_NONE:
        return w
    if z_lo > 0.0 or (z_hi >= 0.0 and w > 0.0):
        z = -ndtri(pu_b + ndtr(-w) * (pu_a - pu_b))
    else:
        z = ndtri(pl_a + ndtr(w) * (pl_b - pl_a))
    return min(max(z, z_lo), z_hi)


@_jit
def split_cdf(rows, rowflags, r, x):
    """The CDF of component row ``r`` at ``x`` (before any floor)."""
    if rowflags[r, IS_LOG]:
        if x <= 0.0:
            return 0.0
        y = math.log(x)
    else:
        y = x
    d = y - rows[r, LOC]
    z = d / (rows[r, S_LO] if d < 0.0 else rows[r, S_HI])
    z = min(max(z, rows[r, Z_LO]), rows[r, Z_HI])
    if rows[r, Z_LO] > 0.0:
        # The region lies in the upper tail: Phi there rounds to 1, so work
        # with Phi(-z) instead.
        return (rows[r, PU_A] - ndtr(-z)) / (rows[r, PU_A] - rows[r, PU_B])
    return (ndtr(z) - rows[r, PL_A]) / (rows[r, PL_B] - rows[r, PL_A])


@_jit
def mixture_from_normal(rows, rowflags, r0, nrows, w, x_lo, x_hi):
    """A mixture's quantile at ``Phi(w)``, by bisection on its CDF."""
    return mixture_quantile(rows, rowflags, r0, nrows, ndtr(w), x_lo, x_hi)


@_jit
def mixture_quantile(rows, rowflags, r0, nrows, u, x_lo, x_hi):
    """A mixture's quantile at ``u``, by bisection on its CDF."""
    geometric = x_lo > 0.0
    lo, hi = x_lo, x_hi
    for _ in range(100):
        mid = math.sqrt(lo * hi) if geometric else 0.5 * (lo + hi)
        if not lo < mid < hi:
            break
        c = 0.0
        prev = 0.0
        for k in range(nrows):
            cw = rows[r0 + k, CUMW]
            c += (cw - prev) * split_cdf(rows, rowflags, r0 + k, mid)
            prev = cw
        if c < u:
            lo = mid
        else:
            hi = mid
    return math.sqrt(lo * hi) if geometric else 0.5 * (lo + hi)


@_jit
def pick_row(u, rows, r0, nrows):
    """The component row whose cumulative weight first exceeds ``u``."""
    for k in range(nrows - 1):
        if u < rows[r0 + k, CUMW]:
            return r0 + k
    return r0 + nrows - 1


@_jit
def chinchilla_ratio(log_n0, log_d0, a, b, alpha, beta):
    """Baseline compute over the least compute reaching the same loss.

    Under ``L = E + A/N**alpha + B/D**beta`` at ``C = 6 N D``, the optimum
    spends the reducible loss ``R`` in the proportion ``A/N**alpha : B/D**beta
    = beta : alpha``, which gives the closed form below.
    """
    p0 = a * math.exp(-alpha * log_n0)
    q0 = b * math.exp(-beta * log_d0)
    reducible = p0 + q0
    p = reducible * beta / (alpha + beta)
    q = reducible * alpha / (alpha + beta)
    log_n = math.log(a / p) / alpha
    log_d = math.log(b / q) / beta
    return math.exp(log_n0 + log_d0 - log_n - log_d)


@_jit
def _noisy_exponent(gen, fit, sd):
    """``fit``, or with ``sd > 0`` a normal draw around it, redrawn until at
    least ``MIN_EXPONENT``."""
    if sd <= 0.0:
        return fit
    while True:
        e = fit + sd * gen.standard_normal()
        if e >= MIN_EXPONENT:
            return e


@_jit
def draw_chinchilla(gen, rows, r0, nrows, fparams, j):
    r = r0 if nrows == 1 else pick_row(gen.random(), rows, r0, nrows)
    alpha = _noisy_exponent(gen, rows[r, FIT_ALPHA], fparams[j, ALPHA_SD])
    beta = _noisy_exponent(gen, rows[r, FIT_BETA], fparams[j, BETA_SD])
    return chinchilla_ratio(
        fparams[j, LOG_N0],
        fparams[j, LOG_D0],
        rows[r, FIT_A],
        rows[r, FIT_B],
        alpha,
        beta,
    )


@_jit
def fill_block(gen, rows, rowflags, factors, fparams, chol, out_factors, out_totals):
    """Sample one block: every factor in order, floored, and the two products.

    Parameters
    ----------
    gen : numpy.random.Generator
        The block's own stream.
    rows, rowflags, factors, fparams, chol
        The model as numbers (see the module docstring).
    out_factors : float64[n_factors or 0, m]
        Receives each factor's value; pass zero rows to keep only totals.
    out_totals : float64[2, m]
        Receives the hardware reduction (all factors) and the compute
        reduction (factors that reduce compute) of each sample.

    Notes
    -----
    The common case (a split-normal factor drawn on its own) is written out
    here rather than in a helper: a call that passes arrays costs
    reference-count updates, several times the price of the draw itself.
    """
    n_factors = factors.shape[0]
    keep = out_factors.shape[0] > 0
    latent = np.zeros(max(chol.shape[0], 1))
    for i in range(out_totals.shape[1]):
        hardware = 1.0
        compute = 1.0
        for j in range(n_factors):
            kind = factors[j, KIND]
            r = factors[j, ROW0]
            c = factors[j, COPULA]
            if c >= 0:
                latent[c] = gen.standard_normal()
                w = 0.0
                for k in range(c + 1):
                    w += chol[c, k] * latent[k]
                if kind == KIND_SPLIT:
                    z = truncated_quantile(
                        w,
                        rowflags[r, METHOD],
                        rows[r, Z_LO],
                        rows[r, Z_HI],
                        rows[r, PL_A],
                        rows[r, PL_B],
                        rows[r, PU_A],
                        rows[r, PU_B],
                    )
                    x = split_value(
                        z,
                        rows[r, LOC],
                        rows[r, S_LO],
                        rows[r, S_HI],
                        rowflags[r, IS_LOG],
                    )
                elif kind == KIND_MIXTURE:
                    x = mixture_from_normal(
                        rows,
                        rowflags,
                        r,
                        factors[j, NROWS],
                        w,
                        fparams[j, X_LO],
                        fparams[j, X_HI],
                    )
                else:
                    raise ValueError("a factor kind the copula cannot sample")
            elif kind == KIND_CHINCHILLA:
                x = draw_chinchilla(gen, rows, r, factors[j, NROWS], fparams, j)
            elif kind == KIND_CONSTANT:
                # Exactly its value, and no random number is used.
                x = rows[r, LOC]
            else:
                if kind == KIND_MIXTURE:
                    r = pick_row(gen.random(), rows, r, factors[j, NROWS])
                elif kind != KIND_SPLIT:
                    raise ValueError("an unknown factor kind")
                method = rowflags[r, METHOD]
                # The two common draws are written out (a call that passes
                # the generator costs more than the draw); the inverse-CDF
                # ones go through truncated_standard_normal.
                if method == METHOD_NONE:
                    z = gen.standard_normal()
                elif method == METHOD_REJECT:
                    z_lo, z_hi = rows[r, Z_LO], rows[r, Z_HI]
                    z = gen.standard_normal()
                    while z < z_lo or z > z_hi:
                        z = gen.standard_normal()
                else:
                    if method == METHOD_INV_UPPER:
                        p_a, p_b = rows[r, PU_A], rows[r, PU_B]
                    else:
                        p_a, p_b = rows[r, PL_A], rows[r, PL_B]
                    z = truncated_standard_normal(
                        gen, method, rows[r, Z_LO], rows[r, Z_HI], p_a, p_b
                    )
                x = split_value(
                    z, rows[r, LOC], rows[r, S_LO], rows[r, S_HI], rowflags[r, IS_LOG]
                )
            if x < fparams[j, FLOOR]:
                x = fparams[j, FLOOR]
            if keep:
                out_factors[j, i] = x
            hardware *= x
            if factors[j, IS_COMPUTE]:
                compute *= x
        out_totals[0, i] = hardware
        out_totals[1, i] = compute
