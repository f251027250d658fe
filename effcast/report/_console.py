"""The console reports print to: the terminal's width, or wide enough in a pipe.

On a terminal, rich fits tables to the window. Through a pipe or into a
file there is no window, and rich's default of 80 columns would cut
table cells short (``hardware_effici…``); there the console is made as wide
as the widest table (or record line, such as a report's head) needs, so
nothing is ever truncated or split, while paragraphs still wrap at a
readable width of at least 100 columns.
"""

from __future__ import annotations

from typing import Any

from rich.console import Console, Group
from rich.table import Table
from rich.text import Text

__all__ = ["PIPE_MIN_WIDTH", "report_console"]

PIPE_MIN_WIDTH = 100
"""Paragraphs in piped output wrap at this width, or the widest table's."""


def _sized(renderable: Any) -> list[Table | Text]:
    """The tables, and the texts of records that must not wrap (``no_wrap``)."""
    if isinstance(renderable, Table) or (
        isinstance(renderable, Text) and renderable.no_wrap
    ):
        return [renderable]
    if isinstance(renderable, Group):
        return [t for r in renderable.renderables for t in _sized(r)]
    return []


def report_console(renderable: Any, **kwargs: Any) -> Console:
    """A console for ``renderable``: a terminal's own, or wide enough when piped.

    Examples
    --------
    >>> from rich.table import Table
    >>> t = Table()
    >>> t.add_column("x" * 120)
    >>> import io
    >>> report_console(t, file=io.StringIO()).width >= 120
    True
    """
    console = Console(**kwargs)
    if console.is_terminal:
        return console
    wide = Console(width=100_000, file=console.file)
    need = max((wide.measure(t).maximum for t in _sized(renderable)), default=0)
    return Console(width=max(PIPE_MIN_WIDTH, need), **kwargs)
