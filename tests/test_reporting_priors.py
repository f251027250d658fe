"""Every shipped prior goes through the whole reporting layer: the text
report, sensitivity, each figure, and an export, without error."""

from __future__ import annotations

import io

import numpy as np
import pytest
from conftest import PRIORS
from rich.console import Console

import effcast
from effcast.plots._figures import KINDS
from effcast.report._tables import render_sensitivity, render_summary

PRIOR_FILES = sorted(PRIORS.glob("*.toml"))


@pytest.mark.parametrize("path", PRIOR_FILES, ids=lambda p: p.name)
def test_prior_reports(tmp_path, path):
    res = effcast.load(path).sample(20_000, seed=1)
    doc = res.summary()
    out = io.StringIO()
    console = Console(file=out, width=80)
    console.print(render_summary(doc))
    sens = effcast.sensitivity(res)
    console.print(render_sensitivity(sens))
    assert "running product" in out.getvalue()
    for which in ("hardware", "compute"):
        shares = [f["share"] for f in sens[which]["factors"].values()]
        assert sum(shares) == pytest.approx(1.0, abs=1e-9)
    for kind in KINDS:
        if kind == "evidence" and res.evidence is None:
            continue  # drawn only for a prior with [[evidence]]
        effcast.plot(res, tmp_path / f"{kind}.png", kind)
    path_out = effcast.write_samples(res, tmp_path / "s.npz")
    with np.load(path_out) as data:
        assert data["total.hardware"].size == 20_000
