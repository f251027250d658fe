"""The HTML report's rendering: one Jinja2 environment over the package's templates.

The templates (``effcast/report/templates``) ship inside the package. This
module only renders: it receives the documents (summary, sensitivity,
forecast, crossing), the figures as SVG text and the prior, and returns one
self-contained HTML page. Assembling those pieces (sampling, drawing) is the
job of :mod:`effcast.web._report`.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import Any

from effcast._errors import EffcastError

__all__ = ["environment", "render_report"]


@functools.cache
def environment() -> Any:
    """The Jinja2 environment over ``effcast/report/templates`` (autoescaped).

    Raises
    ------
    EffcastError
        If Jinja2 is not installed.
    """
    try:
        import jinja2
    except ImportError:
        raise EffcastError(
            'the HTML report needs Jinja2: pip install "effcast[web]"'
        ) from None
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("effcast.report", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    from effcast.report import _html_tables

    env.globals["fmt_multiplier"] = _html_tables.fmt_multiplier
    env.globals["fmt_percent"] = _html_tables.fmt_percent
    return env


def render_report(context: Mapping[str, Any]) -> str:
    """The report page from its context (see :func:`effcast.html_report`).

    ``context`` holds ``title``, ``description``, ``sections`` (a list of
    dicts with ``id``, ``title``, ``tables``, ``figures``, ``text``), the
    ``prior`` rendering and the ``provenance`` rows.
    """
    return environment().get_template("report.html.j2").render(**context)
