"""Shared fixtures. Tests run from any directory; paths are made absolute."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PRIORS = ROOT / "priors"


@pytest.fixture
def gpt3_path() -> Path:
    return PRIORS / "gpt3_today.toml"


@pytest.fixture(autouse=True)
def _run_from_root(monkeypatch, request):
    """Doctests and examples use paths relative to the repository root."""
    monkeypatch.chdir(ROOT)
