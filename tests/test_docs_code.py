"""Every code block in README.md and docs/ that claims to run, runs.

- ``python`` blocks run in order, one namespace per page, in a scratch
  directory (so they must name shipped priors, not repository paths). Where
  a ``print(...)`` statement is followed by ``# ...`` comment lines, those
  lines are its expected output, compared token by token: text exactly,
  numbers at the precision printed.
- ``sh``/``bash``/``console`` blocks: each ``effcast ...`` command runs in a
  scratch copy of the repository's ``priors/`` and must exit 0.

A block preceded by the line ``<!-- not run -->`` is illustrative and is
skipped, as are commands that need a service (a Dask scheduler).
"""

from __future__ import annotations

import ast
import contextlib
import io
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT

PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
FENCE = re.compile(r"^```(\w*)[^\n]*\n(.*?)^```", re.S | re.M)
NUMBER = re.compile(r"[-+]?(?:\d[\d,]*\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")
SKIP = "<!-- not run -->"


def blocks(page: Path, langs: tuple[str, ...]) -> list[tuple[int, str]]:
    text = page.read_text(encoding="utf-8")
    out = []
    for m in FENCE.finditer(text):
        if m.group(1) not in langs:
            continue
        before = text[: m.start()].rstrip().splitlines()
        if before and before[-1].strip() == SKIP:
            continue
        out.append((text.count("\n", 0, m.start()) + 1, m.group(2)))
    return out


def same_at_printed_precision(got: str, want: str) -> bool:
    """Whether ``got`` reads as ``want`` with numbers rounded as printed."""
    g_nums, w_nums = NUMBER.findall(got), NUMBER.findall(want)
    if NUMBER.sub("#", " ".join(got.split())) != NUMBER.sub(
        "#", " ".join(want.split())
    ):
        return False
    if len(g_nums) != len(w_nums):
        return False
    for g, w in zip(g_nums, w_nums, strict=True):
        gv, wv = float(g.replace(",", "")), float(w.replace(",", ""))
        mant = w.replace(",", "").lower().split("e")[0]
        decimals = len(mant.split(".")[1]) if "." in mant else 0
        exp = int(w.lower().split("e")[1]) if "e" in w.lower() else 0
        if abs(gv - wv) > 0.5 * 10.0 ** (exp - decimals) * (1 + 1e-9) + 1e-12:
            return False
    return True


def _is_print(node: ast.stmt) -> bool:
    return (
        isinstance(node, ast.Expr)
        and isinstance(node.value, ast.Call)
        and isinstance(node.value.func, ast.Name)
        and node.value.func.id == "print"
    )


def run_python_block(code: str, namespace: dict, where: str) -> None:
    tree = ast.parse(code)
    lines = code.splitlines()
    for i, node in enumerate(tree.body):
        end = tree.body[i + 1].lineno - 1 if i + 1 < len(tree.body) else len(lines)
        following = lines[node.end_lineno : end]
        expected = []
        for line in following:
            if not line.startswith("#"):
                break
            expected.append(line[1:].strip())
        buf = io.StringIO()
        with contextlib.redirect_stdout(buf):
            exec(compile(ast.Module([node], []), where, "exec"), namespace)
        if _is_print(node) and expected:
            got = buf.getvalue().strip()
            want = "\n".join(expected)
            assert same_at_printed_precision(got, want), (
                f"{where}, line {node.lineno}: printed\n{got}\nbut the docs say\n{want}"
            )


def _python_pages():
    for page in PAGES:
        if blocks(page, ("python",)):
            yield pytest.param(page, id=page.name)


@pytest.mark.parametrize("page", list(_python_pages()))
def test_python_blocks_run_and_print_what_the_docs_say(page, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    namespace: dict = {"__name__": "__docs__"}
    for line, code in blocks(page, ("python",)):
        run_python_block(code, namespace, f"{page.name}:{line}")


def _script(code: str) -> str | None:
    """The block as a bash script, or None if it runs no effcast command.

    Installation blocks (``pip install``) are left to CI, which runs them for
    real; a command that needs a Dask scheduler is dropped.
    """
    text = code.replace("\\\n", " ")
    if "pip install" in text:
        return None
    lines = []
    for raw in text.splitlines():
        line = raw.strip()
        if line.startswith("$ "):
            line = line[2:]
        if "--scheduler tcp://" in line or line.startswith(("#", "  ")) or not line:
            continue
        lines.append(line)
    if not any(line.startswith("effcast ") for line in lines):
        return None
    return "set -euo pipefail\n" + "\n".join(lines) + "\n"


def _shell_cases():
    for page in PAGES:
        for line, code in blocks(page, ("sh", "bash", "console", "shell")):
            script = _script(code)
            if script is not None:
                yield pytest.param(script, id=f"{page.name}:{line}")


def run_in_scratch(script: str, scratch: Path) -> subprocess.CompletedProcess:
    """Run ``script`` with bash in ``scratch``, which sees the repository's
    ``priors/``, with this Python's ``effcast`` first on the path; as
    through a pipe, whatever the terminal's width (``COLUMNS`` set aside)."""
    (scratch / "priors").symlink_to(ROOT / "priors", target_is_directory=True)
    bindir = str(Path(sys.executable).parent)
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES")}
    env["PATH"] = bindir + os.pathsep + os.environ.get("PATH", "")
    return subprocess.run(
        ["bash", "-c", script],
        cwd=scratch,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )


@pytest.mark.parametrize("script", list(_shell_cases()))
def test_documented_commands_run(script, tmp_path):
    out = run_in_scratch(script, tmp_path)
    assert out.returncode == 0, f"{script}\n{out.stdout[-2000:]}\n{out.stderr[-2000:]}"


def _transcripts():
    """``text`` blocks that show a command (``$ effcast ...``) and its output."""
    for page in PAGES:
        for line, code in blocks(page, ("text",)):
            first, *shown = code.rstrip("\n").splitlines()
            if first.startswith("$ effcast "):
                yield pytest.param(first[2:], shown, id=f"{page.name}:{line}")


def shows(output: str, shown: list[str]) -> bool:
    """Whether ``output`` holds the ``shown`` lines in order; a line ``...``
    stands for any lines, and each run between them must be contiguous."""
    lines = [x.rstrip() for x in output.splitlines()]
    at = 0
    runs: list[list[str]] = [[]]
    for x in shown:
        if x.strip() == "...":
            runs.append([])
        else:
            runs[-1].append(x.rstrip())
    for i, run in enumerate(r for r in runs if r):
        starts = range(at, len(lines) - len(run) + 1)
        if i == 0 and runs[0]:  # no leading "...": the output starts with it
            starts = range(at, at + 1)
        found = next((k for k in starts if lines[k : k + len(run)] == run), None)
        if found is None:
            return False
        at = found + len(run)
    return True


@pytest.mark.parametrize("command, shown", list(_transcripts()))
def test_documented_output_is_what_the_command_prints(command, shown, tmp_path):
    """A transcript in the docs is the command's own output, line for line,
    as printed through a pipe (a terminal's width set aside)."""
    out = run_in_scratch(command, tmp_path)
    assert out.returncode == 0, out.stderr[-2000:]
    assert shows(out.stdout, shown), f"{command} printed\n{out.stdout[:3000]}"


def test_transcript_check_can_fail():
    """Negative control: a changed figure, a missing line or lines out of
    order are caught; ``...`` skips lines."""
    out = "title\nsha 1\n\n a │ 1\n b │ 2\ntail"
    assert shows(out, ["title", "sha 1", "...", " a │ 1", " b │ 2"])
    assert shows(out, ["...", " b │ 2", "tail"])
    assert not shows(out, ["title", "sha 2"])
    assert not shows(out, ["...", " b │ 2", " a │ 1"])
    assert not shows(out, ["sha 1"])  # without "...", the output starts there
    assert not shows(out, ["...", " a │ 1", "tail"])  # a run is contiguous


def test_precision_comparison_can_fail():
    """Negative control for the comparison the python blocks rely on."""
    assert same_at_printed_precision("423.04", "423.0")
    assert not same_at_printed_precision("423.2", "423.0")
    assert not same_at_printed_precision("hardware 423", "compute 423")
    assert same_at_printed_precision("[  79.6  422.9]", "[ 79.6 422.9]")


def _hooks():
    import importlib.util

    path = ROOT / "docs" / "_hooks.py"
    spec = importlib.util.spec_from_file_location("docs_hooks", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_sphinx_roles_become_links_or_code():
    """The API reference's docstrings say :func:`x`; the site shows a link."""
    page = (
        '<h2 id="effcast.load">load</h2><h3 id="effcast.Model.sample">sample</h3>'
        "<p>:func:<code>effcast.load</code>, :meth:<code>Model.sample</code>, "
        ":class:<code>~matplotlib.figure.Figure</code>, :mod:<code>warnings</code></p>"
    )
    out = _hooks().link_roles(page)
    assert '<a href="#effcast.load"><code>effcast.load</code></a>' in out
    assert '<a href="#effcast.Model.sample"><code>Model.sample</code></a>' in out
    assert "<code>Figure</code>" in out and "<code>warnings</code>" in out
    assert ":func:" not in out and ":class:" not in out and ":mod:" not in out
    # A role whose target the page does not document is code, not a link.
    lone = _hooks().link_roles(":func:<code>effcast.nowhere</code>")
    assert lone == "<code>effcast.nowhere</code>"
