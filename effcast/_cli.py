"""The ``effcast`` command line: load input, call the library, render.

Heavy modules (pydantic, numba, rich) are imported inside commands so that
``effcast --help`` and ``effcast --version`` return at once.
"""

from __future__ import annotations

import contextlib
import json
import math
import re
import sys

import click

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


@contextlib.contextmanager
def _progress(total: int, label: str):
    """A rich progress bar with time left on standard error, if it is a terminal.

    Yields a thread-safe ``advance(k)`` callable. Quiet (a no-op) when
    standard error is not a terminal, so pipes and ``--json`` stay clean.
    """
    if not sys.stderr.isatty():
        yield lambda k: None
        return
    import threading

    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeRemainingColumn,
    )

    lock = threading.Lock()
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("time left"),
        TimeRemainingColumn(),
    )
    with Progress(*columns, console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task(label, total=total)

        def advance(k: int) -> None:
            with lock:
                bar.advance(task, k)

        yield advance


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


@main.command()
@click.argument("prior", metavar="PRIOR")
@set_option
@click.option(
    "-n",
    "--samples",
    type=SampleCount(),
    default=1_000_000,
    show_default=True,
    help="Number of Monte Carlo samples (1e6 works).",
)
@click.option(
    "--seed",
    type=Seed(),
    default=None,
    help="Seed for reproducible results [default: fresh, and printed].",
)
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
    "--threads",
    type=click.IntRange(min=1),
    default=None,
    help="Worker threads [default: NUMBA_NUM_THREADS, i.e. all cores].",
)
def sample(
    prior: str,
    overrides: tuple[str, ...],
    samples: int,
    seed: int | None,
    as_json: bool,
    stream: bool | None,
    threads: int | None,
) -> None:
    """Sample PRIOR and report the reductions in hardware and compute needed.

    Prints the median, 80% and 90% intervals, the chance of exceeding 10x,
    100x and 1000x, and the annualised rates (x per year, orders of magnitude
    per year) for hardware (GPU-hours) and compute (FLOP), then each factor
    and group. With --json, prints only the same figures as one JSON document.
    """
    try:
        from ._sampler import load

        model = load(prior, overrides=overrides or None)
        if stream is None:
            stream = samples > STREAM_ABOVE
        if stream:
            with _progress(samples, "Sampling (streamed)") as advance:
                res = model.stream(
                    samples, seed=seed, threads=threads, progress=advance
                )
        else:
            res = model.sample(samples, seed=seed, threads=threads)
        doc = res.summary()
    except EffcastError as exc:
        _fail(exc)
        return
    if as_json:
        click.echo(json.dumps(doc, indent=2))
        return
    from rich.console import Console

    from ._report import render_summary

    console = Console()
    console.print(render_summary(doc))
    if seed is None:
        console.print(
            f"\n[dim]Re-run with --seed {doc['seed']} to reproduce these figures.[/dim]"
        )


def run() -> None:  # pragma: no cover - exercised through the console script
    """Entry point that also turns Ctrl-C into a quiet exit."""
    try:
        main(prog_name="effcast")
    except KeyboardInterrupt:
        click.echo("effcast: interrupted", err=True)
        sys.exit(130)
