"""effcast: Monte Carlo forecasts of AI training-efficiency gains.

Write your beliefs about each efficiency factor (architecture, Mixture of
Experts, unpublished innovations, Chinchilla scaling, data quality, hardware
efficiency) in a TOML prior file; effcast samples them, multiplies them in the
file's order, and reports how much less hardware (GPU-hours) and compute
(FLOP) it now takes to train a model of a reference capability.

Examples
--------
>>> import effcast
>>> model = effcast.load("gpt3_today")
>>> res = model.sample(100_000, seed=1)
>>> summary = res.summary()
>>> sorted(summary["hardware"])
['annual_multiplier', 'mean_log10', 'oom_per_year', 'prob_exceeds', 'quantiles', 'se']

Beyond sampling: ``effcast.sensitivity(res)`` (variance shares and a
tornado), ``effcast.plot(res, "fig.png", kind)`` and
``effcast.plot_compare([...], "cmp.png")`` (figures),
``effcast.write_samples(res, "samples.parquet")`` and ``res.to_pandas()``,
``effcast.html_report("gpt3_today", "report.html")`` (one self-contained
page) and ``effcast.summary_html(res.summary())`` (its tables, for notebooks).

The heavy modules (pydantic, numba, matplotlib) load on first use, so that
``effcast --help`` stays fast.
"""

from __future__ import annotations

import importlib as _importlib
import typing as _typing

from effcast._errors import EffcastError, EffcastWarning
from effcast._version import __version__
from effcast.report._views import install_views as _install_views

# The result classes name the view that shows them; the report layer, above
# them, supplies the views (loading rich and the tables on first use).
_install_views()

if _typing.TYPE_CHECKING:  # pragma: no cover
    from effcast.analysis._describe import describe
    from effcast.analysis._forecast import Forecast
    from effcast.analysis._forward_sensitivity import (
        crossing_sensitivity,
        forecast_sensitivity,
    )
    from effcast.analysis._project import forecast
    from effcast.analysis._question import Question
    from effcast.analysis._sensitivity import Sensitivity, sensitivity
    from effcast.analysis._sweep import Sweep, sweep
    from effcast.analysis._threshold import Crossing, ReferenceRun, crossing
    from effcast.families._base import FactorDistribution
    from effcast.io._samples import write_samples
    from effcast.plots._figures import compare_figure, figure, plot, plot_compare
    from effcast.plots._forecast_figures import crossing_chart, fan_chart
    from effcast.plots._forward_figures import forward_tornado
    from effcast.prior._schema import Prior
    from effcast.prior._shipped import shipped_priors
    from effcast.report._html_tables import summary_html
    from effcast.report._progress import ProgressBar
    from effcast.results._evidence_summary import EvidenceWarning
    from effcast.results._in_memory import Results
    from effcast.results._model import Model, load
    from effcast.results._streamed import StreamedResults
    from effcast.web._report import html_report

__all__ = [
    "Crossing",
    "EffcastError",
    "EffcastWarning",
    "EvidenceWarning",
    "FactorDistribution",
    "Forecast",
    "Model",
    "Prior",
    "ProgressBar",
    "Question",
    "ReferenceRun",
    "Results",
    "Sensitivity",
    "StreamedResults",
    "Sweep",
    "__version__",
    "compare_figure",
    "crossing",
    "crossing_chart",
    "describe",
    "crossing_sensitivity",
    "fan_chart",
    "figure",
    "forecast",
    "forecast_sensitivity",
    "forward_tornado",
    "html_report",
    "load",
    "plot",
    "plot_compare",
    "sensitivity",
    "shipped_priors",
    "summary_html",
    "sweep",
    "write_samples",
]

_LAZY = {
    "Model": "effcast.results._model",
    "load": "effcast.results._model",
    "Results": "effcast.results._in_memory",
    "sensitivity": "effcast.analysis._sensitivity",
    "describe": "effcast.analysis._describe",
    "Sensitivity": "effcast.analysis._sensitivity",
    "shipped_priors": "effcast.prior._shipped",
    "Prior": "effcast.prior._schema",
    "FactorDistribution": "effcast.families._base",
    "ProgressBar": "effcast.report._progress",
    "write_samples": "effcast.io._samples",
    "figure": "effcast.plots._figures",
    "plot": "effcast.plots._figures",
    "plot_compare": "effcast.plots._figures",
    "compare_figure": "effcast.plots._figures",
    "StreamedResults": "effcast.results._streamed",
    "EvidenceWarning": "effcast.results._evidence_summary",
    "Forecast": "effcast.analysis._forecast",
    "forecast": "effcast.analysis._project",
    "Crossing": "effcast.analysis._threshold",
    "ReferenceRun": "effcast.analysis._threshold",
    "Question": "effcast.analysis._question",
    "crossing": "effcast.analysis._threshold",
    "Sweep": "effcast.analysis._sweep",
    "sweep": "effcast.analysis._sweep",
    "fan_chart": "effcast.plots._forecast_figures",
    "crossing_chart": "effcast.plots._forecast_figures",
    "forecast_sensitivity": "effcast.analysis._forward_sensitivity",
    "crossing_sensitivity": "effcast.analysis._forward_sensitivity",
    "forward_tornado": "effcast.plots._forward_figures",
    "html_report": "effcast.web._report",
    "summary_html": "effcast.report._html_tables",
}


def __getattr__(name: str) -> _typing.Any:
    if name in _LAZY:
        value = getattr(_importlib.import_module(_LAZY[name], __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'effcast' has no attribute {name!r}")


def __dir__() -> list[str]:
    """The public API only (``__all__``), not the helpers this module uses."""
    return sorted(__all__)
