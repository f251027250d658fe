"""Randomised quasi-Monte Carlo: scrambled Sobol points through exact inverse CDFs.

Plain Monte Carlo draws each factor from its own random stream. Here each
sample is instead a point of a scrambled Sobol sequence in ``[0, 1)**d``,
and every factor is the exact inverse CDF of its coordinates:

* a (split, truncated) normal or lognormal factor takes one coordinate
  ``u``, mapped to the truncated standard normal by ``ndtri`` on the
  truncation's probability range (from whichever tail keeps precision);
* a mixture takes one coordinate, through the mixture's CDF (bisection, as
  the copula does);
* a scaling-law factor takes three: which fit, and its two exponents'
  noise (each a normal truncated below at ``MIN_EXPONENT``);
* factors in the Gaussian copula take one coordinate each, made into the
  latent normals and correlated by the Cholesky factor, as in Monte Carlo;
* floors are applied after, as in Monte Carlo.

So the samples have the same distribution as those of
:func:`effcast.engine._kernels.fill_block`, with the points more evenly
spread. A run of ``n`` samples is ``R`` independent scrambles of ``n / R``
points each (their spread gives the error); each scramble is cut into blocks
of ``BLOCK_SIZE`` points (:mod:`effcast.engine._sobol` makes the points).

The kernel works a column at a time: a chunk of points, then each factor
over the whole chunk in a few passes (probabilities, inverse normal,
values, products). The passes without a branch or a call run on several
samples at once (SIMD), which is what lets the inverse CDFs, dearer one by
one than Monte Carlo's normal draws, keep up with them.
"""

from __future__ import annotations

import math

import numba
import numpy as np

from effcast.engine._kernels import (
    chinchilla_ratio,
    mixture_from_normal,
    pick_row,
    split_value,
    truncated_quantile,
)
from effcast.engine._sobol import first_column, sobol_columns, start_state
from effcast.engine._special import ndtr, ndtri, ndtri_into
from effcast.families import _layout as L

__all__ = ["fill_block_qmc", "qmc_dims", "truncated_from_uniform"]

_jit = numba.njit(cache=True, nogil=True)
# For the branch-free passes: numpy's error model drops Python's zero-division
# check (no divisor here can be zero), so the loops vectorise.
_vec = numba.njit(cache=True, nogil=True, error_model="numpy")


def qmc_dims(factors: np.ndarray) -> np.ndarray:
    """Each factor's first coordinate, and the dimension, as one array.

    ``out[j]`` is factor ``j``'s first coordinate and ``out[-1]`` the total
    number of coordinates: three for a scaling-law factor, one otherwise.
    """
    width = [3 if k == L.KIND_CHINCHILLA else 1 for k in factors[:, L.KIND]]
    return np.concatenate([[0], np.cumsum(width)]).astype(np.int64)


@_jit
def truncated_from_uniform(u, method, z_lo, z_hi, pl_a, pl_b, pu_a, pu_b):
    """The standard normal truncated to ``[z_lo, z_hi]`` at probability ``u``.

    The inverse CDF from the lower tail, or from the upper one when the
    region lies above zero or ``u > 1/2`` (as :func:`truncated_quantile`).
    The kernel runs the same steps a chunk at a time (:func:`_probabilities`,
    ``ndtri_into``, :func:`_values`); tests check the two agree bit for bit.
    """
    if method == L.METHOD_NONE:
        return ndtri(u)
    if z_lo > 0.0 or (z_hi >= 0.0 and u > 0.5):
        z = -ndtri(pu_b + (1.0 - u) * (pu_a - pu_b))
    else:
        z = ndtri(pl_a + u * (pl_b - pl_a))
    return min(max(z, z_lo), z_hi)


@_vec
def _probabilities(u, m, method, rows, r, p, sign):
    """Where each ``u`` falls on the untruncated normal, and from which tail:
    ``z = sign * ndtri(p)`` (the first steps of :func:`truncated_from_uniform`,
    with row ``r``'s truncation)."""
    z_lo, z_hi = rows[r, L.Z_LO], rows[r, L.Z_HI]
    pl_a, pl_b = rows[r, L.PL_A], rows[r, L.PL_B]
    pu_a, pu_b = rows[r, L.PU_A], rows[r, L.PU_B]
    if method == L.METHOD_NONE:
        for i in range(m):
            p[i] = u[i]
            sign[i] = 1.0
        return
    for i in range(m):
        upper = z_lo > 0.0 or (z_hi >= 0.0 and u[i] > 0.5)
        p[i] = (
            pu_b + (1.0 - u[i]) * (pu_a - pu_b)
            if upper
            else pl_a + u[i] * (pl_b - pl_a)
        )
        sign[i] = -1.0 if upper else 1.0


@_vec
def _logs(z, sign, m, truncated, z_lo, z_hi, loc, s_lo, s_hi, y):
    """``loc + s * z`` at each signed, clamped ``z`` (``split_value``'s first step)."""
    for i in range(m):
        w = sign[i] * z[i]
        if truncated:
            w = min(max(w, z_lo), z_hi)
        y[i] = loc + (s_lo if w < 0.0 else s_hi) * w


@_jit
def _exps(y, m):
    """``exp`` in place (a call per element: kept out of the SIMD passes)."""
    for i in range(m):
        y[i] = math.exp(y[i])


@_vec
def _multiply(x, m, floor, is_compute, hardware, compute):
    """Floor each value and multiply it into the running products."""
    for i in range(m):
        v = x[i]
        if v < floor:
            v = floor
        x[i] = v
        hardware[i] *= v
        if is_compute:
            compute[i] *= v


@_jit
def _exponent(u, mean, sd):
    """``mean + sd * z``, ``z`` normal cut where ``mean + sd z < L.MIN_EXPONENT``."""
    z_lo = (L.MIN_EXPONENT - mean) / sd
    if z_lo > 0.0:
        z = -ndtri((1.0 - u) * ndtr(-z_lo))
    else:
        p = ndtr(z_lo)
        z = ndtri(p + u * (1.0 - p))
    return max(mean + sd * z, L.MIN_EXPONENT)


@_jit
def _chinchilla(u0, u1, u2, rows, r0, nrows, fparams, j):
    r = r0 if nrows == 1 else pick_row(u0, rows, r0, nrows)
    alpha = rows[r, L.FIT_ALPHA]
    beta = rows[r, L.FIT_BETA]
    if fparams[j, L.ALPHA_SD] > 0.0:
        alpha = _exponent(u1, alpha, fparams[j, L.ALPHA_SD])
    if fparams[j, L.BETA_SD] > 0.0:
        beta = _exponent(u2, beta, fparams[j, L.BETA_SD])
    return chinchilla_ratio(
        fparams[j, L.LOG_N0],
        fparams[j, L.LOG_D0],
        rows[r, L.FIT_A],
        rows[r, L.FIT_B],
        alpha,
        beta,
    )


_CHUNK = 512


@_jit
def _other_factor(
    pts, i, d, kind, r, c, j, latent, rows, rowflags, factors, fparams, chol
):
    """Factor ``j`` at point ``i`` when it is not a plain split normal: in the
    copula (``c >= 0``), a mixture, a scaling law or a constant."""
    if kind == L.KIND_CONSTANT:
        return rows[r, L.LOC]  # exactly its value; its coordinate goes unused
    if kind == L.KIND_CHINCHILLA and c < 0:
        return _chinchilla(
            pts[d, i],
            pts[d + 1, i],
            pts[d + 2, i],
            rows,
            r,
            factors[j, L.NROWS],
            fparams,
            j,
        )
    if c >= 0:
        latent[i, c] = ndtri(pts[d, i])
        w = 0.0
        for k in range(c + 1):
            w += chol[c, k] * latent[i, k]
    else:
        w = ndtri(pts[d, i])
    if kind == L.KIND_SPLIT:
        z = truncated_quantile(
            w,
            rowflags[r, L.METHOD],
            rows[r, L.Z_LO],
            rows[r, L.Z_HI],
            rows[r, L.PL_A],
            rows[r, L.PL_B],
            rows[r, L.PU_A],
            rows[r, L.PU_B],
        )
        return split_value(
            z, rows[r, L.LOC], rows[r, L.S_LO], rows[r, L.S_HI], rowflags[r, L.IS_LOG]
        )
    return mixture_from_normal(
        rows,
        rowflags,
        r,
        factors[j, L.NROWS],
        w,
        fparams[j, L.X_LO],
        fparams[j, L.X_HI],
    )


@_jit
def _split_column(u, m, r, rows, rowflags, p, sign, x):
    """A plain split (log)normal factor at the chunk's coordinates ``u``, into ``x``."""
    method = rowflags[r, L.METHOD]
    _probabilities(u, m, method, rows, r, p, sign)
    ndtri_into(p[:m], x[:m])
    _logs(
        x,
        sign,
        m,
        method != L.METHOD_NONE,
        rows[r, L.Z_LO],
        rows[r, L.Z_HI],
        rows[r, L.LOC],
        rows[r, L.S_LO],
        rows[r, L.S_HI],
        x,
    )
    if rowflags[r, L.IS_LOG]:
        _exps(x, m)


@_jit
def fill_block_qmc(
    sv,
    shift,
    start,
    dims,
    rows,
    rowflags,
    factors,
    fparams,
    chol,
    out_factors,
    out_totals,
):
    """The samples at Sobol points ``start ..``: factors and totals.

    As :func:`effcast.engine._kernels.fill_block`, with every draw replaced
    by the inverse CDF of the point's coordinates (``dims`` from
    :func:`qmc_dims`; ``sv`` and ``shift`` as for
    :func:`effcast.engine._sobol.sobol_points`, which gives the same points).
    """
    n_factors = factors.shape[0]
    keep = out_factors.shape[0] > 0
    d_all = sv.shape[0]
    q = np.empty(d_all, dtype=np.uint64)
    pts = np.empty((d_all, _CHUNK))
    cols = np.empty(_CHUNK, dtype=np.int64)
    latent = np.zeros((_CHUNK, max(chol.shape[0], 1)))
    p = np.empty(_CHUNK)
    sign = np.empty(_CHUNK)
    x = np.empty(_CHUNK)
    hardware = np.empty(_CHUNK)
    compute = np.empty(_CHUNK)
    start_state(sv, shift, start, q)
    m_all = out_totals.shape[1]
    for c0 in range(0, m_all, _CHUNK):
        m = min(_CHUNK, m_all - c0)
        if c0 == 0:
            first_column(q, pts)
            sobol_columns(sv, q, start + 1, m - 1, pts, 1, cols)
        else:
            sobol_columns(sv, q, start + c0, m, pts, 0, cols)
        hardware[:m] = 1.0
        compute[:m] = 1.0
        for j in range(n_factors):
            kind = factors[j, L.KIND]
            r = factors[j, L.ROW0]
            c = factors[j, L.COPULA]
            d = dims[j]
            if c < 0 and kind == L.KIND_SPLIT:
                _split_column(pts[d], m, r, rows, rowflags, p, sign, x)
            else:
                for i in range(m):
                    x[i] = _other_factor(
                        pts,
                        i,
                        d,
                        kind,
                        r,
                        c,
                        j,
                        latent,
                        rows,
                        rowflags,
                        factors,
                        fparams,
                        chol,
                    )
            _multiply(
                x, m, fparams[j, L.FLOOR], factors[j, L.IS_COMPUTE], hardware, compute
            )
            if keep:
                out_factors[j, c0 : c0 + m] = x[:m]
        out_totals[0, c0 : c0 + m] = hardware[:m]
        out_totals[1, c0 : c0 + m] = compute[:m]
