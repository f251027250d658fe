"""The policy commands: ``effcast forecast``, ``threshold`` and ``sweep``.

They project a prior's gains past its period, ask when a reference run fits
under a compute threshold or a GPU-hour budget, and run grids of scenarios.
Each loads input, calls the library and renders; :mod:`effcast.cli._main` adds
them to the ``effcast`` group.
"""

from __future__ import annotations

import math

import click

from effcast._errors import EffcastError
from effcast.cli._common import (
    SampleCount,
    Seed,
    fail,
    force_option,
    print_doc,
    sampling_options,
    set_option,
)
from effcast.cli._options import (
    figure_path,
    forward_options,
    question_options,
    rate_option,
)
from effcast.io._formats import describe_formats

__all__ = ["POLICY_COMMANDS", "forecast", "sweep", "threshold"]


@click.command(
    short_help="Project the reductions forward, year by year, with a fan chart."
)
@click.argument("prior", metavar="PRIOR")
@set_option
@click.option(
    "--to",
    "to",
    type=float,
    default=None,
    metavar="YEAR",
    help="Last year of the forecast (decimal year; 2030 is 1 January 2030) "
    "[default: the prior's [forecast] to, else 10 years after the period end].",
)
@forward_options
@sampling_options
@click.option("--json", "as_json", is_flag=True, help="Print only JSON.")
@click.option(
    "--plot",
    default=None,
    metavar="FILE",
    help=f"Also draw a fan chart to FILE ({describe_formats('figure')}).",
)
@force_option
def forecast(
    prior, overrides, to, step, rate, rate_ci, rate_level, acceleration, cap,
    samples, seed, threads, as_json, plot, force,
) -> None:  # fmt: skip
    """Project PRIOR's efficiency gains forward, year by year.

    Each sample's reductions continue past the prior's period end at that
    sample's own historical rate (orders of magnitude per year), or at a
    forward rate you give, optionally accelerating or slowing and under a
    soft cap. Prints, for each year, the median and 80% interval of the
    hardware and compute reductions, counted from the period start.
    """
    try:
        from effcast.analysis._forecast import forecast as run_forecast
        from effcast.results._model import load

        path = figure_path(plot, force)
        model = load(prior, overrides=overrides or None)
        fc = run_forecast(
            model,
            to,
            n=samples,
            seed=seed,
            step=step,
            rate=rate_option(rate, rate_ci, rate_level),
            acceleration=acceleration,
            cap=cap,
            threads=threads,
        )
        doc = fc.summary()
        if path is not None:
            from effcast.plots._forecast_figures import fan_chart

            fan_chart(fc, path)
    except EffcastError as exc:
        fail(exc)
        return
    from effcast.report._forecast_tables import render_forecast

    extra = [f"Fan chart written to {path}"] if path is not None else []
    if as_json and path is not None:
        click.echo(f"effcast: fan chart written to {path}", err=True)
    print_doc(doc, as_json, render_forecast, seed, extra)


@click.command(short_help="When a reference run fits under a FLOP limit or GPU budget.")
@click.argument("prior", metavar="PRIOR")
@set_option
@question_options
@click.option(
    "--to",
    "to",
    type=float,
    default=None,
    metavar="YEAR",
    help="Last year of the table [default: the prior's [forecast] to, else 10 "
    "years after the later of the period end and the reference year].",
)
@forward_options
@sampling_options
@click.option("--json", "as_json", is_flag=True, help="Print only JSON.")
@click.option(
    "--plot",
    default=None,
    metavar="FILE",
    help=f"Also draw P(crossed by year) to FILE ({describe_formats('figure')}).",
)
@force_option
def threshold(
    prior, overrides, thresholds, reference, reference_year, budget, gpu,
    reference_gpu_hours, reference_gpu, to, step, rate, rate_ci, rate_level,
    acceleration, cap, samples, seed, threads, as_json, plot, force,
) -> None:  # fmt: skip
    """When can a model of a reference run's capability be trained under a limit?

    For each compute threshold (FLOP) and for a hardware budget (GPU-hours
    on a named GPU), the chance that a model as capable as the reference run
    can be trained within it by each year, and the median crossing year, with
    the gains of PRIOR projected as in `effcast forecast`.
    """
    try:
        from effcast.analysis._forecast import forecast as run_forecast
        from effcast.analysis._forecast import period_start
        from effcast.analysis._threshold import check_question, reference_run
        from effcast.results._model import load

        path = figure_path(plot, force)
        model = load(prior, overrides=overrides or None)
        start = period_start(model)
        end = round(start + model.years, 9)
        run = reference_run(reference, year=reference_year)
        since = start if run.year is None else run.year
        if to is None:
            to = model.prior.forecast.to or math.ceil(max(end, since)) + 10
        question = dict(
            reference=reference,
            reference_year=reference_year,
            budget=budget,
            gpu=gpu,
            reference_gpu_hours=reference_gpu_hours,
            reference_gpu=reference_gpu,
        )
        check_question(start, to, list(thresholds), **question)
        fc = run_forecast(
            model,
            to,
            n=samples,
            seed=seed,
            step=step,
            rate=rate_option(rate, rate_ci, rate_level),
            acceleration=acceleration,
            cap=cap,
            threads=threads,
        )
        from effcast.analysis._threshold import crossing

        cr = crossing(fc, list(thresholds), **question)
        doc = cr.summary()
        if path is not None:
            from effcast.plots._forecast_figures import crossing_chart

            crossing_chart(cr, path)
    except EffcastError as exc:
        fail(exc)
        return
    from effcast.report._forecast_tables import render_crossing

    extra = [f"Chart written to {path}"] if path is not None else []
    if as_json and path is not None:
        click.echo(f"effcast: chart written to {path}", err=True)
    print_doc(doc, as_json, render_crossing, seed, extra)


@click.command(short_help="Run a grid of --grid overrides, in processes or on Dask.")
@click.argument("prior", metavar="PRIOR")
@set_option
@click.option(
    "--grid",
    "grids",
    multiple=True,
    metavar="NAME.KEY=V1,V2,...",
    help="Values to sweep for one key of the prior (read like --set values); "
    "repeatable: the sweep runs every combination.",
)
@click.option(
    "--stat",
    "stats",
    multiple=True,
    metavar="STAT",
    help="A statistic per scenario, e.g. hardware.0.5, compute.0.9, "
    "hardware.oom.0.5, hardware.p1000, moe.0.5, compute.at2030.0.5, "
    "crossing.1e25.0.5, crossing.1e25.by2026, crossing.budget.0.5; "
    "repeatable [default: hardware.0.5 compute.0.5 hardware.oom.0.5 "
    "compute.oom.0.5].",
)
@question_options
@click.option(
    "-n",
    "--samples",
    type=SampleCount(),
    default=1_000_000,
    show_default=True,
    help="Monte Carlo samples per scenario.",
)
@click.option(
    "--seed",
    type=Seed(),
    default=None,
    help="The sweep's seed; each scenario's own seed derives from it.",
)
@click.option(
    "--scheduler",
    default="processes",
    show_default=True,
    metavar="processes|serial|local|ADDRESS",
    help="Where scenarios run: local processes, this process, a Dask "
    "LocalCluster, or a Dask scheduler's address (tcp://host:8786); the "
    "results are identical. Dask needs the dask extra.",
)
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    default=None,
    help="Processes (or LocalCluster workers) [default: one per core].",
)
@click.option(
    "--connect-timeout",
    type=click.FloatRange(min=0, min_open=True),
    default=10.0,
    show_default=True,
    metavar="SECONDS",
    help="How long to wait for a Dask scheduler.",
)
@click.option("--json", "as_json", is_flag=True, help="Print only JSON.")
@click.option(
    "--out",
    default=None,
    metavar="FILE",
    help=f"Also write the table to FILE ({describe_formats('table')}).",
)
@click.option("--force", is_flag=True, help="Overwrite --out if it exists.")
def sweep(
    prior, overrides, grids, stats, thresholds, reference, reference_year,
    budget, gpu, reference_gpu_hours, reference_gpu, samples, seed, scheduler,
    workers, connect_timeout, as_json, out, force,
) -> None:  # fmt: skip
    """Sample PRIOR under every combination of --grid values and tabulate.

    Every scenario is validated before any runs; each gets its own seed from
    the sweep's, so the figures are the same whichever scheduler runs them.
    Statistics past the period (compute.at2030.0.5, crossing.1e25.0.5) use
    each scenario's [forecast] table, which --grid forecast.KEY=... varies,
    and the threshold options.
    """
    try:
        from effcast.analysis._sweep import DEFAULT_STATS, check_out_path, write_table
        from effcast.analysis._sweep import sweep as run_sweep

        out_path = check_out_path(out, force) if out else None
        sw = run_sweep(
            prior,
            list(grids),
            overrides=list(overrides),
            stats=list(stats) or DEFAULT_STATS,
            question=dict(
                thresholds=list(thresholds),
                reference=reference,
                reference_year=reference_year,
                budget=budget,
                gpu=gpu,
                reference_gpu_hours=reference_gpu_hours,
                reference_gpu=reference_gpu,
            ),
            n=samples,
            seed=seed,
            scheduler=scheduler,
            workers=workers,
            timeout=connect_timeout,
        )
        doc = sw.summary()
        if out_path is not None:
            write_table(sw, out_path)
    except EffcastError as exc:
        fail(exc)
        return
    from effcast.report._forecast_tables import render_sweep

    extra = [f"Table written to {out_path}"] if out_path is not None else []
    print_doc(doc, as_json, render_sweep, seed, extra)


POLICY_COMMANDS = (forecast, threshold, sweep)
