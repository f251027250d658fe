"""effcast: Monte Carlo forecasts of AI training-efficiency gains.

Write your beliefs about each efficiency factor (architecture, Mixture of
Experts, unpublished innovations, Chinchilla scaling, data quality, hardware
efficiency) in a TOML prior file; effcast samples them, multiplies them in the
file's order, and reports how much less hardware (GPU-hours) and compute
(FLOP) it now takes to train a model of a reference capability.

Examples
--------
>>> import effcast
>>> model = effcast.load("priors/gpt3_today.toml")
>>> res = model.sample(100_000, seed=1)
>>> summary = res.summary()
>>> sorted(summary["hardware"])
['annual_multiplier', 'mean_log10', 'oom_per_year', 'prob_exceeds', 'quantiles']

Beyond sampling: ``effcast.sensitivity(res)`` (variance shares and a
tornado), ``effcast.plot(res, "fig.png", kind)`` and
``effcast.plot_compare([...], "cmp.png")`` (figures),
``effcast.write_samples(res, "samples.parquet")`` and ``res.to_pandas()``.

The heavy modules (pydantic, numba, matplotlib) load on first use, so that
``effcast --help`` stays fast.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

from ._errors import EffcastError
from ._version import __version__

if TYPE_CHECKING:  # pragma: no cover
    from ._export import write_samples
    from ._fanplot import crossing_chart, fan_chart
    from ._forecast import Forecast, forecast
    from ._plots import compare_figure, figure, plot, plot_compare
    from ._results import Results
    from ._sampler import Model, load
    from ._sensitivity import sensitivity
    from ._streamed import StreamedResults
    from ._sweep import Sweep, sweep
    from ._threshold import Crossing, ReferenceRun, crossing

__all__ = [
    "Crossing",
    "EffcastError",
    "Forecast",
    "Model",
    "ReferenceRun",
    "Results",
    "StreamedResults",
    "Sweep",
    "__version__",
    "compare_figure",
    "crossing",
    "crossing_chart",
    "fan_chart",
    "figure",
    "forecast",
    "load",
    "plot",
    "plot_compare",
    "sensitivity",
    "sweep",
    "write_samples",
]

_LAZY = {
    "Model": "._sampler",
    "load": "._sampler",
    "Results": "._results",
    "sensitivity": "._sensitivity",
    "write_samples": "._export",
    "figure": "._plots",
    "plot": "._plots",
    "plot_compare": "._plots",
    "compare_figure": "._plots",
    "StreamedResults": "._streamed",
    "Forecast": "._forecast",
    "forecast": "._forecast",
    "Crossing": "._threshold",
    "ReferenceRun": "._threshold",
    "crossing": "._threshold",
    "Sweep": "._sweep",
    "sweep": "._sweep",
    "fan_chart": "._fanplot",
    "crossing_chart": "._fanplot",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        value = getattr(import_module(_LAZY[name], __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'effcast' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
