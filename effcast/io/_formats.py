"""The one registry of output formats: what each kind of output can be saved as.

Every command's ``--out``/``--plot``/``-o`` check, its help text and the
writers read these tables, so a format is added in one place.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from effcast.io._atomic import atomic_write

__all__ = [
    "FIGURE_FORMATS",
    "OUTPUT_FORMATS",
    "SAMPLE_FORMATS",
    "TABLE_FORMATS",
    "describe_formats",
    "save_figure",
]

SAMPLE_FORMATS: dict[str, str] = {
    ".csv": "CSV",
    ".parquet": "Parquet",
    ".npz": "numpy .npz",
}
"""Samples (``--out``, :func:`effcast.write_samples`)."""

FIGURE_FORMATS: dict[str, str] = {".png": "PNG", ".svg": "SVG", ".pdf": "PDF"}
"""Figures (``--plot``, ``effcast plot -o``, :func:`effcast.plot`)."""

TABLE_FORMATS: dict[str, str] = {".csv": "CSV", ".json": "JSON"}
"""Tables of scenarios (``effcast sweep --out``)."""

OUTPUT_FORMATS: dict[str, dict[str, str]] = {
    "samples": SAMPLE_FORMATS,
    "figure": FIGURE_FORMATS,
    "table": TABLE_FORMATS,
}
"""Every kind of output and its formats, by extension."""


def describe_formats(kind: str) -> str:
    """The extensions of ``kind`` for a help text: ``".png, .svg or .pdf"``.

    Examples
    --------
    >>> describe_formats("figure")
    '.png, .svg or .pdf'
    """
    exts = list(OUTPUT_FORMATS[kind])
    return exts[0] if len(exts) == 1 else ", ".join(exts[:-1]) + " or " + exts[-1]


def save_figure(fig: Any, path: Path, dpi: float = 150) -> Path:
    """Save a matplotlib figure atomically, in the format its extension names."""
    ext = path.suffix.lower().lstrip(".")
    save: Callable[[Path], None] = lambda tmp: fig.savefig(  # noqa: E731
        tmp, format=ext, dpi=dpi
    )
    atomic_write(path, save)
    return path
