"""Writing samples: formats round-trip exactly, writes are atomic, and bad
output paths are refused before any work with nothing left on disk."""

from __future__ import annotations

import hashlib
import json
import re
import sys

import numpy as np
import pytest
from click.testing import CliRunner
from conftest import PRIORS

import effcast
import effcast.io._samples as export
from effcast.cli._main import main
from effcast.io._samples import write_samples

GPT3 = str(PRIORS / "gpt3_today.toml")


@pytest.fixture(scope="module")
def res():
    return effcast.load(GPT3).sample(5000, seed=2)


def read_back(path):
    if path.suffix == ".npz":
        with np.load(path) as data:
            return {k: data[k] for k in data.files if k != "provenance"}
    if path.suffix == ".csv":
        with open(path) as fh:
            line = fh.readline()
            skip = 1
            while line.startswith("#"):
                line = fh.readline()
                skip += 1
            names = line.strip().split(",")
        table = np.loadtxt(path, delimiter=",", skiprows=skip, ndmin=2)
        return {k: table[:, i] for i, k in enumerate(names)}
    pq = pytest.importorskip("pyarrow.parquet")
    table = pq.read_table(path)
    return {k: table.column(k).to_numpy() for k in table.column_names}


@pytest.mark.parametrize("ext", [".csv", ".npz", ".parquet"])
def test_round_trip_is_exact(tmp_path, res, ext):
    if ext == ".parquet":
        pytest.importorskip("pyarrow")
    path = write_samples(res, tmp_path / f"s{ext}")
    back = read_back(path)
    cols = res.columns()
    assert list(back) == list(cols)
    for k, v in cols.items():
        assert np.array_equal(back[k], v), k
    assert [p.name for p in tmp_path.iterdir()] == [path.name]  # no temp left


def test_columns(res):
    cols = res.columns()
    assert list(cols)[:3] == [
        "total.hardware",
        "total.compute",
        "factor.transformer_pp",
    ]
    assert "group.hardware" in cols and "factor.hardware_efficiency" in cols
    assert np.array_equal(cols["group.algorithmic"], res.group("algorithmic"))
    totals_only = effcast.load(GPT3).sample(100, seed=1, factors=False)
    assert list(totals_only.columns()) == ["total.hardware", "total.compute"]


def test_parquet_keeps_the_run_in_its_metadata(tmp_path, res):
    pq = pytest.importorskip("pyarrow.parquet")
    path = write_samples(res, tmp_path / "s.parquet")
    meta = json.loads(pq.read_schema(path).metadata[b"effcast"])
    assert {k: meta[k] for k in ("prior", "seed", "samples")} == {
        "prior": GPT3,
        "seed": "2",
        "samples": 5000,
    }
    assert meta["overrides"] == [] and meta["disabled"] == []
    assert meta["prior_sha256"] == hashlib.sha256(open(GPT3, "rb").read()).hexdigest()


def test_csv_without_pyarrow(tmp_path, res, monkeypatch):
    monkeypatch.setitem(sys.modules, "pyarrow", None)
    path = write_samples(res, tmp_path / "s.csv")
    back = read_back(path)
    assert np.array_equal(back["total.hardware"], res.hardware)


def test_parquet_without_pyarrow(tmp_path, res, monkeypatch):
    monkeypatch.setitem(sys.modules, "pyarrow", None)
    with pytest.raises(effcast.EffcastError, match=r"effcast\[parquet\]"):
        write_samples(res, tmp_path / "s.parquet")
    assert list(tmp_path.iterdir()) == []


def test_existing_file_needs_force(tmp_path, res):
    path = tmp_path / "s.npz"
    path.write_text("keep me")
    with pytest.raises(effcast.EffcastError, match="already exists"):
        write_samples(res, path)
    assert path.read_text() == "keep me"
    write_samples(res, path, force=True)
    assert np.array_equal(read_back(path)["total.compute"], res.compute)


@pytest.mark.parametrize(
    "name, words",
    [
        ("s.xlsx", "unknown file type '.xlsx'"),
        ("s", "unknown file type '(none)'"),
        ("missing/s.csv", "does not exist"),
        ("afile/s.csv", "does not exist"),
    ],
)
def test_bad_paths(tmp_path, res, name, words):
    (tmp_path / "afile").write_text("")
    with pytest.raises(effcast.EffcastError, match=re.escape(words)):
        write_samples(res, tmp_path / name)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["afile"]


def test_failure_mid_write_leaves_nothing(tmp_path, res, monkeypatch):
    """A writer that dies half way: no destination, no temporary file, and an
    existing destination untouched."""

    def broken(columns, tmp, meta):
        tmp.write_bytes(b"half a file")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(export, "_npz", broken)
    with pytest.raises(effcast.EffcastError, match="No space left"):
        write_samples(res, tmp_path / "s.npz")
    assert list(tmp_path.iterdir()) == []
    (tmp_path / "s.npz").write_text("old")
    with pytest.raises(effcast.EffcastError):
        write_samples(res, tmp_path / "s.npz", force=True)
    assert [p.name for p in tmp_path.iterdir()] == ["s.npz"]
    assert (tmp_path / "s.npz").read_text() == "old"


def test_to_pandas(res):
    pd = pytest.importorskip("pandas")
    df = res.to_pandas()
    assert isinstance(df, pd.DataFrame)
    assert len(df) == res.n and list(df.columns) == list(res.columns())
    assert np.array_equal(df["factor.moe"].to_numpy(), res.factor("moe"))


def test_to_pandas_without_pandas(res, monkeypatch):
    monkeypatch.setitem(sys.modules, "pandas", None)
    with pytest.raises(effcast.EffcastError, match=r"effcast\[pandas\]"):
        res.to_pandas()


# -- the command line -----------------------------------------------------------


def test_sample_out_with_json(tmp_path):
    path = tmp_path / "s.npz"
    result = CliRunner().invoke(
        main,
        ["sample", GPT3, "-n", "3000", "--seed", "4", "--json", "--out", str(path)],
    )
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)  # nothing but the document on stdout
    back = read_back(path)
    assert back["total.hardware"].size == 3000
    assert doc["hardware"]["quantiles"]["0.5"] == pytest.approx(
        float(np.quantile(back["total.hardware"], 0.5))
    )


@pytest.mark.parametrize(
    "args, words",
    [
        (["--out", "s.xlsx"], "unknown file type"),
        (["--out", "nodir/s.csv"], "does not exist"),
        (["--plot", "s.jpg"], "unknown file type '.jpg'"),
        (["--out", "exists.csv"], "already exists"),
    ],
)
def test_sample_bad_outputs(tmp_path, monkeypatch, args, words):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "exists.csv").write_text("old")
    result = CliRunner().invoke(main, ["sample", GPT3, "-n", "1000", *args])
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.startswith("effcast: error: ") and words in result.stderr
    assert "Traceback" not in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["exists.csv"]
    assert (tmp_path / "exists.csv").read_text() == "old"


def test_sample_undoes_out_when_plot_fails(tmp_path, monkeypatch):
    import effcast.plots._figures as plots

    def fail(*args, **kwargs):
        raise effcast.EffcastError("drawing failed")

    monkeypatch.setattr(plots, "plot", fail)
    out, fig = tmp_path / "s.npz", tmp_path / "f.png"
    result = CliRunner().invoke(
        main, ["sample", GPT3, "-n", "1000", "--out", str(out), "--plot", str(fig)]
    )
    assert result.exit_code == 2 and "drawing failed" in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_sample_force_replaces(tmp_path):
    path = tmp_path / "s.csv"
    path.write_text("old")
    args = ["sample", GPT3, "-n", "1000", "--seed", "1", "--out", str(path)]
    assert CliRunner().invoke(main, args).exit_code == 2
    result = CliRunner().invoke(main, [*args, "--force"])
    assert result.exit_code == 0, result.output
    assert f"Wrote {path}" in result.stdout
    assert read_back(path)["total.hardware"].size == 1000


def test_unwritable_directory(tmp_path, res, monkeypatch):
    """Root may write anywhere, so the permission check is simulated."""
    import effcast.io._atomic as atomic

    monkeypatch.setattr(atomic.os, "access", lambda path, mode: False)
    with pytest.raises(effcast.EffcastError, match="cannot write to directory"):
        write_samples(res, tmp_path / "s.csv")
    assert list(tmp_path.iterdir()) == []
