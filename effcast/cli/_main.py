"""The ``effcast`` command line: load input, call the library, render.

Heavy modules (pydantic, numba, rich) are imported inside commands so that
``effcast --help`` and ``effcast --version`` return at once.
"""

from __future__ import annotations

import click

from effcast._errors import EffcastError
from effcast._version import __version__
from effcast.cli._common import (
    fail,
    force_option,
    json_option,
    output_option,
    plot_option,
    print_doc,
    prior_argument,
    route_warnings,
    sampling_options,
    set_option,
)
from effcast.cli._describe import describe
from effcast.cli._policy import POLICY_COMMANDS
from effcast.cli._share import SHARE_COMMANDS
from effcast.io._formats import describe_formats
from effcast.plots._kinds import KINDS

__all__ = ["main"]

STREAM_ABOVE = 20_000_000
"""Above this many samples, ``effcast sample`` streams unless told not to."""


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "-V", "--version", prog_name="effcast")
@click.pass_context
def main(ctx: click.Context) -> None:
    """Monte Carlo forecasts of AI training-efficiency gains.

    Describe your beliefs about each efficiency factor in a TOML prior file
    (see docs/prior-format.md), then sample it:

        effcast sample priors/gpt3_today.toml

    then see which factors matter (sensitivity), draw it (plot), set several
    priors side by side (compare), project it forward (forecast), ask when a
    model fits under a compute threshold (threshold), or run a grid of
    scenarios (sweep), write a self-contained HTML report (report) or edit
    the prior live in the browser (explore). Check what a prior says before
    sampling it with describe.
    """
    route_warnings(ctx)


def _sample(
    model,
    samples: int,
    seed: int | None,
    threads: int | None,
    label: str,
    *,
    stream: bool = False,
    rel_se: float | None = None,
    scrambles: int | None = None,
):
    """Sample (or stream) with a progress bar on standard error.

    The bar appears only on a terminal, and only once the work has taken a
    second (see :mod:`effcast.report._progress`).
    """
    import functools
    from pathlib import Path

    from effcast.report._progress import ProgressBar

    label = Path(label).stem  # short, so the bar fits in 80 columns
    if stream:
        draw, label = model.stream, f"{label} (streamed)"
    else:
        draw = functools.partial(model.sample, rel_se=rel_se)
    with ProgressBar(samples, f"sampling {label}") as bar:
        return draw(
            samples,
            seed=seed,
            threads=threads,
            progress=bar,
            qmc=scrambles is not None,
            scrambles=scrambles or 8,
        )


@main.command(short_help="Report the reductions in hardware and compute needed.")
@prior_argument
@sampling_options
@json_option("Print only the summary as JSON (see docs/cli.md).")
@click.option(
    "--stream/--no-stream",
    default=None,
    help="Summarise block by block without keeping the samples (constant "
    "memory; quantiles within 0.05%). Default: only above 20,000,000 samples.",
)
@click.option(
    "--rel-se",
    "rel_se",
    type=click.FloatRange(0, 1, min_open=True, max_open=True),
    default=None,
    metavar="FRACTION",
    help="Precision mode: draw until the medians and 80% intervals of both "
    "totals have a standard error of at most FRACTION of their value (0.005 "
    "for 0.5%); -n is then the most samples drawn.",
)
@click.option(
    "--qmc",
    is_flag=True,
    help="Randomised quasi-Monte Carlo: scrambled Sobol points through each "
    "factor's exact inverse CDF; less Monte Carlo error for the same -n.",
)
@click.option(
    "--scrambles",
    type=click.IntRange(min=2),
    default=8,
    show_default=True,
    help="With --qmc, the independent scrambles whose spread gives the errors.",
)
@plot_option("the requirement distributions", "plot_path")
@click.option(
    "--out",
    "out_path",
    metavar="FILE",
    default=None,
    help=f"Also write every sample to FILE ({describe_formats('samples')}).",
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
    rel_se: float | None,
    qmc: bool,
    scrambles: int,
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
        from effcast.cli._evidence import load_model

        model = load_model(prior, overrides)
        if stream is None:
            stream = samples > STREAM_ABOVE and not (out_path or plot_path)
            stream = stream and rel_se is None
        if qmc and rel_se is not None:
            raise EffcastError(
                "--rel-se draws plain Monte Carlo samples; drop --qmc or --rel-se",
                field="qmc",
            )
        if stream and rel_se is not None:
            raise EffcastError(
                "--rel-se keeps the samples in memory to add more; drop "
                "--stream, or use -n alone with --stream",
                field="rel-se",
            )
        if stream and (out_path or plot_path):
            raise EffcastError(
                "--out and --plot need the samples in memory, which --stream "
                "does not keep; drop --stream or draw fewer samples",
                field="stream",
            )
        if out_path is not None:
            from effcast.io._atomic import check_output
            from effcast.io._formats import SAMPLE_FORMATS

            check_output(out_path, SAMPLE_FORMATS, force=force)
        if plot_path is not None:
            from effcast.io._atomic import check_output
            from effcast.io._formats import FIGURE_FORMATS

            check_output(plot_path, FIGURE_FORMATS, force=force)
        res = _sample(
            model,
            samples,
            seed,
            threads,
            prior,
            stream=stream,
            rel_se=rel_se,
            scrambles=scrambles if qmc else None,
        )
        doc = res.summary()
        if out_path is not None:
            from effcast.io._samples import write_samples

            written.append((out_path, _existed(out_path)))
            write_samples(res, out_path, force=force)
        if plot_path is not None:
            from effcast.plots._figures import plot

            written.append((plot_path, _existed(plot_path)))
            plot(res, plot_path, "distributions", force=force)
    except EffcastError as exc:
        _undo(written)
        fail(exc)
    from effcast.report._tables import render_summary

    wrote = [f"[dim]Wrote {path}[/dim]" for path, _ in written]
    print_doc(doc, as_json, render_summary, seed, wrote)


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
@prior_argument
@sampling_options
@output_option(
    "The figure to write; the extension picks the format "
    f"({describe_formats('figure')})."
)
@click.option(
    "--kind",
    type=click.Choice(KINDS),
    default="distributions",
    show_default=True,
    help="distributions: hardware and compute requirements (density and CDF); "
    "factors: each factor; waterfall: the running product, factor by factor; "
    "tornado: each factor held at its 10th and 90th percentile; evidence: "
    "prior vs posterior of each total and factor (a prior with [[evidence]]).",
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
        from effcast.cli._evidence import load_model
        from effcast.io._atomic import check_output
        from effcast.io._formats import FIGURE_FORMATS
        from effcast.plots._figures import plot as draw

        model = load_model(prior, overrides)
        check_output(output, FIGURE_FORMATS, force=force)
        res = _sample(model, samples, seed, threads, prior)
        draw(res, output, kind, force=force)
    except EffcastError as exc:
        fail(exc)
    click.echo(f"Wrote {output} ({kind}, {res.n:,} samples, seed {res.seed})")


@main.command(short_help="Variance shares and a tornado: which factors matter.")
@prior_argument
@sampling_options
@json_option("Print only the result as JSON (see docs/cli.md).")
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
        from effcast.analysis._sensitivity import sensitivity as analyse
        from effcast.cli._evidence import load_model

        model = load_model(prior, overrides)
        res = _sample(model, samples, seed, threads, prior)
        doc = analyse(res)
    except EffcastError as exc:
        fail(exc)
    from effcast.report._tables import render_sensitivity

    print_doc(doc, as_json, render_sensitivity, seed)


@main.command(short_help="Several priors side by side, with the same seed.")
@click.argument("priors", metavar="PRIOR...", nargs=-1, required=True)
@set_option
@sampling_options
@json_option("Print only the summaries as JSON (see docs/cli.md).")
@plot_option("the priors' CDFs, overlaid,", "plot_path")
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
        from effcast.cli._evidence import load_model
        from effcast.engine._blocks import resolve_seed

        models = [load_model(p, overrides) for p in priors]
        if plot_path is not None:
            from effcast.io._atomic import check_output
            from effcast.io._formats import FIGURE_FORMATS

            check_output(plot_path, FIGURE_FORMATS, force=force)
        _, used = resolve_seed(seed)
        results = [
            _sample(m, samples, used, threads, p)
            for m, p in zip(models, priors, strict=True)
        ]
        docs = [r.summary() for r in results]
        if plot_path is not None:
            from effcast.plots._figures import plot_compare

            plot_compare(results, plot_path, force=force)
    except EffcastError as exc:
        fail(exc)
    doc = {"samples": samples, "seed": used, "runs": docs}
    from effcast.report._tables import render_comparison

    wrote = [f"[dim]Wrote {plot_path}[/dim]"] if plot_path is not None else []
    print_doc(doc, as_json, render_comparison, seed, wrote)


@main.command(short_help="List the priors shipped with effcast, usable by name.")
@json_option("Print JSON.")
def priors(as_json: bool) -> None:
    """List the priors shipped with effcast.

    Each can be named instead of a path in every command (effcast sample
    gpt3_today) and in the API (effcast.load("gpt3_today")). Copy one to
    edit it: its path is printed beside its name.
    """
    import json

    from effcast.prior._shipped import shipped_priors

    found = shipped_priors()
    if as_json:
        click.echo(json.dumps({k: str(v) for k, v in found.items()}, indent=2))
        return
    width = max(map(len, found), default=0)
    for name, path in found.items():
        click.echo(f"{name:<{width}}  {path}")


for _command in POLICY_COMMANDS + SHARE_COMMANDS:
    main.add_command(_command)
main.add_command(describe)
