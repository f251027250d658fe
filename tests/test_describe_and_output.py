"""``effcast describe``, and output that reads well in a terminal and a pipe."""

from __future__ import annotations

import json
import subprocess
import sys
import tomllib

import numpy as np
import pytest
from click.testing import CliRunner
from conftest import PRIORS
from scipy import stats

import effcast
from effcast.cli._main import main

GPT3 = str(PRIORS / "gpt3_today.toml")


def test_describe_quantiles_are_the_families_own():
    doc = effcast.describe(GPT3)
    moe = doc["factors"]["moe"]["quantiles"]
    # ci [1.25, 5] at level 0.9 with median 2.5: the 5%, 50% and 95% points.
    assert moe["0.05"] == pytest.approx(1.25, rel=1e-12)
    assert moe["0.5"] == pytest.approx(2.5, rel=1e-12)
    assert moe["0.95"] == pytest.approx(5.0, rel=1e-12)
    # Closed form for a plain lognormal: the 10th percentile of the upper/lower
    # half-normal with the scale of the lower side.
    s_lo = np.log(2.5 / 1.25) / stats.norm.ppf(0.95)
    assert moe["0.1"] == pytest.approx(2.5 * np.exp(s_lo * stats.norm.ppf(0.1)))
    # The truncated normal against scipy (lower = 0, split with equal sides).
    chin = doc["factors"]["chinchilla"]["quantiles"]
    sd = 1.5 / stats.norm.ppf(0.9)
    ref = stats.truncnorm(-3.0 / sd, np.inf, loc=3.0, scale=sd)
    assert chin["0.9"] == pytest.approx(ref.ppf(0.9), rel=1e-9)
    assert doc["factors"]["data_quality"]["floor_mass"] == pytest.approx(0.1)


def test_describe_agrees_with_sampling():
    """Negative control of a sort: the sampled quantiles land where described."""
    doc = effcast.describe(GPT3)
    res = effcast.load(GPT3).sample(400_000, seed=2)
    for name, f in doc["factors"].items():
        for q in ("0.1", "0.9"):
            x = f["quantiles"][q]
            # P(X <= x) sampled vs q: a few binomial standard errors.
            p = float(np.mean(res.factor(name) <= x))
            assert abs(p - float(q)) < 5 * np.sqrt(0.09 / 400_000) + 1e-12, name


def test_describe_lists_correlations_forward_view_and_warnings():
    data = tomllib.loads(open(GPT3).read())
    data["correlation"] = [{"between": ["moe", "unpublished"], "rho": 0.4}]
    data["forecast"] = {"to": 2030.0, "rate": "0.4oom"}
    # A prior-wide rate applies to the factors without a view of their own.
    data["factor"][0].pop("forward")
    model = effcast.Model.from_dict(data)
    doc = effcast.describe(model, overrides=["moe.median=1.5"])
    assert doc["correlations"] == [{"between": ["moe", "unpublished"], "rho": 0.4}]
    assert doc["forward"]["to"] == 2030.0 and doc["forward"]["rate"] == 0.4
    assert doc["forward"]["views"]["chinchilla"]["kind"] == "one-off"
    assert any("moe.shift_median=1.5" in w for w in doc["warnings"])
    assert doc["overrides"] == ["moe.median=1.5"]
    off = effcast.describe(GPT3, overrides=["chinchilla.enabled=false"])
    assert "chinchilla" not in off["factors"] and off["disabled"] == ["chinchilla"]


def test_describe_cli_text_and_json():
    runner = CliRunner()
    text = runner.invoke(main, ["describe", GPT3])
    assert text.exit_code == 0, text.output
    assert "hardware_efficiency" in text.output and "No warnings." in text.output
    assert "…" not in text.output  # nothing truncated in a pipe
    out = runner.invoke(main, ["describe", GPT3, "--json"])
    doc = json.loads(out.stdout)
    assert doc["factors"]["moe"]["quantiles"]["0.5"] == pytest.approx(2.5)
    bad = runner.invoke(main, ["describe", GPT3, "--set", "moe.nope=1"])
    assert bad.exit_code == 2 and "nope" in bad.output


def _effcast(*args: str) -> subprocess.Popen:
    code = "from effcast.cli._entry import run; run()"
    return subprocess.Popen(
        [sys.executable, "-c", code, *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


@pytest.mark.parametrize(
    "args",
    [
        ("sample", GPT3, "-n", "20000", "--seed", "1"),
        ("sample", GPT3, "-n", "20000", "--seed", "1", "--json"),
        ("forecast", GPT3, "-n", "20000", "--seed", "1"),
    ],
)
def test_a_closed_pipe_exits_0_quietly(args):
    proc = _effcast(*args)
    proc.stdout.close()  # the reader goes away before anything is written
    err = proc.stderr.read()
    assert proc.wait() == 0
    assert err == b""


def test_an_error_still_exits_2_through_run():
    proc = _effcast("sample", "no_such_prior")
    out, err = proc.communicate()
    assert proc.returncode == 2 and b"no such file" in err


def test_piped_text_is_not_truncated():
    out = CliRunner().invoke(main, ["sample", GPT3, "-n", "20000", "--seed", "1"])
    assert "hardware_efficiency" in out.output
    assert "…" not in out.output


def test_periods_given_as_dates_print_rounded():
    data = tomllib.loads(open(GPT3).read())
    import datetime as dt

    data["period"] = {
        "start": dt.date(2020, 1, 1),
        "end": dt.date(2023, 11, 16),
    }
    res = effcast.Model.from_dict(data).sample(10_000, seed=1)
    import io

    from effcast.report._console import report_console
    from effcast.report._tables import render_summary

    buf = io.StringIO()
    console = report_console(render_summary(res.summary()), file=buf)
    console.print(render_summary(res.summary()))
    text = buf.getvalue()
    assert "period of 3.87 years" in text
    assert "3.87397" not in text and "What GPT-3 would take in 2023" in text


def test_fp8_line_labels_both_sides():
    out = CliRunner().invoke(
        main,
        ["sample", GPT3, "-n", "10000", "--seed", "1", "--set", "target.precision=fp8"],
    )
    assert "H100 FP8 1979 vs V100 16-bit 125 TFLOP/s" in " ".join(out.output.split())
    base = CliRunner().invoke(main, ["sample", GPT3, "-n", "10000", "--seed", "1"])
    text = " ".join(base.output.split())
    assert "H100 16-bit 989 vs V100 16-bit 125 TFLOP/s" in text


def test_figures_use_labels_titles_whole_words_and_percent():
    from matplotlib.ticker import PercentFormatter

    res = effcast.load(GPT3, overrides=["moe.enabled=false"]).sample(20_000, seed=1)
    fig = effcast.figure(res, "waterfall")
    ax = fig.axes[0]
    title = ax.get_title()
    assert "founding analysis" not in title and res.title in title
    assert "switched off: moe" in title
    words = {w for f in res.prior.factor for w in (f.label or "").split()}
    ticks = [t.get_text() for t in ax.get_xticklabels()]
    assert any("Transformer++" in t for t in ticks)
    for t in ticks[:-2]:  # the factors; not the two totals
        assert all(line in words or " " in line for line in t.split("\n")), t
        for line in t.split("\n"):
            assert all(w in words for w in line.split()), line  # no word cut
    dist = effcast.figure(res, "distributions")
    assert isinstance(dist.axes[1].yaxis.get_major_formatter(), PercentFormatter)
    fc = effcast.forecast(effcast.load(GPT3), to=2030, seed=1, n=20_000)
    cr = effcast.crossing(fc, 1e25, reference="gpt4")
    chart = effcast.crossing_chart(cr)
    assert isinstance(chart.axes[0].yaxis.get_major_formatter(), PercentFormatter)
