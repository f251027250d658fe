"""Streaming: the same summary as the in-memory path, without keeping samples.

The streamed and in-memory paths draw the very same samples for a seed, so
their quantiles differ only by the histogram's binning, bounded by
``2**-11`` relative (docs/cli.md); exceedance probabilities for the reported
thresholds are exact counts.
"""

from __future__ import annotations

import json
import tracemalloc

import numpy as np
import pytest
from click.testing import CliRunner
from conftest import PRIORS

import effcast
from effcast.cli import _main as _cli
from effcast.cli._main import main
from effcast.engine._histogram import RELATIVE_BIN_WIDTH, Histograms, accumulate

GPT3 = PRIORS / "gpt3_today.toml"
N = 1_500_000
BOUND = RELATIVE_BIN_WIDTH * 1.0001


@pytest.fixture(scope="module")
def pair():
    model = effcast.load(GPT3)
    return model, model.stream(N, seed=21), model.sample(N, seed=21)


def rel(a, b):
    return np.abs(np.asarray(a) / np.asarray(b) - 1)


def test_totals_quantiles_within_the_documented_error(pair):
    _, s, r = pair
    qs = [0.01, 0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99]
    for which in ("hardware", "compute"):
        assert rel(s.quantile(which, qs), r.quantile(which, qs)).max() <= BOUND


def test_negative_control_another_seed_is_outside_the_bound(pair):
    model, s, _ = pair
    other = model.sample(N, seed=22)
    diffs = rel(
        s.quantile("hardware", [0.1, 0.5, 0.9]),
        other.quantile("hardware", [0.1, 0.5, 0.9]),
    )
    assert diffs.max() > 2 * BOUND


def test_factor_group_and_running_product_quantiles(pair):
    model, s, r = pair
    qs = [0.05, 0.1, 0.5, 0.9, 0.95]
    for name in model.factor_names:
        got = s.quantile(f"factor:{name}", qs)
        assert rel(got, r.quantile(r.factor(name), qs)).max() <= BOUND, name
    for group in model.groups:
        got = s.quantile(f"group:{group}", qs)
        assert rel(got, r.quantile(r.group(group), qs)).max() <= BOUND, group
    running = r.factor("transformer_pp") * r.factor("moe")
    assert (
        rel(s.quantile("cumulative:moe", qs), np.quantile(running, qs)).max() <= BOUND
    )


def test_floor_lump_is_exact(pair):
    _, s, r = pair
    # data_quality is floored at 1 about 10% of the time.
    assert s.quantile("factor:data_quality", 0.05) == 1.0
    assert r.quantile(r.factor("data_quality"), 0.05) == 1.0


def test_exceedance_is_exact_and_summary_matches(pair):
    _, s, r = pair
    for which in ("hardware", "compute"):
        for t in (10, 100, 1000):
            assert s.prob_exceeds(which, t) == r.prob_exceeds(which, t)
        assert s.mean_log10(which) == pytest.approx(
            float(np.mean(np.log10(getattr(r, which)))), rel=1e-12
        )
    ds, dr = s.summary(), r.summary()
    assert set(ds) - set(dr) == {"streamed", "quantile_relative_error"}
    for which in ("hardware", "compute"):
        assert ds[which]["prob_exceeds"] == dr[which]["prob_exceeds"]
        for k, v in dr[which]["quantiles"].items():
            assert ds[which]["quantiles"][k] == pytest.approx(v, rel=BOUND)
        assert set(ds[which]) == set(dr[which])
    assert set(ds["factors"]) == set(dr["factors"])
    assert set(ds["groups"]) == set(dr["groups"])


def test_same_answer_whatever_the_thread_count():
    model = effcast.load(GPT3)
    one = model.stream(700_000, seed=4, threads=1).summary()
    two = model.stream(700_000, seed=4, threads=2).summary()
    three = model.stream(700_000, seed=4, threads=3).summary()
    assert one == two == three


def test_memory_does_not_grow_with_n():
    model = effcast.load(GPT3)
    model.stream(70_000, seed=1)  # compile / load the kernels first
    peaks = []
    for n in (1_000_000, 4_000_000):
        tracemalloc.start()
        model.stream(n, seed=1, threads=1)
        peaks.append(tracemalloc.get_traced_memory()[1])
        tracemalloc.stop()
    assert peaks[1] < 1.2 * peaks[0]
    # The in-memory path, for contrast, grows with n.
    tracemalloc.start()
    model.sample(1_000_000, seed=1)
    in_memory = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert in_memory > 60e6


def test_histogram_against_numpy_on_wide_data():
    rng = np.random.default_rng(0)
    x = np.exp(rng.normal(0, 8, size=(1, 200_000)))  # spans ~ 1e-20 .. 1e20
    x[0, :5000] = 0.25  # a lump at the minimum
    x = np.maximum(x, 0.25)
    h = Histograms(5, 1)  # hardware, compute, the factor, its group, running
    factors = x
    totals = np.vstack([x[0], x[0]])
    series = np.empty((2 + 1 + 1 + 1, x.shape[1]))
    accumulate(
        factors,
        totals,
        np.array([0]),
        1,
        series,
        series.view(np.int64),
        h.hist,
        h.low,
        h.high,
        h.mins,
        h.min_count,
        h.maxs,
        np.array([1.0]),
        h.exceed,
        np.zeros(2),
    )
    qs = np.linspace(0.001, 0.999, 37)
    got = h.quantile(0, qs)
    want = np.quantile(x[0], qs)
    assert rel(got, want).max() <= BOUND
    assert h.exceed[0, 0] == np.count_nonzero(x[0] > 1.0)
    assert h.quantile(0, 0.001)[0] == 0.25


def test_cli_stream_json_and_auto_threshold(monkeypatch):
    runner = CliRunner()
    args = ["sample", str(GPT3), "-n", "300000", "--seed", "3", "--json"]
    streamed = json.loads(runner.invoke(main, [*args, "--stream"]).output)
    in_memory = json.loads(runner.invoke(main, args).output)
    assert streamed["streamed"] is True and "streamed" not in in_memory
    assert streamed["hardware"]["prob_exceeds"] == in_memory["hardware"]["prob_exceeds"]
    monkeypatch.setattr(_cli, "STREAM_ABOVE", 100_000)
    auto = json.loads(runner.invoke(main, args).output)
    assert auto["streamed"] is True
    forced = json.loads(runner.invoke(main, [*args, "--no-stream"]).output)
    assert "streamed" not in forced


def test_too_many_samples_in_memory_suggests_streaming():
    result = CliRunner().invoke(
        main, ["sample", str(GPT3), "-n", "1e11", "--no-stream"]
    )
    assert result.exit_code == 2
    assert "--stream" in result.output and "Traceback" not in result.output
    with pytest.raises(effcast.EffcastError, match="Model.stream"):
        effcast.load(GPT3).sample(10**11)


def test_log10_sum_matches_the_sum_of_logarithms():
    """The streamed log sums multiply mantissas and add exponents; against
    math.fsum of log10, its Python form, and the special values."""
    import math

    from effcast.engine._histogram import _log10_sum

    rng = np.random.default_rng(5)
    x = np.exp(rng.normal(0, 30, 4099))  # spans many binades
    x[7] = 5e-320  # subnormal
    want = math.fsum(math.log10(v) for v in x)
    got = _log10_sum(x, x.view(np.int64))
    assert got == pytest.approx(want, rel=1e-12)
    assert got == _log10_sum.py_func(x, x.view(np.int64))
    assert got != pytest.approx(want + 1e-6, rel=1e-12)  # the check can fail
    for special, expect in ((0.0, -math.inf), (-1.0, math.nan), (math.inf, math.inf)):
        y = x.copy()
        y[100] = special
        out = _log10_sum(y, y.view(np.int64))
        assert math.isnan(out) if math.isnan(expect) else out == expect, special
