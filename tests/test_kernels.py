"""The jitted kernels against scipy and against their own pure-Python form."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import special, stats

from effcast.engine import _kernels as K
from effcast.engine import _special as S
from effcast.families._layout import (
    METHOD_INV_LOWER,
    METHOD_INV_UPPER,
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
    got = np.array([S.ndtri(x) for x in p])
    want = special.ndtri(p)
    np.testing.assert_allclose(got, want, rtol=1e-13, atol=1e-15)


def test_ndtri_into_is_ndtri_bit_for_bit():
    # Both branches, the branch edges, the ends and values outside [0, 1].
    p = np.concatenate(
        [
            np.random.default_rng(3).random(5000),
            np.logspace(-300, -1, 50),
            1 - np.logspace(-16, -1, 50),
            [0.0, 1.0, -0.5, 1.5, 0.075, 0.925, 0.5 - 0.425, 0.5 + 0.425, 0.5],
        ]
    )
    want = np.array([S.ndtri(x) for x in p])
    for fn in (S.ndtri_into, S.ndtri_into.py_func):
        got = np.empty_like(p)
        fn(p, got)
        np.testing.assert_array_equal(got, want)
    # Negative control: a pass that skipped the tails would differ.
    central_only = np.array([S._central(x - 0.5) for x in p])
    assert not np.array_equal(central_only, want)


def test_ndtri_edges():
    assert S.ndtri(0.0) == -np.inf
    assert S.ndtri(1.0) == np.inf
    assert S.ndtri(0.5) == 0.0


def test_ndtr_matches_scipy_in_both_tails():
    z = np.linspace(-37, 8, 2001)
    got = np.array([S.ndtr(x) for x in z])
    np.testing.assert_allclose(got, special.ndtr(z), rtol=1e-13, atol=0)


# One factor of every kind and path: plain, truncated both ways, a mixture,
# a scaling-law factor, and a correlated pair (the copula's quantile maps).
KERNEL_PRIOR = {
    "period": {"start": 2020.0, "end": 2024.0},
    "defaults": {"level": 0.8, "floor": 1.0},
    "factor": [
        {
            "name": "split",
            "reduces": "compute",
            "dist": "lognormal",
            "ci": [1.2, 6.0],
            "median": 2.0,
        },
        {
            "name": "cut",
            "reduces": "compute",
            "dist": "truncnormal",
            "ci": [1.5, 4.5],
            "lower": 0.0,
            "upper": 4.0,
        },
        {
            "name": "tail",
            "reduces": "compute",
            "dist": "truncnormal",
            "mean": 0.0,
            "sd": 1.0,
            "lower": 3.0,
            "floor": False,
        },
        {
            "name": "mix",
            "reduces": "compute",
            "dist": "mixture",
            "components": [
                {"weight": 2, "dist": "lognormal", "ci": [1.5, 3.0]},
                {"weight": 1, "dist": "truncnormal", "ci": [4.0, 8.0], "lower": 2.0},
            ],
        },
        {
            "name": "law",
            "reduces": "compute",
            "dist": "chinchilla",
            "fits": [{"name": "hoffmann2022"}, {"name": "besiroglu2024"}],
            "alpha_sd": 0.02,
        },
        {
            "name": "hw",
            "reduces": "hardware",
            "dist": "truncnormal",
            "ci": [1.7, 3.3],
            "lower": 0.0,
            "upper": 4.7,
        },
    ],
    "correlation": [
        {"between": ["cut", "hw"], "rho": -0.4},
        {"between": ["mix", "hw"], "rho": 0.3},
    ],
}


def _kernel_inputs():
    import effcast

    return effcast.Model.from_dict(KERNEL_PRIOR)._arrays


def test_fill_block_matches_its_python_form():
    arrays = _kernel_inputs()
    m = 3000
    outs = []
    for fn in (K.fill_block, K.fill_block.py_func):
        gen = np.random.Generator(np.random.PCG64(42))
        factors, totals = np.empty((6, m)), np.empty((2, m))
        fn(gen, *arrays, factors, totals)
        outs.append((factors, totals))
    np.testing.assert_allclose(outs[0][0], outs[1][0], rtol=1e-12)
    np.testing.assert_allclose(outs[0][1], outs[1][1], rtol=1e-12)


def test_fill_block_products_and_floors():
    arrays = _kernel_inputs()
    gen = np.random.Generator(np.random.PCG64(7))
    factors, totals = np.empty((6, 20_000)), np.empty((2, 20_000))
    K.fill_block(gen, *arrays, factors, totals)
    np.testing.assert_allclose(totals[0], factors.prod(axis=0), rtol=1e-14)
    np.testing.assert_allclose(totals[1], factors[:5].prod(axis=0), rtol=1e-14)
    assert factors[0].min() == 1.0 and factors[3].min() == 1.0  # floored
    assert factors[1].max() <= 4.0 and factors[5].max() <= 4.7  # truncated
    assert factors[2].min() >= 3.0  # lower-truncated far out, not floored
    assert factors[4].min() >= 1.0  # a compute-optimal run never costs more


def test_fill_block_without_factor_rows_gives_the_same_totals():
    arrays = _kernel_inputs()
    a = np.empty((2, 1000))
    b = np.empty((2, 1000))
    K.fill_block(np.random.default_rng(3), *arrays, np.empty((6, 1000)), a)
    K.fill_block(np.random.default_rng(3), *arrays, np.empty((0, 1000)), b)
    assert np.array_equal(a, b)


def test_chinchilla_ratio_kernel_matches_python():
    from effcast.families._chinchilla import compute_ratio
    from effcast.prior._fits import FITS

    for fit in FITS.values():
        args = (np.log(175e9), np.log(300e9), fit.A, fit.B, fit.alpha, fit.beta)
        want = compute_ratio(175e9, 300e9, fit)
        assert K.chinchilla_ratio(*args) == pytest.approx(want, rel=1e-13)
        assert K.chinchilla_ratio.py_func(*args) == pytest.approx(want, rel=1e-13)


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


def test_split_kernel_gives_the_full_kernels_samples():
    """The small kernel for split factors draws exactly what fill_block draws,
    for every truncation method; the sampler uses it for such priors."""
    import effcast
    from effcast.engine._blocks import block_generator
    from effcast.engine._simple_kernel import fill_block_split

    model = effcast.load("priors/gpt3_today.toml")
    assert model._block_kernel() is fill_block_split
    data = {k: v for k, v in KERNEL_PRIOR.items() if k != "correlation"}
    data["factor"] = [
        f for f in KERNEL_PRIOR["factor"] if f["dist"] in ("lognormal", "truncnormal")
    ]
    split_only = effcast.Model.from_dict(data)
    assert split_only._block_kernel() is fill_block_split
    assert effcast.Model.from_dict(KERNEL_PRIOR)._block_kernel() is K.fill_block
    methods = set(split_only._arrays[1][:, 1].tolist())
    assert len(methods) >= 3, methods  # plain, rejection and inverse-CDF rows
    for m in (model, split_only):
        outs = []
        for fn in (K.fill_block, fill_block_split, fill_block_split.py_func):
            f = np.empty((len(m.factor_names), 3000))
            t = np.empty((2, 3000))
            fn(block_generator(np.random.SeedSequence(42), 3), *m._arrays, f, t)
            outs.append((f, t))
        for f, t in outs[1:]:
            assert np.array_equal(f, outs[0][0]) and np.array_equal(t, outs[0][1])
