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
from effcast.analysis._defaults import SAMPLES
from effcast.cli._common import (
    SampleCount,
    Seed,
    fail,
    force_option,
    json_option,
    plot_option,
    print_doc,
    prior_argument,
    sampling_options,
)
from effcast.cli._options import (
    figure_path,
    forward_options,
    question_options,
    scheduler_options,
    to_option,
)
from effcast.io._formats import describe_formats

__all__ = ["POLICY_COMMANDS", "forecast", "sweep", "threshold"]


@click.command(
    short_help="Project the reductions forward, year by year, with a fan chart."
)
@prior_argument
@to_option(
    "Last year of the forecast (decimal year; 2030 is 1 January 2030) "
    "[default: the prior's [forecast] to, else 10 years after the period end]."
)
@forward_options
@click.option(
    "--sensitivity",
    "sensitivity_year",
    type=float,
    default=None,
    metavar="YEAR",
    help="Also report which beliefs move the reductions (and effective "
    "compute) in YEAR: Shapley shares and a tornado.",
)
@sampling_options
@json_option("Print only JSON.")
@plot_option("a fan chart")
@force_option
def forecast(
    prior, overrides, to, forward, sensitivity_year, samples, seed, threads,
    as_json, plot, force,
) -> None:  # fmt: skip
    """Project PRIOR's efficiency gains forward, year by year.

    Each factor continues past the prior's period end by its own forward
    view ([factor.forward]: one-off, recurring at a stated rate, under a
    ceiling); factors without one continue at each sample's own historical
    rate, or at a forward rate you give, optionally accelerating or slowing
    and under a soft cap. Prints, for each year, the median and 80% interval
    of the hardware and compute reductions, counted from the period start,
    and, with a [frontier] table, the largest run and its effective compute.
    """
    try:
        from effcast.analysis._project import forecast as run_forecast
        from effcast.cli._evidence import load_model

        path = figure_path(plot, force)
        model = load_model(prior, overrides)
        fc = run_forecast(
            model, to, n=samples, seed=seed, threads=threads, **forward.arguments()
        )
        doc = fc.summary()
        if sensitivity_year is not None:
            from effcast.analysis._forward_sensitivity import forecast_sensitivity

            doc["sensitivity"] = forecast_sensitivity(fc, sensitivity_year)
        if path is not None:
            from effcast.plots._forecast_figures import fan_chart

            fan_chart(fc, path, force=force)
    except EffcastError as exc:
        fail(exc)
    from effcast.report._forecast_tables import render_forecast

    extra = [f"Fan chart written to {path}"] if path is not None else []
    if as_json and path is not None:
        click.echo(f"effcast: fan chart written to {path}", err=True)
    print_doc(doc, as_json, render_forecast, seed, extra)


@click.command(short_help="When a reference run fits under a FLOP limit or GPU budget.")
@prior_argument
@question_options
@click.option(
    "--frontier",
    is_flag=True,
    help="Also ask, for each --threshold, when the largest training run "
    "exceeds it (needs the prior's [frontier] table).",
)
@click.option(
    "--sensitivity",
    is_flag=True,
    help="Also report which beliefs move each crossing year: Shapley shares "
    "and a tornado.",
)
@click.option(
    "--tornado",
    default=None,
    metavar="FILE",
    help="Also draw the tornado of the first question's crossing year to FILE "
    "(.png, .svg or .pdf); implies --sensitivity.",
)
@to_option(
    "Last year of the table [default: the prior's [forecast] to, else 10 "
    "years after the later of the period end and the reference year]."
)
@forward_options
@sampling_options
@json_option("Print only JSON.")
@plot_option("P(crossed by year)")
@force_option
def threshold(
    prior, overrides, question, frontier, sensitivity, tornado, to, forward,
    samples, seed, threads, as_json, plot, force,
) -> None:  # fmt: skip
    """When can a model of a reference run's capability be trained under a limit?

    For each compute threshold (FLOP) and for a hardware budget (GPU-hours
    on a named GPU), the chance that a model as capable as the reference run
    can be trained within it by each year, and the median crossing year, with
    the gains of PRIOR projected as in `effcast forecast`.
    """
    try:
        from effcast.analysis._forecast import period_start
        from effcast.analysis._project import forecast as run_forecast
        from effcast.analysis._question import check_question
        from effcast.analysis._threshold import baseline_run
        from effcast.cli._evidence import load_model

        path = figure_path(plot, force)
        tornado_path = figure_path(tornado, force)
        model = load_model(prior, overrides)
        start = period_start(model)
        end = round(start + model.years, 9)
        # The question is checked before sampling, so bad input fails at once;
        # the year its gains count from sets the default last year.
        baseline = baseline_run(model.prior)
        *_, since = check_question(start, math.inf, baseline=baseline, **question)
        if to is None:
            to = model.prior.forecast.to or math.ceil(max(end, since)) + 10
        check_question(start, to, baseline=baseline, **question)
        if frontier and model.prior.frontier is None:
            raise EffcastError(
                f"{prior}: --frontier needs the prior's [frontier] table (the "
                "largest training run and its growth)",
                field="frontier",
            )
        fc = run_forecast(
            model, to, n=samples, seed=seed, threads=threads, **forward.arguments()
        )
        from effcast.analysis._threshold import crossing

        cr = crossing(fc, frontier=frontier, **question)
        doc = cr.summary()
        if sensitivity or tornado_path is not None:
            from effcast.analysis._forward_sensitivity import crossing_sensitivity

            doc["sensitivity"] = crossing_sensitivity(cr)
        if tornado_path is not None:
            from effcast.plots._forward_figures import forward_tornado

            forward_tornado(doc["sensitivity"][0], tornado_path, force=force)
        if path is not None:
            from effcast.plots._forecast_figures import crossing_chart

            crossing_chart(cr, path, force=force)
    except EffcastError as exc:
        fail(exc)
    from effcast.report._forecast_tables import render_crossing

    extra = [f"Chart written to {path}"] if path is not None else []
    if tornado_path is not None:
        extra.append(f"Tornado written to {tornado_path}")
    if as_json and path is not None:
        click.echo(f"effcast: chart written to {path}", err=True)
    print_doc(doc, as_json, render_crossing, seed, extra)


@click.command(short_help="Run a grid of --grid overrides, in processes or on Dask.")
@prior_argument
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
    default=SAMPLES,
    show_default=True,
    help="Monte Carlo samples per scenario.",
)
@click.option(
    "--seed",
    type=Seed(),
    default=None,
    help="The sweep's seed; each scenario's own seed derives from it.",
)
@scheduler_options
@json_option("Print only JSON.")
@click.option(
    "--out",
    default=None,
    metavar="FILE",
    help=f"Also write the table to FILE ({describe_formats('table')}).",
)
@click.option("--force", is_flag=True, help="Overwrite --out if it exists.")
def sweep(
    prior, overrides, grids, stats, question, samples, seed, where, as_json, out,
    force,
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
        from effcast.cli._evidence import sweep_prior

        out_path = check_out_path(out, force) if out else None
        data, source = sweep_prior(prior)
        sw = run_sweep(
            data,
            list(grids),
            overrides=list(overrides),
            stats=list(stats) or DEFAULT_STATS,
            question=question,
            n=samples,
            seed=seed,
            source=source,
            **where,
        )
        doc = sw.summary()
        if out_path is not None:
            write_table(sw, out_path, force=force)
    except EffcastError as exc:
        fail(exc)
    from effcast.report._forecast_tables import render_sweep

    extra = [f"Table written to {out_path}"] if out_path is not None else []
    print_doc(doc, as_json, render_sweep, seed, extra)


POLICY_COMMANDS = (forecast, threshold, sweep)
