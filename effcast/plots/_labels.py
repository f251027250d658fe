"""What figures write beside the data: labels, headings, provenance metadata.

Figures name factors by the prior's ``label`` (falling back to the name
with spaces), wrap text between words only, print the run's provenance
(overrides, switched-off factors) under the title so that a what-if figure
cannot pass for the baseline's, and store the full provenance in the saved
file's metadata (PNG text chunks, SVG and PDF document metadata).
"""

from __future__ import annotations

import json
import textwrap
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from effcast._version import __version__
from effcast.io._formats import save_figure
from effcast.plots._style import DPI

__all__ = [
    "factor_label",
    "heading",
    "percent_axis",
    "save_with_provenance",
    "wrap_words",
]


def percent_axis(ax: Any) -> None:
    """Label a probability axis (0 to 1) in percent: ``0.25 -> '25%'``."""
    from matplotlib.ticker import PercentFormatter

    ax.yaxis.set_major_formatter(PercentFormatter(xmax=1.0, decimals=0))


def wrap_words(text: str, width: int) -> str:
    """``text`` on lines of at most ``width`` characters, broken between words.

    A word longer than ``width`` keeps its own line rather than being cut.

    Examples
    --------
    >>> print(wrap_words("architecture search", 11))
    architecture
    search
    """
    lines = textwrap.wrap(
        text, max(1, width), break_long_words=False, break_on_hyphens=False
    )
    return "\n".join(lines) or text


def factor_label(res: Any, name: str) -> str:
    """The prior's ``label`` for factor ``name``, or the name with spaces.

    Examples
    --------
    >>> import effcast
    >>> res = effcast.load("gpt3_today").sample(100, seed=1)
    >>> factor_label(res, "moe")
    'Mixture of Experts'
    """
    prior = getattr(res, "prior", None)
    if prior is not None:
        for f in prior.factor:
            if f.name == name and f.label:
                return str(f.label)
    return name.replace("_", " ")


def _what_if(res: Any) -> list[str]:
    prov = getattr(res, "provenance", None)
    if prov is None:
        return []
    out = []
    if prov.overrides:
        out.append("WHAT-IF: " + "; ".join(prov.overrides))
    if prov.disabled:
        out.append("switched off: " + ", ".join(prov.disabled))
    return out


def heading(res: Any, fig: Any, title: str | None = None) -> str:
    """The run's title, size and seed, and any what-if, wrapped to fit ``fig``."""
    head = title or res.title or res.source
    text = f"{head}  ({res.n:,} samples, seed {res.seed})"
    # About 11 characters of 11-point text per inch of figure width.
    width = max(30, int(fig.get_figwidth() * 11))
    lines = [wrap_words(text, width)] + [wrap_words(t, width) for t in _what_if(res)]
    return "\n".join(lines)


def _metadata(ext: str, runs: Sequence[Any], title: str) -> dict[str, str]:
    """The provenance of ``runs`` as the metadata keys ``ext``'s writer takes."""
    from effcast.io._samples import provenance_metadata

    docs = [provenance_metadata(r) for r in runs]
    desc = json.dumps(docs[0] if len(docs) == 1 else docs)
    creator = f"effcast {__version__}"
    if ext == "png":
        return {"Title": title, "Description": desc, "Software": creator}
    if ext == "svg":
        return {"Title": title, "Description": desc, "Creator": creator}
    if ext == "pdf":
        return {"Title": title, "Subject": desc, "Creator": creator}
    return {}


def save_with_provenance(
    fig: Any,
    path: Path,
    runs: Sequence[Any],
    dpi: float = DPI,
    *,
    force: bool = False,
) -> Path:
    """Save ``fig`` atomically, with the provenance of ``runs`` in its metadata.

    PNG: text chunks ``Title``, ``Description`` (the JSON of
    :func:`effcast.io._samples.provenance_metadata`) and ``Software``; SVG:
    ``Title``, ``Description`` and ``Creator``; PDF: ``Title``, ``Subject``
    (the JSON) and ``Creator``. An existing file is replaced only with
    ``force``.
    """
    ext = path.suffix.lower().lstrip(".")
    title = " | ".join(str(getattr(r, "title", "") or r.source) for r in runs)
    metadata = _metadata(ext, runs, title)
    return save_figure(fig, path, dpi, metadata=metadata, force=force)
