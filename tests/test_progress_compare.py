"""The progress bar's manners, and ``effcast compare``."""

from __future__ import annotations

import io
import json
import re

import numpy as np
import pytest
from click.testing import CliRunner
from conftest import PRIORS

import effcast
from effcast.cli._main import main
from effcast.report._progress import ProgressBar, wants_progress

GPT3 = str(PRIORS / "gpt3_today.toml")
SCEPTICAL = str(PRIORS / "sceptical.toml")
EPOCH = str(PRIORS / "epoch_rates.toml")


class FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_wants_progress(monkeypatch):
    monkeypatch.delenv("EFFCAST_NO_PROGRESS", raising=False)
    assert not wants_progress(io.StringIO())
    assert wants_progress(FakeTerminal())
    monkeypatch.setenv("EFFCAST_NO_PROGRESS", "1")
    assert not wants_progress(FakeTerminal())


def test_progress_callback_does_not_change_the_samples():
    model = effcast.load(GPT3)
    calls = []
    res = model.sample(300_000, seed=9, progress=calls.append)
    plain = model.sample(300_000, seed=9)
    assert np.array_equal(res.hardware, plain.hardware)
    # Five blocks of 65,536, the last one short; the increments add up to n.
    assert calls == [65_536] * 4 + [300_000 - 4 * 65_536]


def test_bar_draws_on_a_terminal_only_after_the_delay():
    model = effcast.load(GPT3)
    quiet = FakeTerminal()
    with ProgressBar(300_000, "sampling", stream=quiet, delay=3600) as bar:
        model.sample(300_000, seed=1, progress=bar)
    assert quiet.getvalue() == ""  # finished before the delay
    loud = FakeTerminal()
    with ProgressBar(300_000, "sampling", stream=loud, delay=0) as bar:
        model.sample(300_000, seed=1, progress=bar)
    assert "sampling" in loud.getvalue()
    pipe = io.StringIO()
    with ProgressBar(300_000, "sampling", stream=pipe, delay=0) as bar:
        model.sample(300_000, seed=1, progress=bar)
    assert pipe.getvalue() == ""  # not a terminal


def test_no_color(monkeypatch):
    """NO_COLOR: the bar still draws but sets no colours (SGR 30-38, 90-97)."""
    colour = re.compile(r"\x1b\[[0-9;]*(3[0-8]|9[0-7])[;m]")
    out = {}
    for setting in ("", "1"):
        if setting:
            monkeypatch.setenv("NO_COLOR", setting)
        else:
            monkeypatch.delenv("NO_COLOR", raising=False)
        stream = FakeTerminal()
        with ProgressBar(100, "sampling", stream=stream, delay=0) as bar:
            for _ in range(9):
                bar(10)
        out[setting] = stream.getvalue()
    assert colour.search(out[""])  # the control: colours without NO_COLOR
    assert "sampling" in out["1"] and not colour.search(out["1"])


def test_json_stdout_is_never_mixed():
    result = CliRunner().invoke(main, ["sample", GPT3, "-n", "200000", "--json"])
    assert result.exit_code == 0
    json.loads(result.stdout)
    assert result.stderr == ""


# -- compare ------------------------------------------------------------------------


def test_compare_json_matches_the_api():
    result = CliRunner().invoke(
        main, ["compare", GPT3, SCEPTICAL, "-n", "20000", "--seed", "5", "--json"]
    )
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["seed"] == 5 and doc["samples"] == 20_000
    assert [r["prior"] for r in doc["runs"]] == [GPT3, SCEPTICAL]
    for path, run in zip((GPT3, SCEPTICAL), doc["runs"], strict=True):
        api = effcast.load(path).sample(20_000, seed=5).summary()
        assert run == json.loads(json.dumps(api))
    # The sceptical prior expects far less than the seed's.
    gpt3, sceptical = (r["hardware"]["quantiles"]["0.5"] for r in doc["runs"])
    assert sceptical < gpt3 / 3


def test_compare_without_seed_uses_one_seed_for_all():
    result = CliRunner().invoke(main, ["compare", GPT3, GPT3, "-n", "2000", "--json"])
    doc = json.loads(result.stdout)
    assert doc["runs"][0]["seed"] == doc["runs"][1]["seed"] == doc["seed"]
    assert doc["runs"][0]["hardware"] == doc["runs"][1]["hardware"]


def test_compare_table_set_and_plot(tmp_path):
    fig = tmp_path / "c.png"
    args = ["compare", GPT3, EPOCH, "-n", "20000", "--seed", "1", "--plot", str(fig)]
    result = CliRunner().invoke(main, [*args, "--set", "period.end=2025.1"])
    assert result.exit_code == 0, result.output
    assert "[1]" in result.stdout and "[2]" in result.stdout
    assert "period (years)" in result.stdout and "5.1" in result.stdout
    assert fig.read_bytes().startswith(b"\x89PNG")


@pytest.mark.parametrize(
    "args, words",
    [
        (["--set", "chinchilla.median=2.5"], "epoch_rates.toml"),  # not in epoch
        (["--plot", "c.bmp"], "unknown file type '.bmp'"),
    ],
)
def test_compare_bad_input(tmp_path, monkeypatch, args, words):
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["compare", GPT3, EPOCH, "-n", "1000", *args])
    assert result.exit_code == 2
    assert words in result.stderr and result.stdout == ""
    assert list(tmp_path.iterdir()) == []


def test_compare_needs_a_prior():
    result = CliRunner().invoke(main, ["compare"])
    assert result.exit_code == 2
