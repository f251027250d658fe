"""The HTML report and the explorer in a real browser: headless Chromium.

Playwright for Python drives Debian's ``chromium`` (``.ci/browser-setup``
installs both; no browser is ever downloaded). Without them these tests skip
with the reason, except under CI (``CI=true``), where a missing browser is a
failure: CI must run them.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import PRIORS, ROOT

CHROMIUM = Path(os.environ.get("EFFCAST_CHROMIUM", "/usr/bin/chromium"))
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
GPT3 = str(PRIORS / "gpt3_today.toml")


def _missing() -> str | None:
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "Playwright for Python is not installed (run .ci/browser-setup)"
    if not CHROMIUM.exists():
        return f"no Chromium at {CHROMIUM} (run .ci/browser-setup)"
    for module in ("jinja2", "starlette", "uvicorn"):
        try:
            __import__(module)
        except ImportError:
            return f"the web extra is not installed ({module} is missing)"
    return None


_REASON = _missing()
if _REASON and os.environ.get("CI", "").lower() == "true":
    raise RuntimeError(f"browser tests cannot run in CI: {_REASON}")
pytestmark = pytest.mark.skipif(_REASON is not None, reason=_REASON or "")


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    from playwright.sync_api import sync_playwright

    profile = tmp_path_factory.mktemp("chromium-profile")
    with sync_playwright() as p:
        context = p.chromium.launch_persistent_context(
            str(profile),
            executable_path=str(CHROMIUM),
            args=ARGS,
            headless=True,
            accept_downloads=True,
            viewport={"width": 1280, "height": 900},
        )
        yield context
        context.close()


def _sample_json(*args: str) -> dict:
    from effcast.cli._main import main

    result = CliRunner().invoke(main, ["sample", *args, "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


# -- the report -----------------------------------------------------------
def test_report_renders_offline_with_every_section(browser, tmp_path):
    from effcast.cli._main import main

    out = tmp_path / "r.html"
    result = CliRunner().invoke(
        main,
        ["report", GPT3, "-n", "20000", "--seed", "2", "--threshold", "1e22"]
        + ["-o", str(out)],
    )
    assert result.exit_code == 0, result.output
    page = browser.new_page()
    outside: list[str] = []

    def block(route):
        if route.request.url.startswith("file:"):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    page.route("**/*", block)
    page.goto(out.as_uri())
    page.wait_for_load_state("load")
    assert outside == []
    ids = page.eval_on_selector_all("section.report-section", "s => s.map(e => e.id)")
    assert ids == [
        "question", "headline", "steps", "resources", "rates", "sensitivity",
        "forecast", "crossing", "prior", "reproduce",
    ]  # fmt: skip
    # Every figure is drawn with a size (rendered, not just present).
    sizes = page.eval_on_selector_all(
        "figure.plot svg",
        "s => s.map(e => [e.getBoundingClientRect().width,"
        " e.getBoundingClientRect().height])",
    )
    assert len(sizes) == 6 and all(w > 300 and h > 150 for w, h in sizes)
    assert page.inner_text("#hardware-median").endswith("x")
    # Printed, every section but the first starts a page; the contents hide.
    page.emulate_media(media="print")
    breaks = page.eval_on_selector_all(
        "section.report-section", "s => s.map(e => getComputedStyle(e).breakBefore)"
    )
    assert breaks == ["auto"] + ["page"] * (len(ids) - 1)
    assert page.eval_on_selector("nav.toc", "e => getComputedStyle(e).display") == (
        "none"
    )
    page.emulate_media(media="screen")
    # On a phone, the page fits its width (tables scroll inside their box).
    page.set_viewport_size({"width": 390, "height": 800})
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 400
    page.close()


# -- the explorer ---------------------------------------------------------
@pytest.fixture(scope="module")
def server():
    """``effcast explore`` as a user starts it, on a port the system picks."""
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "effcast", "explore", GPT3, "--no-browser"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        cwd=ROOT,
        env=env,
    )
    assert proc.stdout is not None
    line = proc.stdout.readline()
    m = re.search(r"(http://127\.0\.0\.1:\d+/)", line)
    if m is None:
        proc.kill()
        pytest.fail(f"explore printed no URL: {line!r}")
    yield m.group(1)
    proc.terminate()
    proc.wait(timeout=20)


def _settle(page, updates: int) -> None:
    page.wait_for_selector(
        f'body[data-updates="{updates}"][data-pending="0"]',
        state="attached",
        timeout=60_000,
    )


def test_explorer_edit_matches_effcast_sample(browser, server, tmp_path):
    page = browser.new_page()
    page.goto(server)
    _settle(page, 1)
    before = page.get_attribute("#hardware-median", "data-value")
    page.fill("input[name='moe.median']", "3")
    _settle(page, 2)
    shown = page.get_attribute("#hardware-median", "data-value")
    assert shown != before
    doc = _sample_json(GPT3, "-n", "100000", "--seed", "1", "--set", "moe.median=3")
    assert float(shown) == doc["hardware"]["quantiles"]["0.5"]
    compute = page.get_attribute("#compute-median", "data-value")
    assert float(compute) == doc["compute"]["quantiles"]["0.5"]
    from effcast.io._numbers import fmt_multiplier

    # The median as `effcast sample` prints it, then its Monte Carlo error.
    text = page.inner_text("#hardware-median")
    assert text.split(" ± ")[0] == fmt_multiplier(doc["hardware"]["quantiles"]["0.5"])
    # The charts were drawn.
    for chart in ("chart-dist", "chart-fan", "chart-crossing"):
        drawn = page.eval_on_selector(f"#{chart}", "e => e.querySelectorAll('*')")
        assert len(drawn) > 10, chart
    last = page.get_attribute("body", "data-last-ms")
    print(f"\nexplorer update, from the change to the redraw: {last} ms")

    # The downloaded TOML samples as the page did.
    with page.expect_download() as info:
        page.click("#download-toml")
    path = tmp_path / "edited.toml"
    info.value.save_as(path)
    again = _sample_json(str(path), "-n", "100000", "--seed", "1")
    assert again["hardware"]["quantiles"] == doc["hardware"]["quantiles"]

    # The link restores the edits.
    link = page.get_attribute("#share-link", "href")
    assert "moe.median=3" in link
    other = browser.new_page()
    other.goto(server.rstrip("/") + link)
    _settle(other, 1)
    assert other.input_value("input[name='moe.median']") == "3"
    assert other.get_attribute("#hardware-median", "data-value") == shown
    other.close()
    page.close()


def test_explorer_shows_the_clis_message_and_recovers(browser, server):
    from effcast.cli._main import main

    page = browser.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(server)
    _settle(page, 1)
    good = page.get_attribute("#hardware-median", "data-value")
    page.fill("input[name='moe.median']", "abc")
    _settle(page, 2)
    message = page.inner_text(".error[data-for='moe.median']")
    cli = CliRunner().invoke(main, ["sample", GPT3, "--set", "moe.median=abc"])
    assert cli.exit_code == 2
    assert message == cli.output.strip()
    assert "invalid" in page.get_attribute("input[name='moe.median']", "class")
    # The page still shows the last valid results, and recovers.
    assert page.get_attribute("#hardware-median", "data-value") == good
    page.fill("input[name='moe.median']", "2.5")
    _settle(page, 3)
    assert page.inner_text(".error[data-for='moe.median']") == ""
    assert page.get_attribute("#hardware-median", "data-value") == good
    page.fill("input[name='view.thresholds']", "1e25, x")
    _settle(page, 4)
    assert "--threshold" in page.inner_text(".error[data-for='view.thresholds']")
    assert errors == []
    page.close()


def test_explorer_makes_no_outside_request(browser, server):
    page = browser.new_page()
    outside: list[str] = []
    page.on(
        "request",
        lambda r: outside.append(r.url) if not r.url.startswith(server) else None,
    )
    page.goto(server)
    _settle(page, 1)
    page.fill("input[name='period.end']", "2024.5")
    _settle(page, 2)
    assert outside == []
    # On a phone, one column that fits the screen's width.
    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate("document.documentElement.scrollWidth") <= 400
    page.close()


@pytest.mark.skipif(
    "EFFCAST_SCREENSHOTS" not in os.environ,
    reason="set EFFCAST_SCREENSHOTS=DIR to save screenshots",
)
def test_screenshots(browser, server, tmp_path):
    """Screenshots for people to look at (not checked)."""
    from effcast.cli._main import main

    folder = Path(os.environ["EFFCAST_SCREENSHOTS"])
    folder.mkdir(parents=True, exist_ok=True)
    report = tmp_path / "r.html"
    CliRunner().invoke(
        main, ["report", GPT3, "--seed", "1", "--threshold", "1e22", "-o", str(report)]
    )
    page = browser.new_page()
    page.goto(report.as_uri())
    page.screenshot(path=str(folder / "report.png"), full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=str(folder / "report-phone.png"))
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(server)
    _settle(page, 1)
    page.fill("input[name='moe.median']", "abc")
    _settle(page, 2)
    page.screenshot(path=str(folder / "explorer-error.png"))
    page.fill("input[name='moe.median']", "4")
    _settle(page, 3)
    time.sleep(0.2)
    page.screenshot(path=str(folder / "explorer.png"), full_page=True)
    page.close()
