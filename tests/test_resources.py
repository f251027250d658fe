"""Resources (FLOP, GPU-hours, wall clock), the hardware catalogue, reference
rates and the founding analysis's table."""

from __future__ import annotations

import json
import math
import tomllib

import numpy as np
import pytest
from click.testing import CliRunner
from conftest import PRIORS

import effcast
from effcast.cli._main import main
from effcast.prior._hardware import catalogue, peak

GPT3 = PRIORS / "gpt3_today.toml"
N = 200_001  # odd: the median is one order statistic, no interpolation


@pytest.fixture(scope="module")
def res():
    return effcast.load(GPT3).sample(N, seed=11)


@pytest.fixture(scope="module")
def doc(res):
    return res.summary()


def gpt3_dict() -> dict:
    return tomllib.loads(GPT3.read_text())


# -- catalogue ---------------------------------------------------------------


def test_catalogue_peaks_and_the_seed_ratios():
    assert peak("V100") == 125 and peak("A100") == 312 and peak("H100") == 989
    assert peak("H200") == 989 and peak("B200") == 2250
    assert peak("TPU v4") == 275 and peak("tpu-v5p") == 459
    assert peak("H100", "fp8") == 1979 and peak("B200", "fp8") == 4500
    # The analysis: an H100-hour is worth 3.2 A100-hours and 7.9 V100-hours.
    assert round(peak("H100") / peak("A100"), 1) == 3.2
    assert round(peak("H100") / peak("V100"), 1) == 7.9


def test_catalogue_unknown_and_missing_precision():
    with pytest.raises(effcast.EffcastError, match="unknown GPU 'H900'"):
        peak("H900")
    with pytest.raises(effcast.EffcastError, match="no fp8 peak"):
        peak("V100", "fp8")


def test_catalogue_extension_keeps_other_figures():
    cat = catalogue({"h-100": {"bf16": 1000.0}, "Gaudi3": {"bf16": 1835.0}})
    assert cat["H100"] == {"bf16": 1000.0, "fp8": 1979.0}
    assert cat["Gaudi3"] == {"bf16": 1835.0}
    assert "Gaudi3" not in catalogue()  # the built-in table is not changed
    assert catalogue()["H100"]["bf16"] == 989.0


# -- resources ---------------------------------------------------------------


def test_baseline_mfu_and_cluster(doc):
    r = doc["resources"]
    assert r["baseline"]["mfu"] == pytest.approx(0.196, abs=5e-4)
    assert r["baseline"]["gpu_hours"] == 10_000 * 14.8 * 24
    assert round(r["target"]["gpus"]) == 1264  # the analysis's 1,264 H100
    assert r["target"]["equal_peak_cluster"] is True


@pytest.mark.parametrize(
    "key, which", [("flop_needed", "compute"), ("gpu_hours", "hardware")]
)
def test_resource_quantiles_are_transforms_of_the_reductions(res, doc, key, which):
    """q-quantile of (amount / reduction) = amount / (1-q)-quantile of reduction."""
    qs = doc["resources"][key]["quantiles"]
    per_sample = res.resource(key)
    # The median of an odd sample is one order statistic: equal up to rounding.
    assert qs["0.5"] == pytest.approx(float(np.median(per_sample)), rel=1e-12)
    # Other quantiles interpolate between neighbours: equal within the gap.
    for q in ("0.05", "0.1", "0.9", "0.95"):
        lo, hi = np.quantile(per_sample, [float(q) - 1e-4, float(q) + 1e-4])
        assert lo <= qs[q] <= hi, q
    # Decreasing in the reduction: the 10% quantile of FLOP needed comes from
    # the 90% quantile of the reduction.
    amount = per_sample[0] * getattr(res, which)[0]
    assert qs["0.1"] == pytest.approx(amount / doc[which]["quantiles"]["0.9"])


def test_gpt3_trains_in_under_an_hour_on_1264_h100(doc):
    """The analysis: 14.8 days on 10,000 V100 becomes under an hour at ~414x.
    Wall clock = 355.2 h / hardware reduction; the median reduction is
    reproduced within 8% (test_seed_figures), so the median time lies in
    355.2 / (414 * [1.08, 0.92])."""
    hours = doc["resources"]["wall_clock_hours"]["quantiles"]["0.5"]
    assert 355.2 / (414 * 1.08) < hours < 355.2 / (414 * 0.92)
    assert hours < 1.0
    assert hours == pytest.approx(14.8 * 24 / doc["hardware"]["quantiles"]["0.5"])


def test_flop_needed_median(doc):
    flop = doc["resources"]["flop_needed"]["quantiles"]["0.5"]
    assert flop == pytest.approx(3.14e23 / doc["compute"]["quantiles"]["0.5"])
    assert 3.14e23 / (170 * 1.08) < flop < 3.14e23 / (170 * 0.92)


def test_no_baseline_no_resources():
    data = gpt3_dict()
    del data["baseline"], data["target"]
    res = effcast.Model.from_dict(data).sample(1000, seed=1)
    assert "resources" not in res.summary()
    with pytest.raises(effcast.EffcastError, match=r"no \[baseline\]"):
        res.resource("flop_needed")


def test_flop_only_baseline():
    data = gpt3_dict()
    del data["target"]
    data["baseline"] = {"flop": 1e24}
    doc = effcast.Model.from_dict(data).sample(1001, seed=1).summary()
    assert set(doc["resources"]) == {"baseline", "target", "flop_needed", "year"}
    assert doc["resources"]["target"] is None


def test_target_defaults_to_the_baseline_gpu():
    data = gpt3_dict()
    del data["target"]
    doc = effcast.Model.from_dict(data).sample(1001, seed=1).summary()
    t = doc["resources"]["target"]
    assert t["gpu"] == "V100" and t["peak_ratio"] == 1.0 and t["gpus"] == 10_000


def test_target_cluster_size_and_fp8():
    data = gpt3_dict()
    data["target"] = {"gpu": "B200", "precision": "fp8", "gpus": 100}
    doc = effcast.Model.from_dict(data).sample(1001, seed=1).summary()
    r = doc["resources"]
    assert r["target"]["peak_ratio"] == 4500 / 125
    hours = r["gpu_hours"]["quantiles"]["0.5"]
    assert r["wall_clock_hours"]["quantiles"]["0.5"] == pytest.approx(hours / 100)


def test_prior_gpus_table_extends_and_overrides():
    data = gpt3_dict()
    data["gpus"] = {"MI300X": {"bf16": 1307.0}}
    data["target"] = {"gpu": "MI300X"}
    t = effcast.Model.from_dict(data).sample(1001, seed=1).summary()["resources"]
    assert t["target"]["peak_ratio"] == 1307 / 125
    model = effcast.load(GPT3, overrides=["gpus.H100.bf16=1000"])
    spec = model.sample(1001, seed=1).summary()["resources"]["target"]
    assert spec["peak_ratio"] == 1000 / 125


def test_set_creates_a_baseline():
    data = gpt3_dict()
    del data["baseline"], data["target"]
    model = effcast.Model.from_dict(data, overrides=["baseline.flop=1e24"])
    assert model.prior.baseline.flop == 1e24


# -- bad hardware input --------------------------------------------------------


def _write(tmp_path, text):
    path = tmp_path / "prior.toml"
    path.write_text(text)
    return path


@pytest.mark.parametrize(
    "old, new, field, words",
    [
        ('[target]\ngpu = "H100"', '[target]\ngpu = "H900"', "target.gpu", "H900"),
        ('gpu = "V100"', 'gpu = "K80"', "baseline.gpu", "K80"),
        ("days = 14.8\n", "", "baseline.days", "go together"),
        ("flop = 3.14e23", "flop = -1.0", "baseline.flop", "greater than 0"),
        (
            '[target]\ngpu = "H100"',
            '[target]\ngpu = "A100"\nprecision = "fp8"',
            "target.precision",
            "no fp8 peak",
        ),
        ("halving_months = 8", "halving_months = 8\nper_year = 2.0", None, "one way"),
        (
            'applies_to = "factor:hardware_efficiency"',
            'applies_to = "factor:mfu"',
            None,
            "no factor named 'mfu'",
        ),
        ('applies_to = "hardware"', 'applies_to = "gpu"', None, "'factor:NAME'"),
    ],
)
def test_bad_hardware_and_references(tmp_path, old, new, field, words):
    text = GPT3.read_text()
    assert text.count(old) >= 1
    path = _write(tmp_path, text.replace(old, new, 1))
    with pytest.raises(effcast.EffcastError) as info:
        effcast.load(path)
    msg = str(info.value)
    assert str(path) in msg and words in msg
    if field is not None:
        assert f"field '{field}'" in msg and info.value.field == field
        assert info.value.line is not None  # the table's key or header
    result = CliRunner().invoke(main, ["sample", str(path), "-n", "100", "--json"])
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == f"effcast: error: {msg}\n"


def test_target_without_baseline(tmp_path):
    data = gpt3_dict()
    del data["baseline"]
    with pytest.raises(effcast.EffcastError, match=r"needs a \[baseline\]"):
        effcast.Model.from_dict(data)


def test_unknown_gpu_by_set_names_the_override():
    result = CliRunner().invoke(
        main, ["sample", str(GPT3), "-n", "100", "--set", "target.gpu=H900"]
    )
    assert result.exit_code == 2
    assert "unknown GPU 'H900'" in result.stderr
    assert "--set target.gpu" in result.stderr
    assert "Traceback" not in result.output


# -- reference rates -----------------------------------------------------------


def test_reference_rate_forms():
    data = gpt3_dict()
    refs = {r.name: r for r in effcast.Model.from_dict(data).prior.reference}
    assert math.log10(refs["epoch_lm_halving"].rate) == pytest.approx(0.4515, 1e-3)
    assert refs["gpt3_to_gpt4_gpu_hours"].rate == pytest.approx(40 ** (1 / 2.6))
    assert refs["epoch_algorithmic"].rate == 2.3


def test_reference_probability_is_an_exact_count(res, doc):
    """P(annual rate > r) counted per sample equals P(reduction > r ** years)."""
    for name, ref in doc["reference_rates"].items():
        series = res.series(ref["applies_to"])
        direct = np.mean(series ** (1 / res.years) > ref["per_year"])
        # The two differ only for samples within rounding of the threshold.
        assert abs(ref["prob_effcast_faster"] - direct) <= 2 / res.n, name


def test_reference_at_effcast_median_is_a_coin_flip(res):
    """Negative control: a reference at effcast's own median rate is beaten
    half the time; 4 standard errors of a proportion at n samples."""
    data = gpt3_dict()
    median_rate = float(np.median(res.hardware)) ** (1 / res.years)
    data["reference"] = [
        {"name": "mid", "applies_to": "hardware", "per_year": median_rate},
        {"name": "slow", "applies_to": "hardware", "per_year": 1.0},
    ]
    refs = effcast.Model.from_dict(data).sample(N, seed=12).summary()
    refs = refs["reference_rates"]
    assert abs(refs["mid"]["prob_effcast_faster"] - 0.5) < 4 * math.sqrt(0.25 / N)
    assert refs["slow"]["prob_effcast_faster"] > 0.99


def test_seed_reference_figures(doc):
    refs = doc["reference_rates"]
    # The analysis: its 0.56 OOM/yr compute rate is above Epoch's 0.36.
    assert refs["epoch_algorithmic"]["prob_effcast_faster"] > 0.8
    assert refs["epoch_algorithmic"]["over_period"] == pytest.approx(2.3**4.1)


# -- the seed's table ------------------------------------------------------------


def test_seed_table(res, doc):
    table = doc["table"]
    assert [r["name"] for r in table["factors"]] == list(res.names)
    last = table["factors"][-1]
    assert last["running_median"] == doc["hardware"]["quantiles"]["0.5"]
    by_name = {r["name"]: r for r in table["factors"]}
    assert by_name["chinchilla"]["running_median"] == pytest.approx(
        table["groups"][0]["median"]
    )  # the first group is the first four factors
    data_quality = by_name["data_quality"]
    assert data_quality["running_median"] == pytest.approx(
        doc["compute"]["quantiles"]["0.5"]
    )  # all compute factors come first in this prior
    # The analysis: algorithmic x72, data x2.2, hardware x2.5 (within 8%).
    groups = {g["name"]: g["median"] for g in table["groups"]}
    for name, seed in (("algorithmic", 72), ("data", 2.2), ("hardware", 2.5)):
        assert abs(groups[name] / seed - 1) < 0.08, name


def test_table_and_resources_in_the_cli(tmp_path):
    result = CliRunner().invoke(
        main, ["sample", str(GPT3), "-n", "20000", "--seed", "1"]
    )
    assert result.exit_code == 0, result.output
    for text in (
        "What GPT-3 would take in 2024",
        "FLOP needed",
        "H100-hours",
        "wall clock, 1,264 H100",
        "19.6% MFU",
        "running product",
        "epoch_lm_halving",
        "P(faster)",
    ):
        assert text in result.output, text
    doc = json.loads(
        CliRunner()
        .invoke(main, ["sample", str(GPT3), "-n", "20000", "--seed", "1", "--json"])
        .stdout
    )
    assert {"table", "resources", "reference_rates"} <= set(doc)


def test_set_reaches_reference_entries_by_index():
    model = effcast.load(GPT3, overrides=["reference.1.per_year=2.0"])
    assert model.prior.reference[1].name == "epoch_algorithmic"
    assert model.prior.reference[1].rate == 2.0
    with pytest.raises(effcast.EffcastError, match="'reference.9' does not exist"):
        effcast.load(GPT3, overrides=["reference.9.per_year=2.0"])


# -- the streamed summary carries the same sections ------------------------------


def test_streamed_summary_has_the_same_reporting_sections():
    """Quantile-based sections agree within the streaming histogram's relative
    error (2**-11, as documented); the totals' reference probabilities are
    exact counts in both; a factor's comes from the histogram, off by at most
    the mass of one bin at the threshold (density per decade < 3 here, times
    log10(1 + 2**-11) = 2.1e-4 decades, so under 1e-3)."""
    model = effcast.load(GPT3)
    streamed = model.stream(N, seed=13)
    a, b = streamed.summary(), model.sample(N, seed=13).summary()
    tol = streamed.relative_error
    for ra, rb in zip(a["table"]["factors"], b["table"]["factors"], strict=True):
        assert ra["name"] == rb["name"]
        assert ra["running_median"] == pytest.approx(rb["running_median"], rel=tol)
    for key in ("flop_needed", "gpu_hours", "wall_clock_hours"):
        qa, qb = a["resources"][key]["quantiles"], b["resources"][key]["quantiles"]
        for q in qa:
            assert qa[q] == pytest.approx(qb[q], rel=tol), (key, q)
    assert a["resources"]["baseline"] == b["resources"]["baseline"]
    for name, ra in a["reference_rates"].items():
        rb = b["reference_rates"][name]
        if ra["applies_to"] in ("hardware", "compute"):
            assert ra["prob_effcast_faster"] == rb["prob_effcast_faster"], name
        else:
            assert abs(ra["prob_effcast_faster"] - rb["prob_effcast_faster"]) < 1e-3
