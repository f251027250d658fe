"""Lint and layering: ruff passes, and no module imports a layer above it."""

from __future__ import annotations

import ast
import shutil
import subprocess

import pytest
from conftest import ROOT

# Lowest layer first; a module may import only from layers at or below its own.
LAYERS = [
    "_version",
    "_errors",
    "_atomic",
    "_jsondoc",
    "_hardware",
    "_beliefs",
    "_fits",
    "_baseline",
    "_schema",
    "_overrides",
    "_loading",
    "_layout",
    "_distributions",
    "_mixture",
    "_chinchilla",
    "_copula",
    "_special",
    "_kernels",
    "_histogram",
    "_resources",
    "_results",
    "_streamed",
    "_blocks",
    "_streaming",
    "_sampler",
    "_sensitivity",
    "_export",
    "_progress",
    "_plots",
    "_forecast_settings",
    "_forecast",
    "_threshold",
    "_stats",
    "_executors",
    "_sweep",
    "_fanplot",
    "_report",
    "_forecast_report",
    "_cli_common",
    "_cli_options",
    "_cli_policy",
    "_cli",
    "__main__",
]


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


@pytest.mark.parametrize("module", LAYERS)
def test_no_upward_imports(module):
    tree = ast.parse((ROOT / "effcast" / f"{module}.py").read_text())
    rank = LAYERS.index(module)
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level == 1 and node.module:
            target = node.module.split(".")[0]
            assert LAYERS.index(target) <= rank, f"{module} imports {target}"
