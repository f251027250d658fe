"""effcast explore's server, driven without a browser (Starlette's test client).

tests/test_browser.py drives the same page in Chromium.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import socket

import pytest
from click.testing import CliRunner
from conftest import PRIORS

pytest.importorskip("starlette")
pytest.importorskip("httpx2")
pytest.importorskip("jinja2")

from starlette.testclient import TestClient  # noqa: E402

import effcast  # noqa: E402
from effcast.cli._main import main  # noqa: E402
from effcast.web._explore import ENABLED_KEY, Explorer  # noqa: E402
from effcast.web._server import create_app, serve  # noqa: E402

GPT3 = str(PRIORS / "gpt3_today.toml")
N = 20_000


@pytest.fixture(scope="module")
def explorer():
    return Explorer(GPT3, samples=N, seed=3)


@pytest.fixture(scope="module")
def client(explorer):
    return TestClient(create_app(explorer), base_url="http://127.0.0.1")


def sample_json(*args: str) -> dict:
    result = CliRunner().invoke(main, ["sample", *args, "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def cli_error(*args: str) -> str:
    result = CliRunner().invoke(main, ["sample", *args])
    assert result.exit_code == 2
    return result.output.strip().removeprefix("effcast: error: ")


def test_page_has_every_field_named_by_its_override_key(client, explorer):
    html = client.get("/").text
    names = set(re.findall(r"<(?:input|select)[^>]*\sname=\"([^\"]+)\"", html))
    for f in effcast.load(GPT3).prior.factor:
        for key in ("median", "ci.0", "ci.1", "level", "enabled"):
            assert f"{f.name}.{key}" in names
    for key in ("period.start", "period.end", "forecast.to", "forecast.rate"):
        assert key in names
    assert {"view.thresholds", "view.reference", "view.samples", "view.seed"} <= names
    assert names == explorer.keys
    # Nothing is loaded from elsewhere; the policy says so to the browser.
    assert "<script src" not in html and "<link" not in html
    csp = client.get("/").headers["content-security-policy"]
    assert "default-src 'none'" in csp and "connect-src 'self'" in csp


def test_an_edit_gives_what_effcast_sample_gives(client):
    out = client.post(
        "/api/run", json={"edits": {"moe.median": "3"}, "view": {}}
    ).json()
    assert out["ok"] and out["errors"] == {}
    doc = sample_json(GPT3, "-n", str(N), "--seed", "3", "--set", "moe.median=3")
    assert out["hardware_median"] == doc["hardware"]["quantiles"]["0.5"]
    assert out["compute_median"] == doc["compute"]["quantiles"]["0.5"]
    assert (
        f'data-value="{doc["hardware"]["quantiles"]["0.5"]!r}"'
        in (out["headline_html"])
    )
    base = client.post("/api/run", json={"edits": {}, "view": {}}).json()
    assert base["hardware_median"] != out["hardware_median"]  # negative control
    assert len(out["hist"]["edges"]) == len(out["hist"]["hardware"]) + 1
    assert out["fan"]["years"][0] == 2020.0 and len(out["crossing"]["rows"]) == 1


@pytest.mark.parametrize(
    "key, value",
    [
        ("moe.median", "abc"),
        ("moe.median", "99"),
        ("moe.ci.1", "0.5"),
        ("moe.level", "2"),
        ("period.end", "2019"),
    ],
)
def test_invalid_input_carries_the_clis_message(client, key, value):
    r = client.post("/api/run", json={"edits": {key: value}, "view": {}})
    assert r.status_code == 200
    out = r.json()
    assert not out["ok"]
    assert out["errors"] == {key: cli_error(GPT3, "--set", f"{key}={value}")}


@pytest.mark.parametrize(
    "view, key",
    [
        ({"view.thresholds": "lots"}, "view.thresholds"),
        ({"view.samples": "1e12"}, "view.samples"),
        ({"view.samples": "2.5"}, "view.samples"),
        ({"view.reference": "/etc/passwd"}, "view.reference"),
        ({"view.seed": "-1"}, "view.seed"),
    ],
)
def test_invalid_view_is_named(client, view, key):
    out = client.post("/api/run", json={"edits": {}, "view": view}).json()
    assert not out["ok"] and list(out["errors"]) == [key]


def test_forward_errors_name_their_field(client):
    out = client.post(
        "/api/run", json={"edits": {"forecast.to": "2020"}, "view": {}}
    ).json()
    assert list(out["errors"]) == ["forecast.to"]
    assert "after the prior's period end" in out["errors"]["forecast.to"]


@pytest.mark.parametrize(
    "payload",
    [
        {"edits": {"prior": "/etc/passwd"}, "view": {}},
        {"edits": {"path": "x"}, "view": {}},
        {"edits": {"moe.median": 3}, "view": {}},
        {"edits": {"moe.median": "1" * 500}, "view": {}},
        {"edits": [], "view": {}},
        {"edits": {}, "view": 5},
        {"edits": {"moe.median": "3"}, "view": ["view.seed"]},
    ],
)
def test_the_server_accepts_only_its_fields(client, payload):
    out = client.post("/api/run", json=payload).json()
    assert not out["ok"] and out["errors"]


def test_malformed_and_oversized_requests(client):
    assert client.post("/api/run", content=b"{nope").status_code == 400
    assert client.post("/api/run", json={"edits": {}}).status_code == 400
    big = json.dumps({"edits": {}, "view": {}, "pad": "x" * 70_000})
    assert client.post("/api/run", content=big).status_code == 413


def test_only_loopback_hosts_are_answered(explorer):
    evil = TestClient(create_app(explorer), base_url="http://evil.example")
    assert evil.get("/").status_code == 400


def test_downloaded_toml_samples_like_the_edits(client, tmp_path):
    r = client.get("/download/prior.toml?moe.median=3.5&period.end=2024.5")
    assert r.status_code == 200
    assert "attachment" in r.headers["content-disposition"]
    path = tmp_path / "edited.toml"
    path.write_text(r.text)
    a = sample_json(str(path), "-n", str(N), "--seed", "3")
    b = sample_json(
        GPT3, "-n", str(N), "--seed", "3",
        "--set", "moe.median=3.5", "--set", "period.end=2024.5",
    )  # fmt: skip
    for which in ("hardware", "compute"):
        assert a[which]["quantiles"] == b[which]["quantiles"]
    assert a["years"] == b["years"] == 4.5
    bad = client.get("/download/prior.toml?moe.median=abc")
    assert bad.status_code == 400 and "moe.median" in bad.text
    assert client.get("/download/prior.toml?file=/etc/passwd").status_code == 400


def test_downloaded_report(client):
    r = client.get("/download/report.html?moe.median=3&view.samples=5000")
    assert r.status_code == 200 and r.text.startswith("<!DOCTYPE html>")
    assert "moe.median=3" in r.text and 'id="crossing"' in r.text
    # It records the file it came from, as `effcast report --set` does: the
    # file's own SHA-256, the edit once, and the what-if mark on the figures.
    digest = hashlib.sha256(PRIORS.joinpath("gpt3_today.toml").read_bytes()).hexdigest()
    assert f"<dd>{digest}</dd>" in r.text
    assert "<dt>Overrides</dt><dd>moe.median=3</dd>" in r.text
    assert "WHAT-IF: moe.median=3" in r.text


def test_enabled_switch(client, explorer):
    field = next(f for f in explorer.fields if f["key"] == "moe.enabled")
    assert field["disabled"] is (not ENABLED_KEY)
    out = client.post(
        "/api/run", json={"edits": {"moe.enabled": "false"}, "view": {}}
    ).json()
    if ENABLED_KEY:  # factors take `enabled`: switching one off changes the numbers
        assert out["ok"]
    else:
        assert list(out["errors"]) == ["moe.enabled"]


def test_command_line_edits_start_the_form():
    ex = Explorer(GPT3, samples=N, edits={"moe.median": 3})
    assert ex.initial == {"moe.median": "3"}
    with pytest.raises(effcast.EffcastError, match="moe.median"):
        Explorer(GPT3, edits={"moe.median": 99})
    with pytest.raises(effcast.EffcastError, match="unknown field"):
        Explorer(GPT3, edits={"moe.ci": [1.5, 4.0]})


def test_busy_port_is_a_clear_error(explorer):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        port = s.getsockname()[1]
        with pytest.raises(effcast.EffcastError, match=f"--port {port}"):
            serve(explorer, port=port, open_browser=False)


def test_explore_help_and_bad_prior():
    runner = CliRunner()
    assert "--no-browser" in runner.invoke(main, ["explore", "--help"]).output
    result = runner.invoke(main, ["explore", "nonexistent.toml", "--no-browser"])
    assert result.exit_code == 2 and "no such file" in result.output


@pytest.mark.parametrize("path", sorted(PRIORS.glob("*.toml")), ids=lambda p: p.stem)
def test_every_shipped_prior_explores(path):
    ex = Explorer(str(path), samples=5000)
    out = ex.run({}, {})
    assert out["ok"], out["errors"]
    doc = sample_json(str(path), "-n", "5000", "--seed", "1")
    assert out["hardware_median"] == doc["hardware"]["quantiles"]["0.5"]
    # Every number field the form shows is accepted back unchanged.
    edits = {f["key"]: f["value"] for f in ex.fields if f["kind"] == "number"}
    edits = {k: v for k, v in edits.items() if v}
    again = ex.run(edits, {})
    assert again["ok"], again["errors"]
    assert again["hardware_median"] == out["hardware_median"]


def test_explore_serves_on_loopback_and_stops_on_ctrl_c():
    import signal
    import subprocess
    import sys
    import urllib.request

    from conftest import ROOT

    proc = subprocess.Popen(
        [sys.executable, "-m", "effcast", "explore", "gpt3_today", "--no-browser"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        cwd=ROOT,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        m = re.search(r"at (http://127\.0\.0\.1:(\d+)/)", line)
        assert m, line
        with urllib.request.urlopen(m.group(1), timeout=30) as r:
            assert b'name="moe.median"' in r.read()
        proc.send_signal(signal.SIGINT)
        out, _ = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0
    assert out.strip() == "effcast explore: stopped"


def test_view_limits_and_question_errors_land_on_their_fields(explorer):
    top = str(2**63 - 1)
    assert explorer.run({}, {"view.seed": top})["seed"] == 2**63 - 1
    out = explorer.run({}, {"view.seed": str(2**63)})
    assert f"{2**63 - 1:,}" in out["errors"]["view.seed"]
    for bad in ("nan", "-1", "0"):
        out = explorer.run({}, {"view.thresholds": bad})
        assert list(out["errors"]) == ["view.thresholds"], bad
