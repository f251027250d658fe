"""Result objects shown as text and in notebooks, from the tables the commands print.

:class:`Displayable` gives every result object (results, forecasts,
crossings, sweeps, sensitivity) the same three faces: :meth:`~Displayable.report`
returns the text report the command line prints, ``_repr_html_`` shows the
same tables in a notebook, and ``to_pandas`` (each class's own) gives tidy
data. Text that came from a prior (titles, labels, names) reaches the
terminal without control sequences and the HTML escaped.
"""

from __future__ import annotations

import io
import re
from typing import Any

from effcast._errors import EffcastError

__all__ = ["Displayable", "clean_text", "need_pandas"]

# C0 controls (but tab and newline), DEL and C1 controls: what makes a terminal
# move the cursor, change colours or retitle the window.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def clean_text(text: str) -> str:
    """``text`` with terminal control characters shown as ``?``.

    Examples
    --------
    >>> clean_text("GPT-3\\x1b]0;owned\\x07 today")
    'GPT-3?]0;owned? today'
    """
    return _CONTROL.sub("?", str(text))


def need_pandas() -> Any:
    """The pandas module, or an :class:`EffcastError` saying how to get it."""
    try:
        import pandas
    except ImportError:
        raise EffcastError(
            'to_pandas needs pandas: pip install "effcast[pandas]"'
        ) from None
    return pandas


class Displayable:
    """A result that renders as the command line's tables.

    Subclasses implement ``_renderable()``, returning the rich renderable the
    matching command prints.
    """

    def _renderable(self) -> Any:  # pragma: no cover - abstract
        raise NotImplementedError

    def report(self, width: int = 100) -> str:
        """The text report the command line prints, as a string.

        Parameters
        ----------
        width : int
            The width to lay the tables out in, in characters.
        """
        from rich.console import Console

        buf = io.StringIO()
        console = Console(
            file=buf,
            width=int(width),
            color_system=None,
            force_terminal=False,
            legacy_windows=False,
        )
        console.print(self._renderable())
        lines = (line.rstrip() for line in buf.getvalue().splitlines())
        return clean_text("\n".join(lines) + "\n")

    def _repr_html_(self) -> str:
        """The report's tables as HTML, for notebooks (text escaped)."""
        from rich.console import Console

        console = Console(
            file=io.StringIO(), record=True, width=100, color_system="truecolor"
        )
        console.print(self._renderable())
        return console.export_html(inline_styles=True, code_format=_HTML)


_HTML = (
    '<div class="effcast-report"><pre style="font-family: Menlo, Consolas, '
    'monospace; font-size: 12px; line-height: 1.3">{code}</pre></div>'
)
