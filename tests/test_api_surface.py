"""The public API never surprises: one vocabulary, one set of return types,
EffcastError for every bad argument, counts as integral floats, displays and
tidy DataFrames on every result object, and the same defaults as the CLI."""

from __future__ import annotations

import inspect
import subprocess
import sys
import textwrap

import numpy as np
import pytest

import effcast

N = 20_000


@pytest.fixture(scope="module")
def model():
    return effcast.load("gpt3_today")


@pytest.fixture(scope="module")
def res(model):
    return model.sample(N, seed=1)


@pytest.fixture(scope="module")
def streamed(model):
    return model.stream(N, seed=1)


@pytest.fixture(scope="module")
def fc(model, res):
    return effcast.forecast(model, to=2030, results=res, seed=1)


@pytest.fixture(scope="module")
def cr(fc):
    return effcast.crossing(fc, [1e25, 1e26], reference="gpt4", budget=1e5)


@pytest.fixture(scope="module")
def sw():
    return effcast.sweep("gpt3_today", {"moe.median": [2, 3]}, n=5_000, seed=1)


@pytest.fixture(scope="module")
def sens(res):
    return effcast.sensitivity(res)


# -- one vocabulary, one set of types -------------------------------------
NAMES = ["hardware", "compute", "moe", "factor:moe", "group:algorithmic"]


@pytest.mark.parametrize("which", NAMES)
def test_both_results_accept_every_series_name(res, streamed, which):
    a = res.quantile(which, 0.5)
    b = streamed.quantile(which, 0.5)
    assert type(a) is float and type(b) is float
    assert abs(a / b - 1) < 4 * streamed.relative_error
    qa = res.quantile(which, [0.1, 0.9])
    qb = streamed.quantile(which, [0.1, 0.9])
    assert isinstance(qa, np.ndarray) and isinstance(qb, np.ndarray)
    assert qa.shape == qb.shape == (2,)
    pa, pb = res.prob_exceeds(which, 2.0), streamed.prob_exceeds(which, 2.0)
    assert type(pa) is float and type(pb) is float


def test_bare_factor_name_is_the_factor(res):
    assert res.quantile("moe", 0.5) == res.quantile("factor:moe", 0.5)
    assert res.quantile("moe", 0.5) == float(np.quantile(res.factor("moe"), 0.5))
    assert res.series_key("algorithmic") == "group:algorithmic"


def test_arrays_still_accepted_in_memory(res):
    x = res.factor("moe")
    assert res.quantile(x, 0.5) == res.quantile("moe", 0.5)


# -- errors ---------------------------------------------------------------
BAD_RESULTS_CALLS = [
    lambda r: r.quantile("hardware", 50),
    lambda r: r.quantile("hardware", -0.1),
    lambda r: r.quantile("hardware", "median"),
    lambda r: r.quantile("hardware", float("nan")),
    lambda r: r.quantile("hardware", [[0.1]]),
    lambda r: r.quantile("nosuch", 0.5),
    lambda r: r.quantile(3, 0.5),
    lambda r: r.prob_exceeds("hardware", "x"),
    lambda r: r.prob_exceeds("hardware", None),
    lambda r: r.prob_exceeds("factor:nosuch", 1.0),
]


@pytest.mark.parametrize("call", BAD_RESULTS_CALLS)
def test_bad_results_arguments_raise_effcast_error(res, streamed, call):
    for r in (res, streamed):
        with pytest.raises(effcast.EffcastError):
            call(r)


def test_negative_control_a_good_call_does_not_raise(res):
    assert 0 < res.quantile("hardware", 0.5)


@pytest.mark.parametrize(
    "call",
    [
        lambda c: c.prob_crossed_by(1e25, "2027"),
        lambda c: c.prob_crossed_by(7, 2027),
        lambda c: c.prob_crossed_by(3e24, 2027),
        lambda c: c.prob_crossed_by("nosuch", 2027),
        lambda c: c.prob_crossed_by(None, 2027),
        lambda c: c.year_quantile(0, 50),
        lambda c: c.forecast.quantiles("moe", 2027, 0.5),
        lambda c: c.forecast.quantiles("compute", 2027, 2.0),
        lambda c: c.forecast.quantiles("compute", 1900, 0.5),
        lambda c: c.forecast.crossing_year("compute", "x"),
        lambda c: c.forecast.summary(years=["x"]),
    ],
)
def test_bad_analysis_arguments_raise_effcast_error(cr, call):
    with pytest.raises(effcast.EffcastError):
        call(cr)


@pytest.mark.parametrize(
    "call",
    [
        lambda m: effcast.forecast("gpt3_today", to=2030),
        lambda m: effcast.forecast(m, to=2030, n="10"),
        lambda m: effcast.forecast(m, to=2030, results=[1, 2]),
        lambda m: effcast.sensitivity(m, n=1.5),
        lambda m: effcast.sensitivity("x"),
        lambda m: effcast.sensitivity(m, n=1000, low="a"),
        lambda m: effcast.sweep(m, n=1000),
        lambda m: effcast.sweep("gpt3_today", {"moe.median": 2}, n=1000),
        lambda m: effcast.sweep("gpt3_today", scenarios=["moe.median=2"]),
        lambda m: effcast.sweep("gpt3_today", n=1000, scheduler=3),
        lambda m: effcast.sweep("gpt3_today", n=1000, workers=0),
        lambda m: effcast.sweep("gpt3_today", n=1000, timeout="soon"),
        lambda m: effcast.sweep(
            "gpt3_today",
            {"moe.median": list(range(200)), "period.end": list(range(200))},
        ),
        lambda m: m.sample(1000, threads="two"),
        lambda m: m.sample(1000, threads=0),
    ],
)
def test_bad_entry_point_arguments_raise_effcast_error(model, call):
    with pytest.raises(effcast.EffcastError):
        call(model)


def test_huge_grid_is_refused_from_its_shape_at_once():
    grid = {"moe.median": [2.0] * 1000, "period.end": [2025.0] * 1000}
    with pytest.raises(effcast.EffcastError, match="1,000,000 scenarios"):
        effcast.sweep("gpt3_today", grid)


# -- counts ---------------------------------------------------------------
def test_counts_accept_integral_floats(model):
    a = model.sample(1e4, seed=3)
    b = model.sample(10_000, seed=3)
    assert a.n == 10_000 and np.array_equal(a.hardware, b.hardware)
    assert model.stream(1e4, seed=3).n == 10_000
    assert effcast.forecast(model, to=2030, n=1e4, seed=3).n == 10_000
    assert effcast.sensitivity(model, n=1e4, seed=3)["samples"] == 10_000
    sw = effcast.sweep("gpt3_today", n=5e3, seed=1, scheduler="serial")
    assert sw.samples == 5_000


@pytest.mark.parametrize("n", [2.5, "100", True, 0, -5, float("inf"), 1e13])
def test_bad_counts_name_the_field(model, n):
    with pytest.raises(effcast.EffcastError) as err:
        model.sample(n)
    assert err.value.field == "samples"


# -- crossing by threshold ------------------------------------------------
def test_crossing_by_threshold_equals_by_row(cr):
    years = [2024, 2026, 2028]
    assert np.array_equal(cr.prob_crossed_by(1e26, years), cr.prob_crossed_by(1, years))
    assert cr.prob_crossed_by(1e25, 2027) == cr.prob_crossed_by(0, 2027)
    assert cr.prob_crossed_by("budget", 2027) == cr.prob_crossed_by(2, 2027)
    assert cr.year_quantile(1e26, 0.5) == cr.year_quantile(1, 0.5)
    assert type(cr.year_quantile(1, 0.5)) is float


# -- shared defaults ------------------------------------------------------
def test_sweep_defaults_are_the_cli_defaults():
    from effcast.cli._policy import sweep as sweep_command

    params = {p.name: p.default for p in sweep_command.params}
    sig = inspect.signature(effcast.sweep).parameters
    assert params["samples"] == sig["n"].default
    assert params["scheduler"] == sig["scheduler"].default
    assert params["timeout"] == sig["timeout"].default


def test_plain_script_sweep_runs(tmp_path):
    """No ``if __name__ == "__main__":``: the default and process workers."""
    script = tmp_path / "plain.py"
    script.write_text(
        textwrap.dedent(
            """
            import effcast
            print("started")
            a = effcast.sweep("gpt3_today", {"moe.median": [2, 3]}, n=5_000, seed=1)
            b = effcast.sweep("gpt3_today", {"moe.median": [2, 3]}, n=5_000,
                              seed=1, scheduler="processes", workers=2)
            assert a.table() == b.table(), (a.table(), b.table())
            print("done", a.executor, b.executor)
            """
        )
    )
    out = subprocess.run(
        [sys.executable, str(script)],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=tmp_path,
    )
    assert out.returncode == 0, out.stderr
    # The script ran once: spawned workers did not re-run it.
    assert out.stdout.split() == ["started", "done", "threads", "processes"]


# -- displays -------------------------------------------------------------
OBJECTS = ["res", "streamed", "fc", "cr", "sw", "sens"]


@pytest.mark.parametrize("name", OBJECTS)
def test_every_result_has_displays_and_to_pandas(request, name):
    obj = request.getfixturevalue(name)
    text = repr(obj)
    assert text.startswith("<") and any(ch.isdigit() for ch in text)
    html = obj._repr_html_()
    assert html.startswith("<") and "<pre" in html
    report = obj.report()
    assert report.strip() and "\x1b" not in report
    df = obj.to_pandas()
    assert len(df) > 0 and df.notna().any().all()


def test_tidy_columns(res, streamed, fc, cr, sw, sens):
    assert list(streamed.to_pandas().columns) == ["series", "q", "value"]
    assert list(fc.to_pandas().columns) == ["series", "year", "q", "reduction"]
    cols = ["question", "kind", "threshold", "year", "prob_crossed_by"]
    assert list(cr.to_pandas().columns) == cols
    assert list(sw.to_pandas().columns) == ["moe.median", "seed", "stat", "value"]
    assert list(sens.to_pandas().columns)[:3] == ["total", "factor", "share"]
    # Numbers in the frames are the objects' own.
    df = fc.to_pandas()
    row = df[(df.series == "compute") & (df.year == 2030.0) & (df.q == 0.5)]
    assert float(row.reduction.iloc[0]) == fc.quantiles("compute", 2030, 0.5)


def test_report_is_what_the_cli_prints(res):
    text = res.report()
    assert res.title in text
    assert f"{res.n:,} samples" in text


def test_html_escapes_the_prior_text():
    m = effcast.Model.from_dict(
        {
            "title": "<script>alert(1)</script> & co",
            "period": {"start": 2020.0, "end": 2024.0},
            "factor": [
                {
                    "name": "moe",
                    "reduces": "compute",
                    "dist": "lognormal",
                    "ci": [1.25, 5.0],
                    "level": 0.9,
                }
            ],
        }
    )
    html = m.sample(2_000, seed=1)._repr_html_()
    assert "<script>" not in html and "&lt;script&gt;" in html


def test_to_pandas_without_pandas_says_how(res, monkeypatch):
    monkeypatch.setitem(sys.modules, "pandas", None)
    with pytest.raises(effcast.EffcastError, match=r'pip install "effcast\[pandas\]"'):
        res.to_pandas()


def test_a_missing_view_is_a_clear_error(res, monkeypatch):
    # The result classes sit below effcast.report and only name the view
    # they need; one that nobody registered is an EffcastError, not a crash.
    from effcast.results import _display

    monkeypatch.delitem(_display._VIEWS, "summary")
    with pytest.raises(effcast.EffcastError, match="no text view .*'summary'"):
        res.report()


def test_every_kind_of_result_has_a_view(res, streamed, fc, cr, sw, sens):
    from effcast.report._views import VIEWS

    kinds = {obj._view for obj in (res, streamed, fc, cr, sw, sens)}
    assert kinds == set(VIEWS)


def test_dir_lists_the_public_api_only():
    names = dir(effcast)
    assert names == sorted(effcast.__all__)
    for private in ("Any", "TYPE_CHECKING", "import_module"):
        assert private not in names


@pytest.mark.parametrize(
    "call",
    [
        lambda m, r, f: effcast.load(123),
        lambda m, r, f: effcast.load(None),
        lambda m, r, f: effcast.load("gpt3_today", overrides=5),
        lambda m, r, f: effcast.Model.from_dict(None),
        lambda m, r, f: effcast.Model.from_dict([1]),
        lambda m, r, f: m.with_overrides(3),
        lambda m, r, f: list(m.iter_blocks(10, chunk="x")),
        lambda m, r, f: effcast.write_samples(3, "a.npz"),
        lambda m, r, f: effcast.write_samples(r, 5),
        lambda m, r, f: effcast.plot(3, "a.png"),
        lambda m, r, f: effcast.plot(r, None),
        lambda m, r, f: effcast.figure(3),
        lambda m, r, f: effcast.compare_figure([]),
        lambda m, r, f: effcast.plot_compare([r, r], "c.png", labels=["a"]),
        lambda m, r, f: effcast.fan_chart(3),
        lambda m, r, f: effcast.fan_chart(f, points="x"),
        lambda m, r, f: effcast.crossing_chart(3),
        lambda m, r, f: effcast.crossing(f, 1e25, reference_year="x"),
        lambda m, r, f: effcast.sweep("gpt3_today", stats=None, n=100),
        lambda m, r, f: effcast.sweep("gpt3_today", overrides=5, n=100),
        lambda m, r, f: effcast.sweep("gpt3_today", question=5, n=100),
        lambda m, r, f: effcast.sweep("gpt3_today", grid=5, n=100),
    ],
)
def test_wrong_types_raise_effcast_error(model, res, fc, call, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(effcast.EffcastError):
        call(model, res, fc)
    assert list(tmp_path.iterdir()) == []  # nothing written
