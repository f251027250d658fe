"""Write a prior (a dictionary shaped like the TOML file) back as TOML text.

The explorer offers an edited prior for download; reading the text back with
:mod:`tomllib` gives the same dictionary, so the file samples exactly as the
edited prior did. Only what a prior holds is supported: tables, arrays of
tables, arrays, strings, numbers, booleans and dates.
"""

from __future__ import annotations

import datetime as _dt
import json
import math
import re
from collections.abc import Mapping
from typing import Any

from effcast._errors import EffcastError

__all__ = ["dumps_toml"]

_BARE_KEY = re.compile(r"^[A-Za-z0-9_-]+$")
# Text that reads the same inside a multi-line basic string: no backslash, no
# run of quotes, no control character but newline, not ending in a quote.
_MULTILINE_SAFE = re.compile(r'^(?!.*"")[^\\\x00-\x09\x0b-\x1f\x7f]*(?<!")$', re.S)


def _key(k: str) -> str:
    return k if _BARE_KEY.match(k) else json.dumps(k)


def _value(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        if not math.isfinite(v):
            raise EffcastError(f"cannot write {v!r} to a prior: numbers must be finite")
        return repr(v)
    if isinstance(v, str):
        if "\n" in v and _MULTILINE_SAFE.match(v):
            return '"""\n' + v + '"""'
        # A JSON string is a valid TOML basic string (same escapes).
        return json.dumps(v, ensure_ascii=False).replace("\x7f", "\\u007f")
    if isinstance(v, _dt.datetime | _dt.date | _dt.time):
        return v.isoformat()
    if isinstance(v, list | tuple):
        return "[" + ", ".join(_value(x) for x in v) + "]"
    if isinstance(v, Mapping):
        inner = ", ".join(f"{_key(str(k))} = {_value(x)}" for k, x in v.items())
        return "{ " + inner + " }" if inner else "{}"
    raise EffcastError(f"cannot write a {type(v).__name__} to a prior")


def _is_table(v: Any) -> bool:
    return isinstance(v, Mapping)


def _is_table_array(v: Any) -> bool:
    return isinstance(v, list) and bool(v) and all(isinstance(x, Mapping) for x in v)


def _table(lines: list[str], header: str | None, table: Mapping[str, Any]) -> None:
    """Scalars first, then sub-tables, then arrays of tables."""
    plain = {k: v for k, v in table.items() if not _is_table(v)}
    subs = {k: v for k, v in table.items() if _is_table(v)}
    if header is not None and (plain or not subs):
        lines.append(f"[{header}]")
    for k, v in plain.items():
        lines.append(f"{_key(str(k))} = {_value(v)}")
    if plain:
        lines.append("")
    for k, v in subs.items():
        name = _key(str(k)) if header is None else f"{header}.{_key(str(k))}"
        _table(lines, name, v)


def dumps_toml(data: Mapping[str, Any], header: str = "") -> str:
    """The TOML text of a prior's dictionary.

    Top-level keys come first, then tables, then arrays of tables such as
    ``[[factor]]`` (whose entries keep their order). Arrays of tables nested
    inside an entry (a mixture's ``components``) are written inline.

    Parameters
    ----------
    data : mapping
        The prior, shaped like the TOML file.
    header : str
        Comment lines to put first (each is prefixed with ``# ``).

    Examples
    --------
    >>> import tomllib
    >>> doc = {"title": "t", "period": {"start": 2020.0, "end": 2024.1},
    ...        "factor": [{"name": "moe", "ci": [1.25, 5.0]}]}
    >>> text = dumps_toml(doc)
    >>> print(text.splitlines()[2])
    [period]
    >>> tomllib.loads(text) == doc
    True
    """
    lines = [f"# {line}".rstrip() for line in header.splitlines()]
    if lines:
        lines.append("")
    top = {k: v for k, v in data.items() if not _is_table(v) and not _is_table_array(v)}
    for k, v in top.items():
        lines.append(f"{_key(str(k))} = {_value(v)}")
    if top:
        lines.append("")
    for k, v in data.items():
        if _is_table(v):
            _table(lines, _key(str(k)), v)
    for k, v in data.items():
        if _is_table_array(v):
            for entry in v:
                lines.append(f"[[{_key(str(k))}]]")
                for ek, ev in entry.items():
                    lines.append(f"{_key(str(ek))} = {_value(ev)}")
                lines.append("")
    return "\n".join(lines).rstrip() + "\n"
