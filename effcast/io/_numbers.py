"""Numbers as text: the one set of formatters for tables, figures and messages.

Every multiplier, probability, FLOP count, duration and year that effcast
prints goes through one of these, so a figure's tick, a table's cell and an
error message write the same number the same way.
"""

from __future__ import annotations

import math

__all__ = [
    "fmt_flop",
    "fmt_hours",
    "fmt_multiplier",
    "fmt_x",
    "fmt_percent",
    "fmt_year",
    "sci",
]


def fmt_multiplier(x: float | None) -> str:
    """``423.4 -> '423x'``, ``2.513 -> '2.51x'``, three significant figures.

    Examples
    --------
    >>> fmt_multiplier(423.4), fmt_multiplier(2.513), fmt_multiplier(2.5e6)
    ('423x', '2.51x', '2.50e+06x')
    """
    if x is None:
        return "n/a"
    if x >= 1e5:
        return f"{x:.2e}x"
    if x >= 100:
        return f"{x:,.0f}x"
    return f"{x:.3g}x"


def fmt_x(x: float | None) -> str:
    """A multiplier short enough for a table cell or a tick: 423x, 2.5e6x.

    Examples
    --------
    >>> fmt_x(6929.0), fmt_x(2.5e6)
    ('6,929x', '2.5e6x')
    """
    if x is None:
        return "n/a"
    if x < 1e5:
        return fmt_multiplier(x)
    if not math.isfinite(x):
        return f"{x:g}x"
    mant, _, exp = f"{x:.2g}".partition("e")
    return f"{mant}e{int(exp)}x"


def fmt_percent(p: float | None) -> str:
    """A probability as a percentage, saying "<0.1%" rather than rounding to 0.

    Examples
    --------
    >>> fmt_percent(0.2718), fmt_percent(0.0004), fmt_percent(1.0)
    ('27.2%', '<0.1%', '100%')
    """
    if p is None:
        return "n/a"
    if p == 0 or p == 1:
        return f"{100 * p:.0f}%"
    if p < 0.001:
        return "<0.1%"
    if p > 0.999:
        return ">99.9%"
    return f"{100 * p:.1f}%"


def sci(x: float) -> str:
    """``1e25`` rather than ``1e+25``; ``3.14e23`` rather than ``3.14e+23``.

    Examples
    --------
    >>> sci(1e25), sci(3.14e23), sci(2e-3)
    ('1e25', '3.14e23', '0.002')
    """
    text = f"{x:.3g}"
    mant, e, exp = text.partition("e")
    return f"{mant}e{int(exp)}" if e else text


def fmt_flop(x: float | None) -> str:
    """``1.8e21 -> '1.80e21'``.

    Examples
    --------
    >>> fmt_flop(1.8e21)
    '1.80e21'
    """
    if x is None:
        return "n/a"
    if not math.isfinite(x) or x == 0:
        return f"{x:g}"
    mantissa, exponent = f"{x:.2e}".split("e")
    return f"{mantissa}e{int(exponent)}"


def fmt_hours(h: float | None) -> str:
    """Hours as seconds, minutes, hours or days, whichever reads best.

    Examples
    --------
    >>> fmt_hours(0.83), fmt_hours(4.46), fmt_hours(1000)
    ('50 min', '4.46 h', '41.7 days')
    """
    if h is None:
        return "n/a"
    if h < 1:
        return f"{h * 60:.0f} min" if h * 60 >= 1 else f"{h * 3600:.0f} s"
    if h < 48:
        return f"{h:.3g} h"
    return f"{h / 24:,.1f} days" if h < 24 * 1000 else f"{h / 24:,.0f} days"


def fmt_year(y: float | None) -> str:
    """A decimal year to one decimal, or "never" for a year that never comes.

    Examples
    --------
    >>> fmt_year(2027.26), fmt_year(None)
    ('2027.3', 'never')
    """
    return "never" if y is None else f"{y:.1f}"
