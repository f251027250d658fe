"""pandas, the optional dependency every ``to_pandas`` needs.

pandas is an extra (``pip install "effcast[pandas]"``); :func:`need_pandas`
imports it on first use and says how to install it when it is missing.
"""

from __future__ import annotations

from typing import Any

from effcast._errors import EffcastError

__all__ = ["need_pandas"]


def need_pandas() -> Any:
    """The pandas module, or an :class:`EffcastError` saying how to get it."""
    try:
        import pandas
    except ImportError:
        raise EffcastError(
            'to_pandas needs pandas: pip install "effcast[pandas]"'
        ) from None
    return pandas
