"""Text safe for a terminal: control characters shown as ``?``.

Text that came from a prior (titles, labels, names) reaches the terminal
through :func:`clean_text`, so it cannot move the cursor, change colours or
retitle the window.
"""

from __future__ import annotations

import re

__all__ = ["CONTROL", "clean_text"]

# C0 controls (but tab and newline), DEL and C1 controls: what makes a terminal
# move the cursor, change colours or retitle the window.
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
"""The characters :func:`clean_text` replaces (and a prior may not hold)."""


def clean_text(text: str) -> str:
    """``text`` with terminal control characters shown as ``?``.

    Examples
    --------
    >>> clean_text("GPT-3\\x1b]0;owned\\x07 today")
    'GPT-3?]0;owned? today'
    """
    return CONTROL.sub("?", str(text))
