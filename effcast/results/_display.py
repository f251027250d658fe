"""Result objects shown as text and in notebooks, through registered views.

:class:`Displayable` gives every result object (results, forecasts,
crossings, sweeps, sensitivity) the same faces: :meth:`~Displayable.report`
returns the text report the command line prints, ``_repr_html_`` shows the
same tables in a notebook, and :meth:`~Displayable.to_pandas` gives tidy data
(each class says which rows and columns). Text that came from a prior
(titles, labels, names) reaches the terminal without control sequences and
the HTML escaped.

The tables themselves live in a layer above (:mod:`effcast.report`), so a
result does not import them: each class names the kind of view it needs
(``_view``), and the report layer registers one function per kind with
:func:`register_view` (``import effcast`` does this once, through
:func:`effcast.report._views.install_views`).
"""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any, ClassVar

from effcast._errors import EffcastError
from effcast.io._pandas import need_pandas
from effcast.io._text import clean_text

__all__ = ["Displayable", "View", "register_view", "view"]

View = Callable[[Any], Any]
"""A view: a result's plain document in, a rich renderable out."""

_VIEWS: dict[str, View] = {}


def register_view(kind: str, render: View) -> None:
    """Show results of ``kind`` (``"summary"``, ``"forecast"``, ...) with ``render``."""
    _VIEWS[kind] = render


def view(kind: str) -> View:
    """The view registered for ``kind``, or an :class:`EffcastError` if none is."""
    try:
        return _VIEWS[kind]
    except KeyError:
        raise EffcastError(
            f"no text view is registered for {kind!r} results; importing "
            "effcast registers them (effcast.report._views.install_views)"
        ) from None


class Displayable:
    """A result that renders as the command line's tables.

    Subclasses set ``_view`` to the kind of view that renders them and, if
    that view does not take :meth:`summary`, override :meth:`_document`;
    they implement ``_tidy()``, the data and column order of their DataFrame.
    """

    _view: ClassVar[str]
    summary: Callable[[], Any]

    def _document(self) -> Any:
        """The plain document the view renders: by default, the summary."""
        return self.summary()

    def _renderable(self) -> Any:
        return view(self._view)(self._document())

    def _tidy(self) -> tuple[Any, list[str] | None]:  # pragma: no cover - abstract
        """What ``pandas.DataFrame`` is built from: rows (or columns) and
        the column order (``None`` for the data's own)."""
        raise NotImplementedError

    def to_pandas(self) -> Any:
        """This result as a pandas DataFrame; the class's description says
        which rows and columns it has.

        Raises
        ------
        EffcastError
            If pandas is not installed (``pip install "effcast[pandas]"``).
        """
        data, columns = self._tidy()
        return need_pandas().DataFrame(data, columns=columns)

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
