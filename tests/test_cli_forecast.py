"""The forecast, threshold and sweep commands, in-process, and their bad input."""

from __future__ import annotations

import csv
import io
import json

import pytest
from click.testing import CliRunner
from conftest import PRIORS

import effcast
from effcast.cli._main import main

GPT3 = str(PRIORS / "gpt3_today.toml")
FAST = ["-n", "20000", "--seed", "3"]


@pytest.fixture
def runner():
    return CliRunner()


def test_forecast_table(runner):
    result = runner.invoke(main, ["forecast", GPT3, "--to", "2030", *FAST])
    assert result.exit_code == 0, result.output
    for text in ("2024.1 (end)", "2030", "hardware", "compute", "80% interval"):
        assert text in result.output


def test_forecast_json_is_the_api_summary(runner):
    args = ["forecast", GPT3, "--to", "2028", "--json", *FAST, "--set", "moe.median=3"]
    result = runner.invoke(main, args)
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    model = effcast.load(GPT3, overrides=["moe.median=3"])
    api = effcast.forecast(model, to=2028, n=20_000, seed=3).summary()
    assert doc == json.loads(json.dumps(api))
    assert list(doc["hardware"]) == ["2024.1", "2025", "2026", "2027", "2028"]


def test_forecast_options_reach_the_model(runner):
    args = ["forecast", GPT3, "--to", "2030", "--json", *FAST]
    extra = ["--rate", "0.4oom", "--rate-ci", "0.2oom,0.8oom", "--acceleration", "0.9"]
    result = runner.invoke(main, [*args, *extra, "--cap", "3"])
    assert result.exit_code == 0, result.output
    forward = json.loads(result.stdout)["forward"]
    assert forward["rate"] == {"median": 0.4, "ci": [0.2, 0.8], "level": 0.8}
    assert forward["acceleration"] == 0.9 and forward["cap_oom"] == 3.0
    # --rate sets aside the compute factors' own views; hardware_efficiency
    # keeps its ceiling, and every factor's assumption is named.
    factors = forward["factors"]
    assert "set aside" in factors["moe"]
    assert "ceiling 4.7" in factors["hardware_efficiency"]


def test_prior_forecast_table_via_set(runner):
    args = ["forecast", GPT3, "--json", *FAST, "--set", "forecast.cap=2"]
    result = runner.invoke(main, [*args, "--set", "forecast.to=2031"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["forward"]["cap_oom"] == 2.0 and doc["years"][-1] == 2031.0
    # An option given on the command line wins over the table.
    result = runner.invoke(main, [*args, "--cap", "4"])
    assert json.loads(result.stdout)["forward"]["cap_oom"] == 4.0


def test_forecast_plot(runner, tmp_path):
    out = tmp_path / "fan.png"
    result = runner.invoke(main, ["forecast", GPT3, *FAST, "--plot", str(out)])
    assert result.exit_code == 0, result.output
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert [p.name for p in tmp_path.iterdir()] == ["fan.png"]


def test_threshold_table_json_and_plot(runner, tmp_path):
    out = tmp_path / "crossing.svg"
    base = ["threshold", GPT3, "--reference", "gpt4", "--threshold", "1e25"]
    args = [*base, "--threshold", "1e24", "--budget", "1e5", "--to", "2030", *FAST]
    result = runner.invoke(main, [*args, "--plot", str(out)])
    assert result.exit_code == 0, result.output
    assert "< 1e25 FLOP" in result.output and "Crossing year" in result.output
    assert out.read_text().lstrip().startswith("<?xml")
    result = runner.invoke(main, [*args, "--json"])
    doc = json.loads(result.stdout)
    assert [q["kind"] for q in doc["questions"]] == ["compute", "compute", "hardware"]
    for q in doc["questions"]:
        probs = list(q["prob_crossed_by"].values())
        assert probs == sorted(probs)


def test_sweep_table_json_and_out(runner, tmp_path):
    out = tmp_path / "sweep.csv"
    args = [
        "sweep",
        GPT3,
        "--grid",
        "moe.median=1.5,2.5,4",
        "--grid",
        "period.end=2024,2025",
    ]
    args += ["--stat", "hardware.0.5", "--stat", "compute.p100", *FAST]
    result = runner.invoke(main, [*args, "--scheduler", "serial", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "median" in result.output and "p100" in result.output
    rows = list(csv.DictReader(out.open()))
    assert len(rows) == 6 and set(rows[0]) >= {"moe.median", "seed", "compute.p100"}
    # An existing file is not overwritten without --force.
    again = runner.invoke(main, [*args, "--scheduler", "serial", "--out", str(out)])
    assert again.exit_code == 2 and "--force" in again.output
    result = runner.invoke(main, [*args, "--scheduler", "serial", "--json"])
    doc = json.loads(result.stdout)
    assert len(doc["scenarios"]) == 6
    assert doc["scenarios"][0]["stats"]["hardware.0.5"] == float(
        rows[0]["hardware.0.5"]
    )


def test_sweep_with_crossing_statistics(runner):
    args = ["sweep", GPT3, "--grid", "forecast.acceleration=0.8,1.2", *FAST]
    args += ["--reference", "gpt4", "--threshold", "1e24", "--budget", "1e5"]
    args += ["--stat", "crossing.1e24.0.5", "--stat", "crossing.budget.by2027"]
    result = runner.invoke(main, [*args, "--scheduler", "serial", "--json"])
    assert result.exit_code == 0, result.output
    slow, fast = json.loads(result.stdout)["scenarios"]
    assert slow["stats"]["crossing.1e24.0.5"] > fast["stats"]["crossing.1e24.0.5"]
    assert (
        slow["stats"]["crossing.budget.by2027"]
        < fast["stats"]["crossing.budget.by2027"]
    )


BAD = [
    (["forecast", GPT3, "--to", "2023"], "after the prior's period end"),
    (["forecast", GPT3, "--to", "2030", "--acceleration", "0"], "positive"),
    (["forecast", GPT3, "--to", "2030", "--cap", "-2"], "cap must be positive"),
    (["forecast", GPT3, "--rate-ci", "0.2,0.8"], "needs --rate"),
    (["forecast", GPT3, "--rate", "0.4", "--rate-level", "0.9"], "goes with --rate-ci"),
    (["forecast", GPT3, "--set", "forecast.cap=-1"], "must be positive"),
    (["forecast", GPT3, "--rate", "0.5oom", "--rate-ci", "0.2oom"], "two rates"),
    (["forecast", GPT3, "--rate", "0.9oom", "--rate-ci", "0.2oom,0.8oom"], "outside"),
    (["forecast", GPT3, "--rate", "2.3"], 'has no units; write it as "2.3x"'),
    (["forecast", GPT3, "--rate", "fast"], "cannot read the rate"),
    (["forecast", GPT3, "--rate", "2x", "--rate-ci", "1.5,3"], "has no units"),
    (["forecast", GPT3, "--plot", "fan.gif"], "unknown file type '.gif'"),
    (["forecast", GPT3, "--plot", "/no/such/dir/fan.png"], "does not exist"),
    (["threshold", GPT3, "--threshold", "0"], "threshold must be positive"),
    (["threshold", GPT3, "--threshold", "-1e25"], "threshold must be positive"),
    (["threshold", GPT3, "--threshold", "1e25", "--reference", "0"], "FLOP must be"),
    (["threshold", GPT3, "--threshold", "1e25", "--reference", "-3e23"], "FLOP must"),
    (["threshold", GPT3, "--threshold", "1e25", "--reference", "gpt9"], "one of"),
    (["threshold", GPT3, "--budget", "0"], "budget must be positive"),
    (["threshold", GPT3, "--budget", "1e5", "--gpu", "K80"], "unknown GPU"),
    (["threshold", GPT3], "at least one compute threshold"),
    (["threshold", GPT3, "--threshold", "1e22", "--to", "2019"], "not before"),
    (["threshold", GPT3, "--threshold", "1e22", "--to", "2023"], "period end"),
    (
        ["threshold", GPT3, "--threshold", "1e22", "--reference-year", "2019"],
        "before the prior's period start",
    ),
    (["sweep", GPT3, "--grid", "moe.median=2,abc"], "must be a number"),
    (["sweep", GPT3, "--grid", "moe.median=[1,2]"], "must be a number"),
    (["sweep", GPT3, "--grid", "moe.median"], "expected NAME.KEY"),
    (["sweep", GPT3, "--grid", "moe.median=2", "--stat", "hardware.x"], "SERIES"),
    (
        ["sweep", GPT3, "--grid", "moe.median=2", "--out", "t.xlsx"],
        "unknown file type '.xlsx'",
    ),
    (["sweep", GPT3, "--stat", "crossing.1e25.0.5"], "give the threshold"),
    (
        ["sweep", GPT3, "--threshold", "0", "--stat", "crossing.0.0.5"],
        "threshold must be positive",
    ),
    (["forecast", GPT3, "--set", "moe.median=9"], "outside its interval"),
]


@pytest.mark.parametrize("args, words", BAD, ids=lambda a: " ".join(a[2:])[:40])
def test_bad_input_exits_2_with_one_message(runner, args, words, tmp_path):
    before = set(tmp_path.iterdir())
    result = runner.invoke(main, [*args, *FAST])
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert result.stdout == ""
    assert "effcast: error:" in result.stderr
    assert words in result.stderr
    assert set(tmp_path.iterdir()) == before


def test_unreachable_scheduler(runner):
    pytest.importorskip("distributed")
    args = ["sweep", GPT3, "--grid", "moe.median=2", "-n", "1000"]
    args += ["--scheduler", "tcp://127.0.0.1:9", "--connect-timeout", "1"]
    result = runner.invoke(main, args)
    assert result.exit_code == 2
    assert "could not reach a Dask scheduler" in result.stderr
    assert "Traceback" not in result.output


def test_piped_head_keeps_each_record_on_one_line(runner):
    """Through a pipe a factor's forward view is one line, however long, so
    grep finds it whole; the tables keep their own width."""
    prior = str(PRIORS / "gpt3_today.toml")
    args = ["threshold", prior, "--threshold", "1e25", "-n", "2000", "--seed", "1"]
    out = runner.invoke(main, args).output
    line = next(x for x in out.splitlines() if "hardware_efficiency:" in x)
    assert line.rstrip().endswith("saturating ceiling 4.7") and len(line) > 100
    # The control: the same head through an 80-column console is folded.
    from rich.console import Console

    from effcast.report._forecast_tables import render_crossing

    fc = effcast.forecast(effcast.load(prior), n=2000, seed=1)
    doc = effcast.crossing(fc, 1e25).summary()
    narrow = Console(width=80, record=True, file=io.StringIO())
    narrow.print(render_crossing(doc))
    text = narrow.export_text()
    whole = [x for x in text.splitlines() if "hardware_eff" in x and "ceiling" in x]
    assert not whole
