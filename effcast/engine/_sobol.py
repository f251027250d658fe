"""Scrambled Sobol points: direction numbers, scrambles, and the points themselves.

A run of randomised quasi-Monte Carlo (:mod:`effcast.engine._qmc`) is ``R``
independent scrambles of a Sobol sequence. Each scramble is a random linear
matrix scramble of the direction numbers plus a random digital shift, drawn
from the run's entropy and the scramble's index alone. A block of points
follows from its scramble and its first index alone (the Gray-code state is
computed directly), so the result does not depend on the thread count.

Points are moved to the centre of their finest dyadic cell (adding
``2**-(BITS + 1)``), so no coordinate is exactly 0, whose inverse CDF is
infinite.
"""

from __future__ import annotations

import functools

import numba
import numpy as np

__all__ = [
    "BITS",
    "DEFAULT_SCRAMBLES",
    "direction_numbers",
    "first_column",
    "scramble_sizes",
    "scramble_state",
    "sobol_columns",
    "sobol_points",
    "start_state",
]

BITS = 30
"""Bits of each Sobol coordinate (scipy's default): points lie on a grid of
``2**-30``, and a scramble holds at most ``2**30`` points."""

DEFAULT_SCRAMBLES = 8
"""Independent scrambles per run, for the error estimate."""

_SCALE = 2.0**-BITS
_HALF = 2.0 ** -(BITS + 1)

_jit = numba.njit(cache=True, nogil=True)


@_jit
def start_state(sv, shift, start, q):
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
def _trailing_zeros(k):
    j = 0
    while k & 1 == 0:
        k >>= 1
        j += 1
    return j


@_jit
def first_column(q, pts):
    """The point held in ``q`` (from :func:`start_state`) into ``pts[:, 0]``."""
    for t in range(pts.shape[0]):
        pts[t, 0] = q[t] * _SCALE + _HALF


@_jit
def sobol_columns(sv, q, first, m, pts, at, cols):
    """Points ``first .. first + m`` into ``pts[:, at:at + m]``, a row per coordinate.

    ``q`` holds the integer point of index ``first - 1`` on entry and that of
    the last point on return; ``cols`` (int64[>= m]) is scratch. The work
    goes coordinate by coordinate, over contiguous memory.
    """
    for i in range(m):
        cols[i] = _trailing_zeros(first + i)
    for t in range(pts.shape[0]):
        x = q[t]
        for i in range(m):
            x ^= sv[t, cols[i]]
            pts[t, at + i] = x * _SCALE + _HALF
        q[t] = x


@_jit
def sobol_points(sv, shift, start, out):
    """Points ``start .. start + m`` of a scrambled Sobol sequence, in (0, 1).

    ``sv`` (uint64[d, BITS]) are the scrambled direction numbers and
    ``shift`` (uint64[d]) the digital shift (:func:`scramble_state`); each
    point is moved to the centre of its cell so no coordinate is 0. ``out``
    is float64[m, d].
    """
    d = out.shape[1]
    m = out.shape[0]
    if m == 0:
        return
    q = np.empty(d, dtype=np.uint64)
    start_state(sv, shift, start, q)
    pts = np.empty((d, m))
    first_column(q, pts)
    sobol_columns(sv, q, start + 1, m - 1, pts, 1, np.empty(m, np.int64))
    out[:, :] = pts.T


@_jit
def _scramble(bits, sv, out):
    """``out[t, j] = L_t sv[t, j]`` over GF(2), bits numbered from the top.

    ``L_t`` is lower triangular with a unit diagonal and ``bits[t, i, k]``
    (``k < i``) below it. ``L v`` is the XOR of ``L``'s columns at ``v``'s
    set bits, column ``k`` as a mask with bit ``BITS - 1 - i`` for row ``i``.
    """
    top = BITS - 1
    col = np.empty(BITS, dtype=np.uint64)
    for t in range(sv.shape[0]):
        for k in range(BITS):
            c = np.uint64(1) << np.uint64(top - k)
            for i in range(k + 1, BITS):
                c |= bits[t, i, k] << np.uint64(top - i)
            col[k] = c
        for j in range(sv.shape[1]):
            v = sv[t, j]
            acc = np.uint64(0)
            for k in range(BITS):
                if (v >> np.uint64(top - k)) & np.uint64(1):
                    acc ^= col[k]
            out[t, j] = acc


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
    bits = rng.integers(0, 2, size=(dim, BITS, BITS), dtype=np.uint64)
    scrambled = np.empty((dim, BITS), dtype=np.uint64)
    _scramble(bits, direction_numbers(dim), scrambled)
    shift = rng.integers(0, 2**BITS, size=dim, dtype=np.uint64)
    return np.ascontiguousarray(scrambled), np.ascontiguousarray(shift)
