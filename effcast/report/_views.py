"""Which table renders which kind of result: the report layer's views.

The result classes live below this layer and do not import it; each names
the kind of view it needs, and :func:`install_views` registers the renderer
of every kind with :func:`effcast.results._display.register_view`. The
package's ``__init__`` calls it once, on ``import effcast``. The renderers
(and rich) load on first use, so that importing effcast stays fast.
"""

from __future__ import annotations

import importlib
from typing import Any

from effcast.results._display import View, register_view

__all__ = ["VIEWS", "install_views"]

VIEWS: dict[str, tuple[str, str]] = {
    "summary": ("effcast.report._tables", "render_summary"),
    "sensitivity": ("effcast.report._tables", "render_sensitivity"),
    "forecast": ("effcast.report._forecast_tables", "render_forecast"),
    "crossing": ("effcast.report._forecast_tables", "render_crossing"),
    "sweep": ("effcast.report._forecast_tables", "render_sweep"),
}
"""Each kind of result, and the module and function that render its document."""


def _on_first_use(module: str, name: str) -> View:
    """``module.name``, imported when it first renders a document."""

    def render(document: Any) -> Any:
        return getattr(importlib.import_module(module), name)(document)

    return render


def install_views() -> None:
    """Register the renderer of every kind in :data:`VIEWS`."""
    for kind, (module, name) in VIEWS.items():
        register_view(kind, _on_first_use(module, name))
