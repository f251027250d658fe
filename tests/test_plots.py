"""Figures: every kind in every format, no overlapping labels, bad input."""

from __future__ import annotations

import itertools

import pytest
from click.testing import CliRunner
from conftest import PRIORS

import effcast
from effcast.cli._main import main
from effcast.plots._figures import KINDS, compare_figure, figure, plot

GPT3 = str(PRIORS / "gpt3_today.toml")
MAGIC = {".png": b"\x89PNG", ".svg": b"<?xml", ".pdf": b"%PDF"}


@pytest.fixture(scope="module")
def res():
    return effcast.load(GPT3).sample(30_000, seed=3)


@pytest.fixture(scope="module")
def cond():
    """A run conditioned on [[evidence]], for the evidence figure."""
    return effcast.load(PRIORS / "gpt3_today_evidence.toml").sample(30_000, seed=3)


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("ext", list(MAGIC))
def test_every_kind_in_every_format(tmp_path, res, cond, kind, ext):
    path = plot(cond if kind == "evidence" else res, tmp_path / f"fig{ext}", kind)
    assert path.read_bytes()[:5].startswith(MAGIC[ext])
    assert [p.name for p in tmp_path.iterdir()] == [path.name]


def _overlaps(texts, renderer) -> list[tuple[str, str]]:
    boxes = [
        (t.get_text(), t.get_window_extent(renderer))
        for t in texts
        if t.get_visible() and t.get_text().strip()
    ]
    return [
        (a, b)
        for (a, ba), (b, bb) in itertools.combinations(boxes, 2)
        if ba.overlaps(bb)
    ]


@pytest.fixture(scope="module")
def epoch():
    return effcast.load(PRIORS / "epoch_rates.toml").sample(30_000, seed=3)


@pytest.mark.parametrize("prior", ["gpt3", "epoch"])
@pytest.mark.parametrize("kind", KINDS)
def test_no_overlapping_labels(res, epoch, cond, prior, kind):
    """Tick labels of each axis, and the texts inside each axes, never overlap
    one another, the figure has a title, and labels stay on the canvas."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    fig = figure(
        cond if kind == "evidence" else res if prior == "gpt3" else epoch, kind
    )
    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    renderer = canvas.get_renderer()
    for ax in fig.axes:
        if not ax.get_visible():
            continue
        for axis in (ax.xaxis, ax.yaxis):
            assert not _overlaps(axis.get_ticklabels(), renderer), (kind, axis)
        assert not _overlaps(ax.texts, renderer), kind
    titles = [a.get_title(loc=w) for a in fig.axes for w in ("center", "left")]
    assert any(titles) or fig.get_suptitle()
    # Labels stay inside the canvas.
    width, height = canvas.get_width_height()
    extra = [t for t in (fig._suptitle, fig._supxlabel) if t is not None]
    for ax in fig.axes:
        extra += [ax.title, ax._left_title]
    for t in extra:
        if t.get_visible() and t.get_text():
            box = t.get_window_extent(renderer)
            assert box.x0 >= -1 and box.x1 <= width + 1, (kind, t.get_text())
    for ax in fig.axes:
        for t in [*ax.texts, ax.xaxis.label, ax.yaxis.label]:
            if t.get_visible() and t.get_text():
                box = t.get_window_extent(renderer)
                assert box.x0 >= -1 and box.x1 <= width + 1, (kind, t.get_text())


def test_distributions_marks_medians_and_intervals(res):
    fig = figure(res, "distributions")
    top, bottom = fig.axes
    labels = [t.get_text() for t in top.get_legend().get_texts()]
    assert any("median" in s and "80% interval" in s for s in labels)
    assert top.get_xscale() == "log" and "log scale" in bottom.get_xlabel()
    assert "P(reduction" in bottom.get_ylabel()


def test_distributions_work_without_factors(tmp_path):
    res = effcast.load(GPT3).sample(5000, seed=1, factors=False)
    plot(res, tmp_path / "d.png")
    with pytest.raises(effcast.EffcastError, match="needs each factor"):
        plot(res, tmp_path / "w.png", "waterfall")


def test_compare_figure(res):
    other = effcast.load(PRIORS / "sceptical.toml").sample(30_000, seed=3)
    fig = compare_figure([res, other], ["ours", "theirs"])
    texts = [t.get_text() for t in fig.legends[0].get_texts()]
    assert texts[0].startswith("ours: median") and texts[1].startswith("theirs")


def test_bad_kind_and_extension(tmp_path, res):
    with pytest.raises(effcast.EffcastError, match="unknown plot kind 'pie'"):
        plot(res, tmp_path / "f.png", "pie")
    with pytest.raises(effcast.EffcastError, match="unknown file type '.jpg'"):
        plot(res, tmp_path / "f.jpg")
    assert list(tmp_path.iterdir()) == []


# -- the command line -----------------------------------------------------------


def test_plot_cli(tmp_path):
    out = tmp_path / "w.svg"
    args = ["plot", GPT3, "-o", str(out), "--kind", "waterfall", "-n", "5000"]
    result = CliRunner().invoke(main, [*args, "--seed", "1"])
    assert result.exit_code == 0, result.output
    assert out.read_bytes().startswith(b"<?xml")
    again = CliRunner().invoke(main, args)
    assert again.exit_code == 2 and "already exists" in again.stderr
    assert CliRunner().invoke(main, [*args, "--force"]).exit_code == 0


@pytest.mark.parametrize(
    "args, words",
    [
        (["-o", "f.gif"], "unknown file type '.gif'"),
        (["-o", "nodir/f.png"], "does not exist"),
        (["-o", "f.png", "--kind", "pie"], "Invalid value for '--kind'"),
        (["-o", "f.png", "--set", "moe.median=9"], "outside its interval"),
    ],
)
def test_plot_cli_bad_input(tmp_path, monkeypatch, args, words):
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["plot", GPT3, "-n", "1000", *args])
    assert result.exit_code == 2
    assert words in result.stderr and "Traceback" not in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_sample_plot(tmp_path):
    out = tmp_path / "d.pdf"
    result = CliRunner().invoke(
        main, ["sample", GPT3, "-n", "5000", "--seed", "1", "--plot", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert out.read_bytes().startswith(b"%PDF")
