"""The ``effcast`` command line: load input, call the library, render.

Heavy modules (pydantic, numba, rich) are imported inside commands so that
``effcast --help`` and ``effcast --version`` return at once.
"""

from __future__ import annotations

import json
import math
import re
import sys

import click

from ._cli_options import figure_path, forward_options, question_options, rate_option
from ._errors import EffcastError
from ._version import __version__

__all__ = ["main"]

_COUNT = re.compile(r"^\d[\d_]*$|^\d+(\.\d+)?[eE]\+?\d+$")


class SampleCount(click.ParamType):
    """A positive sample count: ``1000000``, ``1_000_000`` or ``1e6``."""

    name = "N"

    def convert(self, value, param, ctx):
        if isinstance(value, int) and not isinstance(value, bool):
            n = value
        else:
            text = str(value).strip()
            if not _COUNT.match(text):
                self.fail(
                    f"{value!r} is not a whole number of samples "
                    "(write 1000000, 1_000_000 or 1e6)",
                    param,
                    ctx,
                )
            number = float(text.replace("_", ""))
            if math.isinf(number):
                self.fail(f"{value!r} is too large a number of samples", param, ctx)
            if number != int(number):
                self.fail(f"{value!r} is not a whole number", param, ctx)
            n = int(text.replace("_", "")) if "e" not in text.lower() else int(number)
        if n < 1:
            self.fail(f"must be at least 1, got {n}", param, ctx)
        return n


class Seed(click.ParamType):
    """A non-negative integer seed."""

    name = "SEED"

    def convert(self, value, param, ctx):
        if isinstance(value, int) and not isinstance(value, bool):
            n = value
        else:
            try:
                n = int(str(value).strip().replace("_", ""), 10)
            except ValueError:
                self.fail(f"{value!r} is not a non-negative integer", param, ctx)
        if n < 0:
            self.fail(f"must be a non-negative integer, got {n}", param, ctx)
        return n


STREAM_ABOVE = 20_000_000
"""Above this many samples, ``effcast sample`` streams unless told not to."""


def _fail(exc: EffcastError) -> None:
    click.echo(f"effcast: error: {exc}", err=True)
    sys.exit(2)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "-V", "--version", prog_name="effcast")
def main() -> None:
    """Monte Carlo forecasts of AI training-efficiency gains.

    Describe your beliefs about each efficiency factor in a TOML prior file
    (see docs/prior-format.md), then sample it:

        effcast sample priors/gpt3_today.toml

    then see which factors matter (sensitivity), draw it (plot), or set
    several priors side by side (compare).
    """


def set_option(fn):
    """The ``--set NAME.KEY=VALUE`` option every command that reads a prior takes."""
    return click.option(
        "--set",
        "overrides",
        multiple=True,
        metavar="NAME.KEY=VALUE",
        help="Override one key of the prior, e.g. moe.median=3 or period.end=2025 "
        "(repeatable; validated like the file).",
    )(fn)


def sampling_options(fn):
    """``-n``, ``--seed`` and ``--threads``, shared by every sampling command."""
    fn = click.option(
        "--threads",
        type=click.IntRange(min=1),
        default=None,
        help="Worker threads [default: NUMBA_NUM_THREADS, i.e. all cores].",
    )(fn)
    fn = click.option(
        "--seed",
        type=Seed(),
        default=None,
        help="Seed for reproducible results [default: fresh, and printed].",
    )(fn)
    return click.option(
        "-n",
        "--samples",
        type=SampleCount(),
        default=1_000_000,
        show_default=True,
        help="Number of Monte Carlo samples (1e6 works).",
    )(fn)


def force_option(fn):
    """``--force``: allow replacing existing output files."""
    return click.option(
        "--force", is_flag=True, help="Replace output files that already exist."
    )(fn)


def _sample(
    model,
    samples: int,
    seed: int | None,
    threads: int | None,
    label: str,
    *,
    stream: bool = False,
):
    """Sample (or stream) with a progress bar on standard error.

    The bar appears only on a terminal, and only once the work has taken a
    second (see :mod:`effcast._progress`).
    """
    from pathlib import Path

    from ._progress import ProgressBar

    label = Path(label).stem  # short, so the bar fits in 80 columns
    if stream:
        with ProgressBar(samples, f"sampling {label} (streamed)") as bar:
            return model.stream(samples, seed=seed, threads=threads, progress=bar)
    with ProgressBar(samples, f"sampling {label}") as bar:
        return model.sample(samples, seed=seed, threads=threads, progress=bar)


def _reproduce_hint(console, seed: int | None, used: int) -> None:
    if seed is None:
        console.print(
            f"\n[dim]Re-run with --seed {used} to reproduce these figures.[/dim]"
        )


@main.command(short_help="Report the reductions in hardware and compute needed.")
@click.argument("prior", metavar="PRIOR")
@set_option
@sampling_options
@click.option(
    "--json",
    "as_json",
    is_flag=True,
    help="Print only the summary as JSON (see docs/cli.md).",
)
@click.option(
    "--stream/--no-stream",
    default=None,
    help="Summarise block by block without keeping the samples (constant "
    "memory; quantiles within 0.05%). Default: only above 20,000,000 samples.",
)
@click.option(
    "--plot",
    "plot_path",
    metavar="FILE",
    default=None,
    help="Also draw the requirement distributions to FILE (.png, .svg, .pdf).",
)
@click.option(
    "--out",
    "out_path",
    metavar="FILE",
    default=None,
    help="Also write every sample to FILE (.csv, .parquet, .npz).",
)
@force_option
def sample(
    prior: str,
    overrides: tuple[str, ...],
    samples: int,
    seed: int | None,
    as_json: bool,
    stream: bool | None,
    threads: int | None,
    plot_path: str | None,
    out_path: str | None,
    force: bool,
) -> None:
    """Sample PRIOR and report the reductions in hardware and compute needed.

    Prints the median, 80% and 90% intervals, the chance of exceeding 10x,
    100x and 1000x, and the annualised rates (x per year, orders of magnitude
    per year) for hardware (GPU-hours) and compute (FLOP); what the baseline
    run would take today (with a [baseline]); published rates beside
    effcast's (with [[reference]] entries); then each factor with the
    running product, and each group. With --json, prints only the same
    figures as one JSON document.
    """
    written: list = []
    try:
        from ._sampler import load

        model = load(prior, overrides=overrides or None)
        if stream is None:
            stream = samples > STREAM_ABOVE and not (out_path or plot_path)
        if stream and (out_path or plot_path):
            raise EffcastError(
                "--out and --plot need the samples in memory, which --stream "
                "does not keep; drop --stream or draw fewer samples",
                field="stream",
            )
        if out_path is not None:
            from ._export import SAMPLE_FORMATS, check_output

            check_output(out_path, SAMPLE_FORMATS, force=force)
        if plot_path is not None:
            from ._export import check_output
            from ._plots import PLOT_FORMATS

            check_output(plot_path, PLOT_FORMATS, force=force)
        res = _sample(model, samples, seed, threads, prior, stream=stream)
        doc = res.summary()
        if out_path is not None:
            from ._export import write_samples

            written.append((out_path, _existed(out_path)))
            write_samples(res, out_path, force=force)
        if plot_path is not None:
            from ._plots import plot

            written.append((plot_path, _existed(plot_path)))
            plot(res, plot_path, "distributions", force=force)
    except EffcastError as exc:
        _undo(written)
        _fail(exc)
        return
    if as_json:
        click.echo(json.dumps(doc, indent=2))
        return
    from rich.console import Console

    from ._report import render_summary

    console = Console()
    console.print(render_summary(doc))
    for path, _ in written:
        console.print(f"[dim]Wrote {path}[/dim]")
    _reproduce_hint(console, seed, doc["seed"])


def _existed(path: str) -> bool:
    import os

    return os.path.exists(path)


def _undo(written: list) -> None:
    """Remove files this run created before a later step failed."""
    import os

    for path, existed in written[:-1]:
        if not existed:
            try:
                os.remove(path)
            except OSError:
                pass


@main.command(short_help="Draw a figure: distributions, factors, waterfall, tornado.")
@click.argument("prior", metavar="PRIOR")
@set_option
@sampling_options
@click.option(
    "-o",
    "--output",
    "output",
    metavar="FILE",
    required=True,
    help="The figure to write; the extension picks the format (.png, .svg, .pdf).",
)
@click.option(
    "--kind",
    type=click.Choice(["distributions", "factors", "waterfall", "tornado"]),
    default="distributions",
    show_default=True,
    help="distributions: hardware and compute requirements (density and CDF); "
    "factors: each factor; waterfall: the running product, factor by factor; "
    "tornado: each factor held at its 10th and 90th percentile.",
)
@force_option
def plot(
    prior: str,
    overrides: tuple[str, ...],
    samples: int,
    seed: int | None,
    threads: int | None,
    output: str,
    kind: str,
    force: bool,
) -> None:
    """Sample PRIOR and draw a figure of the results to FILE."""
    try:
        from ._export import check_output
        from ._plots import PLOT_FORMATS
        from ._plots import plot as draw
        from ._sampler import load

        model = load(prior, overrides=overrides or None)
        check_output(output, PLOT_FORMATS, force=force)
        res = _sample(model, samples, seed, threads, prior)
        draw(res, output, kind, force=force)
    except EffcastError as exc:
        _fail(exc)
        return
    click.echo(f"Wrote {output} ({kind}, {res.n:,} samples, seed {res.seed})")


@main.command(short_help="Variance shares and a tornado: which factors matter.")
@click.argument("prior", metavar="PRIOR")
@set_option
@sampling_options
@click.option(
    "--json",
    "as_json",
    is_flag=True,
    help="Print only the result as JSON (see docs/cli.md).",
)
def sensitivity(
    prior: str,
    overrides: tuple[str, ...],
    samples: int,
    seed: int | None,
    threads: int | None,
    as_json: bool,
) -> None:
    """Which factors drive the uncertainty of PRIOR's reductions.

    For hardware and compute: each factor's share of the variance of
    log10(reduction), and the median reduction with that factor held at its
    own 10th and 90th percentile while the others vary (a tornado).
    """
    try:
        from ._sampler import load
        from ._sensitivity import sensitivity as analyse

        model = load(prior, overrides=overrides or None)
        res = _sample(model, samples, seed, threads, prior)
        doc = analyse(res)
    except EffcastError as exc:
        _fail(exc)
        return
    if as_json:
        click.echo(json.dumps(doc, indent=2))
        return
    from rich.console import Console

    from ._report import render_sensitivity

    console = Console()
    console.print(render_sensitivity(doc))
    _reproduce_hint(console, seed, doc["seed"])


@main.command(short_help="Several priors side by side, with the same seed.")
@click.argument("priors", metavar="PRIOR...", nargs=-1, required=True)
@set_option
@sampling_options
@click.option(
    "--json",
    "as_json",
    is_flag=True,
    help="Print only the summaries as JSON (see docs/cli.md).",
)
@click.option(
    "--plot",
    "plot_path",
    metavar="FILE",
    default=None,
    help="Also draw the priors' CDFs, overlaid, to FILE (.png, .svg, .pdf).",
)
@force_option
def compare(
    priors: tuple[str, ...],
    overrides: tuple[str, ...],
    samples: int,
    seed: int | None,
    threads: int | None,
    as_json: bool,
    plot_path: str | None,
    force: bool,
) -> None:
    """Sample several priors with the same seed and set them side by side.

    Every --set applies to every prior. With the same seed, differences
    between the priors are not blurred by different random draws.
    """
    try:
        from ._sampler import load, resolve_seed

        models = [load(p, overrides=overrides or None) for p in priors]
        if plot_path is not None:
            from ._export import check_output
            from ._plots import PLOT_FORMATS

            check_output(plot_path, PLOT_FORMATS, force=force)
        _, used = resolve_seed(seed)
        results = [
            _sample(m, samples, used, threads, p)
            for m, p in zip(models, priors, strict=True)
        ]
        docs = [r.summary() for r in results]
        if plot_path is not None:
            from ._plots import plot_compare

            plot_compare(results, plot_path, force=force)
    except EffcastError as exc:
        _fail(exc)
        return
    doc = {"samples": samples, "seed": used, "runs": docs}
    if as_json:
        click.echo(json.dumps(doc, indent=2))
        return
    from rich.console import Console

    from ._report import render_comparison

    console = Console()
    console.print(render_comparison(doc))
    if plot_path is not None:
        console.print(f"[dim]Wrote {plot_path}[/dim]")
    _reproduce_hint(console, seed, used)


def sampling_options(fn):
    """``-n``, ``--seed`` and ``--threads``, as ``effcast sample`` has them."""
    fn = click.option(
        "--threads",
        type=click.IntRange(min=1),
        default=None,
        help="Worker threads [default: NUMBA_NUM_THREADS, i.e. all cores].",
    )(fn)
    fn = click.option(
        "--seed",
        type=Seed(),
        default=None,
        help="Seed for reproducible results [default: fresh, and printed].",
    )(fn)
    return click.option(
        "-n",
        "--samples",
        type=SampleCount(),
        default=1_000_000,
        show_default=True,
        help="Number of Monte Carlo samples (1e6 works).",
    )(fn)


def _print_doc(doc, as_json, render, seed, extra=None):
    if as_json:
        click.echo(json.dumps(doc, indent=2))
        return
    from rich.console import Console

    console = Console()
    console.print(render(doc))
    for line in extra or []:
        console.print(line)
    if seed is None:
        console.print(
            f"\n[dim]Re-run with --seed {doc['seed']} to reproduce these figures.[/dim]"
        )


@main.command()
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
    help="Also draw a fan chart to FILE (.png, .svg or .pdf).",
)
def forecast(
    prior, overrides, to, step, rate, rate_ci, rate_level, acceleration, cap,
    samples, seed, threads, as_json, plot,
) -> None:  # fmt: skip
    """Project PRIOR's efficiency gains forward, year by year.

    Each sample's reductions continue past the prior's period end at that
    sample's own historical rate (orders of magnitude per year), or at a
    forward rate you give, optionally accelerating or slowing and under a
    soft cap. Prints, for each year, the median and 80% interval of the
    hardware and compute reductions, counted from the period start.
    """
    try:
        from ._forecast import forecast as run_forecast
        from ._sampler import load

        path = figure_path(plot)
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
            from ._fanplot import fan_chart

            fan_chart(fc, path)
    except EffcastError as exc:
        _fail(exc)
        return
    from ._forecast_report import render_forecast

    extra = [f"Fan chart written to {path}"] if path is not None else []
    if as_json and path is not None:
        click.echo(f"effcast: fan chart written to {path}", err=True)
    _print_doc(doc, as_json, render_forecast, seed, extra)


@main.command()
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
    help="Also draw P(crossed by year) to FILE (.png, .svg or .pdf).",
)
def threshold(
    prior, overrides, thresholds, reference, reference_year, budget, gpu,
    reference_gpu_hours, reference_gpu, to, step, rate, rate_ci, rate_level,
    acceleration, cap, samples, seed, threads, as_json, plot,
) -> None:  # fmt: skip
    """When can a model of a reference run's capability be trained under a limit?

    For each compute threshold (FLOP) and for a hardware budget (GPU-hours
    on a named GPU), the chance that a model as capable as the reference run
    can be trained within it by each year, and the median crossing year, with
    the gains of PRIOR projected as in `effcast forecast`.
    """
    try:
        from ._forecast import forecast as run_forecast
        from ._forecast import period_start
        from ._sampler import load
        from ._threshold import check_question, reference_run

        path = figure_path(plot)
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
        from ._threshold import crossing

        cr = crossing(fc, list(thresholds), **question)
        doc = cr.summary()
        if path is not None:
            from ._fanplot import crossing_chart

            crossing_chart(cr, path)
    except EffcastError as exc:
        _fail(exc)
        return
    from ._forecast_report import render_crossing

    extra = [f"Chart written to {path}"] if path is not None else []
    if as_json and path is not None:
        click.echo(f"effcast: chart written to {path}", err=True)
    _print_doc(doc, as_json, render_crossing, seed, extra)


@main.command()
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
    help="Also write the table to FILE (.csv or .json).",
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
        from ._sweep import DEFAULT_STATS, check_out_path, write_table
        from ._sweep import sweep as run_sweep

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
        _fail(exc)
        return
    from ._forecast_report import render_sweep

    extra = [f"Table written to {out_path}"] if out_path is not None else []
    _print_doc(doc, as_json, render_sweep, seed, extra)


def run() -> None:  # pragma: no cover - exercised through the console script
    """Entry point that also turns Ctrl-C into a quiet exit."""
    try:
        main(prog_name="effcast")
    except KeyboardInterrupt:
        click.echo("effcast: interrupted", err=True)
        sys.exit(130)
