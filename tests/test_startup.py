"""Loading and validating a prior must not import numba (it costs most of a
second); only drawing samples does."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _run(code: str) -> str:
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()


def test_loading_a_prior_does_not_import_numba():
    code = (
        "import sys, effcast\n"
        "m = effcast.load('priors/gpt3_today.toml')\n"
        "m.with_overrides({'moe.median': 3})\n"
        "print('numba' in sys.modules)\n"
    )
    assert _run(code) == "False"


def test_sampling_does_import_numba():
    # The negative control: the check above can see numba when it is there.
    code = (
        "import sys, effcast\n"
        "effcast.load('priors/gpt3_today.toml').sample(10, seed=1)\n"
        "print('numba' in sys.modules)\n"
    )
    assert _run(code) == "True"
