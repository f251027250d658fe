"""Every script in examples/ runs."""

from __future__ import annotations

import subprocess
import sys

import pytest
from conftest import ROOT

EXAMPLES = sorted((ROOT / "examples").glob("*.py"))


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_example_runs(path):
    out = subprocess.run(
        [sys.executable, str(path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip()


def test_moe_example_lowers_the_estimate():
    sys.path.insert(0, str(ROOT / "examples"))
    try:
        import what_if_no_moe
    finally:
        sys.path.pop(0)
    rows = what_if_no_moe.main(n=50_000)
    assert rows["without MoE"] < rows["as published"] / 1.5


def test_gpt3_report_example():
    """The report example: the unpublished-innovations factor carries the most
    uncertainty, the sceptic's prior is far lower, and GPT-3's wall-clock
    time on 1,264 H100s is under an hour about half the time."""
    sys.path.insert(0, str(ROOT / "examples"))
    try:
        import gpt3_report
    finally:
        sys.path.pop(0)
    out = gpt3_report.main(n=50_000)
    assert out["top_factor"] == "unpublished"
    assert out["medians"]["sceptical"] < out["medians"]["gpt3_today"] / 3
    assert 0.35 < (out["hours"] < 1).mean() < 0.75


def test_correlated_example_narrows_the_interval_and_hits_its_rho():
    sys.path.insert(0, str(ROOT / "examples"))
    try:
        import correlated_factors
    finally:
        sys.path.pop(0)
    rows = correlated_factors.main(n=200_000)
    ind, dep = rows["independent"], rows["with dependence"]
    assert dep["p90"] / dep["p10"] < ind["p90"] / ind["p10"]
    assert abs(dep["rho_moe_mfu"] + 0.3) < 0.02
    assert abs(dep["moe_median"] - ind["moe_median"]) < 0.05


def test_evidence_example_reproduces_the_methodology_figures():
    """docs/methodology.md, "Conditioning on evidence", quotes these figures
    (1,000,000 samples, seed 2024)."""
    sys.path.insert(0, str(ROOT / "examples"))
    try:
        import condition_on_evidence
    finally:
        sys.path.pop(0)
    out = condition_on_evidence.main(n=1_000_000, seed=2024)
    assert round(out["ess"]) == 364_633
    hw, cp = out["totals"]["hardware"], out["totals"]["compute"]
    assert [round(hw["prior"][k]) for k in ("0.5", "0.1", "0.9")] == [424, 79, 2716]
    assert [round(hw["posterior"][k]) for k in ("0.5", "0.1", "0.9")] == [229, 78, 777]
    assert [round(cp["prior"][k]) for k in ("0.5", "0.1", "0.9")] == [175, 34, 1089]
    assert [round(cp["posterior"][k]) for k in ("0.5", "0.1", "0.9")] == [106, 37, 357]
    he = out["factors"]["hardware_efficiency"]
    assert [round(he["posterior"][k], 2) for k in ("0.5", "0.1", "0.9")] == [
        2.17,
        1.84,
        2.50,
    ]
    assert round(he["median_shift"], 2) == -0.21
    un = out["factors"]["unpublished"]
    assert [round(un["posterior"][k], 2) for k in ("0.5", "0.1", "0.9")] == [
        3.02,
        1.41,
        8.62,
    ]
    assert out["moved_most"] == "hardware_efficiency"


def test_precise_figures_example():
    """Quasi-Monte Carlo states a smaller error than Monte Carlo at the same n,
    and precision mode reaches its target."""
    sys.path.insert(0, str(ROOT / "examples"))
    try:
        import precise_figures
    finally:
        sys.path.pop(0)
    out = precise_figures.main(n=2**16, rel_se=0.004)
    mc, qm = out["Monte Carlo"], out["quasi-Monte Carlo"]
    assert qm["se"] < mc["se"] / 1.5
    assert abs(qm["median"] - mc["median"]) < 4 * mc["se"]
    precise = out["precision mode (0.4%)"]
    assert precise["se"] / precise["median"] <= 0.004
