"""What-ifs that move a whole belief, and warnings about lopsided splits.

``--set NAME.shift_median=VALUE`` (``{"NAME.shift_median": VALUE}`` in
Python) multiplies every number that places factor ``NAME``'s belief by
the one ratio ``VALUE / median``: the interval's ends, the stated median,
``lower``/``upper``, ``mean``/``sd`` (``mu`` moves by its logarithm), each
mixture component alike. The factor's median becomes ``VALUE`` and its
shape in log space is kept: every quantile moves by the same ratio. A
constant simply takes the value; a scaling-law factor cannot be moved (pin
it instead: ``--set NAME.dist=constant``... see docs/prior-format.md).

A split (two-piece) belief whose scales below and above the median differ
by more than :data:`LOPSIDED_RATIO` is probably not what its author meant;
:func:`lopsided_warnings` names each such factor with its two scales, and an
override that moves only a median (``--set moe.median=1.5``, which keeps the
interval and so builds such a split) always gets one.

Medians here are computed with the standard library, exactly as
:mod:`effcast.families` samples them (a test checks the two agree); the
prior layer cannot import the families.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from statistics import NormalDist
from typing import Any

from pydantic import TypeAdapter, ValidationError

from effcast._errors import EffcastError, EffcastWarning
from effcast.prior._specs import FactorSpec

__all__ = [
    "LOPSIDED_RATIO",
    "PIN_KEY",
    "SHIFT_KEY",
    "belief_median",
    "lopsided_warnings",
    "pin_factor",
    "shift_belief",
    "split_scales",
]

SHIFT_KEY = "shift_median"
"""The override key that moves a factor's whole belief: ``NAME.shift_median``."""

PIN_KEY = "pin"
"""The override key that pins a factor at a value: ``NAME.pin=VALUE`` makes it
``dist = "constant"`` with that ``value``, keeping its name, label, group,
what it reduces, source, note and ``enabled``."""

_IDENTITY_KEYS = (
    "name",
    "label",
    "group",
    "reduces",
    "source",
    "notes",
    "note",
    "enabled",
    "forward",
)

LOPSIDED_RATIO = 3.0
"""Scales below and above a split belief's median further apart than this
(larger over smaller) earn a warning."""

_N = NormalDist()
_FACTOR = TypeAdapter(FactorSpec)


def _level(belief: Any, default: float | None) -> float | None:
    return belief.level if belief.level is not None else default


def _place(
    belief: Any, default_level: float | None
) -> tuple[bool, float, float, float]:
    """(log?, loc, s_lo, s_hi) of a lognormal or truncnormal belief."""
    log = belief.dist == "lognormal"
    t = math.log if log else float
    if belief.ci is not None:
        level = _level(belief, default_level)
        if level is None:
            raise ValueError("no level for ci")
        z = _N.inv_cdf(0.5 + level / 2)
        lo, hi = t(belief.ci[0]), t(belief.ci[1])
        m = 0.5 * (lo + hi) if belief.median is None else t(belief.median)
        return log, m, (m - lo) / z, (hi - m) / z
    if log:
        return True, belief.mu, belief.sigma, belief.sigma
    return False, belief.mean, belief.sd, belief.sd


def split_scales(belief: Any, default_level: float | None) -> tuple[float, float]:
    """The scales below and above a belief's centre (log units for lognormal).

    Examples
    --------
    >>> from effcast.prior._specs import LognormalSpec
    >>> spec = LognormalSpec(name="moe", reduces="compute", dist="lognormal",
    ...                      ci=[1.25, 5.0], level=0.9, median=1.5)
    >>> [round(s, 3) for s in split_scales(spec, None)]
    [0.111, 0.732]
    """
    _, _, s_lo, s_hi = _place(belief, default_level)
    return s_lo, s_hi


def _z(log: bool, loc: float, s_lo: float, s_hi: float, x: float | None) -> float:
    if x is None:
        return math.nan
    if log:
        if x <= 0:
            return -math.inf
        x = math.log(x)
    d = x - loc
    return d / (s_lo if d < 0 else s_hi)


def _component(belief: Any, default_level: float | None):
    """(cdf, ppf) of one truncated split-normal belief, before any floor."""
    log, loc, s_lo, s_hi = _place(belief, default_level)
    a = _z(log, loc, s_lo, s_hi, belief.lower)
    b = _z(log, loc, s_lo, s_hi, belief.upper)
    a = -math.inf if math.isnan(a) else a
    b = math.inf if math.isnan(b) else b
    upper_tail = a > 0  # work where Phi keeps its precision
    pa = _N.cdf(-a) if upper_tail else _N.cdf(a)
    pb = _N.cdf(-b) if upper_tail else _N.cdf(b)

    def value(z: float) -> float:
        y = loc + (s_lo if z < 0 else s_hi) * z
        return math.exp(y) if log else y

    def ppf(p: float) -> float:
        if upper_tail:
            return value(-_N.inv_cdf(pa - p * (pa - pb)))
        return value(_N.inv_cdf(pa + p * (pb - pa)))

    def cdf(x: float) -> float:
        z = min(max(_z(log, loc, s_lo, s_hi, x), a), b)
        if upper_tail:
            return (pa - _N.cdf(-z)) / (pa - pb)
        return (_N.cdf(z) - pa) / (pb - pa)

    return cdf, ppf


def belief_median(spec: Any, default_level: float | None) -> float:
    """The median of a factor's belief after truncation, before its floor.

    Raises
    ------
    ValueError
        For a scaling-law factor (its median comes from sampling).
    """
    if spec.dist == "constant":
        return float(spec.value)
    if spec.dist in ("lognormal", "truncnormal"):
        return _component(spec, default_level)[1](0.5)
    if spec.dist != "mixture":
        raise ValueError(spec.dist)
    total = sum(c.weight for c in spec.components)
    parts = [(c.weight / total, *_component(c, default_level)) for c in spec.components]
    parts = [p for p in parts if p[0] > 0]
    lo = min(ppf(1e-9) for _, _, ppf in parts)
    hi = max(ppf(1 - 1e-9) for _, _, ppf in parts)
    geometric = lo > 0
    for _ in range(200):
        mid = math.sqrt(lo * hi) if geometric else 0.5 * (lo + hi)
        if not lo < mid < hi:
            break
        if sum(w * cdf(mid) for w, cdf, _ in parts) < 0.5:
            lo = mid
        else:
            hi = mid
    return math.sqrt(lo * hi) if geometric else 0.5 * (lo + hi)


def _scale_belief(b: dict[str, Any], k: float) -> None:
    """Multiply, in place, every number that places one belief by ``k``."""
    for key in ("median", "lower", "upper", "mean", "sd"):
        if isinstance(b.get(key), int | float) and not isinstance(b[key], bool):
            b[key] = b[key] * k
    if isinstance(b.get("ci"), list | tuple):
        b["ci"] = [v * k for v in b["ci"]]
    if isinstance(b.get("mu"), int | float) and not isinstance(b["mu"], bool):
        b["mu"] = b["mu"] + math.log(k)


def shift_belief(
    factor: dict[str, Any], target: Any, defaults: dict[str, Any], where: str
) -> None:
    """Move ``factor``'s whole belief (in place) so that its median is ``target``.

    ``where`` names the override in messages (``--set moe.shift_median=1.5``).

    Raises
    ------
    EffcastError
        If ``target`` is not a positive number, the factor is not valid as it
        stands, it is a scaling-law factor, or its floor would hold the
        median above ``target``.
    """
    name = factor.get("name")
    if isinstance(target, bool) or not isinstance(target, int | float):
        raise EffcastError(
            f"{where}: the new median must be a number, got {target!r}",
            factor=name,
            field=SHIFT_KEY,
        )
    if not (math.isfinite(target) and target > 0):
        raise EffcastError(
            f"{where}: the new median must be a positive number, got {target!r}",
            factor=name,
            field=SHIFT_KEY,
        )
    try:
        spec: Any = _FACTOR.validate_python(factor)
    except ValidationError:
        raise EffcastError(
            f"{where}: factor {name!r} must be valid before its belief can be "
            "moved; fix (or --set) its other keys first",
            factor=name,
            field=SHIFT_KEY,
        ) from None
    if spec.dist == "chinchilla":
        raise EffcastError(
            f"{where}: {name!r} is derived from a scaling law (dist = "
            '"chinchilla") and has no belief to move; pin it instead '
            f"(--set {name}.{PIN_KEY}=VALUE) or switch it off "
            f"(--set {name}.enabled=false)",
            factor=name,
            field=SHIFT_KEY,
        )
    if spec.dist == "constant":
        factor["value"] = float(target)
        return
    level = defaults.get("level") if isinstance(defaults, dict) else None
    k = float(target) / belief_median(spec, level)
    beliefs = factor["components"] if spec.dist == "mixture" else [factor]
    for b in beliefs:
        _scale_belief(b, k)
    floor = spec.floor if spec.floor is not None else defaults.get("floor")
    if (
        isinstance(floor, int | float)
        and not isinstance(floor, bool)
        and floor > target
    ):
        raise EffcastError(
            f"{where}: the factor's floor ({floor:g}) is above the new median, "
            f"which would stay at {floor:g}; lower the floor or choose a median "
            f"of at least {floor:g}",
            factor=name,
            field=SHIFT_KEY,
        )


def pin_factor(factor: dict[str, Any], value: Any) -> None:
    """Make ``factor`` (in place) a constant at ``value``, keeping its identity.

    The value is checked by the schema afterwards, like any other.

    Examples
    --------
    >>> f = {"name": "moe", "reduces": "compute", "dist": "lognormal",
    ...      "ci": [1.25, 5.0], "level": 0.9, "floor": 1.0}
    >>> pin_factor(f, 2.0)
    >>> f
    {'name': 'moe', 'reduces': 'compute', 'dist': 'constant', 'value': 2.0}
    """
    keep = {k: factor[k] for k in _IDENTITY_KEYS if k in factor}
    factor.clear()
    factor.update(keep)
    factor["dist"] = "constant"
    factor["value"] = value


def _fmt_scales(s_lo: float, s_hi: float, log: bool) -> str:
    unit = " (natural-log units)" if log else ""
    return f"{s_lo:.3g} below the median and {s_hi:.3g} above it{unit}"


def lopsided_warnings(
    prior: Any, changes: Sequence[tuple[str, Any]] = ()
) -> list[tuple[str, type[Warning]]]:
    """Warnings for median-only overrides and strongly lopsided splits.

    Returns ``(message, EffcastWarning)`` pairs; the caller issues them.
    """
    out: list[tuple[str, type[Warning]]] = []
    level = prior.defaults.level
    paths = {p for p, _ in changes}
    warned = set()
    for path, value in changes:
        parts = path.split(".")
        if len(parts) != 2 or parts[1] != "median" or f"{parts[0]}.ci" in paths:
            continue
        for f in prior.factor:
            if f.name == parts[0] and f.dist in ("lognormal", "truncnormal"):
                if f.ci is None:
                    continue
                s_lo, s_hi = split_scales(f, level)
                out.append(
                    (
                        f"factor '{f.name}': --set {path}={value} moves only the "
                        f"median and keeps the interval [{f.ci[0]:g}, {f.ci[1]:g}], "
                        f"so the split's scales are "
                        f"{_fmt_scales(s_lo, s_hi, f.dist == 'lognormal')}; to move "
                        f"the whole belief, use --set {f.name}.{SHIFT_KEY}={value}",
                        EffcastWarning,
                    )
                )
                warned.add(f.name)
    for f in prior.factor:
        if f.name in warned or not getattr(f, "enabled", True):
            continue
        beliefs = list(f.components) if f.dist == "mixture" else [f]
        for i, b in enumerate(beliefs):
            if b.dist not in ("lognormal", "truncnormal") or b.ci is None:
                continue
            s_lo, s_hi = split_scales(b, level)
            ratio = max(s_lo, s_hi) / min(s_lo, s_hi)
            if ratio > LOPSIDED_RATIO:
                what = f"component {i}" if b is not f else "its split"
                out.append(
                    (
                        f"factor '{f.name}': {what} is lopsided: scales "
                        f"{_fmt_scales(s_lo, s_hi, b.dist == 'lognormal')}, "
                        f"{ratio:.1f} times apart (more than {LOPSIDED_RATIO:g}); "
                        "check the median against the interval",
                        EffcastWarning,
                    )
                )
    return out
