"""``effcast.forecast``: sample a model and carry its gains past the period.

Checks every forward setting first (the prior's ``[forecast]`` table, the
arguments, each factor's own view), samples the model once, and hands the
samples to :class:`~effcast.analysis._forecast.Forecast`, which projects
them year by year.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from effcast._errors import EffcastError
from effcast.analysis._defaults import SAMPLES
from effcast.analysis._forecast import Forecast
from effcast.analysis._forecast_settings import (
    period_start,
    resolve_settings,
)
from effcast.engine._blocks import SeedLike
from effcast.results._in_memory import Results
from effcast.results._model import Model

__all__ = ["forecast"]


def forecast(
    model: Model,
    to: float | None = None,
    *,
    n: int = SAMPLES,
    seed: SeedLike = None,
    step: float | None = None,
    rate: float | str | Mapping[str, Any] | None = None,
    acceleration: float | None = None,
    cap: float | None = None,
    threads: int | None = None,
    results: Results | None = None,
    views: bool = True,
    factors: bool = True,
) -> Forecast:
    """Project a prior's efficiency gains forward, sample by sample.

    Parameters
    ----------
    model : Model
        The prior to sample.
    to : float, optional
        The last year (decimal, as in ``[period]``) of the default table; must
        come after the prior's period end. Default: ``[forecast] to``, else
        ten years after the period end, rounded up.
    n : int
        Samples to draw.
    seed : int, numpy.random.Generator or None
        Seed for the samples and for the forward rate prior.
    step : float, optional
        Years between rows of the default table (default: ``[forecast]``'s,
        else 1).
    rate : str, mapping or "historical", optional
        The forward rate of the compute reduction of the factors without a
        forward view of their own, with units: ``"2.3x"`` (times per year),
        ``"0.36oom"`` (OOM per year) or ``"8mo"`` (halving time); the same
        for every sample, or a distribution written like a factor whose
        median and interval carry units (``{"median": "2.8x", "ci": ["1.6x",
        "5x"], "level": 0.8}``; lognormal in OOM per year). A bare number is
        refused. ``"historical"``: each sample keeps its own historical rate.
        Default: the prior's ``[forecast]`` rate, else historical.
    acceleration : float, optional
        The forward rate is multiplied by this every year (1: constant, 1.2:
        20% faster each year, 0.8: slowing down). Default: ``[forecast]``'s,
        else 1.
    cap : float, optional
        A soft cap on the further gain after the period end, in OOM: the gain
        ``v`` becomes ``cap * (1 - exp(-v / cap))``. Default: ``[forecast]``'s,
        else none.
    threads : int, optional
        Threads for sampling.
    results : Results, optional
        Samples already drawn from ``model``, to extend instead of drawing
        ``n`` new ones (``n`` is then ignored; ``seed`` still seeds a forward
        rate prior). They must keep each factor when any factor has a view.
    views : bool
        Follow each factor's own ``[factor.forward]`` view (default). With
        ``False`` every factor follows the prior-wide settings.
    factors : bool
        Keep each factor's samples (needed for per-factor projections and
        for views; ``False`` saves memory for a prior without views).

    Returns
    -------
    Forecast

    Raises
    ------
    EffcastError
        If ``to`` is not after the period end, ``acceleration``, ``cap`` or
        ``step`` is not positive, or the rate prior is invalid. These checks
        come before any sampling.

    Examples
    --------
    >>> import effcast
    >>> model = effcast.load("gpt3_today")
    >>> fc = effcast.forecast(model, to=2030, n=100_000, seed=1)
    >>> fc.years.tolist()[:3]
    [2024.1, 2025.0, 2026.0]
    >>> bool(fc.quantiles("compute", 2030, 0.5) > fc.quantiles("compute", 2026, 0.5))
    True
    """
    if not isinstance(model, Model):
        raise EffcastError(
            f"forecast needs a Model (effcast.load(...)), got {type(model).__name__}",
            field="model",
        )
    if results is not None and not isinstance(results, Results):
        raise EffcastError(
            f"results must be a Results (model.sample(...)), got "
            f"{type(results).__name__}",
            field="results",
        )
    settings = resolve_settings(
        model,
        to=to,
        step=step,
        rate=rate,
        acceleration=acceleration,
        cap=cap,
        views=views,
    )
    if results is None:
        results = model.sample(n, seed=seed, factors=factors, threads=threads)
        seed = results.seed
    elif results.years != model.years or results.source != model.source:
        raise EffcastError("these results were not drawn from this model")
    return Forecast(results, period_start(model), seed=seed, **settings)
