"""``--no-evidence`` and the evidence warning, for every command that reads a prior.

``--no-evidence`` is part of :func:`effcast.cli._common.set_option`, so
every command that reads a prior takes it; commands build their model with
:func:`load_model`, which drops the prior's ``[[evidence]]`` when asked (the
API's :meth:`effcast.Model.without_evidence`). A low effective sample size
is reported as ``effcast: warning: ...`` on standard error.
"""

from __future__ import annotations

import warnings
from typing import Any

import click

__all__ = ["evidence_option", "load_model", "print_warnings", "sweep_prior"]

_KEY = "effcast.no_evidence"


def _remember(ctx: click.Context, param: click.Parameter, value: bool) -> bool:
    ctx.meta[_KEY] = bool(value)
    return value


def evidence_option(fn):
    """The ``--no-evidence`` flag (recorded in the click context)."""
    return click.option(
        "--no-evidence",
        is_flag=True,
        expose_value=False,
        callback=_remember,
        help="Ignore the prior's [[evidence]] entries: report the prior alone.",
    )(fn)


def load_model(prior: str, overrides: tuple[str, ...] | None) -> Any:
    """Load ``prior`` (with ``--set`` overrides), without evidence if asked."""
    from effcast.results._model import load

    model = load(prior, overrides=overrides or None)
    ctx = click.get_current_context(silent=True)
    if ctx is not None and ctx.meta.get(_KEY) and model.likelihood is not None:
        model = model.without_evidence()
    return model


def sweep_prior(prior: str) -> tuple[Any, str | None]:
    """What ``effcast sweep`` hands the library: the path, or with
    ``--no-evidence`` the prior as a dictionary without its evidence."""
    ctx = click.get_current_context(silent=True)
    if ctx is None or not ctx.meta.get(_KEY):
        return prior, None
    from effcast.prior._loading import read_toml
    from effcast.prior._shipped import resolve_prior_path

    data, _ = read_toml(resolve_prior_path(prior))
    data.pop("evidence", None)
    return data, prior


def print_warnings() -> None:
    """Print effcast's warnings as one ``effcast: warning:`` line each."""
    from effcast.results._evidence_summary import EvidenceWarning

    shown = warnings.showwarning
    if getattr(shown, "_effcast", False):
        return

    def show(message, category, filename, lineno, file=None, line=None):
        if issubclass(category, EvidenceWarning):
            click.echo(f"effcast: warning: {message}", err=True)
        else:
            shown(message, category, filename, lineno, file, line)

    show._effcast = True  # type: ignore[attr-defined]
    warnings.showwarning = show
