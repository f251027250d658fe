"""``--no-evidence`` and the evidence warning, for every command that reads a prior.

``--no-evidence`` is part of :func:`effcast.cli._common.set_option`, so
every command that reads a prior takes it; commands build their model with
:func:`load_model`, which drops the prior's ``[[evidence]]`` when asked (the
API's :meth:`effcast.Model.without_evidence`). A low effective sample size
is an :class:`~effcast.EffcastWarning`, which every command prints as
``effcast: warning: ...`` on standard error.
"""

from __future__ import annotations

from typing import Any

import click

__all__ = ["evidence_option", "load_model", "sweep_prior"]

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
