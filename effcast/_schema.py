"""The prior file: pydantic models, TOML loading and readable validation errors.

This is the lowest layer of effcast. It knows the shape of a prior and which
combinations of keys make sense; it knows nothing about sampling. Every problem
it finds becomes one :class:`~effcast.EffcastError` whose message names the
file, the factor and the field, and a line number where one can be found.
"""

from __future__ import annotations

import datetime as _dt
import math
import re
import tomllib
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StrictFloat,
    StrictStr,
    ValidationError,
    field_validator,
    model_validator,
)

from ._errors import EffcastError

__all__ = [
    "FactorSpec",
    "LognormalSpec",
    "Prior",
    "TruncnormalSpec",
    "load_prior",
    "parse_prior",
]

_NAME = r"^[A-Za-z_][A-Za-z0-9_\-]*$"


class _FieldError(ValueError):
    """A validation failure that knows which field it concerns."""

    def __init__(self, field: str, message: str, factor_index: int | None = None):
        super().__init__(message)
        self.field = field
        self.factor_index = factor_index


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False, frozen=True)


def _decimal_year(value: float | _dt.date) -> float:
    """A decimal year from a number or a TOML date (1 January = ``.0``)."""
    if isinstance(value, _dt.datetime):
        value = value.date()
    if isinstance(value, _dt.date):
        start = _dt.date(value.year, 1, 1)
        length = (_dt.date(value.year + 1, 1, 1) - start).days
        return value.year + (value - start).days / length
    return float(value)


class Period(_Model):
    """The span over which the gains accrued, used for annualised rates.

    ``start`` and ``end`` are decimal years (``2020.0``) or TOML dates
    (``2020-01-01``); dates are converted to decimal years.
    """

    start: StrictFloat | _dt.date
    end: StrictFloat | _dt.date

    @property
    def years(self) -> float:
        """The length of the period in years."""
        # Rounded so that 2024.1 - 2020.0 reads 4.1, not 4.0999999999999091.
        return round(_decimal_year(self.end) - _decimal_year(self.start), 9)

    @model_validator(mode="after")
    def _ordered(self) -> Period:
        if self.years <= 0:
            raise _FieldError(
                "end",
                f"must come after start (start {_decimal_year(self.start):g}, "
                f"end {_decimal_year(self.end):g})",
            )
        return self


class Defaults(_Model):
    """Values that apply to every factor that does not set its own."""

    floor: StrictFloat | bool | None = None
    level: StrictFloat | None = None

    @field_validator("floor")
    @classmethod
    def _floor(cls, v: Any) -> Any:
        return _check_floor(v)

    @field_validator("level")
    @classmethod
    def _level(cls, v: float | None) -> float | None:
        return _check_level(v)


def _check_floor(v: Any) -> Any:
    if v is True:
        raise ValueError("must be a number, or false to switch the default off")
    return v


def _check_level(v: float | None) -> float | None:
    if v is not None and not 0.0 < v < 1.0:
        raise ValueError(f"must lie strictly between 0 and 1, got {v:g}")
    return v


class _FactorBase(_Model):
    name: Annotated[StrictStr, Field(pattern=_NAME, max_length=64)]
    label: StrictStr | None = None
    group: Annotated[StrictStr, Field(min_length=1, max_length=64)] = "other"
    reduces: Literal["compute", "hardware"]
    floor: StrictFloat | bool | None = None
    source: StrictStr | None = None
    note: StrictStr | None = None

    ci: tuple[StrictFloat, StrictFloat] | None = None
    level: StrictFloat | None = None
    median: StrictFloat | None = None
    lower: StrictFloat | None = None
    upper: StrictFloat | None = None

    _explicit: tuple[str, str] = ("", "")

    @field_validator("floor")
    @classmethod
    def _floor(cls, v: Any) -> Any:
        return _check_floor(v)

    @field_validator("level")
    @classmethod
    def _level(cls, v: float | None) -> float | None:
        return _check_level(v)

    @field_validator("ci")
    @classmethod
    def _ci(cls, v: tuple[float, float] | None) -> tuple[float, float] | None:
        if v is not None and not v[0] < v[1]:
            raise ValueError(f"the interval must increase, got [{v[0]:g}, {v[1]:g}]")
        return v

    def _check_common(self) -> None:
        """Checks shared by the families: one way of stating the belief, bounds."""
        a, b = self._explicit
        given = {k for k in (a, b) if getattr(self, k) is not None}
        if self.ci is not None and given:
            raise _FieldError(
                sorted(given)[0], f"give either ci (with level) or {a}/{b}, not both"
            )
        if self.ci is None:
            if len(given) < 2:
                missing = a if a not in given else b
                hint = f"give ci and level, or both {a} and {b}"
                if self.median is not None or self.level is not None:
                    raise _FieldError("ci", f"missing: {hint}")
                raise _FieldError(missing, f"missing: {hint}")
            if getattr(self, b) <= 0:
                raise _FieldError(b, f"must be positive, got {getattr(self, b):g}")
            if self.median is not None:
                raise _FieldError(
                    "median",
                    f"median goes with ci; with {a}/{b} the median follows from {a}",
                )
            if self.level is not None:
                raise _FieldError("level", "level goes with ci; drop it or give ci")
        elif self.median is not None and not self.ci[0] < self.median < self.ci[1]:
            raise _FieldError(
                "median",
                f"{self.median:g} lies outside its interval "
                f"[{self.ci[0]:g}, {self.ci[1]:g}]",
            )
        if (
            self.lower is not None
            and self.upper is not None
            and not self.lower < self.upper
        ):
            raise _FieldError(
                "upper",
                f"lower ({self.lower:g}) must be smaller than upper ({self.upper:g})",
            )


class LognormalSpec(_FactorBase):
    """A factor whose logarithm is (split-)normal: ``dist = "lognormal"``.

    State it as ``ci`` + ``level`` (+ optional ``median``), or as ``mu`` and
    ``sigma`` of the natural logarithm. Optional ``lower``/``upper`` truncate
    it exactly and must be positive.
    """

    dist: Literal["lognormal"]
    mu: StrictFloat | None = None
    sigma: StrictFloat | None = None

    _explicit = ("mu", "sigma")

    @model_validator(mode="after")
    def _check(self) -> LognormalSpec:
        if self.ci is not None and self.ci[0] <= 0:
            raise _FieldError(
                "ci",
                f"a lognormal's interval must be positive, "
                f"got [{self.ci[0]:g}, {self.ci[1]:g}]",
            )
        for key in ("lower", "upper"):
            v = getattr(self, key)
            if v is not None and v <= 0:
                raise _FieldError(key, f"a lognormal bound must be positive, got {v:g}")
        self._check_common()
        return self


class TruncnormalSpec(_FactorBase):
    """A (truncated, possibly split) normal factor: ``dist = "truncnormal"``.

    State it as ``ci`` + ``level`` (+ optional ``median``), or as ``mean`` and
    ``sd``; these describe the normal *before* truncation to
    ``[lower, upper]`` (either bound may be omitted).
    """

    dist: Literal["truncnormal"]
    mean: StrictFloat | None = None
    sd: StrictFloat | None = None

    _explicit = ("mean", "sd")

    @model_validator(mode="after")
    def _check(self) -> TruncnormalSpec:
        self._check_common()
        return self


FactorSpec = Annotated[LognormalSpec | TruncnormalSpec, Field(discriminator="dist")]
"""One ``[[factor]]`` entry; ``dist`` selects the family."""

FAMILY_NAMES = ("lognormal", "truncnormal")


class Prior(_Model):
    """A whole prior file.

    Examples
    --------
    >>> from effcast._schema import parse_prior
    >>> prior = parse_prior({
    ...     "period": {"start": 2020.0, "end": 2024.0},
    ...     "factor": [{"name": "moe", "reduces": "compute", "dist": "lognormal",
    ...                 "ci": [1.25, 5.0], "level": 0.9}],
    ... })
    >>> prior.period.years
    4.0
    """

    title: StrictStr = ""
    description: StrictStr | None = None
    period: Period
    defaults: Defaults = Defaults()
    factor: Annotated[list[FactorSpec], Field(min_length=1)]

    @model_validator(mode="after")
    def _check(self) -> Prior:
        seen: dict[str, int] = {}
        for i, f in enumerate(self.factor):
            if f.name in seen:
                raise _FieldError(
                    "name",
                    f"duplicate factor name (first used by factor #{seen[f.name] + 1})",
                    factor_index=i,
                )
            seen[f.name] = i
            if f.ci is not None and f.level is None and self.defaults.level is None:
                raise _FieldError(
                    "level",
                    "missing: say what probability ci holds (e.g. level = 0.8), "
                    "here or in [defaults]",
                    factor_index=i,
                )
            lower = -math.inf if f.lower is None else f.lower
            if f.dist == "truncnormal" and max(lower, floor_of(f, self.defaults)) < 0:
                raise _FieldError(
                    "lower",
                    "a multiplier must be positive, but this one can fall below "
                    "zero; set lower = 0 (or a positive floor)",
                    factor_index=i,
                )
        return self


# --------------------------------------------------------------------------
# Loading and error messages
# --------------------------------------------------------------------------

# Pydantic names the member of a union that failed (``period.end.float``);
# these names are not keys of the file and are dropped from locations.
_UNION_MEMBERS = frozenset({"float", "date", "bool"})


def _location(err: dict[str, Any]) -> list[Any]:
    """The error's location as keys of the file, without union member names."""
    loc = list(err["loc"])
    if err["type"] in ("union_tag_not_found", "union_tag_invalid"):
        return [*loc, "dist"]
    if err["type"] == "extra_forbidden":
        return loc
    return [p for p in loc if p not in _UNION_MEMBERS]


_HEADER = re.compile(r"^\s*\[\[\s*factor\s*\]\]\s*(#.*)?$")
_TABLE = re.compile(r"^\s*\[\s*([A-Za-z0-9_\-]+)\s*\]\s*(#.*)?$")


def _find_line(text: str | None, path: list[Any]) -> int | None:
    """Best-effort line number of ``path`` (e.g. ``["factor", 2, "ci"]``)."""
    if not text or not path:
        return None
    lines = text.splitlines()
    section: tuple[str, int] | None = None
    count = -1
    want_section: tuple[str, int] | None = None
    key = None
    if path[0] == "factor" and len(path) >= 2 and isinstance(path[1], int):
        want_section = ("factor", path[1])
        key = path[2] if len(path) > 2 and isinstance(path[2], str) else None
    elif isinstance(path[0], str) and len(path) >= 2 and isinstance(path[1], str):
        want_section = (path[0], 0)
        key = path[1]
    else:
        want_section = ("", 0)
        key = path[0] if isinstance(path[0], str) else None
    section = ("", 0)
    header_line = None
    for number, line in enumerate(lines, start=1):
        if _HEADER.match(line):
            count += 1
            section = ("factor", count)
        elif m := _TABLE.match(line):
            section = (m.group(1), 0)
        else:
            if section == want_section and key is not None:
                if re.match(rf"^\s*{re.escape(key)}\s*=", line):
                    return number
            continue
        if section == want_section:
            header_line = number
    return header_line


def _where(
    source: str, path: list[Any], raw: Any, text: str | None
) -> tuple[str, str | None, str | None, int | None]:
    """Turn a location path into (prefix text, factor name, field, line)."""
    factor = None
    field = None
    parts: list[str] = []
    if path and path[0] == "factor" and len(path) >= 2 and isinstance(path[1], int):
        index = path[1]
        name = None
        try:
            candidate = raw["factor"][index]["name"]
            if isinstance(candidate, str):
                name = candidate
        except (KeyError, IndexError, TypeError):
            pass
        factor = name
        parts.append(
            f"factor '{name}' (#{index + 1})" if name else f"factor #{index + 1}"
        )
        rest = [p for p in path[2:] if not (isinstance(p, str) and p in FAMILY_NAMES)]
        if rest:
            field = str(rest[0])
            suffix = "".join(f"[{p}]" for p in rest[1:])
            parts.append(f"field '{field}{suffix}'")
    elif path:
        field = ".".join(str(p) for p in path)
        parts.append(f"field '{field}'")
    line = _find_line(
        text, [p for p in path if not (isinstance(p, str) and p in FAMILY_NAMES)]
    )
    prefix = source + (f", line {line}" if line else "")
    return ", ".join([prefix, *parts]), factor, field, line


def _message(err: dict[str, Any]) -> str:
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
        return f"unknown family {ctx.get('tag')!r}; expected one of " + ", ".join(
            FAMILY_NAMES
        )
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
        return "at least one [[factor]] is needed"
    return err["msg"][0].lower() + err["msg"][1:]


def parse_prior(
    data: dict[str, Any], source: str = "<dict>", text: str | None = None
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
    try:
        return Prior.model_validate(data)
    except _FieldError as exc:  # pragma: no cover - pydantic wraps these
        raise EffcastError(f"{source}: {exc}", source=source, field=exc.field) from None
    except ValidationError as exc:
        errors = exc.errors()
        err = errors[0]
        path = _location(err)
        message = _message(err)
        original = (err.get("ctx") or {}).get("error")
        if isinstance(original, _FieldError):
            if original.factor_index is not None:
                path = ["factor", original.factor_index]
            path.append(original.field)
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
    """Read a TOML file, turning every failure into an :class:`EffcastError`."""
    source = str(path)
    try:
        with open(path, "rb") as fh:
            raw = fh.read()
    except FileNotFoundError:
        raise EffcastError(f"{source}: no such file", source=source) from None
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


def load_prior(path: str | Path) -> Prior:
    """Read and validate a prior file.

    Raises
    ------
    EffcastError
        If the file cannot be read, is not valid TOML, or is not a valid prior.
    """
    data, text = read_toml(path)
    return parse_prior(data, source=str(path), text=text)


def level_of(spec: LognormalSpec | TruncnormalSpec, defaults: Defaults) -> float:
    """The credible level that applies to ``spec``'s interval."""
    level = spec.level if spec.level is not None else defaults.level
    assert level is not None  # guaranteed by Prior validation
    return level


def floor_of(spec: LognormalSpec | TruncnormalSpec, defaults: Defaults) -> float:
    """The floor that applies to ``spec`` (``-inf`` for none)."""
    floor = spec.floor if spec.floor is not None else defaults.floor
    if floor is None or floor is False:
        return -math.inf
    return float(floor)
