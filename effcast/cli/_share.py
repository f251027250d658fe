"""The sharing commands: ``effcast report`` (one HTML file) and ``effcast explore``.

Thin commands over :mod:`effcast.web`: the report samples once and writes a
self-contained page; the explorer serves a form on the loopback interface.
"""

from __future__ import annotations

from typing import Any

import click

from effcast._errors import EffcastError
from effcast.cli._common import (
    SampleCount,
    Seed,
    fail,
    force_option,
    output_option,
    prior_argument,
    sampling_options,
)
from effcast.cli._options import to_option

__all__ = ["SHARE_COMMANDS", "explore", "report"]


@click.command(short_help="Write a self-contained HTML report of a prior.")
@prior_argument
@sampling_options
@to_option(
    "Last year of the forecast section [default: the prior's [forecast] "
    "to, else 10 years after the period end]."
)
@click.option(
    "--threshold",
    "thresholds",
    multiple=True,
    type=float,
    metavar="FLOP",
    help="Add crossing probabilities for this compute threshold, e.g. 1e25 "
    "(repeatable).",
)
@click.option(
    "--reference",
    default="gpt3",
    show_default=True,
    metavar="gpt3|gpt4|FLOP",
    help="The run whose capability the thresholds ask about (as in effcast threshold).",
)
@output_option("The report to write (.html).")
@force_option
def report(prior: str, output: str, samples: int, **settings: Any) -> None:
    """Sample PRIOR and write one self-contained HTML report to FILE.

    The page makes no request of any kind (styles and figures are inside it),
    prints with a page per section, and reads on a phone. It holds the
    question, the headline table, the factors with the running product, the
    resources, published rates, sensitivity, the figures, a forecast (and,
    with --threshold, crossing probabilities), the prior with every factor's
    source and notes, and what it takes to reproduce it.
    """
    try:
        from effcast.web._report import html_report

        # The other options are named as html_report's keywords.
        html = html_report(prior, output, n=samples, **settings)
    except EffcastError as exc:
        fail(exc)
    click.echo(f"Wrote {output} ({len(html.encode()):,} bytes)")


@click.command(short_help="Edit a prior in the browser and watch the results.")
@prior_argument
@click.option(
    "-n",
    "--samples",
    type=SampleCount(),
    default=None,
    help="Samples per update [default: 100,000, which redraws within 300 ms "
    "on two cores].",
)
@click.option(
    "--seed",
    type=Seed(),
    default=1,
    show_default=True,
    help="Seed of every update (the same seed shows the effect of an edit alone).",
)
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=0,
    show_default=True,
    help="Port on 127.0.0.1 to listen on; 0 picks a free one.",
)
@click.option(
    "--no-browser",
    is_flag=True,
    help="Print the URL without opening a browser.",
)
def explore(prior, overrides, samples, seed, port, no_browser) -> None:
    """Serve PRIOR as a form on http://127.0.0.1 and re-sample on every edit.

    Every factor's median, interval and level, its switch, the period, the
    forward view and the thresholds are fields; each change re-samples and
    redraws the headline table, the distribution, the fan chart and the
    crossing probabilities. The page can download the edited prior (TOML),
    its report (HTML) and a link that restores the edits. Needs the web
    extra: pip install "effcast[web]". Stop it with Ctrl-C.
    """
    try:
        from effcast.prior._overrides import normalise_overrides
        from effcast.web._explore import DEFAULT_SAMPLES, Explorer
        from effcast.web._server import serve

        edits = dict(normalise_overrides(list(overrides)))
        explorer = Explorer(
            prior,
            samples=samples or DEFAULT_SAMPLES,
            seed=seed,
            edits=edits,
        )
        serve(explorer, port=port, open_browser=not no_browser, announce=click.echo)
    except EffcastError as exc:
        fail(exc)


SHARE_COMMANDS = (report, explore)
