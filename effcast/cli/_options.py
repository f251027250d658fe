"""Command-line options shared by the forecasting commands.

``effcast forecast``, ``threshold`` and ``sweep`` share how gains continue
after the prior's period and what a crossing question asks; the options are
defined once here, with the helpers that turn them into library arguments.
Heavy modules are imported only inside the helpers.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import click

from effcast._errors import EffcastError
from effcast.analysis._defaults import SCHEDULER, SCHEDULERS
from effcast.prior._hardware import CATALOGUE

__all__ = [
    "Forward",
    "figure_path",
    "forward_options",
    "option_group",
    "question_options",
    "rate_option",
    "scheduler_options",
    "to_option",
]

Options = Sequence[tuple[tuple[str, ...], dict[str, Any]]]
"""Options as the declarations and settings of :func:`click.option`."""


def option_group(name: str, options: Options, build: Callable[..., Any]):
    """A decorator adding ``options`` to a command, which takes their values
    as one argument ``name``: ``build(**values)``."""
    names = [click.Option(list(decls), **attrs).name for decls, attrs in options]

    def decorate(fn):
        @functools.wraps(fn)
        def command(**kwargs):
            values = {key: kwargs.pop(key) for key in names}
            return fn(**kwargs, **{name: build(**values)})

        for decls, attrs in reversed(options):
            command = click.option(*decls, **attrs)(command)
        return command

    return decorate


def _unless_given(decl: str, help: str, **attrs: Any):
    """An option whose absence leaves the setting to the prior (or the library)."""
    return (decl,), {"default": None, "help": help, **attrs}


def to_option(help: str):
    """``--to YEAR``: the last year a command looks at (``to``)."""
    return click.option(
        "--to", "to", type=float, default=None, metavar="YEAR", help=help
    )


@dataclass(frozen=True)
class Forward:
    """How gains continue after the prior's period, as the options say."""

    step: float | None
    rate: str | None
    rate_ci: str | None
    rate_level: float | None
    acceleration: float | None
    cap: float | None
    no_views: bool

    def arguments(self) -> dict[str, Any]:
        """The keyword arguments of :func:`effcast.forecast` (the rate checked)."""
        return {
            "step": self.step,
            "rate": rate_option(self.rate, self.rate_ci, self.rate_level),
            "acceleration": self.acceleration,
            "cap": self.cap,
            "views": not self.no_views,
        }


forward_options = option_group(
    "forward",
    [
        _unless_given("--step", "Years between table rows [default: 1].", type=float),
        _unless_given(
            "--rate",
            "Forward rate of the compute reduction, with units: "
            "2.3x (times per year), 0.36oom (orders of magnitude per "
            "year) or 8mo (halving time in months); a bare number is "
            "refused. A fixed value, or with --rate-ci the median of a "
            "lognormal in OOM/yr. It sets aside the compute factors' own "
            "forward views [default: the views, with the prior's "
            "[forecast] rate for factors without one, else each sample's "
            "own historical rate].",
            metavar="RATE",
        ),
        _unless_given(
            "--rate-ci",
            "Credible interval of the forward rate, with units, "
            "e.g. 1.6x,5x or 0.2oom,0.7oom; needs --rate.",
            metavar="LO,HI",
        ),
        _unless_given(
            "--rate-level",
            "Probability that --rate-ci holds [default: 0.8].",
            type=float,
        ),
        _unless_given(
            "--acceleration",
            "Multiply the forward rate by this every year (above "
            "1: accelerating; below 1: slowing down) [default: 1].",
            type=float,
        ),
        _unless_given(
            "--cap",
            "Soft cap on the further gain after the period end, in "
            "orders of magnitude: v becomes cap*(1-exp(-v/cap)) "
            "[default: none].",
            type=float,
            metavar="OOM",
        ),
        (
            ("--no-views", "no_views"),
            dict(
                is_flag=True,
                default=False,
                help="Ignore the factors' own [factor.forward] views: every "
                "factor follows the prior-wide settings.",
            ),
        ),
    ],
    Forward,
)
"""How gains continue after the prior's period (forecast and threshold): the
command takes them as one :class:`Forward`, ``forward``."""


def _presets() -> list[str]:
    from effcast.analysis._threshold import REFERENCE_RUNS

    return list(REFERENCE_RUNS)


def _preset_help() -> list[str]:
    from effcast.analysis._threshold import REFERENCE_RUNS
    from effcast.io._numbers import sci

    return [
        f"{key}: {run.name}, {sci(run.flop)} FLOP, {run.year:g}"
        for key, run in REFERENCE_RUNS.items()
    ]


def _question(**values: Any) -> dict[str, Any]:
    return {**values, "thresholds": list(values["thresholds"])}


question_options = option_group(
    "question",
    [
        (
            ("--threshold", "thresholds"),
            dict(
                multiple=True,
                type=float,
                metavar="FLOP",
                help="Compute threshold in FLOP, e.g. 1e25 (EU AI Act) or 1e26 "
                "(US 2023 executive order, California SB 53); repeatable.",
            ),
        ),
        _unless_given(
            "--reference",
            "The run whose capability is asked about: a preset ("
            + "; ".join(_preset_help())
            + ") or its FLOP [default: the prior's own [baseline], dated at "
            "its period start, else gpt3].",
            metavar="|".join(_presets()) + "|FLOP",
        ),
        _unless_given(
            "--reference-year",
            "When the reference run was trained, if not the preset's year "
            "[default for a FLOP figure: the period start].",
            type=float,
            metavar="YEAR",
        ),
        _unless_given(
            "--budget",
            "Also ask when this many GPU-hours on --gpu suffice.",
            type=float,
            metavar="GPU_HOURS",
        ),
        (
            ("--gpu",),
            dict(
                default="H100",
                show_default=True,
                help="The budget's GPU: "
                + ", ".join(CATALOGUE)
                + " (or one in the prior's [gpus]).",
            ),
        ),
        _unless_given(
            "--reference-gpu-hours",
            "The reference run's GPU-hours, if not the preset's.",
            type=float,
            metavar="HOURS",
        ),
        _unless_given(
            "--reference-gpu",
            "The GPU of --reference-gpu-hours [default: the preset's, else V100].",
            metavar="GPU",
        ),
    ],
    _question,
)
"""The reference run, thresholds and budget (threshold and sweep): the command
takes them as one dictionary of :func:`effcast.crossing`'s keyword arguments,
``question``."""


def rate_option(rate, rate_ci, rate_level):
    """The ``rate=`` argument of :func:`effcast.forecast` from the options.

    Options not given fall back, in :func:`effcast.forecast`, to the prior's
    ``[forecast]`` table.
    """
    if rate_level is not None and rate_ci is None:
        raise EffcastError("--rate-level goes with --rate-ci", field="rate_level")
    if rate is not None and rate.strip() != "historical":
        from effcast.prior._rates import RateError, parse_rate

        try:
            parse_rate(rate)
        except RateError as exc:
            raise EffcastError(f"--rate: {exc}", field="rate") from None
    if rate_ci is None:
        return rate
    if rate is None:
        raise EffcastError("--rate-ci needs --rate (the median)", field="rate")
    parts = [p.strip() for p in str(rate_ci).split(",")]
    if len(parts) != 2 or not all(parts):
        raise EffcastError(
            f"--rate-ci: expected two rates LO,HI with units such as 1.6x,5x, "
            f"got {rate_ci!r}",
            field="rate_ci",
        )
    level = 0.8 if rate_level is None else rate_level
    return {"median": rate, "ci": parts, "level": level}


def figure_path(plot, force: bool = False):
    """Check a ``--plot`` path before any work (refused if it exists, unless forced)."""
    if plot is None:
        return None
    from effcast.plots._forecast_figures import check_figure_path

    return check_figure_path(plot, force)


scheduler_options = option_group(
    "where",
    [
        (
            ("--scheduler",),
            dict(
                default=SCHEDULER,
                show_default=True,
                metavar="|".join(SCHEDULERS) + "|ADDRESS",
                help="Where scenarios run: threads in this process, local "
                "processes, one after another, a Dask LocalCluster, or a Dask "
                "scheduler's address (tcp://host:8786); the results are "
                "identical. Dask needs the dask extra.",
            ),
        ),
        (
            ("--workers",),
            dict(
                type=click.IntRange(min=1),
                default=None,
                help="Threads, processes or LocalCluster workers [default: one "
                "per core].",
            ),
        ),
        (
            ("--connect-timeout", "timeout"),
            dict(
                type=click.FloatRange(min=0, min_open=True),
                default=10.0,
                show_default=True,
                metavar="SECONDS",
                help="How long to wait for a Dask scheduler.",
            ),
        ),
    ],
    dict,
)
"""Where a sweep's scenarios run (sweep): the command takes them as one
dictionary of :func:`effcast.sweep`'s ``scheduler``, ``workers`` and
``timeout``, ``where``."""
