"""Matplotlib figures as inline SVG text, for a page that makes no requests."""

from __future__ import annotations

import io
import re
from typing import Any

__all__ = ["svg_text"]

_METADATA = re.compile(r"\s*<metadata>.*?</metadata>", re.S)
_SIZE = re.compile(r'<svg([^>]*?)\swidth="[^"]*"\sheight="[^"]*"')


def svg_text(fig: Any, label: str = "") -> str:
    """The figure as an ``<svg>`` element that scales to its container.

    Text stays text (``svg.fonttype = "none"``), which keeps the file small
    and selectable; ids are salted with ``label`` so that several figures in
    one page cannot clash. The figure is closed.
    """
    import matplotlib
    import matplotlib.pyplot as plt

    buf = io.StringIO()
    rc: dict[str, Any] = {"svg.fonttype": "none", "svg.hashsalt": label or "effcast"}
    try:
        with matplotlib.rc_context(rc):  # type: ignore[arg-type]
            fig.savefig(buf, format="svg", metadata={"Date": None})
    finally:
        plt.close(fig)
    text = buf.getvalue()
    text = text[text.index("<svg") :]
    text = _METADATA.sub("", text, count=1)
    text = _SIZE.sub(r'<svg\1 role="img"', text, count=1)
    if label:
        text = text.replace("<svg", f'<svg aria-label="{label}"', 1)
    return text
