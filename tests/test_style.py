"""Lint and layering: ruff passes, and no module imports a layer above it."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

import pytest
from conftest import ROOT


@pytest.mark.skipif(shutil.which("ruff") is None, reason="ruff not installed")
def test_ruff_check():
    out = subprocess.run(
        ["ruff", "check", "effcast", "tests", "benchmarks", "examples"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert out.returncode == 0, out.stdout + out.stderr


@pytest.mark.skipif(shutil.which("ruff") is None, reason="ruff not installed")
def test_ruff_format():
    out = subprocess.run(
        ["ruff", "format", "--check", "."], cwd=ROOT, capture_output=True, text=True
    )
    assert out.returncode == 0, out.stdout + out.stderr


def _lint_imports(root):
    """Run import-linter's contracts (pyproject.toml) on the package at ``root``."""
    return subprocess.run(
        [
            sys.executable,
            "-c",
            "from importlinter.cli import lint_imports_command;lint_imports_command()",
            "--config",
            str(ROOT / "pyproject.toml"),
            "--no-cache",
        ],
        cwd=root,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(root)},
    )


importlinter = pytest.importorskip("importlinter")


def test_layers_contract_holds():
    out = _lint_imports(ROOT)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "1 kept, 0 broken" in out.stdout


@pytest.mark.parametrize(
    "victim, line, below, above",
    [
        (
            "prior/_hardware.py",
            "from effcast.analysis._project import forecast",
            "prior",
            "analysis",
        ),
        # Results show themselves through views the report layer registers;
        # importing its tables directly would put report below results again.
        (
            "results/_base.py",
            "from effcast.report._tables import render_summary",
            "results",
            "report",
        ),
        (
            "plots/_style.py",
            "from effcast.report._tables import render_summary",
            "plots",
            "report",
        ),
    ],
)
def test_layers_contract_can_fail(tmp_path, victim, line, below, above):
    """Negative control: a copy of the package with one upward (or sideways,
    between the independent plots and report) import breaks it."""
    shutil.copytree(ROOT / "effcast", tmp_path / "effcast")
    path = tmp_path / "effcast" / victim
    path.write_text(path.read_text() + f"\n{line}\n")
    out = _lint_imports(tmp_path)
    assert out.returncode != 0
    assert f"effcast.{below} is not allowed to import effcast.{above}" in out.stdout


def test_no_module_over_500_lines():
    long = {
        str(p.relative_to(ROOT)): n
        for p in (ROOT / "effcast").rglob("*.py")
        if (n := len(p.read_text().splitlines())) > 500
    }
    assert not long, long


def test_top_level_holds_only_the_entry_points():
    loose = sorted(p.name for p in (ROOT / "effcast").glob("*.py"))
    assert loose == ["__init__.py", "__main__.py", "_errors.py", "_version.py"]
