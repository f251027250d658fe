"""Randomised quasi-Monte Carlo: the right distribution, reproducible, and
honest about its (smaller) error."""

from __future__ import annotations

import copy

import numpy as np
import pytest
from scipy import stats
from scipy.stats import qmc

import effcast
from effcast.engine import _qmc as Q
from effcast.engine import _sobol as S
from effcast.families import _layout as L
from tests.test_kernels import KERNEL_PRIOR


@pytest.fixture(scope="module")
def kernel_model():
    return effcast.Model.from_dict(KERNEL_PRIOR)


@pytest.fixture(scope="module")
def gpt3():
    return effcast.load("priors/gpt3_today.toml")


def test_unscrambled_points_are_scipys():
    sv = S.direction_numbers(7)
    want = qmc.Sobol(7, scramble=False, bits=S.BITS).random(1024)
    want += 2.0 ** -(S.BITS + 1)
    got = np.empty((1024, 7))
    S.sobol_points(sv, np.zeros(7, dtype=np.uint64), 0, got)
    assert np.array_equal(got, want)
    tail = np.empty((300, 7))
    S.sobol_points(sv, np.zeros(7, dtype=np.uint64), 724, tail)  # from the middle
    assert np.array_equal(tail, want[724:])


def _is_net(pts: np.ndarray, m: int) -> bool:
    """Whether 2**m points fill every elementary box of volume 2**-m in the
    first two coordinates (and every 1-D interval) exactly once."""
    for a in range(m + 1):
        cells = np.floor(pts[:, 0] * 2**a) * 2 ** (m - a) + np.floor(
            pts[:, 1] * 2 ** (m - a)
        )
        if np.bincount(cells.astype(int), minlength=2**m).max() != 1:
            return False
    return all(
        np.bincount((pts[:, t] * 2**m).astype(int), minlength=2**m).max() == 1
        for t in range(pts.shape[1])
    )


def test_scrambled_points_keep_their_balance():
    m = 10
    for scramble in range(3):
        sv, shift = S.scramble_state(3, scramble, 6)
        pts = np.empty((2**m, 6))
        S.sobol_points(sv, shift, 0, pts)
        assert pts.min() > 0 and pts.max() < 1
        assert _is_net(pts, m)
    # Negative control: independent uniforms are not a net.
    assert not _is_net(np.random.default_rng(1).random((2**m, 6)), m)
    # Scrambles differ, and the same seed and index give the same one.
    a, b = S.scramble_state(3, 0, 6), S.scramble_state(3, 1, 6)
    assert not np.array_equal(a[0], b[0])
    assert np.array_equal(S.scramble_state(3, 0, 6)[0], a[0])


def test_scramble_is_the_matrix_product_over_gf2():
    # The jitted scramble against the plain statement: bits of L @ v mod 2.
    dim = 5
    sv = S.direction_numbers(dim)
    rng = np.random.default_rng(8)
    bits = rng.integers(0, 2, size=(dim, S.BITS, S.BITS), dtype=np.uint64)
    ltm = np.tril(bits)
    ltm[:, np.arange(S.BITS), np.arange(S.BITS)] = 1
    pos = np.arange(S.BITS - 1, -1, -1, dtype=np.uint64)
    v_bits = (sv[:, :, None] >> pos) & np.uint64(1)
    out_bits = np.einsum("tik,tjk->tji", ltm, v_bits) & np.uint64(1)
    want = (out_bits << pos).sum(axis=2, dtype=np.uint64)
    for fn in (S._scramble, S._scramble.py_func):
        got = np.empty((dim, S.BITS), dtype=np.uint64)
        fn(bits, sv, got)
        np.testing.assert_array_equal(got, want)
    # Negative control: the unscrambled numbers are not the product.
    assert not np.array_equal(sv, want)


@pytest.mark.parametrize("method", [0, 1, 2, 3])
def test_chunk_passes_match_the_one_point_map(method):
    # _probabilities, ndtri_into and _logs give what truncated_from_uniform
    # and split_value give one point at a time, bit for bit.
    from effcast.engine._kernels import split_value
    from effcast.engine._special import ndtr, ndtri_into

    u = np.random.default_rng(method).random(4000)
    z_lo, z_hi = [(-np.inf, np.inf), (-1.5, 2.0), (-6.0, -2.5), (2.5, 7.0)][method]
    pl = ndtr(z_lo), ndtr(z_hi)
    pu = ndtr(-z_lo), ndtr(-z_hi)
    loc, s_lo, s_hi = 0.3, 0.7, 1.1
    want = np.array(
        [
            split_value(
                Q.truncated_from_uniform(x, method, z_lo, z_hi, *pl, *pu),
                loc,
                s_lo,
                s_hi,
                0,
            )
            for x in u
        ]
    )
    p, sign, y = np.empty_like(u), np.empty_like(u), np.empty_like(u)
    rows = np.zeros((1, L.N_ROW_COLS))
    rows[0, [L.Z_LO, L.Z_HI, L.PL_A, L.PL_B, L.PU_A, L.PU_B]] = (z_lo, z_hi, *pl, *pu)
    Q._probabilities(u, u.size, method, rows, 0, p, sign)
    ndtri_into(p, y)
    Q._logs(y, sign, u.size, method != 0, z_lo, z_hi, loc, s_lo, s_hi, y)
    np.testing.assert_array_equal(y, want)


def test_kernel_matches_its_python_form(kernel_model):
    arrays = kernel_model._arrays
    dims = Q.qmc_dims(arrays[2])
    sv, shift = S.scramble_state(3, 0, int(dims[-1]))
    out = []
    for fn in (Q.fill_block_qmc, Q.fill_block_qmc.py_func):
        f = np.empty((len(kernel_model.factor_names), 700))
        t = np.empty((2, 700))
        fn(sv, shift, 100, dims, *arrays, f, t)
        out.append((f, t))
    assert np.array_equal(out[0][0], out[1][0])
    assert np.array_equal(out[0][1], out[1][1])


@pytest.mark.parametrize("stream", [False, True])
def test_thread_count_does_not_change_the_samples(kernel_model, stream):
    n = 3 * 65_536 + 17
    if stream:
        a = kernel_model.stream(n, seed=4, qmc=True, threads=1).summary()
        b = kernel_model.stream(n, seed=4, qmc=True, threads=3).summary()
        assert a == b
        return
    a = kernel_model.sample(n, seed=4, qmc=True, threads=1)
    b = kernel_model.sample(n, seed=4, qmc=True, threads=3)
    assert np.array_equal(a._factors, b._factors)
    assert np.array_equal(a._totals, b._totals)
    c = kernel_model.sample(n, seed=5, qmc=True, threads=3)
    assert not np.array_equal(a._totals, c._totals)


def _ks_per_factor(model_qmc, model_mc, n_qmc=2**15, n_mc=2**18):
    """Two-sample KS distance of each factor, QMC against plain MC, and the
    critical distance at the 0.1% level."""
    a = model_qmc.sample(n_qmc, seed=11, qmc=True)
    b = model_mc.sample(n_mc, seed=12)
    crit = 1.95 * np.sqrt((n_qmc + n_mc) / (n_qmc * n_mc))
    names = model_mc.factor_names
    d = {k: stats.ks_2samp(a.factor(k), b.factor(k)).statistic for k in names}
    d["hardware"] = stats.ks_2samp(a.hardware, b.hardware).statistic
    return d, crit, a, b


def test_every_kind_of_factor_has_its_distribution(kernel_model):
    # Truncations both ways, a mixture, a scaling-law factor and a copula.
    d, crit, a, b = _ks_per_factor(kernel_model, kernel_model)
    assert all(v < crit for v in d.values()), (d, crit)
    # The copula's dependence survives: Spearman correlations agree.
    names = list(kernel_model.correlated)
    x, y = names[0], names[1]
    ra = stats.spearmanr(a.factor(x), a.factor(y)).statistic
    rb = stats.spearmanr(b.factor(x), b.factor(y)).statistic
    assert abs(ra - rb) < 0.03


def test_a_wrong_distribution_fails_the_same_check(kernel_model):
    # Negative control: shift one factor's belief in the QMC model only.
    data = copy.deepcopy(KERNEL_PRIOR)
    data["factor"][0]["median"] *= 1.05
    data["factor"][0]["ci"] = [v * 1.05 for v in data["factor"][0]["ci"]]
    shifted = effcast.Model.from_dict(data)
    d, crit, _, _ = _ks_per_factor(shifted, kernel_model)
    assert d[kernel_model.factor_names[0]] > crit


def test_less_variance_than_monte_carlo(gpt3):
    # The benchmark measures the 5x target at n = 2**16 over more seeds; this
    # test asks for a clear gain at the same n (with 24 seeds, an F ratio
    # below 2.5 would be far out if the true gain were 5x or more).
    n, seeds = 2**16, 24
    mc = [
        np.median(gpt3.sample(n, seed=s, factors=False).hardware) for s in range(seeds)
    ]
    qm = [
        np.median(gpt3.sample(n, seed=s, factors=False, qmc=True).hardware)
        for s in range(seeds)
    ]
    assert np.var(mc, ddof=1) / np.var(qm, ddof=1) > 2.5


def test_stated_errors_match_the_spread_between_runs(gpt3):
    # 200 runs: the observed SD is known to about 5%, so 20% is four of its
    # standard errors; the stated SE is the scrambles' spread.
    est, se = [], []
    for s in range(200):
        d = gpt3.sample(2**13, seed=s, qmc=True, factors=False).summary()["hardware"]
        keys = ("0.05", "0.5", "0.95")
        est.append([d["quantiles"][k] for k in keys] + [d["prob_exceeds"]["1000"]])
        se.append(
            [d["se"]["quantiles"][k] for k in keys] + [d["se"]["prob_exceeds"]["1000"]]
        )
    ratio = np.std(est, axis=0, ddof=1) / np.mean(se, axis=0)
    assert np.all(np.abs(ratio - 1) < 0.2), ratio
    # Negative control: the Monte Carlo formula overstates a QMC run's error.
    mc_se = [
        gpt3.sample(2**13, seed=s, qmc=False, factors=False).summary()["hardware"][
            "se"
        ]["quantiles"]["0.5"]
        for s in range(20)
    ]
    assert np.mean(mc_se) / np.std(np.array(est)[:, 1], ddof=1) > 1.5


def test_bad_arguments_are_refused(gpt3):
    with pytest.raises(effcast.EffcastError, match="scrambles"):
        gpt3.sample(1000, seed=1, qmc=True, scrambles=1)
    with pytest.raises(effcast.EffcastError, match="rel_se"):
        gpt3.sample(1000, seed=1, qmc=True, rel_se=0.01)


def test_cli_qmc_in_memory_and_streamed():
    import json

    from click.testing import CliRunner

    from effcast.cli._main import main

    runner = CliRunner()
    base = ["sample", "gpt3_today", "-n", "131072", "--seed", "2", "--qmc", "--json"]
    mem = runner.invoke(main, base)
    streamed = runner.invoke(main, [*base, "--stream", "--scrambles", "4"])
    assert mem.exit_code == 0 and streamed.exit_code == 0, mem.output
    a, b = json.loads(mem.output), json.loads(streamed.output)
    assert a["qmc"] == {"scrambles": 8} and b["qmc"] == {"scrambles": 4}
    assert "scrambles" in a["hardware"]["se"]["method"]
    med_a, med_b = a["hardware"]["quantiles"]["0.5"], b["hardware"]["quantiles"]["0.5"]
    assert abs(med_a - med_b) < 4 * a["hardware"]["se"]["quantiles"]["0.5"]
    bad = runner.invoke(main, [*base, "--rel-se", "0.01"])
    assert bad.exit_code == 2 and "--rel-se" in bad.output
    text = runner.invoke(main, base[:-1])
    words = " ".join(text.output.split())  # the header wraps at 80 columns
    assert "quasi-Monte Carlo, 8 scrambles" in words and "±" in words


def test_a_constant_factor_is_exactly_its_value():
    # It was once sampled through the mixture path, which gave 0.
    data = effcast.load("priors/gpt3_today.toml").to_dict()
    for f in data["factor"]:
        if f["name"] == "moe":
            keep = {k: f[k] for k in ("name", "reduces")}
            f.clear()
            f.update(keep, dist="constant", value=2.98)
    model = effcast.Model.from_dict(data)
    res = model.sample(70_000, seed=1, qmc=True)
    assert np.unique(res.factor("moe")).tolist() == [2.98]
    # Negative control: a factor that is drawn is not a single value.
    assert np.unique(res.factor("transformer_pp")).size > 1000
