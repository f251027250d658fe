"""Reading prior files: TOML in, a validated :class:`Prior` or one clear error out.

Every problem becomes one :class:`~effcast.EffcastError` whose message names
the file, the factor and the field, and a line number where one can be found.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from pydantic_core import ErrorDetails

from effcast._errors import EffcastError
from effcast.prior._beliefs import FieldError
from effcast.prior._overrides import Overrides, apply_overrides, normalise_overrides
from effcast.prior._schema import FAMILY_NAMES, Prior
from effcast.prior._shipped import resolve_prior_path, shipped_priors

__all__ = ["load_prior", "parse_prior", "read_toml"]


# Pydantic names the member of a union that failed (``period.end.float``);
# these names are not keys of the file and are dropped from locations.
_UNION_MEMBERS = frozenset({"float", "date", "bool"})


def _location(err: ErrorDetails) -> list[Any]:
    """The error's location as keys of the file, without union member names."""
    loc = list(err["loc"])
    if err["type"] in ("union_tag_not_found", "union_tag_invalid"):
        return [*loc, "dist"]
    if err["type"] == "extra_forbidden":
        return loc
    return [p for p in loc if p not in _UNION_MEMBERS]


_HEADER = re.compile(r"^\s*\[\[\s*([A-Za-z0-9_\-.]+)\s*\]\]\s*(#.*)?$")
_TABLE = re.compile(r"^\s*\[\s*([A-Za-z0-9_\-.]+)\s*\]\s*(#.*)?$")


def _find_line(text: str | None, path: list[Any]) -> int | None:
    """Best-effort line number of ``path`` (e.g. ``["factor", 2, "ci"]``)."""
    if not text or not path:
        return None
    key = None
    if isinstance(path[0], str) and len(path) >= 2 and isinstance(path[1], int):
        want = (path[0], path[1])  # the n-th [[name]] entry
        key = path[2] if len(path) > 2 and isinstance(path[2], str) else None
    elif isinstance(path[0], str) and len(path) >= 2 and isinstance(path[1], str):
        want = (path[0], 0)  # a key of [name]
        key = path[1]
    else:
        want = ("", 0)  # a top-level key
        key = path[0] if isinstance(path[0], str) else None
    counts: dict[str, int] = {}
    section = ("", 0)
    header_line = None
    for number, line in enumerate(text.splitlines(), start=1):
        if m := _HEADER.match(line):
            counts[m.group(1)] = counts.get(m.group(1), -1) + 1
            section = (m.group(1), counts[m.group(1)])
        elif m := _TABLE.match(line):
            section = (m.group(1), 0)
        else:
            if section == want and key is not None:
                if re.match(rf"^\s*{re.escape(key)}\s*=", line):
                    return number
            continue
        if section == want:
            header_line = number
    return header_line


def _where(
    source: str, path: list[Any], raw: Any, text: str | None
) -> tuple[str, str | None, str | None, int | None]:
    """Turn a location path into (prefix text, factor name, field, line)."""
    factor = None
    field = None
    parts: list[str] = []
    path = [p for p in path if not (isinstance(p, str) and p in FAMILY_NAMES)]
    if (
        path
        and len(path) >= 2
        and isinstance(path[0], str)
        and isinstance(path[1], int)
    ):
        table, index = path[0], path[1]
        name = None
        if table == "factor":
            try:
                candidate = raw["factor"][index]["name"]
                if isinstance(candidate, str):
                    name = candidate
            except (KeyError, IndexError, TypeError):
                pass
        factor = name
        parts.append(
            f"{table} '{name}' (#{index + 1})" if name else f"{table} #{index + 1}"
        )
        rest = path[2:]
        if rest:
            field = str(rest[0])
            suffix = "".join(
                f"[{p}]" if isinstance(p, int) else f".{p}" for p in rest[1:]
            )
            parts.append(f"field '{field}{suffix}'")
    elif path:
        field = ".".join(str(p) for p in path)
        parts.append(f"field '{field}'")
    line = _find_line(text, path)
    prefix = source + (f", line {line}" if line else "")
    return ", ".join([prefix, *parts]), factor, field, line


def _message(err: ErrorDetails) -> str:
    kind = err["type"]
    ctx = err.get("ctx") or {}
    if kind == "missing":
        if tuple(err["loc"]) == ("factor",):
            return "missing: at least one [[factor]] is needed"
        return "missing"
    if kind == "extra_forbidden":
        return "unknown key (see docs/prior-format.md for the keys a prior may use)"
    if kind == "union_tag_not_found":
        return "missing: say which family, one of " + ", ".join(FAMILY_NAMES)
    if kind == "union_tag_invalid":
        expected = ctx.get("expected_tags")
        names = (
            expected.replace("'", "")
            if isinstance(expected, str)
            else ", ".join(FAMILY_NAMES)
        )
        return f"unknown family {ctx.get('tag')!r}; expected one of {names}"
    if kind == "finite_number":
        return "must be a finite number (no inf or nan)"
    if kind == "value_error":
        return str(ctx.get("error", err["msg"]))
    if kind in ("float_type", "float_parsing"):
        return f"must be a number, got {err.get('input')!r}"
    if kind == "literal_error":
        return f"must be one of {ctx.get('expected')}, got {err.get('input')!r}"
    if kind == "string_pattern_mismatch":
        return (
            f"{err.get('input')!r} is not a valid name (letters, digits, _ and -, "
            "starting with a letter or _)"
        )
    if kind == "too_short" and isinstance(err.get("input"), list):
        if err["loc"] and err["loc"][-1] == "components":
            return "at least one component is needed"
        return "at least one [[factor]] is needed"
    return err["msg"][0].lower() + err["msg"][1:]


def parse_prior(
    data: dict[str, Any],
    source: str = "<dict>",
    text: str | None = None,
    overrides: Overrides = None,
) -> Prior:
    """Validate a prior given as a dictionary (the parsed TOML document).

    Parameters
    ----------
    data : dict
        The prior, shaped like the TOML file (see docs/prior-format.md).
    source : str
        The name used in error messages.
    text : str, optional
        The TOML text, used to find line numbers for error messages.
    overrides : mapping or iterable of str, optional
        Changes applied before validation (see :mod:`effcast.prior._overrides`);
        an error in an overridden value names the override.

    Returns
    -------
    Prior
        The validated prior.

    Raises
    ------
    EffcastError
        If anything is missing, unknown, out of range or inconsistent.
    """
    if not isinstance(data, dict):
        raise EffcastError(
            f"{source}: a prior must be a table of keys, got {type(data).__name__}",
            source=source,
        )
    if overrides is not None:
        try:
            changes = normalise_overrides(overrides)
            data = apply_overrides(data, changes)
        except EffcastError as exc:
            raise EffcastError(
                f"{source}: {exc}", source=source, factor=exc.factor, field=exc.field
            ) from None
        try:
            return _validate(data, source, text)
        except EffcastError as exc:
            raise _blame_override(exc, changes, source, data) from None
    return _validate(data, source, text)


def _blame_override(
    exc: EffcastError, changes: list[tuple[str, Any]], source: str, data: dict
) -> EffcastError:
    """Name the override behind an error in a value that an override set."""
    for path, value in changes:
        parts = path.split(".")
        if parts[0] == exc.factor or (exc.factor is None and parts[0] in data):
            named = {parts[-1], ".".join(parts), ".".join(parts[1:])}
            named |= set(parts[1:2])  # moe.ci.0=... is an error in field 'ci'
            if exc.field is not None and exc.field in named:
                message = str(exc)
                if exc.line is not None:
                    message = message.replace(f", line {exc.line}", "", 1)
                return EffcastError(
                    f"{message} (set by --set {path}={value!r})",
                    source=source,
                    factor=exc.factor,
                    field=exc.field,
                )
    return exc


def _validate(data: dict[str, Any], source: str, text: str | None) -> Prior:
    try:
        return Prior.model_validate(data)
    except FieldError as exc:  # pragma: no cover - pydantic wraps these
        raise EffcastError(f"{source}: {exc}", source=source, field=exc.field) from None
    except ValidationError as exc:
        errors = exc.errors()
        err = errors[0]
        path = _location(err)
        message = _message(err)
        original = (err.get("ctx") or {}).get("error")
        if isinstance(original, FieldError):
            if original.factor_index is not None:
                path = [original.section, original.factor_index]
            path.extend(int(p) if p.isdigit() else p for p in original.field.split("."))
        where, factor, field, line = _where(source, path, data, text)
        # A value that fits no member of a union fails once per member.
        extra = len({tuple(_location(e)) for e in errors}) - 1
        more = f" (and {extra} more problem{'s' if extra > 1 else ''})" if extra else ""
        raise EffcastError(
            f"{where}: {message}{more}",
            source=source,
            factor=factor,
            field=field,
            line=line,
        ) from None


def read_toml(path: str | Path) -> tuple[dict[str, Any], str]:
    """Read a TOML file, turning every failure into an :class:`EffcastError`.

    A bare name that is not a file names a shipped prior (see
    :func:`effcast.shipped_priors`).
    """
    source = str(path)
    try:
        with open(resolve_prior_path(path), "rb") as fh:
            raw = fh.read()
    except FileNotFoundError:
        names = ", ".join(shipped_priors())
        raise EffcastError(
            f"{source}: no such file (the shipped priors, usable by name: {names})",
            source=source,
        ) from None
    except IsADirectoryError:
        raise EffcastError(
            f"{source}: is a directory, not a prior file", source=source
        ) from None
    except OSError as exc:
        raise EffcastError(
            f"{source}: cannot read it ({exc.strerror})", source=source
        ) from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise EffcastError(f"{source}: not a UTF-8 text file", source=source) from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        msg = str(exc)
        m = re.search(r"\(at line (\d+), column (\d+)\)", msg)
        line = int(m.group(1)) if m else None
        core = msg[: m.start()].strip() if m else msg
        where = f"{source}, line {line}, column {m.group(2)}" if m else source
        raise EffcastError(
            f"{where}: malformed TOML: {core}", source=source, line=line
        ) from None
    return data, text


def load_prior(path: str | Path, overrides: Overrides = None) -> Prior:
    """Read and validate a prior file, with optional overrides.

    Raises
    ------
    EffcastError
        If the file cannot be read, is not valid TOML, or is not a valid prior.
    """
    data, text = read_toml(path)
    return parse_prior(data, source=str(path), text=text, overrides=overrides)
