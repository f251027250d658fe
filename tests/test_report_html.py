"""effcast report: one self-contained HTML file (checked without a browser here;
tests/test_browser.py renders it in Chromium)."""

from __future__ import annotations

import hashlib
import json
import re
import sys

import pytest
from click.testing import CliRunner
from conftest import PRIORS

pytest.importorskip("jinja2")

import effcast  # noqa: E402
from effcast.cli._main import main  # noqa: E402
from effcast.report import _html  # noqa: E402
from effcast.report._html_tables import (  # noqa: E402
    HtmlTable,
    headline_table,
    summary_html,
    tables_html,
)

GPT3 = str(PRIORS / "gpt3_today.toml")
SECTIONS = (
    "question",
    "headline",
    "steps",
    "resources",
    "rates",
    "sensitivity",
    "forecast",
    "crossing",
    "prior",
    "reproduce",
)


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    out = tmp_path_factory.mktemp("report") / "r.html"
    args = ["report", GPT3, "-n", "20000", "--seed", "7", "--threshold", "1e22"]
    args += ["--set", "moe.median=3", "-o", str(out)]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    assert f"Wrote {out}" in result.output
    return out.read_text(encoding="utf-8")


def test_every_section_and_figure(report):
    for sid in SECTIONS:
        assert f'id="{sid}"' in report, sid
    for fig in ("distributions", "waterfall", "factors", "tornado", "fan", "crossing"):
        assert f'id="figure-{fig}"' in report, fig
    assert report.count("<svg") == 6
    assert len(report.encode()) < 600_000  # docs/sharing.md: about 300 kB
    assert report.startswith("<!DOCTYPE html>")
    assert "@media print" in report and "break-before: page" in report
    assert 'name="viewport"' in report


def test_nothing_external(report):
    # No stylesheet, script, image, font or frame from anywhere.
    assert "<link" not in report
    assert "<script" not in report
    assert "<img" not in report and "<iframe" not in report
    assert "@import" not in report
    assert not re.search(r"url\(\s*['\"]?(?!#)", report)  # only url(#clip-id)
    assert not re.search(r"""(src|href)\s*=\s*["'](https?:)?//""", report)
    # Negative control: the same checks catch an external stylesheet.
    spoiled = report.replace("<head>", '<head><link href="https://x/y.css">')
    assert "<link" in spoiled


def test_headline_agrees_with_sample(report):
    result = CliRunner().invoke(
        main,
        ["sample", GPT3, "-n", "20000", "--seed", "7", "--set", "moe.median=3"]
        + ["--json"],
    )
    doc = json.loads(result.stdout)
    for which in ("hardware", "compute"):
        m = re.search(rf'id="{which}-median" data-value="([^"]+)"', report)
        assert m is not None
        assert float(m.group(1)) == doc[which]["quantiles"]["0.5"]


def test_prior_sources_notes_and_provenance(report):
    import html

    text = html.unescape(report)
    prior = effcast.load(GPT3).prior
    for f in prior.factor:
        assert f.source and f.notes, f.name
        assert f'id="factor-{f.name}"' in report
        assert f.source in text
        assert " ".join(f.notes.split()[:12]) in text
    digest = hashlib.sha256(open(GPT3, "rb").read()).hexdigest()
    assert digest in report
    assert "moe.median=3" in report
    assert effcast.__version__ in report
    assert "--seed 7" in report


def test_refuses_existing_output_and_bad_input(tmp_path):
    out = tmp_path / "r.html"
    out.write_text("keep")
    runner = CliRunner()
    result = runner.invoke(main, ["report", GPT3, "-n", "1000", "-o", str(out)])
    assert result.exit_code == 2 and "already exists" in result.output
    assert out.read_text() == "keep"
    bad = tmp_path / "bad.html"
    result = runner.invoke(
        main, ["report", GPT3, "--set", "moe.median=99", "-o", str(bad)]
    )
    assert result.exit_code == 2
    assert "field 'median'" in result.output and "moe.median=99" in result.output
    assert not bad.exists()
    result = runner.invoke(main, ["report", GPT3, "-o", str(tmp_path / "r.txt")])
    assert result.exit_code == 2 and not (tmp_path / "r.txt").exists()
    result = runner.invoke(
        main, ["report", GPT3, "--to", "2020", "-o", str(tmp_path / "t.html")]
    )
    assert result.exit_code == 2 and "after the prior's period end" in result.output


def test_missing_jinja2_is_a_clear_error(monkeypatch):
    monkeypatch.setitem(sys.modules, "jinja2", None)
    _html.environment.cache_clear()
    try:
        with pytest.raises(effcast.EffcastError, match=r"effcast\[web\]"):
            _html.environment()
    finally:
        _html.environment.cache_clear()


def test_tables_escape_and_carry_values():
    t = HtmlTable("T <1>", ["", "v"], [["<b>", "1 & 2"]], values={(0, 1): 0.1})
    html = tables_html(t)
    assert "&lt;b&gt;" in html and "1 &amp; 2" in html and "<b>" not in html
    assert 'data-value="0.1"' in html


def test_notebook_fragment_is_the_reports_table():
    res = effcast.load(GPT3).sample(5000, seed=3)
    doc = res.summary()
    fragment = summary_html(doc)
    assert tables_html(headline_table(doc)) in fragment
    assert 'id="hardware-median"' in fragment and "running product" in fragment


def test_standard_errors_shown_when_present():
    doc = effcast.load(GPT3).sample(5000, seed=3).summary()
    assert "±" in tables_html(headline_table(doc))  # the summary carries them
    for which in ("hardware", "compute"):
        doc[which].pop("se")
    assert "±" not in tables_html(headline_table(doc))
    doc["hardware"]["se"] = {"quantiles": {"0.5": 4.2}}
    doc["compute"]["se"] = {"quantiles": {"0.5": 1.5}}
    assert "± 4.2x" in tables_html(headline_table(doc))


@pytest.mark.parametrize("path", sorted(PRIORS.glob("*.toml")), ids=lambda p: p.stem)
def test_every_shipped_prior_reports(path):
    html = effcast.html_report(path, n=5000, seed=1)
    for sid in ("question", "headline", "steps", "sensitivity", "forecast", "prior"):
        assert f'id="{sid}"' in html
    for f in effcast.load(path).prior.factor:
        assert f'id="factor-{f.name}"' in html
