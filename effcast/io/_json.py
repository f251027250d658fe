"""Strict JSON for effcast's documents: no ``Infinity`` or ``NaN``.

Standard JSON has neither; a degenerate prior can produce them (a product
that overflows, a quantile of an empty tail), and ``null`` keeps every
document effcast writes parseable by strict readers.
"""

from __future__ import annotations

import json
import math
from typing import Any

__all__ = ["finite", "to_json"]


def finite(obj: Any) -> Any:
    """``obj`` with every non-finite float replaced by ``None``.

    Examples
    --------
    >>> finite({"a": [1.0, float("inf")], "b": float("nan")})
    {'a': [1.0, None], 'b': None}
    """
    if isinstance(obj, float):
        return obj if math.isfinite(obj) else None
    if isinstance(obj, dict):
        return {k: finite(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [finite(v) for v in obj]
    return obj


def to_json(doc: Any, indent: int | None = 2) -> str:
    """The document as strict JSON (non-finite numbers become ``null``)."""
    return json.dumps(finite(doc), indent=indent, allow_nan=False)
