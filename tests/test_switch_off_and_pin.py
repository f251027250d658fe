"""``enabled = false`` and ``dist = "constant"``: factors switched off, pinned."""

from __future__ import annotations

import copy
import json
import tomllib

import numpy as np
import pytest
from click.testing import CliRunner
from conftest import PRIORS

import effcast
from effcast.cli._main import main
from effcast.engine._blocks import block_generator, resolve_seed
from effcast.engine._kernels import fill_block

GPT3 = PRIORS / "gpt3_today.toml"


def _data() -> dict:
    return tomllib.loads(GPT3.read_text())


def _without(data: dict, name: str) -> dict:
    out = copy.deepcopy(data)
    out["factor"] = [f for f in out["factor"] if f["name"] != name]
    out["reference"] = [
        r for r in out.get("reference", []) if r["applies_to"] != f"factor:{name}"
    ]
    return out


@pytest.mark.parametrize("name", ["chinchilla", "moe", "hardware_efficiency"])
def test_switched_off_equals_deleted(name):
    off = effcast.load(GPT3, overrides=[f"{name}.enabled=false"])
    deleted = effcast.Model.from_dict(_without(_data(), name))
    a = off.sample(100_000, seed=7)
    b = deleted.sample(100_000, seed=7)
    assert off.factor_names == deleted.factor_names
    assert name not in off.factor_names and off.disabled == (name,)
    assert np.array_equal(a.hardware, b.hardware)
    assert np.array_equal(a.compute, b.compute)
    for f in off.factor_names:
        assert np.array_equal(a.factor(f), b.factor(f))
    # Negative control: with the factor on, the samples differ.
    on = effcast.load(GPT3).sample(100_000, seed=7)
    assert not np.array_equal(on.hardware, a.hardware)


def test_switched_off_in_the_file_and_back_on():
    data = _data()
    data["factor"][3]["enabled"] = False
    model = effcast.Model.from_dict(data)
    assert model.disabled == ("chinchilla",)
    back = model.with_overrides(["chinchilla.enabled=true"])
    assert back.disabled == () and "chinchilla" in back.factor_names
    same = effcast.load(GPT3)
    assert np.array_equal(
        back.sample(70_000, seed=3).hardware, same.sample(70_000, seed=3).hardware
    )


def test_switched_off_is_reported_everywhere(tmp_path):
    model = effcast.load(GPT3, overrides=["chinchilla.enabled=false"])
    res = model.sample(20_000, seed=1)
    doc = res.summary()
    assert doc["disabled"] == ["chinchilla"]
    assert "chinchilla" not in doc["factors"]
    assert all(r["name"] != "chinchilla" for r in doc["table"]["factors"])
    streamed = model.stream(20_000, seed=1).summary()
    assert streamed["disabled"] == ["chinchilla"]
    out = CliRunner().invoke(
        main,
        ["sample", str(GPT3), "-n", "20000", "--seed", "1"]
        + ["--set", "chinchilla.enabled=false"],
    )
    assert out.exit_code == 0, out.output
    assert "switched off: chinchilla" in out.output
    assert "chinchilla.enabled=false" in out.output


def test_every_factor_off_is_refused():
    data = _data()
    for f in data["factor"]:
        f["enabled"] = False
    with pytest.raises(effcast.EffcastError, match="enabled"):
        effcast.Model.from_dict(data)


def test_enabled_must_be_a_boolean():
    with pytest.raises(effcast.EffcastError, match="enabled"):
        effcast.load(GPT3, overrides=['moe.enabled="no"'])


def test_correlating_a_switched_off_factor_is_refused():
    data = _data()
    data["correlation"] = [{"between": ["moe", "unpublished"], "rho": 0.5}]
    effcast.Model.from_dict(data)  # fine while both are on
    data["factor"][1]["enabled"] = False
    with pytest.raises(effcast.EffcastError, match="switched off") as err:
        effcast.Model.from_dict(data)
    assert err.value.field == "between"


def test_reference_to_a_switched_off_factor_is_dropped_with_it():
    model = effcast.load(GPT3, overrides=["hardware_efficiency.enabled=false"])
    names = [r.name for r in model.prior.reference]
    assert all(
        r.applies_to != "factor:hardware_efficiency" for r in model.prior.reference
    )
    assert len(names) == len(model.declared.reference) - 1
    model.sample(1000, seed=1).summary()


def _constant(data: dict, name: str, value: float) -> dict:
    out = copy.deepcopy(data)
    for i, f in enumerate(out["factor"]):
        if f["name"] == name:
            keep = {k: f[k] for k in ("name", "label", "group", "reduces") if k in f}
            out["factor"][i] = {**keep, "dist": "constant", "value": value}
    return out


@pytest.mark.parametrize("value", [2.98, 0.5, 1.0, 1e3])
def test_constant_is_exactly_its_value(value):
    model = effcast.Model.from_dict(_constant(_data(), "chinchilla", value))
    res = model.sample(70_000, seed=5)
    assert np.all(res.factor("chinchilla") == value)  # exact, below the floor too
    m = dict(zip(model.factor_names, model.marginals, strict=True))["chinchilla"]
    assert m.median == value and float(m.ppf(0.01)) == value


def test_constant_uses_no_random_numbers():
    """Pinning a factor leaves every other factor's draws as they were."""
    base = effcast.load(GPT3).sample(70_000, seed=9)
    pinned = effcast.Model.from_dict(_constant(_data(), "moe", 2.0)).sample(
        70_000, seed=9
    )
    deleted = effcast.Model.from_dict(_without(_data(), "moe")).sample(70_000, seed=9)
    for f in ("transformer_pp", "unpublished", "chinchilla", "hardware_efficiency"):
        assert np.array_equal(pinned.factor(f), deleted.factor(f))
    assert np.allclose(pinned.hardware, 2.0 * deleted.hardware, rtol=1e-15)
    assert not np.array_equal(base.factor("moe"), pinned.factor("moe"))


def test_constant_kernel_matches_its_python_function():
    model = effcast.Model.from_dict(_constant(_data(), "moe", 2.5))
    root, _ = resolve_seed(4)
    out = []
    for fn in (fill_block, fill_block.py_func):
        factors = np.empty((len(model.marginals), 500))
        totals = np.empty((2, 500))
        fn(block_generator(root, 0), *model._arrays, factors, totals)
        out.append((factors, totals))
    assert np.array_equal(out[0][0], out[1][0])
    assert np.array_equal(out[0][1], out[1][1])
    assert np.all(out[0][0][1] == 2.5)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"value": 0.0}, "value"),
        ({"value": -2.0}, "value"),
        ({"value": "x"}, "value"),
        ({"floor": 1.5}, "floor"),
        ({"ci": [1.0, 2.0]}, "ci"),
    ],
)
def test_bad_constants_are_refused(change, field):
    data = _constant(_data(), "moe", 2.0)
    data["factor"][1].update(change)
    with pytest.raises(effcast.EffcastError) as err:
        effcast.Model.from_dict(data)
    assert err.value.factor == "moe" and err.value.field == field


def test_a_constant_cannot_be_correlated():
    data = _constant(_data(), "moe", 2.0)
    data["correlation"] = [{"between": ["moe", "unpublished"], "rho": 0.5}]
    with pytest.raises(effcast.EffcastError, match="constant") as err:
        effcast.Model.from_dict(data)
    assert err.value.field == "between"


def test_cli_switch_off_and_pin_exit_cleanly():
    runner = CliRunner()
    bad = runner.invoke(main, ["sample", str(GPT3), "--set", "moe.enabled=maybe"])
    assert bad.exit_code == 2 and "enabled" in bad.output
    ok = runner.invoke(
        main,
        ["sample", str(GPT3), "-n", "10000", "--seed", "1", "--json"]
        + ["--set", "chinchilla.enabled=false"],
    )
    doc = json.loads(ok.output)
    assert doc["disabled"] == ["chinchilla"]
    assert doc["overrides"] == ["chinchilla.enabled=false"]


def test_sweep_grid_switches_a_factor_off():
    sw = effcast.sweep(
        str(GPT3),
        {"moe.enabled": [True, False], "chinchilla.pin": [2.0]},
        stats=["moe.0.5", "hardware.0.5"],
        n=20_000,
        seed=1,
        scheduler="serial",
    )
    on, off = sw.rows
    assert on["stats"]["moe.0.5"] == pytest.approx(2.5, rel=0.05)
    assert off["stats"]["moe.0.5"] is None  # reported as "off"
    assert off["stats"]["hardware.0.5"] < on["stats"]["hardware.0.5"]
    doc = sw.summary()
    assert doc["prior_sha256"] and doc["overrides"] == []
    out = CliRunner().invoke(
        main,
        ["sweep", str(GPT3), "--grid", "moe.enabled=true,false", "-n", "20000"]
        + ["--seed", "1", "--scheduler", "serial", "--stat", "moe.0.5"],
    )
    assert out.exit_code == 0, out.output
    assert " off " in out.output and "false" in out.output
