"""Faults lose nothing: races on one output, killed runs, Ctrl-C, memory
limits, sizes that cannot finish, NaN that must never be summarised, and
mixture forward rates drawn by the compiled quantile function."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

import effcast
from effcast.cli._main import main
from effcast.engine import _blocks
from effcast.io._atomic import TEMP_MARK, atomic_write, clean_stale_temporaries

EFFCAST = [sys.executable, "-m", "effcast"]


def _dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


# -- one output, two writers ----------------------------------------------
def test_a_file_written_meanwhile_is_not_replaced(tmp_path):
    target = tmp_path / "out.txt"

    def write(tmp: Path) -> None:
        tmp.write_text("second")
        target.write_text("first")  # another run finishes first

    with pytest.raises(effcast.EffcastError, match="already exists"):
        atomic_write(target, write)
    assert target.read_text() == "first"
    assert [p.name for p in tmp_path.iterdir()] == ["out.txt"]  # no temporary


def test_force_replaces(tmp_path):
    target = tmp_path / "out.txt"
    target.write_text("old")
    atomic_write(target, lambda tmp: tmp.write_text("new"), force=True)
    assert target.read_text() == "new"


def test_two_simultaneous_runs_one_wins_the_other_refuses(tmp_path):
    cmd = [*EFFCAST, "sample", "gpt3_today", "-n", "300000", "--seed", "1"]
    cmd += ["--out", "same.npz"]
    procs = [
        subprocess.Popen(
            cmd, cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE
        )
        for _ in range(2)
    ]
    outs = [p.communicate(timeout=300) for p in procs]
    codes = sorted(p.returncode for p in procs)
    assert codes == [0, 2], outs
    loser = outs[[p.returncode for p in procs].index(2)][1].decode()
    assert "already exists" in loser and "Traceback" not in loser
    assert sorted(p.name for p in tmp_path.iterdir()) == ["same.npz"]
    assert np.load(tmp_path / "same.npz")["total.hardware"].size == 300_000


# -- killed runs ----------------------------------------------------------
def test_temporaries_of_dead_runs_are_cleaned_and_live_ones_kept(tmp_path):
    dead = tmp_path / f".out{TEMP_MARK}{_dead_pid()}-abc.npz"
    live = tmp_path / f".other{TEMP_MARK}{os.getpid()}-abc.npz"
    unrelated = tmp_path / ".hidden.npz"
    for p in (dead, live, unrelated):
        p.write_text("x")
    atomic_write(tmp_path / "new.txt", lambda tmp: tmp.write_text("y"))
    names = sorted(p.name for p in tmp_path.iterdir())
    assert dead.name not in names
    assert live.name in names and unrelated.name in names and "new.txt" in names


def test_sigkill_mid_write_leaves_a_recognised_temporary(tmp_path):
    script = (
        "import time, sys\n"
        "from effcast.io._atomic import atomic_write\n"
        "def slow(tmp):\n"
        "    tmp.write_text('partial'); print('writing', flush=True); time.sleep(60)\n"
        f"atomic_write({str(tmp_path / 'out.csv')!r}, slow)\n"
    )
    proc = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE)
    assert proc.stdout is not None
    assert proc.stdout.readline().strip() == b"writing"
    proc.kill()
    proc.wait()
    left = [p.name for p in tmp_path.iterdir()]
    assert len(left) == 1 and TEMP_MARK in left[0] and str(proc.pid) in left[0]
    assert not (tmp_path / "out.csv").exists()  # nothing partial under the name
    assert clean_stale_temporaries(tmp_path)
    assert list(tmp_path.iterdir()) == []


# -- Ctrl-C ---------------------------------------------------------------
@pytest.mark.parametrize("stream", [True, False])
def test_ctrl_c_exits_130_promptly(tmp_path, stream):
    n = "3e8" if stream else "6e7"
    cmd = [*EFFCAST, "sample", "gpt3_today", "-n", n, "--seed", "1"]
    cmd += ["--stream"] if stream else ["--no-stream"]
    proc = subprocess.Popen(
        cmd,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    time.sleep(6)
    assert proc.poll() is None, "the run ended before it could be interrupted"
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)  # minutes if the interrupt were ignored
    assert proc.returncode == 130, err.decode()
    assert "Traceback" not in err.decode() and "interrupted" in err.decode()


# -- memory and sizes ----------------------------------------------------
def test_memory_check_takes_the_least_limit(monkeypatch):
    monkeypatch.setattr(_blocks, "_meminfo", lambda: 64 << 30)
    monkeypatch.setattr(_blocks, "_cgroup_headroom", lambda: 2 << 30)
    monkeypatch.setattr(_blocks, "_rlimit_headroom", lambda: None)
    assert _blocks.available_memory() == 2 << 30
    model = effcast.load("gpt3_today")
    with pytest.raises(effcast.EffcastError, match="stream"):
        model.sample(100_000_000)
    monkeypatch.setattr(_blocks, "_cgroup_headroom", lambda: None)
    assert _blocks.available_memory() == 64 << 30


def test_an_address_space_limit_is_respected(tmp_path):
    import resource

    def limit():
        resource.setrlimit(resource.RLIMIT_AS, (3 << 30, 3 << 30))

    out = subprocess.run(
        [*EFFCAST, "sample", "gpt3_today", "-n", "1e8", "--no-stream"],
        capture_output=True,
        text=True,
        timeout=300,
        preexec_fn=limit,
        cwd=tmp_path,
    )
    assert out.returncode == 2, out.stderr
    assert "--stream" in out.stderr and "Traceback" not in out.stderr


@pytest.mark.parametrize("n", ["1e19", "1e30", "1000000000001"])
def test_sizes_that_cannot_finish_are_refused_at_once(n):
    result = CliRunner().invoke(main, ["sample", "gpt3_today", "-n", n])
    assert result.exit_code == 2
    assert "--samples" in result.output and "could finish" in result.output


# -- NaN is a bug, not a statistic ---------------------------------------
def test_nan_samples_stop_before_any_statistic(monkeypatch):
    model = effcast.load("gpt3_today")
    draw = model.draw

    def poisoned(*args, **kwargs):
        d = draw(*args, **kwargs)
        d.totals[0, 3] = np.nan
        return d

    monkeypatch.setattr(model, "draw", poisoned)
    with pytest.raises(effcast.EffcastError, match="bug in effcast"):
        model.sample(1000, seed=1)


# -- mixture forward rates ----------------------------------------------
MIXTURES = [
    {
        "dist": "mixture",
        "components": [
            {"weight": 0.6, "dist": "lognormal", "ci": [0.2, 0.5], "level": 0.8},
            {"weight": 0.4, "dist": "lognormal", "ci": [0.4, 1.0], "level": 0.8},
        ],
    },
    {
        "dist": "mixture",
        "floor": 0.3,
        "components": [
            {
                "weight": 1,
                "dist": "truncnormal",
                "ci": [0.2, 0.6],
                "level": 0.8,
                "lower": 0,
            },
            {"weight": 2, "dist": "lognormal", "ci": [0.3, 0.9], "level": 0.9},
        ],
    },
]


@pytest.mark.parametrize("rate", MIXTURES)
def test_mixture_rate_quantiles_match_brentq(rate):
    from effcast.analysis._forecast_settings import rate_marginal
    from effcast.engine._ppf import _mixture_ppf, ppf_many

    m = rate_marginal(rate)
    u = np.concatenate([np.random.default_rng(3).random(2000), [0.0, 1e-12, 0.5]])
    fast = ppf_many(m, u)
    slow = m.ppf(u)
    # In the body both solve to the last digits; in the far tail the CDF
    # itself is flat to rounding, so compare there in probability.
    body = (u > 1e-6) & (u < 1 - 1e-6)
    assert np.allclose(fast[body], slow[body], rtol=1e-10)
    assert np.allclose(m.cdf(fast), np.maximum(u, m.cdf(m.floor)), atol=1e-12)
    # Negative control: quantiles at shifted probabilities do not match.
    assert not np.allclose(ppf_many(m, np.clip(u + 0.01, 0, 1)), slow, rtol=1e-6)
    # The compiled function equals its Python twin.
    rows, flags = m.kernel_rows()
    fp = m.kernel_fparams()
    args = (
        np.array(rows),
        np.array(flags, dtype=np.int64),
        u[:50],
        fp[1],
        fp[2],
        fp[0],
    )
    a, b = np.empty(50), np.empty(50)
    _mixture_ppf(*args, a)
    _mixture_ppf.py_func(*args, b)
    assert np.array_equal(a, b)


def test_forecast_with_a_mixture_rate_uses_the_fast_path(monkeypatch):
    from effcast.families._mixture import MixtureMarginal

    original = MixtureMarginal.ppf

    def refuse(self, p, **k):
        if np.size(p) > 10:  # a few quantiles (the bounds check) are fine
            raise AssertionError("per-sample brentq used")
        return original(self, p, **k)

    monkeypatch.setattr(MixtureMarginal, "ppf", refuse)
    model = effcast.load("gpt3_today")
    fc = effcast.forecast(model, to=2030, n=20_000, seed=1, rate=MIXTURES[0])
    assert np.all(np.isfinite(fc.quantiles("compute", 2030, [0.1, 0.5, 0.9])))


# -- extreme priors that load: every command runs ------------------------
EXTREME = """\
title = "extreme"
[period]
start = 2020.0
end = 2024.0
[[factor]]
name = "a"
reduces = "compute"
dist = "lognormal"
mu = 100.0
sigma = 3.0
[[factor]]
name = "b"
reduces = "hardware"
dist = "lognormal"
mu = -100.0
sigma = 5.0
[[factor]]
name = "c"
reduces = "compute"
dist = "truncnormal"
mean = 2.0
sd = 1.0
lower = 0.0
"""


@pytest.mark.parametrize(
    "args",
    [
        ["sample", "-n", "5000", "--plot", "s.png", "--out", "s.csv"],
        *(
            ["plot", "-n", "5000", "--kind", k, "-o", f"{k}.png"]
            for k in ("distributions", "factors", "waterfall", "tornado")
        ),
        ["sensitivity", "-n", "5000"],
        ["forecast", "-n", "5000", "--to", "2030", "--plot", "fan.png"],
        ["threshold", "-n", "5000", "--threshold", "1e25", "--plot", "t.png"],
        ["sweep", "-n", "2000", "--grid", "a.sigma=1,2", "--scheduler", "serial"],
    ],
)
def test_every_command_runs_on_an_extreme_prior_that_loads(tmp_path, args):
    (tmp_path / "ext.toml").write_text(EXTREME)
    cmd = [args[0], str(tmp_path / "ext.toml"), "--seed", "1", *args[1:]]
    cmd = [c if not c.endswith((".png", ".csv")) else str(tmp_path / c) for c in cmd]
    with np.errstate(all="ignore"):
        result = CliRunner().invoke(main, cmd)
    assert result.exit_code == 0, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_a_million_scenario_grid_is_refused_before_any_is_built():
    values = ",".join(["2"] * 1000)
    result = CliRunner().invoke(
        main,
        [
            "sweep",
            "gpt3_today",
            "--grid",
            f"moe.median={values}",
            "--grid",
            f"moe.level={','.join(['0.9'] * 1000)}",
        ],
    )
    assert result.exit_code == 2, result.output
    assert "1,000,000 scenarios" in result.output and "10,000" in result.output


def test_a_full_disk_ends_in_one_message_and_no_file(tmp_path):
    import errno

    def full(tmp: Path) -> None:
        tmp.write_text("part")
        raise OSError(errno.ENOSPC, "No space left on device")

    with pytest.raises(effcast.EffcastError, match="No space left"):
        atomic_write(tmp_path / "fig.png", full)
    assert list(tmp_path.iterdir()) == []
