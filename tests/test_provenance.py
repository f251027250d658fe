"""Provenance: every output says which prior, which overrides, which seed."""

from __future__ import annotations

import hashlib
import json

import numpy as np
import pytest
from click.testing import CliRunner
from conftest import PRIORS

import effcast
from effcast.cli._main import main
from effcast.io._samples import write_samples

GPT3 = PRIORS / "gpt3_today.toml"
SHA = hashlib.sha256(GPT3.read_bytes()).hexdigest()
WHAT_IF = ["moe.median=1.5", "chinchilla.enabled=false"]


def _csv_meta(path) -> dict:
    meta = {}
    with open(path) as fh:
        for line in fh:
            if not line.startswith("# "):
                break
            key, _, value = line[2:].partition(": ")
            meta[key] = json.loads(value)
    return meta


def _read_meta(path) -> dict:
    if path.suffix == ".csv":
        return _csv_meta(path)
    if path.suffix == ".npz":
        with np.load(path) as data:
            return json.loads(str(data["provenance"]))
    pq = pytest.importorskip("pyarrow.parquet")
    return json.loads(pq.read_schema(path).metadata[b"effcast"])


def test_json_names_the_file_its_hash_and_the_overrides():
    runner = CliRunner()
    base = json.loads(
        runner.invoke(
            main, ["sample", str(GPT3), "-n", "5000", "--seed", "3", "--json"]
        ).output
    )
    args = ["sample", str(GPT3), "-n", "5000", "--seed", "3", "--json"]
    for o in WHAT_IF:
        args += ["--set", o]
    what_if = json.loads(runner.invoke(main, args).stdout)  # stderr: a warning
    assert base["prior_sha256"] == what_if["prior_sha256"] == SHA
    assert base["overrides"] == [] and base["disabled"] == []
    assert what_if["overrides"] == WHAT_IF
    assert what_if["disabled"] == ["chinchilla"]
    assert base["effcast_version"] == effcast.__version__


def test_text_header_marks_a_what_if():
    runner = CliRunner()
    base = runner.invoke(main, ["sample", str(GPT3), "-n", "5000", "--seed", "3"])
    what_if = runner.invoke(
        main,
        ["sample", str(GPT3), "-n", "5000", "--seed", "3", "--set", WHAT_IF[0]],
    )
    assert f"sha256 {SHA[:12]}" in base.output
    assert "WHAT-IF" not in base.output
    assert "WHAT-IF" in what_if.output and "--set moe.median=1.5" in what_if.output


@pytest.mark.parametrize("ext", [".csv", ".npz", ".parquet"])
def test_exports_are_the_same_from_the_cli_and_the_api(tmp_path, ext):
    if ext == ".parquet":
        pytest.importorskip("pyarrow")
    cli_path = tmp_path / f"cli{ext}"
    args = ["sample", str(GPT3), "-n", "3000", "--seed", "4", "--out", str(cli_path)]
    for o in WHAT_IF:
        args += ["--set", o]
    out = CliRunner().invoke(main, args)
    assert out.exit_code == 0, out.output
    res = effcast.load(str(GPT3), overrides=WHAT_IF).sample(3000, seed=4)
    api_path = write_samples(res, tmp_path / f"api{ext}")
    assert cli_path.read_bytes() == api_path.read_bytes()
    meta = _read_meta(cli_path)
    assert meta["prior_sha256"] == SHA
    assert meta["overrides"] == WHAT_IF
    assert meta["disabled"] == ["chinchilla"]
    assert meta["seed"] == "4" and meta["samples"] == 3000
    assert meta["effcast_version"] == effcast.__version__
    # Negative control: the baseline's export differs in what it records.
    base = write_samples(
        effcast.load(str(GPT3)).sample(3000, seed=4), tmp_path / f"base{ext}"
    )
    assert _read_meta(base)["overrides"] == []


def test_csv_reads_with_pandas_comment_option(tmp_path):
    pd = pytest.importorskip("pandas")
    res = effcast.load(str(GPT3)).sample(1000, seed=1)
    path = write_samples(res, tmp_path / "s.csv")
    frame = pd.read_csv(path, comment="#")
    assert np.array_equal(frame["total.hardware"].to_numpy(), res.hardware)


def test_overrides_accumulate_through_with_overrides():
    model = effcast.load(str(GPT3), overrides=["moe.median=2"])
    more = model.with_overrides({"period.end": 2025.0})
    assert more.provenance.overrides == ("moe.median=2", "period.end=2025.0")
    assert more.provenance.sha256 == SHA


def test_dict_priors_are_hashed_canonically():
    import tomllib

    data = tomllib.loads(GPT3.read_text())
    a = effcast.Model.from_dict(data).provenance.sha256
    b = effcast.Model.from_dict(dict(reversed(list(data.items())))).provenance.sha256
    assert a == b and a != SHA
    data["title"] = "changed"
    assert effcast.Model.from_dict(data).provenance.sha256 != a


@pytest.mark.parametrize("command", ["sensitivity"])
def test_other_commands_carry_provenance(command):
    out = CliRunner().invoke(
        main,
        [command, str(GPT3), "-n", "5000", "--seed", "1", "--json"]
        + ["--set", "moe.median=2"],
    )
    doc = json.loads(out.stdout)
    assert doc["prior_sha256"] == SHA and doc["overrides"] == ["moe.median=2"]


def test_figures_carry_provenance_in_metadata_and_subtitle(tmp_path):
    from PIL import Image

    res = effcast.load(str(GPT3), overrides=WHAT_IF).sample(5000, seed=2)
    png = effcast.plot(res, tmp_path / "f.png", "distributions")
    meta = json.loads(Image.open(png).text["Description"])
    assert meta["overrides"] == WHAT_IF and meta["prior_sha256"] == SHA
    assert meta["disabled"] == ["chinchilla"] and meta["seed"] == "2"
    svg = effcast.plot(res, tmp_path / "f.svg", "waterfall").read_text()
    assert SHA in svg and "moe.median=1.5" in svg
    fig = effcast.figure(res, "tornado")
    assert "WHAT-IF: moe.median=1.5" in fig.get_suptitle()
    base = effcast.load(str(GPT3)).sample(5000, seed=2)
    assert "WHAT-IF" not in effcast.figure(base, "tornado").get_suptitle()
