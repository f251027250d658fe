"""The jitted kernels against scipy and against their own pure-Python form."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import special, stats

from effcast import _kernels as K
from effcast._distributions import (
    METHOD_INV_LOWER,
    METHOD_INV_UPPER,
    METHOD_NONE,
    METHOD_REJECT,
)


def test_ndtri_matches_scipy_across_the_range():
    p = np.concatenate(
        [
            np.logspace(-300, -1, 400),
            np.linspace(0.01, 0.99, 999),
            1 - np.logspace(-16, -1, 200),
        ]
    )
    got = np.array([K.ndtri(x) for x in p])
    want = special.ndtri(p)
    np.testing.assert_allclose(got, want, rtol=1e-13, atol=1e-15)


def test_ndtri_edges():
    assert K.ndtri(0.0) == -np.inf
    assert K.ndtri(1.0) == np.inf
    assert K.ndtri(0.5) == 0.0


def test_ndtr_matches_scipy_in_both_tails():
    z = np.linspace(-37, 8, 2001)
    got = np.array([K.ndtr(x) for x in z])
    np.testing.assert_allclose(got, special.ndtr(z), rtol=1e-13, atol=0)


def _row(loc, s_lo, s_hi, z_lo, z_hi, floor, method, log=True, compute=True):
    if method == METHOD_INV_UPPER:
        pa, pb = special.ndtr(-z_lo), special.ndtr(-z_hi)
    else:
        pa, pb = special.ndtr(z_lo), special.ndtr(z_hi)
    return [loc, s_lo, s_hi, z_lo, z_hi, floor, pa, pb], [
        int(log),
        method,
        int(compute),
    ]


def _kernel_inputs():
    rows = [
        _row(0.9, 0.5, 0.8, -np.inf, np.inf, 1.0, METHOD_NONE),
        _row(3.0, 1.1, 1.1, -2.5, np.inf, 1.0, METHOD_REJECT, log=False),
        _row(0.0, 1.0, 1.0, -np.inf, -2.0, -np.inf, METHOD_INV_LOWER, log=False),
        _row(0.0, 1.0, 1.0, 3.0, np.inf, -np.inf, METHOD_INV_UPPER, compute=False),
    ]
    params = np.array([r[0] for r in rows])
    flags = np.array([r[1] for r in rows], dtype=np.int64)
    return params, flags


def test_fill_block_matches_its_python_form():
    params, flags = _kernel_inputs()
    m = 5000
    outs = []
    for fn in (K.fill_block, K.fill_block.py_func):
        gen = np.random.Generator(np.random.PCG64(42))
        factors, totals = np.empty((4, m)), np.empty((2, m))
        fn(gen, params, flags, factors, totals)
        outs.append((factors, totals))
    np.testing.assert_allclose(outs[0][0], outs[1][0], rtol=1e-13)
    np.testing.assert_allclose(outs[0][1], outs[1][1], rtol=1e-13)


def test_fill_block_products_and_floors():
    params, flags = _kernel_inputs()
    gen = np.random.Generator(np.random.PCG64(7))
    factors, totals = np.empty((4, 20_000)), np.empty((2, 20_000))
    K.fill_block(gen, params, flags, factors, totals)
    np.testing.assert_allclose(totals[0], factors.prod(axis=0), rtol=1e-14)
    np.testing.assert_allclose(totals[1], factors[:3].prod(axis=0), rtol=1e-14)
    assert factors[0].min() == 1.0 and factors[1].min() == 1.0  # floored
    assert factors[2].max() <= -2.0 and factors[3].min() >= np.exp(3.0)


def test_fill_block_without_factor_rows_gives_the_same_totals():
    params, flags = _kernel_inputs()
    a = np.empty((2, 1000))
    b = np.empty((2, 1000))
    K.fill_block(np.random.default_rng(3), params, flags, np.empty((4, 1000)), a)
    K.fill_block(np.random.default_rng(3), params, flags, np.empty((0, 1000)), b)
    assert np.array_equal(a, b)


@pytest.mark.parametrize(
    "z_lo, z_hi, method",
    [
        (-1.0, 2.0, METHOD_REJECT),
        (-1.0, 2.0, METHOD_INV_LOWER),
        (-np.inf, -3.0, METHOD_INV_LOWER),
        (4.0, 6.0, METHOD_INV_UPPER),
        (8.0, np.inf, METHOD_INV_UPPER),
    ],
)
def test_truncated_standard_normal_against_scipy_truncnorm(z_lo, z_hi, method):
    gen = np.random.Generator(np.random.PCG64(11))
    if method == METHOD_INV_UPPER:
        pa, pb = special.ndtr(-z_lo), special.ndtr(-z_hi)
    else:
        pa, pb = special.ndtr(z_lo), special.ndtr(z_hi)

    draw = K.truncated_standard_normal.py_func
    jitted = K.truncated_standard_normal
    # A few draws through the pure-Python form must equal the jitted ones.
    g1 = np.random.Generator(np.random.PCG64(5))
    g2 = np.random.Generator(np.random.PCG64(5))
    for _ in range(50):
        assert jitted(g1, method, z_lo, z_hi, pa, pb) == pytest.approx(
            draw(g2, method, z_lo, z_hi, pa, pb), rel=1e-13
        )

    x = np.array([jitted(gen, method, z_lo, z_hi, pa, pb) for _ in range(20_000)])
    assert x.min() >= z_lo and x.max() <= z_hi
    ks = stats.kstest(x, stats.truncnorm(z_lo, z_hi).cdf)
    assert ks.pvalue > 1e-3, ks
    # Negative control: the untruncated normal must be rejected.
    assert stats.kstest(x, stats.norm.cdf).pvalue < 1e-6
