"""The command line, run in-process with click's CliRunner."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from click.testing import CliRunner
from conftest import PRIORS, ROOT

import effcast
from effcast.cli._main import main

GPT3 = str(PRIORS / "gpt3_today.toml")


@pytest.fixture
def runner():
    return CliRunner()


def test_version(runner):
    result = runner.invoke(main, ["--version"])
    assert result.exit_code == 0
    assert effcast.__version__ in result.output


@pytest.mark.parametrize("args", [["--help"], ["sample", "--help"]])
def test_help_everywhere(runner, args):
    result = runner.invoke(main, args)
    assert result.exit_code == 0
    assert "Usage:" in result.output


def test_every_command_has_help(runner):
    for name in main.commands:
        result = runner.invoke(main, [name, "--help"])
        assert result.exit_code == 0, name


def test_sample_table(runner):
    result = runner.invoke(main, ["sample", GPT3, "-n", "200000", "--seed", "1"])
    assert result.exit_code == 0, result.output
    out = result.output
    for text in (
        "Hardware (GPU-hours)",
        "Compute (FLOP)",
        "median",
        "P(> 1000x)",
        "per year",
        "OOM per year",
        "transformer_pp",
        "algorithmic",
        "seed 1",
    ):
        assert text in out, text


def test_sample_json_is_the_api_summary(runner):
    result = runner.invoke(
        main, ["sample", GPT3, "-n", "50000", "--seed", "7", "--json"]
    )
    assert result.exit_code == 0
    doc = json.loads(result.stdout)  # stdout holds the JSON document alone
    api = effcast.load(GPT3).sample(50_000, seed=7).summary()
    assert doc == json.loads(json.dumps(api))
    assert doc["samples"] == 50_000 and doc["seed"] == 7


@pytest.mark.parametrize(
    "count, expected", [("1e5", 100_000), ("100_000", 100_000), ("65537", 65_537)]
)
def test_sample_count_spellings(runner, count, expected):
    result = runner.invoke(main, ["sample", GPT3, "-n", count, "--seed", "1", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["samples"] == expected


def test_seed_is_reported_when_not_given(runner):
    result = runner.invoke(main, ["sample", GPT3, "-n", "1000", "--json"])
    seed = json.loads(result.stdout)["seed"]
    again = runner.invoke(
        main, ["sample", GPT3, "-n", "1000", "--json", "--seed", str(seed)]
    )
    assert json.loads(again.stdout)["hardware"] == json.loads(result.stdout)["hardware"]


def test_threads_option_does_not_change_the_answer(runner):
    outs = [
        runner.invoke(
            main,
            ["sample", GPT3, "-n", "150000", "--seed", "3", "--json", "--threads", t],
        ).stdout
        for t in "12"
    ]
    assert outs[0] == outs[1]


def test_python_dash_m(tmp_path):
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "effcast",
            "sample",
            GPT3,
            "-n",
            "1000",
            "--seed",
            "1",
            "--json",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["samples"] == 1000
