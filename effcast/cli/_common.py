"""What every ``effcast`` command shares: argument types, options, error exit.

Kept apart from the commands so that the command modules
(:mod:`effcast.cli._main` and :mod:`effcast.cli._policy`) read one way; nothing
heavy is imported here.
"""

from __future__ import annotations

import math
import re
import sys
from typing import NoReturn

import click

from effcast._errors import EffcastError
from effcast.analysis._defaults import SAMPLES
from effcast.io._formats import describe_formats
from effcast.io._json import to_json

__all__ = [
    "SampleCount",
    "Seed",
    "fail",
    "force_option",
    "json_option",
    "output_option",
    "plot_option",
    "print_doc",
    "prior_argument",
    "route_warnings",
    "sampling_options",
    "set_option",
    "to_json",
]

_COUNT = re.compile(r"^\d[\d_]*$|^\d+(\.\d+)?[eE]\+?\d+$")


class _WholeNumber(click.ParamType):
    """A whole number, given as an int or as text that :meth:`parse` reads."""

    def convert(self, value, param, ctx):
        if isinstance(value, int) and not isinstance(value, bool):
            n = value
        else:
            n = self.parse(str(value).strip(), value, param, ctx)
        return self.check(n, value, param, ctx)

    def parse(self, text, value, param, ctx) -> int:
        raise NotImplementedError

    def check(self, n, value, param, ctx) -> int:
        return n


class SampleCount(_WholeNumber):
    """A positive sample count: ``1000000``, ``1_000_000`` or ``1e6``."""

    name = "N"

    def parse(self, text, value, param, ctx):
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
        return int(text.replace("_", "")) if "e" not in text.lower() else int(number)

    def check(self, n, value, param, ctx):
        if n < 1:
            self.fail(f"must be at least 1, got {n}", param, ctx)
        from effcast.engine._blocks import MAX_SAMPLES

        if n > MAX_SAMPLES:
            self.fail(
                f"{value!r} is more samples than a run could finish "
                f"(at most {MAX_SAMPLES:.0e})",
                param,
                ctx,
            )
        return n


class Seed(_WholeNumber):
    """A non-negative integer seed."""

    name = "SEED"

    def parse(self, text, value, param, ctx):
        try:
            return int(text.replace("_", ""), 10)
        except ValueError:
            self.fail(f"{value!r} is not a non-negative integer", param, ctx)

    def check(self, n, value, param, ctx):
        if n < 0:
            self.fail(f"must be a non-negative integer, got {n}", param, ctx)
        return n


def route_warnings(ctx: click.Context) -> None:
    """Print each :class:`~effcast.EffcastWarning` as ``effcast: warning: ...``.

    On standard error, once per message, for the length of the command;
    other warnings keep Python's own format.
    """
    import warnings

    from effcast._errors import EffcastWarning

    original = warnings.showwarning
    seen: set[str] = set()

    def show(message, category, filename, lineno, file=None, line=None):
        if issubclass(category, EffcastWarning):
            text = str(message)
            if text not in seen:
                seen.add(text)
                click.echo(f"effcast: warning: {text}", err=True)
            return
        original(message, category, filename, lineno, file, line)

    catcher = warnings.catch_warnings()
    catcher.__enter__()
    warnings.simplefilter("always", EffcastWarning)
    warnings.showwarning = show
    ctx.call_on_close(lambda: catcher.__exit__(None, None, None))


def fail(exc: EffcastError) -> NoReturn:
    """End the command: the error as one line on standard error, status 2."""
    click.echo(f"effcast: error: {exc}", err=True)
    sys.exit(2)


def set_option(fn):
    """The ``--set NAME.KEY=VALUE`` option every command that reads a prior takes
    (with ``--no-evidence``, :mod:`effcast.cli._evidence`)."""
    from effcast.cli._evidence import evidence_option

    fn = evidence_option(fn)
    return click.option(
        "--set",
        "overrides",
        multiple=True,
        metavar="NAME.KEY=VALUE",
        help="Override one key of the prior, e.g. period.end=2025; "
        "moe.shift_median=1.5 moves a factor's whole belief, chinchilla.pin=2.98 "
        "fixes it, chinchilla.enabled=false leaves it out (repeatable; validated "
        "like the file).",
    )(fn)


def prior_argument(fn):
    """The PRIOR argument, with the options that change what is read of it
    (:func:`set_option`)."""
    return click.argument("prior", metavar="PRIOR")(set_option(fn))


def json_option(help: str):
    """``--json`` (the ``as_json`` flag), with the command's own help text."""
    return click.option("--json", "as_json", is_flag=True, help=help)


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
        default=SAMPLES,
        show_default=True,
        help="Number of Monte Carlo samples (1e6 works).",
    )(fn)


def plot_option(what: str, dest: str = "plot"):
    """``--plot FILE``: also draw ``what`` to a figure file."""
    return click.option(
        "--plot",
        dest,
        default=None,
        metavar="FILE",
        help=f"Also draw {what} to FILE ({describe_formats('figure')}).",
    )


def output_option(help: str):
    """``-o``/``--output FILE``: the file a command writes (required)."""
    return click.option(
        "-o", "--output", "output", metavar="FILE", required=True, help=help
    )


def force_option(fn):
    """``--force``: allow replacing existing output files."""
    return click.option(
        "--force", is_flag=True, help="Replace output files that already exist."
    )(fn)


def print_doc(doc, as_json, render, seed, extra=None):
    """Print a command's document as JSON, or rendered with a reproduce hint."""
    if as_json:
        click.echo(to_json(doc))
        return
    from effcast.report._console import report_console

    rendered = render(doc)
    console = report_console(rendered)
    console.print(rendered)
    for line in extra or []:
        console.print(line)
    if seed is None:
        console.print(
            f"\n[dim]Re-run with --seed {doc['seed']} to reproduce these figures.[/dim]"
        )
