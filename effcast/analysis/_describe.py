"""What a prior says, read without sampling it: ``effcast describe``.

For each factor the quantiles its family implies (from the family's exact
``ppf``; a scaling-law factor with uncertain exponents answers from its own
fixed reference draws), the chance that the floor raises it, and its
median as a rate per year; the switched-off factors; the correlations; the
forward view (the ``[forecast]`` settings resolved as ``effcast forecast``
would use them today); and every warning the prior earns.
"""

from __future__ import annotations

import math
import warnings
from typing import Any

from effcast._errors import EffcastError, EffcastWarning
from effcast.analysis._forecast_settings import period_start, resolve_settings
from effcast.prior._provenance import provenance_fields
from effcast.prior._whatif import lopsided_warnings
from effcast.results._model import Model

__all__ = ["DESCRIBE_QUANTILES", "describe"]

DESCRIBE_QUANTILES = (0.05, 0.1, 0.5, 0.9, 0.95)
"""The quantiles ``describe`` gives for each factor."""


def _number(x: float) -> float | None:
    return float(x) if math.isfinite(x) else None


def describe(model: Model | str, overrides: Any = None) -> dict[str, Any]:
    """Describe a prior without sampling it.

    Parameters
    ----------
    model : Model or str
        A loaded model, or a prior file's path or shipped name.
    overrides : optional
        As for :func:`effcast.load` (only with a path).

    Returns
    -------
    dict
        ``prior``, ``title``, the provenance keys (``prior_path``,
        ``prior_sha256``, ``overrides``, ``disabled``), ``period`` (``start``,
        ``end``, ``years``), ``factors`` (per factor: ``label``, ``group``,
        ``reduces``, ``dist``, ``quantiles`` keyed by ``"0.05"`` ...
        ``"0.95"``, ``floor``, ``floor_mass``, ``median_per_year``),
        ``correlations`` (``between``, ``rho``), ``forward`` (the settings
        ``effcast forecast`` would use, or ``error`` if they are invalid)
        and ``warnings`` (messages).

    Raises
    ------
    EffcastError
        If the prior cannot be loaded.

    Examples
    --------
    >>> doc = describe("gpt3_today")
    >>> doc["factors"]["moe"]["quantiles"]["0.5"]
    2.5
    >>> round(doc["factors"]["moe"]["quantiles"]["0.05"], 6)
    1.25
    """
    caught: list[str] = []
    with warnings.catch_warnings(record=True) as rec:
        warnings.simplefilter("always", EffcastWarning)
        if isinstance(model, Model):
            if overrides is not None:
                model = model.with_overrides(overrides)
        else:
            from effcast.results._model import load

            model = load(model, overrides=overrides)
    for w in rec:
        if issubclass(w.category, EffcastWarning):
            caught.append(str(w.message))
        else:  # pragma: no cover - not ours: pass it on
            warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
    if not caught:  # a model built earlier: its warnings were issued then
        caught = [m for m, _ in lopsided_warnings(model.declared)]
    years = model.years
    factors: dict[str, Any] = {}
    for spec, m in zip(model.prior.factor, model.marginals, strict=True):
        qs = m.ppf(list(DESCRIBE_QUANTILES))
        median = float(m.median)
        factors[m.name] = {
            "label": spec.label,
            "group": m.group,
            "reduces": m.reduces,
            "dist": spec.dist,
            "quantiles": {
                f"{q:g}": float(v) for q, v in zip(DESCRIBE_QUANTILES, qs, strict=True)
            },
            "floor": _number(m.floor),
            "floor_mass": float(m.floor_mass),
            "median_per_year": median ** (1 / years) if median > 0 else None,
        }
    try:
        forward: dict[str, Any] = resolve_settings(model)
        if forward["rate"] is None:
            forward["rate"] = "historical"
        # Each factor's own forward view, as the prior states it.
        forward["views"] = {
            name: view.model_dump(exclude_none=True)
            for name, view in forward.get("views", {}).items()
        }
    except EffcastError as exc:
        forward = {"error": str(exc)}
    start = period_start(model)
    return {
        "prior": model.source,
        "title": model.title,
        **provenance_fields(model),
        "period": {"start": start, "end": round(start + years, 9), "years": years},
        "factors": factors,
        "correlations": [
            {"between": list(c.between), "rho": c.rho} for c in model.prior.correlation
        ],
        "forward": forward,
        "warnings": caught,
    }
