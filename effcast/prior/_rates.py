"""Rates with explicit units: ``"2.3x"``, ``"0.36oom"``, ``"8mo"``.

A rate of progress can be written three ways, and the same number means
very different things in each: 2.3 times per year is 0.36 orders of
magnitude (OOM) per year, while 2.3 OOM per year is 200 times per year. So
every rate a prior or the command line states carries its unit, and a bare
number is refused with a message that shows the forms:

* ``"2.3x"`` (or ``"2.3x/yr"``): times per year;
* ``"0.36oom"`` (or ``"0.36 OOM/yr"``): orders of magnitude per year;
* ``"8mo"`` (or ``"8 months"``): the requirement halves every 8 months.

Internally effcast works in OOM per year; :func:`parse_rate` converts.

Examples
--------
>>> round(parse_rate("2.3x"), 4)
0.3617
>>> parse_rate("0.5 OOM/yr")
0.5
>>> round(parse_rate("8mo"), 4)
0.4515
"""

from __future__ import annotations

import math
import re
from typing import Any

from effcast._errors import EffcastError

__all__ = ["RATE_FORMS", "format_rate", "parse_rate", "parse_rate_interval"]

RATE_FORMS = (
    '"2.3x" (times per year), "0.36oom" (orders of magnitude per year) '
    'or "8mo" (halving time in months)'
)
"""The accepted forms, as messages show them."""

_RATE = re.compile(
    r"^\s*(?P<num>[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?)\s*"
    r"(?P<unit>x|x/yr|x/year|oom|oom/yr|oom/year|mo|month|months)\s*$",
    re.IGNORECASE,
)


_NUMBER = re.compile(r"^\s*[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?\s*$")


class RateError(ValueError):
    """A rate that cannot be read; the message shows the accepted forms."""


def _to_oom(number: float, unit: str, text: str) -> float:
    unit = unit.lower()
    if unit.startswith("x"):
        if number <= 0:
            raise RateError(f"{text!r}: a multiplier per year must be positive")
        return math.log10(number)
    if unit.startswith("oom"):
        return number
    if number <= 0:
        raise RateError(f"{text!r}: a halving time must be positive")
    return math.log10(2.0) * 12.0 / number


def parse_rate(value: Any, *, allow_negative: bool = False) -> float:
    """A rate with units, in orders of magnitude per year.

    Parameters
    ----------
    value : str
        ``"2.3x"``, ``"0.36oom"`` or ``"8mo"`` (see the module docstring).
    allow_negative : bool
        Accept rates below zero (a requirement that grows).

    Raises
    ------
    RateError
        If ``value`` is a bare number, has no known unit, or is not finite.
    """
    if isinstance(value, bool) or not isinstance(value, str):
        if isinstance(value, int | float) and not isinstance(value, bool):
            raise RateError(
                f"the rate {value!r} has no units; write it as {RATE_FORMS}"
            )
        raise RateError(f"a rate must be text such as {RATE_FORMS}, got {value!r}")
    m = _RATE.match(value)
    if m is None and _NUMBER.match(value):
        raise RateError(f"the rate {value!r} has no units; write it as {RATE_FORMS}")
    if m is None:
        raise RateError(f"cannot read the rate {value!r}; write it as {RATE_FORMS}")
    number = float(m.group("num"))
    if not math.isfinite(number):
        raise RateError(f"the rate {value!r} is not finite")
    oom = _to_oom(number, m.group("unit"), value)
    if not math.isfinite(oom) or (oom < 0 and not allow_negative):
        raise RateError(
            f"the rate {value!r} is {oom:.3g} OOM per year; it must be zero or more"
        )
    return oom


def parse_rate_interval(values: Any) -> tuple[float, float]:
    """Two rates with units as an increasing pair of OOM per year.

    Halving times run the other way (a shorter halving time is faster), so
    the pair is sorted after conversion.

    Examples
    --------
    >>> [round(v, 3) for v in parse_rate_interval(["12mo", "6mo"])]
    [0.301, 0.602]
    """
    if isinstance(values, str):
        values = [p for p in values.split(",")]
    if not isinstance(values, list | tuple) or len(values) != 2:
        raise RateError(
            f"an interval of rates needs two values, such as "
            f'["1.5x", "3x"], got {values!r}'
        )
    lo, hi = sorted(parse_rate(v) for v in values)
    if not lo < hi:
        raise RateError(f"the interval's two rates must differ, got {values!r}")
    return lo, hi


def format_rate(oom: float) -> str:
    """A rate in OOM per year, also shown as times per year.

    Examples
    --------
    >>> format_rate(math.log10(2.3))
    '2.3x/yr (0.362 OOM/yr)'
    """
    return f"{10.0**oom:.3g}x/yr ({oom:.3g} OOM/yr)"


def as_effcast_error(exc: RateError, field: str) -> EffcastError:
    """The API's error for a rate that cannot be read."""
    return EffcastError(str(exc), field=field)
