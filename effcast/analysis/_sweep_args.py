"""What a sweep is asked: grids, explicit scenarios, a crossing question.

Turns the ways a sweep can be described (``{"moe.median": [1.5, 2.5]}``,
``["moe.median=1.5,2.5"]``, a list of scenario mappings) into one list of
scenarios, each a list of ``(path, value)`` overrides, refusing a grid whose
shape holds more than :data:`~effcast.analysis._defaults.MAX_SCENARIOS`
before any scenario is built; and checks the crossing question and the Dask
timeout. :func:`effcast.sweep` runs what this module describes.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from effcast._errors import EffcastError
from effcast.analysis._defaults import MAX_SCENARIOS
from effcast.analysis._question import check_keys
from effcast.prior._overrides import normalise_overrides, parse_value

__all__ = [
    "describe_scenario",
    "parse_grid",
    "question_of",
    "scenarios_of",
    "split_values",
    "timeout_of",
]


def split_values(text: str) -> list[str]:
    """Split ``"1.5,2.5,[1, 4]"`` at the commas outside brackets and quotes.

    Examples
    --------
    >>> split_values('1.5, 2.5,[1, 4],"a,b"')
    ['1.5', '2.5', '[1, 4]', '"a,b"']
    """
    items: list[str] = []
    current: list[str] = []
    depth, quote = 0, ""
    for ch in text:
        if quote:
            if ch == quote:
                quote = ""
        elif ch in "\"'":
            quote = ch
        elif ch in "[{":
            depth += 1
        elif ch in "]}":
            depth -= 1
        elif ch == "," and depth == 0:
            items.append("".join(current).strip())
            current = []
            continue
        current.append(ch)
    items.append("".join(current).strip())
    return items


def parse_grid(text: str) -> tuple[str, list[Any]]:
    """``"moe.median=1.5,2.5,4"`` -> ``("moe.median", [1.5, 2.5, 4])``.

    Each value is read like a ``--set`` value (as TOML, else a bare string).

    Raises
    ------
    EffcastError
        If there is no ``=``, the path is empty, or a value is empty.

    Examples
    --------
    >>> parse_grid("period.end=2024,2025")
    ('period.end', [2024, 2025])
    >>> parse_grid("moe.ci=[1.25, 5],[1.5, 6]")
    ('moe.ci', [[1.25, 5], [1.5, 6]])
    """
    path, sep, rest = str(text).partition("=")
    path = path.strip()
    if not sep or not path or any(not p for p in path.split(".")):
        raise EffcastError(
            f"--grid {text!r}: expected NAME.KEY=V1,V2,..., for example "
            "moe.median=1.5,2.5,4",
            field="grid",
        )
    raw = split_values(rest)
    if any(not item for item in raw):
        raise EffcastError(
            f"--grid {text!r}: empty value (values are separated by commas)",
            field="grid",
        )
    return path, [parse_value(item) for item in raw]


def scenarios_of(
    grid: Mapping[str, Sequence[Any]] | Sequence[str] | None,
    scenarios: Sequence[Mapping[str, Any]] | None,
) -> tuple[list[str], list[list[tuple[str, Any]]]]:
    if grid is not None and scenarios is not None:
        raise EffcastError("give a grid or a list of scenarios, not both")
    if scenarios is not None:
        if isinstance(scenarios, str | bytes | Mapping):
            raise EffcastError(
                "scenarios must be a list of mappings of overrides",
                field="scenarios",
            )
        scenarios = list(scenarios)
        if len(scenarios) > MAX_SCENARIOS:
            raise EffcastError(
                f"{len(scenarios):,} scenarios; a sweep may hold at most "
                f"{MAX_SCENARIOS:,}",
                field="scenarios",
            )
        if not all(isinstance(x, Mapping) for x in scenarios):
            raise EffcastError(
                "each scenario must be a mapping of overrides such as "
                '{"moe.median": 2}',
                field="scenarios",
            )
        out = [normalise_overrides(dict(s)) for s in scenarios]
        paths: list[str] = []
        for s in out:
            for p, _ in s:
                if p not in paths:
                    paths.append(p)
        if not out:
            raise EffcastError("the list of scenarios is empty", field="grid")
        return paths, out
    if grid is None:
        return [], [[]]
    if isinstance(grid, Mapping):
        items = [(str(k), _values(k, v)) for k, v in grid.items()]
    elif isinstance(grid, str):
        items = [parse_grid(grid)]
    elif not isinstance(grid, Sequence):
        raise EffcastError(
            f"grid must be a mapping of paths to values or a list of "
            f"'PATH=V1,V2' strings, got {grid!r}",
            field="grid",
        )
    else:
        items = [parse_grid(g) for g in grid]
    paths = [p for p, _ in items]
    if len(set(paths)) != len(paths):
        dup = next(p for p in paths if paths.count(p) > 1)
        raise EffcastError(f"--grid {dup} is given twice", field="grid")
    for p, values in items:
        if not values:
            raise EffcastError(f"--grid {p}: no values", field="grid")
    size = math.prod(len(v) for _, v in items)
    if size > MAX_SCENARIOS:
        shape = " x ".join(f"{len(v)} ({p})" for p, v in items)
        raise EffcastError(
            f"the grid holds {size:,} scenarios ({shape}); a sweep may hold at "
            f"most {MAX_SCENARIOS:,}: use fewer values or split it",
            field="grid",
        )
    combos = itertools.product(*[v for _, v in items])
    return paths, [list(zip(paths, c, strict=True)) for c in combos]


def _values(path: Any, values: Any) -> list[Any]:
    if isinstance(values, str | bytes | Mapping) or not hasattr(values, "__iter__"):
        raise EffcastError(
            f"grid {path}: expected a list of values, got {values!r}", field="grid"
        )
    return list(values)


def timeout_of(timeout: Any) -> float:
    try:
        value = float(timeout)
    except (TypeError, ValueError):
        raise EffcastError(
            f"timeout must be a number of seconds, got {timeout!r}", field="timeout"
        ) from None
    if isinstance(timeout, bool) or not value > 0 or not math.isfinite(value):
        raise EffcastError(
            f"timeout must be a positive number of seconds, got {timeout!r}",
            field="timeout",
        )
    return value


def describe_scenario(scenario: list[tuple[str, Any]]) -> str:
    return ", ".join(f"{p}={v!r}" for p, v in scenario) or "no overrides"


def question_of(question: Mapping[str, Any] | None) -> dict[str, Any]:
    """The crossing question as plain data, with thresholds as a list."""
    if question is not None and not isinstance(question, Mapping):
        raise EffcastError(
            f"question must be a mapping of effcast.crossing's arguments, got "
            f"{question!r}",
            field="question",
        )
    out = dict(question or {})
    check_keys(out)
    thresholds = out.get("thresholds", [])
    out["thresholds"] = [thresholds] if np.ndim(thresholds) == 0 else list(thresholds)
    return out
