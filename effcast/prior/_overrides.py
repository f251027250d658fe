"""Overrides: change one key of a prior without editing its file.

An override is a dotted path and a value, written ``NAME.KEY=VALUE`` on the
command line (``--set moe.median=3``) or given as a mapping in Python
(``{"moe.median": 3}``). The first part of the path names a factor, a table
of the prior (``period``, ``defaults``, ...) or a top-level key (``title``);
the rest walks into it (a whole number indexes a list). Values are read as
TOML values, so ``3``, ``2024-06-01``, ``[1.5, 4.0]`` and ``"text"`` mean
what they mean in a prior file; anything that is not valid TOML is taken as
a bare string, so ``--set moe.dist=truncnormal`` works too. An empty value
(``--set moe.median=``, or ``None`` in Python) removes the key.

Overrides act on the prior *before* validation, so an overridden prior is
checked exactly like a file.
"""

from __future__ import annotations

import copy
import tomllib
import types
import typing
from collections.abc import Iterable, Mapping
from typing import Any

from pydantic import BaseModel

from effcast._errors import EffcastError
from effcast.prior._schema import Prior

__all__ = ["Overrides", "apply_overrides", "normalise_overrides", "parse_assignment"]

Overrides = Mapping[str, Any] | Iterable[str] | Iterable[tuple[str, Any]] | None
"""What the API accepts as overrides: a mapping, ``"path=value"`` strings, or
``(path, value)`` pairs."""


def _tables() -> tuple[str, ...]:
    """The tables a prior may hold (created on demand by an override)."""
    out: list[str] = []
    for name, field in Prior.model_fields.items():
        kind = field.annotation
        # ``Baseline | None`` counts as a table, and so does ``dict[...]``.
        members: tuple[Any, ...] = (
            typing.get_args(kind) if isinstance(kind, types.UnionType) else ()
        )
        if any(isinstance(m, type) and issubclass(m, BaseModel) for m in members):
            out.append(name)
        elif typing.get_origin(kind) is dict:
            out.append(name)
        elif isinstance(kind, type) and issubclass(kind, BaseModel):
            out.append(name)
    return tuple(out)


TABLES = _tables()


def parse_value(text: str) -> Any:
    """A TOML value (``3``, ``[1, 2]``, ``true``), ``text`` itself, or None if empty.

    ``None`` (an empty value, ``moe.median=``) removes the key.
    """
    if not text.strip():
        return None
    try:
        return tomllib.loads(f"v = {text}")["v"]
    except tomllib.TOMLDecodeError:
        return text.strip()


def parse_assignment(text: str) -> tuple[str, Any]:
    """``"moe.median=3"`` -> ``("moe.median", 3)``.

    Raises
    ------
    EffcastError
        If there is no ``=`` or the path is empty.

    Examples
    --------
    >>> parse_assignment("moe.ci=[1.5, 4]")
    ('moe.ci', [1.5, 4])
    >>> parse_assignment("moe.dist=truncnormal")
    ('moe.dist', 'truncnormal')
    """
    path, sep, value = text.partition("=")
    path = path.strip()
    if not sep or not path or any(not p for p in path.split(".")):
        raise EffcastError(
            f"--set {text!r}: expected NAME.KEY=VALUE, for example moe.median=3",
            field="set",
        )
    return path, parse_value(value)


def normalise_overrides(overrides: Overrides) -> list[tuple[str, Any]]:
    """Overrides as ``[(path, value), ...]`` from a mapping or ``"k=v"`` strings."""
    if overrides is None:
        return []
    if isinstance(overrides, Mapping):
        return [(str(k), v) for k, v in overrides.items()]
    if isinstance(overrides, str):
        overrides = [overrides]
    out: list[tuple[str, Any]] = []
    for item in overrides:
        if isinstance(item, tuple) and len(item) == 2:
            out.append((str(item[0]), item[1]))
        else:
            out.append(parse_assignment(str(item)))
    return out


def _walk(node: Any, parts: list[str], path: str) -> tuple[Any, str | int]:
    """The container holding the last part of ``parts``, and its key."""
    for i, part in enumerate(parts[:-1]):
        key: str | int = int(part) if part.isdigit() else part
        try:
            child = node[key]
        except (KeyError, IndexError, TypeError):
            if isinstance(node, dict) and isinstance(key, str):
                child = node[key] = {}
            else:
                done = ".".join(parts[: i + 1])
                raise EffcastError(
                    f"--set {path}: '{done}' does not exist", field=path
                ) from None
        if not isinstance(child, dict | list):
            done = ".".join(parts[: i + 1])
            raise EffcastError(
                f"--set {path}: '{done}' is a value, not a table", field=path
            )
        node = child
    last = parts[-1]
    key = int(last) if last.isdigit() and isinstance(node, list) else last
    if isinstance(node, list) and (not isinstance(key, int) or key >= len(node)):
        raise EffcastError(
            f"--set {path}: index {last} is out of range (the list has "
            f"{len(node)} items)",
            field=path,
        )
    return node, key


def apply_overrides(
    data: Mapping[str, Any],
    overrides: Overrides,
) -> dict[str, Any]:
    """A copy of the prior ``data`` with ``overrides`` applied.

    Parameters
    ----------
    data : mapping
        A prior shaped like the TOML file (not yet validated).
    overrides : mapping or iterable of str
        ``{"moe.median": 3}`` or ``["moe.median=3", ...]``.

    Raises
    ------
    EffcastError
        If a path names no factor, table or key of the prior.

    Examples
    --------
    >>> prior = {"period": {"start": 2020.0, "end": 2024.0},
    ...          "factor": [{"name": "moe", "median": 2.5}]}
    >>> apply_overrides(prior, ["moe.median=3", "period.end=2025"])["factor"]
    [{'name': 'moe', 'median': 3}]
    """
    out = copy.deepcopy(dict(data))
    factors = out.get("factor")
    names = {}
    if isinstance(factors, list):
        for f in factors:
            if isinstance(f, dict) and isinstance(f.get("name"), str):
                names[f["name"]] = f
    for path, value in normalise_overrides(overrides):
        parts = path.split(".")
        head = parts[0]
        if head in names:
            if len(parts) < 2:
                raise EffcastError(
                    f"--set {path}: say which key of factor '{head}' to set, "
                    f"for example {head}.median=3",
                    factor=head,
                    field=path,
                )
            container, key = _walk(names[head], parts[1:], path)
        elif head in TABLES or (head in out and isinstance(out[head], dict | list)):
            container, key = _walk(out, parts, path)
        elif len(parts) == 1 and head in ("title", "description"):
            container, key = out, head
        else:
            known = ", ".join(names) or "none"
            raise EffcastError(
                f"--set {path}: '{head}' is neither a factor of this prior "
                f"({known}) nor one of its tables ({', '.join(TABLES)})",
                field=path,
            )
        if value is None:
            if isinstance(container, dict):
                container.pop(key, None)
            else:
                raise EffcastError(
                    f"--set {path}: a list item cannot be removed", field=path
                )
        else:
            container[key] = value
    return out
