"""``effcast describe``: what a prior says, without sampling it."""

from __future__ import annotations

import click

from effcast._errors import EffcastError
from effcast.cli._common import fail, json_option, print_doc, prior_argument

__all__ = ["describe"]


@click.command(short_help="What a prior says, without sampling: quantiles, warnings.")
@prior_argument
@json_option("Print the description as JSON (see docs/cli.md).")
def describe(prior: str, overrides: tuple[str, ...], as_json: bool) -> None:
    """Describe PRIOR without sampling it.

    Each factor's 5th, 10th, 50th, 90th and 95th percentiles as its family
    implies them (exact, from the family's quantile function), the chance
    that its floor raises it, and its median per year; the switched-off
    factors; the correlations; the forward view that effcast forecast would
    use (from the prior's [forecast] table); and the warnings the prior
    earns (lopsided splits, median-only overrides).
    """
    try:
        from effcast.analysis._describe import describe as run

        doc = run(prior, overrides=overrides or None)
    except EffcastError as exc:
        fail(exc)
    from effcast.report._describe import render_describe

    print_doc(doc, as_json, render_describe, seed=0)
