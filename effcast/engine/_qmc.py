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
of ``BLOCK_SIZE`` points, and a block's points follow from its scramble's
seed and its first index alone (the Gray-code Sobol state is computed
directly), so the result does not depend on the thread count.

Points are moved to the centre of their finest dyadic cell (adding
``2**-(BITS + 1)``), so no coordinate is exactly 0, whose inverse CDF is
infinite.
"""

from __future__ import annotations

import functools

import numba
import numpy as np

from effcast.engine._kernels import (
    chinchilla_ratio,
    mixture_from_normal,
    pick_row,
    split_value,
    truncated_quantile,
)
from effcast.engine._special import ndtr, ndtri
from effcast.families._layout import (
    ALPHA_SD,
    BETA_SD,
    COPULA,
    FIT_A,
    FIT_ALPHA,
    FIT_B,
    FIT_BETA,
    FLOOR,
    IS_COMPUTE,
    IS_LOG,
    KIND,
    KIND_CHINCHILLA,
    KIND_SPLIT,
    LOC,
    LOG_D0,
    LOG_N0,
    METHOD,
    METHOD_NONE,
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
    "BITS",
    "direction_numbers",
    "DEFAULT_SCRAMBLES",
    "fill_block_qmc",
    "qmc_dims",
    "scramble_state",
    "sobol_points",
    "scramble_sizes",
    "truncated_from_uniform",
]

BITS = 30
"""Bits of each Sobol coordinate (scipy's default): points lie on a grid of
``2**-30``, and a scramble holds at most ``2**30`` points."""

DEFAULT_SCRAMBLES = 8
"""Independent scrambles per run, for the error estimate."""

_jit = numba.njit(cache=True, nogil=True)


def qmc_dims(factors: np.ndarray) -> np.ndarray:
    """Each factor's first coordinate, and the dimension, as one array.

    ``out[j]`` is factor ``j``'s first coordinate and ``out[-1]`` the total
    number of coordinates: three for a scaling-law factor, one otherwise.
    """
    width = [3 if k == KIND_CHINCHILLA else 1 for k in factors[:, KIND]]
    return np.concatenate([[0], np.cumsum(width)]).astype(np.int64)


@_jit
def truncated_from_uniform(u, method, z_lo, z_hi, pl_a, pl_b, pu_a, pu_b):
    """The standard normal truncated to ``[z_lo, z_hi]`` at probability ``u``.

    The inverse CDF from the lower tail, or from the upper one when the
    region lies above zero or ``u > 1/2`` (as :func:`truncated_quantile`).
    """
    if method == METHOD_NONE:
        return ndtri(u)
    if z_lo > 0.0 or (z_hi >= 0.0 and u > 0.5):
        z = -ndtri(pu_b + (1.0 - u) * (pu_a - pu_b))
    else:
        z = ndtri(pl_a + u * (pl_b - pl_a))
    return min(max(z, z_lo), z_hi)


@_jit
def _exponent(u, mean, sd):
    """``mean + sd * z``, ``z`` normal cut where ``mean + sd z < MIN_EXPONENT``."""
    z_lo = (MIN_EXPONENT - mean) / sd
    if z_lo > 0.0:
        z = -ndtri((1.0 - u) * ndtr(-z_lo))
    else:
        p = ndtr(z_lo)
        z = ndtri(p + u * (1.0 - p))
    return max(mean + sd * z, MIN_EXPONENT)


@_jit
def _chinchilla(u, d, rows, r0, nrows, fparams, j):
    r = r0 if nrows == 1 else pick_row(u[d], rows, r0, nrows)
    alpha = rows[r, FIT_ALPHA]
    beta = rows[r, FIT_BETA]
    if fparams[j, ALPHA_SD] > 0.0:
        alpha = _exponent(u[d + 1], alpha, fparams[j, ALPHA_SD])
    if fparams[j, BETA_SD] > 0.0:
        beta = _exponent(u[d + 2], beta, fparams[j, BETA_SD])
    return chinchilla_ratio(
        fparams[j, LOG_N0],
        fparams[j, LOG_D0],
        rows[r, FIT_A],
        rows[r, FIT_B],
        alpha,
        beta,
    )


@_jit
def _start_state(sv, shift, start, q):
    """The integer Sobol point of index ``start``: the shift, XOR the direction
    numbers of the bits set in ``start``'s Gray code."""
    for t in range(q.shape[0]):
        q[t] = shift[t]
    g = start ^ (start >> 1)
    j = 0
    while g:
        if g & 1:
            for t in range(q.shape[0]):
                q[t] ^= sv[t, j]
        g >>= 1
        j += 1


@_jit
def _next_state(sv, k, q):
    """Step the integer point from index ``k - 1`` to ``k`` (Gray code order)."""
    j = 0
    while k & 1 == 0:
        k >>= 1
        j += 1
    for t in range(q.shape[0]):
        q[t] ^= sv[t, j]


@_jit
def sobol_points(sv, shift, start, out):
    """Points ``start .. start + m`` of a scrambled Sobol sequence, in (0, 1).

    ``sv`` (uint64[d, BITS]) are the scrambled direction numbers and
    ``shift`` (uint64[d]) the digital shift (:func:`scramble_state`); each
    point is moved to the centre of its cell so no coordinate is 0.
    """
    d = out.shape[1]
    q = np.empty(d, dtype=np.uint64)
    _start_state(sv, shift, start, q)
    scale = 2.0**-BITS
    half = 2.0 ** -(BITS + 1)
    for i in range(out.shape[0]):
        if i > 0:
            _next_state(sv, start + i, q)
        for t in range(d):
            out[i, t] = q[t] * scale + half


_CHUNK = 512


@_jit
def _factor_value(pts, i, d, kind, r, c, j, w, rows, rowflags, factors, fparams):
    """Factor ``j`` at point ``i``'s coordinates from ``d`` on (or at latent
    normal ``w`` if it is in the copula, ``c >= 0``)."""
    if c >= 0 or (kind != KIND_SPLIT and kind != KIND_CHINCHILLA):
        if c < 0:
            w = ndtri(pts[i, d])
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
            return split_value(
                z, rows[r, LOC], rows[r, S_LO], rows[r, S_HI], rowflags[r, IS_LOG]
            )
        return mixture_from_normal(
            rows, rowflags, r, factors[j, NROWS], w, fparams[j, X_LO], fparams[j, X_HI]
        )
    if kind == KIND_CHINCHILLA:
        return _chinchilla(pts[i], d, rows, r, factors[j, NROWS], fparams, j)
    z = truncated_from_uniform(
        pts[i, d],
        rowflags[r, METHOD],
        rows[r, Z_LO],
        rows[r, Z_HI],
        rows[r, PL_A],
        rows[r, PL_B],
        rows[r, PU_A],
        rows[r, PU_B],
    )
    return split_value(
        z, rows[r, LOC], rows[r, S_LO], rows[r, S_HI], rowflags[r, IS_LOG]
    )


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
    :func:`qmc_dims`; ``sv`` and ``shift`` as for :func:`sobol_points`,
    which gives the same points).

    Notes
    -----
    The work goes factor by factor over chunks of samples rather than
    sample by sample: the inverse CDFs of neighbouring samples are then
    independent, and the processor overlaps them.
    """
    n_factors = factors.shape[0]
    keep = out_factors.shape[0] > 0
    d_all = sv.shape[0]
    n_latent = max(chol.shape[0], 1)
    q = np.empty(d_all, dtype=np.uint64)
    pts = np.empty((_CHUNK, d_all))
    latent = np.zeros((_CHUNK, n_latent))
    hardware = np.empty(_CHUNK)
    compute = np.empty(_CHUNK)
    _start_state(sv, shift, start, q)
    scale = 2.0**-BITS
    half = 2.0 ** -(BITS + 1)
    m_all = out_totals.shape[1]
    for c0 in range(0, m_all, _CHUNK):
        m = min(_CHUNK, m_all - c0)
        for i in range(m):
            if c0 + i > 0:
                _next_state(sv, start + c0 + i, q)
            for t in range(d_all):
                pts[i, t] = q[t] * scale + half
            hardware[i] = 1.0
            compute[i] = 1.0
        for j in range(n_factors):
            kind = factors[j, KIND]
            r = factors[j, ROW0]
            c = factors[j, COPULA]
            d = dims[j]
            is_compute = factors[j, IS_COMPUTE]
            floor = fparams[j, FLOOR]
            # The common case, written out: one split (log)normal on its own.
            plain = c < 0 and kind == KIND_SPLIT
            method = rowflags[r, METHOD]
            is_log = rowflags[r, IS_LOG]
            z_lo, z_hi = rows[r, Z_LO], rows[r, Z_HI]
            pl_a, pl_b, pu_a, pu_b = (
                rows[r, PL_A],
                rows[r, PL_B],
                rows[r, PU_A],
                rows[r, PU_B],
            )
            loc, s_lo, s_hi = rows[r, LOC], rows[r, S_LO], rows[r, S_HI]
            for i in range(m):
                if plain:
                    z = truncated_from_uniform(
                        pts[i, d], method, z_lo, z_hi, pl_a, pl_b, pu_a, pu_b
                    )
                    x = split_value(z, loc, s_lo, s_hi, is_log)
                else:
                    w = 0.0
                    if c >= 0:
                        latent[i, c] = ndtri(pts[i, d])
                        for k in range(c + 1):
                            w += chol[c, k] * latent[i, k]
                    x = _factor_value(
                        pts, i, d, kind, r, c, j, w, rows, rowflags, factors, fparams
                    )
                if x < floor:
                    x = floor
                if keep:
                    out_factors[j, c0 + i] = x
                hardware[i] *= x
                if is_compute:
                    compute[i] *= x
        for i in range(m):
            out_totals[0, c0 + i] = hardware[i]
            out_totals[1, c0 + i] = compute[i]


def scramble_sizes(n: int, scrambles: int) -> list[int]:
    """Points per scramble: ``n`` split as evenly as possible, larger first."""
    r = max(1, min(scrambles, n))
    return [n // r + (1 if k < n % r else 0) for k in range(r)]


@functools.cache
def direction_numbers(dim: int) -> np.ndarray:
    """The Sobol direction numbers (Joe and Kuo's, as scipy ships them) of
    ``dim`` coordinates, as uint64[dim, BITS]: integers whose top bit
    stands for 1/2. Read from scipy's unscrambled generator; tests check
    that :func:`sobol_points` with them and no scramble gives scipy's points."""
    from scipy.stats import qmc

    engine = qmc.Sobol(dim, scramble=False, bits=BITS)
    return np.ascontiguousarray(engine._sv, dtype=np.uint64)


def scramble_state(entropy: int, scramble: int, dim: int):
    """One scramble's direction numbers and digital shift (uint64 arrays).

    A random linear matrix scramble (Matousek's: each coordinate's direction
    numbers multiplied, as bit vectors from the most significant bit, by a
    random lower-triangular binary matrix with a unit diagonal) and a random
    digital shift, drawn from the run's entropy and the scramble's index
    alone. Both keep the Sobol points a digital net, so their balance
    survives, while making independent scrambles independent random
    variables with the right distribution.
    """
    rng = np.random.default_rng(
        np.random.SeedSequence(entropy, spawn_key=(scramble, 0x51B0))
    )
    sv = direction_numbers(dim)
    pos = np.arange(BITS - 1, -1, -1, dtype=np.uint64)  # bit of row/column k
    ltm = np.tril(rng.integers(0, 2, size=(dim, BITS, BITS), dtype=np.uint64))
    ltm[:, np.arange(BITS), np.arange(BITS)] = 1
    bits_in = (sv[:, :, None] >> pos[None, None, :]) & np.uint64(1)
    bits_out = np.einsum("tik,tjk->tji", ltm, bits_in) & np.uint64(1)
    scrambled = (bits_out << pos[None, None, :]).sum(axis=2, dtype=np.uint64)
    shift = rng.integers(0, 2**BITS, size=dim, dtype=np.uint64)
    return np.ascontiguousarray(scrambled), np.ascontiguousarray(shift)
