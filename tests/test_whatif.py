"""What-ifs that move a whole belief (``shift_median``), pins, and warnings."""

from __future__ import annotations

import json
import math
import warnings

import numpy as np
import pytest
from click.testing import CliRunner
from conftest import PRIORS

import effcast
from effcast.cli._main import main
from effcast.prior._whatif import LOPSIDED_RATIO

GPT3 = str(PRIORS / "gpt3_today.toml")
PS = np.array([0.01, 0.1, 0.3, 0.5, 0.7, 0.9, 0.99])

MIXTURE = {
    "period": {"start": 2020.0, "end": 2024.0},
    "factor": [
        {
            "name": "mix",
            "reduces": "compute",
            "dist": "mixture",
            "components": [
                {"dist": "lognormal", "ci": [1.2, 3.0], "level": 0.8, "weight": 2},
                {
                    "dist": "truncnormal",
                    "mean": 4.0,
                    "sd": 1.0,
                    "lower": 0.5,
                    "weight": 1,
                },
            ],
        },
        {
            "name": "other",
            "reduces": "hardware",
            "dist": "lognormal",
            "mu": 0.5,
            "sigma": 0.3,
            "lower": 1.2,
        },
    ],
}


def _marginal(model, name):
    return dict(zip(model.factor_names, model.marginals, strict=True))[name]


@pytest.mark.parametrize(
    ("source", "name", "target"),
    [
        (GPT3, "moe", 1.5),
        (GPT3, "moe", 4.0),
        (GPT3, "chinchilla", 1.5),  # truncated normal, lower = 0
        (GPT3, "hardware_efficiency", 2.0),  # truncated on both sides
        (GPT3, "unpublished", 6.0),
        ("mixture", "mix", 3.0),
        ("mixture", "other", 2.5),  # mu/sigma, truncated
    ],
)
def test_shift_moves_every_quantile_by_one_ratio(source, name, target):
    load = (
        (lambda o: effcast.Model.from_dict(MIXTURE, overrides=o))
        if source == "mixture"
        else (lambda o: effcast.load(source, overrides=o))
    )
    before = _marginal(load(None), name)
    with warnings.catch_warnings():
        warnings.simplefilter("error", effcast.EffcastWarning)
        after = _marginal(load([f"{name}.shift_median={target}"]), name)
    assert after.median == pytest.approx(target, rel=1e-6)
    k = target / before.median
    # Shape kept in log space: each quantile (before the floor) moves by k.
    np.testing.assert_allclose(
        after.ppf(PS, floored=False), k * before.ppf(PS, floored=False), rtol=1e-6
    )


def test_shift_against_median_only_on_the_seed_prior():
    """The issue's figures: 321x (median only) against ~262x (whole belief)."""
    n = 1_000_000
    run = {
        o: effcast.load(GPT3, overrides=[o] if o else None).sample(
            n, seed=1, factors=False
        )
        for o in ("", "moe.median=1.5", "moe.shift_median=1.5")
    }
    med = {o: float(np.median(r.hardware)) for o, r in run.items()}
    assert med[""] == pytest.approx(423, rel=0.01)
    assert med["moe.median=1.5"] == pytest.approx(321, rel=0.01)
    assert med["moe.shift_median=1.5"] == pytest.approx(262, rel=0.01)


def test_shift_of_a_constant_and_refusals():
    pinned = effcast.load(GPT3, overrides=["moe.pin=2", "moe.shift_median=3"])
    assert _marginal(pinned, "moe").median == 3.0
    for bad, match in [
        ("moe.shift_median=0", "positive"),
        ("moe.shift_median=-1", "positive"),
        ('moe.shift_median="x"', "number"),
        ("moe.shift_median=0.5", "floor"),  # the file's floor is 1
    ]:
        with pytest.raises(effcast.EffcastError, match=match) as err:
            effcast.load(GPT3, overrides=[bad])
        assert err.value.field == "shift_median" and err.value.factor == "moe"
    law = str(PRIORS / "gpt3_today_scaling_law.toml")
    names = effcast.load(law).factor_names
    fit = next(n for n in names if "chinchilla" in n or "scaling" in n)
    with pytest.raises(effcast.EffcastError, match="scaling law"):
        effcast.load(law, overrides=[f"{fit}.shift_median=2"])


def test_pin_keeps_the_identity_and_is_exact():
    law = str(PRIORS / "gpt3_today_scaling_law.toml")
    model = effcast.load(law)
    fit = next(m.name for m in model.marginals if m.family == "chinchilla")
    pinned = effcast.load(law, overrides=[f"{fit}.pin=2.98"])
    spec = next(f for f in pinned.prior.factor if f.name == fit)
    orig = next(f for f in model.prior.factor if f.name == fit)
    assert (spec.dist, spec.value) == ("constant", 2.98)
    assert (spec.label, spec.group, spec.reduces) == (
        orig.label,
        orig.group,
        orig.reduces,
    )
    assert np.all(pinned.sample(10_000, seed=1).factor(fit) == 2.98)


def test_median_only_override_warns_with_both_scales():
    with pytest.warns(effcast.EffcastWarning) as rec:
        effcast.load(GPT3, overrides=["moe.median=1.5"])
    text = str(rec[0].message)
    assert "'moe'" in text and "0.111" in text and "0.732" in text
    assert "moe.shift_median=1.5" in text
    # The scales are those of the sampled split: log(1.5/1.25)/z, log(5/1.5)/z.
    z = 1.6448536269514722
    assert f"{math.log(1.5 / 1.25) / z:.3g}" == "0.111"
    assert f"{math.log(5 / 1.5) / z:.3g}" == "0.732"


def test_no_warning_for_the_shipped_priors_or_a_whole_move():
    for path in sorted(PRIORS.glob("*.toml")):
        with warnings.catch_warnings():
            warnings.simplefilter("error", effcast.EffcastWarning)
            effcast.load(path)
    with warnings.catch_warnings():
        warnings.simplefilter("error", effcast.EffcastWarning)
        effcast.load(GPT3, overrides=["moe.shift_median=1.5"])
        effcast.load(GPT3, overrides=["moe.median=2", "moe.ci=[1.2, 3.3]"])


def test_lopsided_file_warns_only_past_the_ratio():
    def prior(median):
        return {
            "period": {"start": 2020.0, "end": 2024.0},
            "factor": [
                {
                    "name": "a",
                    "reduces": "compute",
                    "dist": "lognormal",
                    "ci": [1.0, 16.0],
                    "level": 0.8,
                    "median": median,
                }
            ],
        }

    # log-scale distances below/above: log2(m) vs 4 - log2(m) (in log 2 units)
    inside = 2 ** (4 / (1 + LOPSIDED_RATIO) + 0.01)  # ratio just under 2
    outside = 2 ** (4 / (1 + LOPSIDED_RATIO) - 0.01)  # just over
    with warnings.catch_warnings():
        warnings.simplefilter("error", effcast.EffcastWarning)
        effcast.Model.from_dict(prior(inside))
    with pytest.warns(effcast.EffcastWarning, match="factor 'a'.*lopsided"):
        effcast.Model.from_dict(prior(outside))


def test_cli_prints_warnings_on_stderr_once():
    runner = CliRunner()
    out = runner.invoke(
        main,
        ["sample", GPT3, "-n", "10000", "--seed", "1", "--json"]
        + ["--set", "moe.median=1.5"],
    )
    assert out.exit_code == 0
    assert out.stderr.count("effcast: warning: ") == 1
    assert "moe.shift_median=1.5" in out.stderr
    json.loads(out.stdout)  # stdout stays clean JSON
