"""Sweeps: grids, validation, and identical results whatever the executor."""

from __future__ import annotations

import sys

import numpy as np
import pytest
from conftest import PRIORS

import effcast
from effcast.analysis._sweep import parse_grid, split_values
from effcast.analysis._sweep_stats import parse_stat

GPT3 = str(PRIORS / "gpt3_today.toml")
GRID = {"moe.median": [1.5, 4], "period.end": [2024, 2025.5]}
STATS = [
    "hardware.0.5",
    "compute.oom.0.9",
    "hardware.p1000",
    "algorithmic.0.5",
    "compute.at2030.0.5",
    "crossing.1e24.0.5",
    "crossing.1e24.by2026",
    "crossing.budget.0.9",
]
QUESTION = {"thresholds": [1e24], "reference": "gpt4", "budget": 1e5}


def run(scheduler, **kw):
    return effcast.sweep(
        GPT3,
        GRID,
        stats=STATS,
        question=QUESTION,
        n=20_000,
        seed=42,
        scheduler=scheduler,
        **kw,
    ).summary()


@pytest.fixture(scope="module")
def serial():
    return run("serial")


def test_grid_is_the_cartesian_product(serial):
    combos = [s["overrides"] for s in serial["scenarios"]]
    assert combos == [
        {"moe.median": 1.5, "period.end": 2024},
        {"moe.median": 1.5, "period.end": 2025.5},
        {"moe.median": 4, "period.end": 2024},
        {"moe.median": 4, "period.end": 2025.5},
    ]
    seeds = [s["seed"] for s in serial["scenarios"]]
    assert len(set(seeds)) == 4


def test_scenario_equals_sample_with_its_seed(serial):
    """A scenario is `sample --seed S --set ...` with its recorded seed."""
    sc = serial["scenarios"][2]
    model = effcast.load(GPT3, overrides=sc["overrides"])
    res = model.sample(20_000, seed=sc["seed"])
    assert sc["stats"]["hardware.0.5"] == float(np.quantile(res.hardware, 0.5))
    assert sc["stats"]["hardware.p1000"] == res.prob_exceeds("hardware", 1000)
    oom = np.quantile(np.log10(res.compute) / res.years, 0.9)
    assert sc["stats"]["compute.oom.0.9"] == float(oom)
    fc = effcast.forecast(model, results=res, seed=sc["seed"])
    at = np.quantile(fc.reduction("compute", 2030), 0.5)
    assert sc["stats"]["compute.at2030.0.5"] == float(at)
    cr = effcast.crossing(fc, **QUESTION)
    assert sc["stats"]["crossing.1e24.0.5"] == float(cr.year_quantile(0, 0.5))
    assert sc["stats"]["crossing.1e24.by2026"] == cr.prob_crossed_by(0, 2026)
    assert sc["stats"]["crossing.budget.0.9"] == float(cr.year_quantile(1, 0.9))


def test_grid_over_the_forecast_table():
    """Faster forward progress crosses sooner and gains more by 2030."""
    sw = effcast.sweep(
        GPT3,
        {"forecast.acceleration": [0.8, 1.0, 1.25]},
        stats=["crossing.1e23.0.5", "compute.at2030.0.5"],
        question={"thresholds": 1e23, "reference": "gpt4"},
        n=20_000,
        seed=3,
        scheduler="serial",
    )
    years = [r["stats"]["crossing.1e23.0.5"] for r in sw.rows]
    gains = [r["stats"]["compute.at2030.0.5"] for r in sw.rows]
    assert years == sorted(years, reverse=True) and gains == sorted(gains)


def test_stats_move_the_right_way(serial):
    low, _, high, _ = serial["scenarios"]
    assert high["stats"]["hardware.0.5"] > low["stats"]["hardware.0.5"]
    assert high["stats"]["algorithmic.0.5"] > low["stats"]["algorithmic.0.5"]


def test_local_processes_equal_serial(serial):
    assert run("processes", workers=2) == serial


def test_dask_local_cluster_equals_serial(serial):
    pytest.importorskip("distributed")
    assert run("local", workers=1) == serial


def test_explicit_scenarios():
    sw = effcast.sweep(
        GPT3,
        scenarios=[{}, {"unpublished.median": 2.0, "unpublished.ci": [1.2, 6.0]}],
        n=10_000,
        seed=1,
        scheduler="serial",
    )
    assert sw.paths == ["unpublished.median", "unpublished.ci"]
    assert len(sw.table()) == 2


def test_parsing():
    assert split_values("1,[2, 3],'x,y'") == ["1", "[2, 3]", "'x,y'"]
    assert parse_grid("moe.ci=[1.25, 5],[1.5, 6]") == (
        "moe.ci",
        [[1.25, 5], [1.5, 6]],
    )
    assert parse_grid("moe.dist=lognormal,truncnormal")[1] == [
        "lognormal",
        "truncnormal",
    ]
    assert parse_stat("hardware.p1e3").value == 1000.0
    assert parse_stat("moe.0.25").series == "moe"
    assert parse_stat("compute.mean_log10").kind == "mean_log10"


@pytest.mark.parametrize(
    "kwargs, words",
    [
        ({"grid": ["moe.median=abc"]}, r"scenario 1 of 1.*must be a number.*--grid"),
        ({"grid": ["moe.median=2,9"]}, "scenario 2 of 2.*outside its interval"),
        ({"grid": ["moe.median"]}, "expected NAME.KEY=V1,V2"),
        ({"grid": ["moe.median=1.5,,2"]}, "empty value"),
        ({"grid": ["nosuch.median=2"]}, "neither a factor"),
        ({"grid": ["moe.median=2", "moe.median=3"]}, "given twice"),
        ({"stats": ["hardware.2"]}, "between 0 and 1"),
        ({"stats": ["hardware"]}, "expected SERIES.Q"),
        ({"stats": ["nosuch.0.5"]}, "not hardware, compute"),
        ({"stats": ["moe.p10"]}, "quantiles only"),
        ({"n": 0}, "at least 1"),
        ({"n": 2.5}, "whole number"),
        ({"n": 1e13}, "at most"),
        ({"stats": ["crossing.1e25.0.5"]}, "give the threshold with --threshold"),
        (
            {"stats": ["crossing.1e25.0.5"], "question": {"thresholds": [1e26]}},
            "not one of the thresholds",
        ),
        ({"stats": ["crossing.budget.0.5"]}, "no hardware budget"),
        ({"stats": ["crossing.1e25"]}, "crossing.LIMIT.Q"),
        ({"stats": ["moe.at2030.0.5"]}, "hardware.atYEAR.Q"),
        (
            {"stats": ["compute.at2030.0.5"], "grid": ["forecast.to=2030,2023"]},
            "scenario 2 of 2.*after the prior's period end",
        ),
        (
            {"stats": ["crossing.-1.0.5"], "question": {"thresholds": [-1]}},
            "threshold must be positive",
        ),
        ({"question": {"threshold": [1e25]}}, "unknown crossing question keys"),
    ],
)
def test_bad_sweep_input(kwargs, words):
    kwargs = {"grid": ["moe.median=2"], "scheduler": "serial", "n": 1000, **kwargs}
    with pytest.raises(effcast.EffcastError, match=words):
        effcast.sweep(GPT3, **kwargs)


def test_unreachable_scheduler_fails_after_a_bounded_wait():
    pytest.importorskip("distributed")
    # The wait is bounded by timeout=1; a hang here would be a bug.
    with pytest.raises(effcast.EffcastError, match="could not reach a Dask"):
        effcast.sweep(
            GPT3, ["moe.median=2"], n=1000, scheduler="tcp://127.0.0.1:9", timeout=1
        )


def test_dask_scheduler_address_equals_serial(serial):
    """The address path (distributed.Client over TCP) against a real scheduler."""
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(
        n_workers=1, threads_per_worker=1, processes=False, dashboard_address=None
    ) as cluster:
        assert run(cluster.scheduler_address) == serial


def test_scheduler_without_workers_fails_after_a_bounded_wait():
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(
        n_workers=0, processes=False, dashboard_address=None
    ) as cluster:
        with pytest.raises(effcast.EffcastError, match="has no workers"):
            effcast.sweep(
                GPT3,
                ["moe.median=2"],
                n=1000,
                scheduler=cluster.scheduler_address,
                timeout=1,
            )


def test_malformed_address():
    pytest.importorskip("distributed")
    with pytest.raises(effcast.EffcastError, match="not a Dask scheduler address"):
        effcast.sweep(GPT3, ["moe.median=2"], n=1000, scheduler="nohost", timeout=1)


def test_dask_missing_says_how_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "distributed", None)
    with pytest.raises(effcast.EffcastError, match=r"effcast\[dask\]"):
        effcast.sweep(GPT3, ["moe.median=2"], n=1000, scheduler="local")
