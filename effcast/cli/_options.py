"""Command-line options shared by the forecasting commands.

``effcast forecast``, ``threshold`` and ``sweep`` share how gains continue
after the prior's period and what a crossing question asks; the options are
defined once here, with the helpers that turn them into library arguments.
Heavy modules are imported only inside the helpers.
"""

from __future__ import annotations

import click

from effcast._errors import EffcastError
from effcast.prior._hardware import CATALOGUE

__all__ = ["figure_path", "forward_options", "question_options", "rate_option"]


def forward_options(fn):
    """How gains continue after the prior's period (forecast and threshold)."""
    for decl, kwargs in reversed(
        [
            (
                ("--step",),
                dict(
                    type=float,
                    default=None,
                    help="Years between table rows [default: 1].",
                ),
            ),
            (
                ("--rate",),
                dict(
                    type=float,
                    default=None,
                    metavar="OOM_PER_YEAR",
                    help="Forward rate of the compute reduction, in orders of "
                    "magnitude per year: a fixed value, or with --rate-ci the "
                    "median of a lognormal [default: the prior's [forecast] "
                    "rate, else each sample's own historical rate].",
                ),
            ),
            (
                ("--rate-ci",),
                dict(
                    default=None,
                    metavar="LO,HI",
                    help="Credible interval of the forward rate (OOM/yr), e.g. "
                    "0.2,0.8; needs --rate.",
                ),
            ),
            (
                ("--rate-level",),
                dict(
                    type=float,
                    default=None,
                    help="Probability that --rate-ci holds [default: 0.8].",
                ),
            ),
            (
                ("--acceleration",),
                dict(
                    type=float,
                    default=None,
                    help="Multiply the forward rate by this every year (above "
                    "1: accelerating; below 1: slowing down) [default: 1].",
                ),
            ),
            (
                ("--cap",),
                dict(
                    type=float,
                    default=None,
                    metavar="OOM",
                    help="Soft cap on the further gain after the period end, in "
                    "orders of magnitude: v becomes cap*(1-exp(-v/cap)) "
                    "[default: none].",
                ),
            ),
        ]
    ):
        fn = click.option(*decl, **kwargs)(fn)
    return fn


def question_options(fn):
    """The reference run, thresholds and budget (threshold and sweep)."""
    options = [
        click.option(
            "--threshold",
            "thresholds",
            multiple=True,
            type=float,
            metavar="FLOP",
            help="Compute threshold in FLOP, e.g. 1e25 (EU AI Act) or 1e26 (US 2023 "
            "executive order, California SB 53); repeatable.",
        ),
        click.option(
            "--reference",
            default="gpt3",
            show_default=True,
            metavar="gpt3|gpt4|FLOP",
            help="The run whose capability is asked about: gpt3 (3.14e23 FLOP, "
            "2020.0), gpt4 (2e25 FLOP, 2022.6) or its FLOP.",
        ),
        click.option(
            "--reference-year",
            type=float,
            default=None,
            metavar="YEAR",
            help="When the reference run was trained, if not the preset's year "
            "[default for a FLOP figure: the period start].",
        ),
        click.option(
            "--budget",
            type=float,
            default=None,
            metavar="GPU_HOURS",
            help="Also ask when this many GPU-hours on --gpu suffice.",
        ),
        click.option(
            "--gpu",
            default="H100",
            show_default=True,
            help="The budget's GPU: "
            + ", ".join(CATALOGUE)
            + " (or one in the prior's [gpus]).",
        ),
        click.option(
            "--reference-gpu-hours",
            type=float,
            default=None,
            metavar="HOURS",
            help="The reference run's GPU-hours, if not the preset's.",
        ),
        click.option(
            "--reference-gpu",
            default=None,
            metavar="GPU",
            help="The GPU of --reference-gpu-hours [default: the preset's, else V100].",
        ),
    ]
    for option in reversed(options):
        fn = option(fn)
    return fn


def rate_option(rate, rate_ci, rate_level):
    """The ``rate=`` argument of :func:`effcast.forecast` from the options.

    Options not given fall back, in :func:`effcast.forecast`, to the prior's
    ``[forecast]`` table.
    """
    if rate_level is not None and rate_ci is None:
        raise EffcastError("--rate-level goes with --rate-ci", field="rate_level")
    if rate_ci is None:
        return rate
    if rate is None:
        raise EffcastError("--rate-ci needs --rate (the median)", field="rate")
    parts = [p.strip() for p in str(rate_ci).split(",")]
    try:
        lo, hi = (float(p) for p in parts)
    except ValueError:
        raise EffcastError(
            f"--rate-ci: expected two numbers LO,HI such as 0.2,0.8, got {rate_ci!r}",
            field="rate_ci",
        ) from None
    level = 0.8 if rate_level is None else rate_level
    return {"median": rate, "ci": [lo, hi], "level": level}


def figure_path(plot, force: bool = False):
    """Check a ``--plot`` path before any work (refused if it exists, unless forced)."""
    if plot is None:
        return None
    from effcast.plots._forecast_figures import check_figure_path

    return check_figure_path(plot, force)
