"""What every text report is made of the same way: its title, the
provenance lines under it, and tables titled on the left.

The provenance is the prior's hash, the effcast version, the overrides and
the switched-off factors of a run (see :mod:`effcast.prior._provenance`), so
that a what-if report never reads like the baseline's.
"""

from __future__ import annotations

from collections.abc import Iterable

from rich.console import JustifyMethod
from rich.table import Table
from rich.text import Text

__all__ = ["append_provenance", "title_head", "titled_table"]


def title_head(doc: dict) -> Text:
    """A report's head: the document's title (or its prior's name), in bold.

    Its lines are records (the run, a factor's forward view, the hash):
    they are not wrapped at word breaks but folded only where a terminal is
    too narrow, and through a pipe (:func:`report_console`) each stays one
    line, for grep.
    """
    head = Text(no_wrap=True, overflow="fold")
    head.append(doc.get("title") or doc["prior"], style="bold")
    return head


def titled_table(
    title: str, columns: Iterable[tuple[str, JustifyMethod]] = ()
) -> Table:
    """A report's table: ``title`` on the left, no outer edge, and a column
    for each ``(heading, justify)`` of ``columns`` (more may follow)."""
    table = Table(title=title, title_justify="left", show_edge=False)
    for heading, justify in columns:
        table.add_column(heading, justify=justify)
    return table


def append_provenance(head: Text, doc: dict) -> Text:
    """Add the hash, version, overrides and switched-off factors to ``head``.

    Examples
    --------
    >>> doc = {"prior_sha256": "ab" * 32, "effcast_version": "1.0",
    ...        "overrides": ["moe.median=1.5"], "disabled": []}
    >>> print(append_provenance(Text("t"), doc).plain)
    t
    prior sha256 abababababab | effcast 1.0
    WHAT-IF (not the prior as written): --set moe.median=1.5
    """
    sha = doc.get("prior_sha256")
    if sha:
        head.append(f"\nprior sha256 {sha[:12]}")
        version = doc.get("effcast_version")
        if version:
            head.append(f" | effcast {version}")
    overrides = doc.get("overrides") or []
    if overrides:
        head.append("\nWHAT-IF (not the prior as written): ", style="bold yellow")
        head.append(" ".join(f"--set {o}" for o in overrides), style="yellow")
    disabled = doc.get("disabled") or []
    if disabled:
        head.append("\nswitched off: " + ", ".join(disabled), style="bold yellow")
        head.append(" (left out of every product, table and figure)")
    return head
