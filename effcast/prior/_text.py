"""Plain text and plain shape: what a prior's strings and nesting may hold.

A prior's titles, names and labels are printed to terminals and drawn in
figures. A string with control characters (an escape sequence that retitles
the window, moves the cursor or hides text, a carriage return that
overwrites a line) is refused when the prior is read, naming the field, so
no report ever carries one. Tab and newline are allowed. So is any
printable Unicode.

A value nested deeper than :data:`MAX_DEPTH` (``--set
'moe.ci=[[[[...]]]]'``) is refused too, before validation could recurse
without end.
"""

from __future__ import annotations

from typing import Any

from effcast._errors import EffcastError
from effcast.io._text import CONTROL

__all__ = ["MAX_DEPTH", "check_text"]

MAX_DEPTH = 16
"""Tables and arrays nested deeper than this are refused (a prior needs 4)."""


def check_text(data: Any, source: str, *, _path: list[Any] | None = None) -> None:
    """Refuse control characters in any string, and over-deep nesting.

    Raises
    ------
    EffcastError
        Naming the file and the dotted path of the offending field.

    Examples
    --------
    >>> check_text({"title": "ok\\tfine"}, "<dict>")
    >>> check_text({"title": "GPT-3\\x1b]0;owned\\x07"}, "<dict>")
    Traceback (most recent call last):
    ...
    effcast._errors.EffcastError: <dict>, field 'title': contains a control character (U+001B); a prior's text must be printable
    """  # noqa: E501
    path = _path or []
    if len(path) > MAX_DEPTH:
        raise EffcastError(
            f"{source}, field '{'.'.join(str(p) for p in path[:3])}...': nested "
            f"more than {MAX_DEPTH} levels deep",
            source=source,
            field=str(path[0]),
        )
    if isinstance(data, str):
        bad = CONTROL.search(data)
        if bad:
            field = ".".join(str(p) for p in path) or "(value)"
            raise EffcastError(
                f"{source}, field '{field}': contains a control character "
                f"(U+{ord(bad.group()):04X}); a prior's text must be printable",
                source=source,
                field=str(path[-1]) if path else None,
            )
    elif isinstance(data, dict):
        for key, value in data.items():
            check_text(key, source, _path=[*path, "(key)"])
            check_text(value, source, _path=[*path, key])
    elif isinstance(data, list | tuple):
        for i, value in enumerate(data):
            check_text(value, source, _path=[*path, i])
