"""The ``evidence`` section of a conditioned summary: what the evidence did.

For a run whose prior has ``[[evidence]]``, the summary's usual keys hold
posterior (weighted) figures, and this section says how they came about:

* ``ess``: Kish's effective sample size of the importance weights, with the
  fraction of ``n`` it keeps and a ``warning`` below
  :data:`~effcast.engine._evidence.WARN_ESS_FRACTION` (runs below
  :data:`~effcast.engine._evidence.COLLAPSE_ESS` are refused before any
  summary is made);
* ``entries``: each entry as stated, the ESS its likelihood alone leaves,
  and where its observation falls under the prior (``prior_percentile``
  for a measurement, ``prior_mass_inside`` and the bounds' percentiles
  for a bound): a check of the prior against the data before reweighting;
* ``shifts``: for both totals, every factor and every group, the prior's
  and the posterior's median and 80% interval (10% and 90% quantiles), the
  ratio of the medians (``median_ratio``), the move of the median measured
  in widths of the prior's 80% interval on the log scale (``median_shift``:
  ``log(posterior / prior median) / log(prior q90 / q10)``), and the ratio
  of the intervals' log widths (``interval_ratio``);
* ``moved_most``: the factor with the largest ``|median_shift|``, the one
  whose belief moved furthest relative to its own prior uncertainty;
* ``by_entry`` (in-memory runs that kept factors): each factor's posterior
  median and 80% interval under each entry alone, so the effect of each
  observation is seen apart from the others.

Works from a results object's quantile functions, so in-memory and streamed
runs give the same document.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from effcast._errors import EffcastWarning
from effcast.engine._evidence import COLLAPSE_ESS, WARN_ESS_FRACTION, Likelihood
from effcast.results._weighted import weighted_quantile

__all__ = [
    "SHIFT_QUANTILES",
    "EvidenceWarning",
    "check_evidence",
    "evidence_summary",
    "in_memory_evidence",
    "shift_row",
    "streamed_evidence",
]


class EvidenceWarning(EffcastWarning):
    """The evidence leaves few effective samples: figures are less precise."""


def check_evidence(run: Any, source: str) -> None:
    """Refuse a collapsed conditioned run; warn when its ESS is low.

    Raises
    ------
    EffcastError
        From :meth:`effcast.engine._evidence.EvidenceRun.check`, naming the
        entry.
    """
    if run is None:
        return
    message = run.check(source)
    if message is not None:
        warnings.warn(f"{source}: {message}", EvidenceWarning, stacklevel=3)


SHIFT_QUANTILES: tuple[float, float, float] = (0.1, 0.5, 0.9)
"""The quantiles the prior-vs-posterior comparison reports."""


def shift_row(
    prior: Sequence[float] | np.ndarray, posterior: Sequence[float] | np.ndarray
) -> dict:
    """Prior and posterior (10%, 50%, 90%) quantiles of one series, compared."""
    p = [float(v) for v in prior]
    q = [float(v) for v in posterior]

    def ratio(a: float, b: float) -> float | None:
        return b / a if a > 0 and b > 0 else None

    def log_width(v: list[float]) -> float | None:
        return math.log(v[2] / v[0]) if v[0] > 0 and v[2] > 0 else None

    wp, wq = log_width(p), log_width(q)
    r = ratio(p[1], q[1])
    return {
        "prior": dict(zip(("0.1", "0.5", "0.9"), p, strict=True)),
        "posterior": dict(zip(("0.1", "0.5", "0.9"), q, strict=True)),
        "median_ratio": r,
        "median_shift": math.log(r) / wp if r and wp else None,
        "interval_ratio": (wq / wp) if wp and wq is not None else None,
    }


def evidence_summary(
    run: Any,
    series: Sequence[str],
    quantiles: Callable[[str, bool], np.ndarray],
    by_entry: dict[str, dict[str, dict[str, float] | None]] | None = None,
) -> dict:
    """The ``evidence`` section.

    Parameters
    ----------
    run : EvidenceRun
        The run's evidence sums (:class:`effcast.engine._evidence.EvidenceRun`).
    series : sequence of str
        The series to compare (``"hardware"``, ``"factor:moe"``, ...).
    quantiles : callable
        ``quantiles(series, posterior)`` gives the :data:`SHIFT_QUANTILES`
        of a series under the prior (``False``) or the posterior (``True``).
    by_entry : dict, optional
        Per entry, each factor's posterior median and 80% interval under
        that entry alone.
    """
    ess = run.ess
    entries = []
    for k, spec in enumerate(run.specs):
        entry = {
            "name": spec.name,
            "label": spec.label,
            "applies_to": spec.applies_to,
            "measure": spec.measure,
            "kind": spec.kind,
            "source": spec.source,
            "ess_alone": run.entry_ess(k),
        }
        entry.update(run.prior_check(k))
        entries.append(entry)
    shifts = {s: shift_row(quantiles(s, False), quantiles(s, True)) for s in series}
    factors = [s for s in series if s.startswith("factor:")]

    def moved(s: str) -> float:
        shift = shifts[s]["median_shift"]
        return abs(shift) if shift is not None else 0.0

    doc: dict = {
        "samples": run.n,
        "ess": ess,
        "ess_fraction": ess / run.n,
        "warn_below_fraction": WARN_ESS_FRACTION,
        "refuse_below_ess": COLLAPSE_ESS,
        "warning": run.check("") if ess >= COLLAPSE_ESS else None,
        "entries": entries,
        "shifts": shifts,
        "moved_most": max(factors, key=moved).partition(":")[2] if factors else None,
    }
    if by_entry is not None:
        doc["by_entry"] = by_entry
    return doc


def _series_names(res: Any, with_factors: bool) -> list[str]:
    out = ["hardware", "compute"]
    if with_factors:
        out += [f"factor:{n}" for n in res.names]
        out += [f"group:{g}" for g in res.group_members]
    return out


def in_memory_evidence(res: Any, doc: dict) -> dict:
    """The ``evidence`` section of a :class:`~effcast.Results`.

    The posterior quantiles come from ``doc`` (the summary being built,
    whose quantiles are already weighted); the prior's from the samples.
    """
    qs = list(SHIFT_QUANTILES)

    def quantiles(which: str, posterior: bool) -> np.ndarray:
        if posterior:
            kind, _, name = which.partition(":")
            part = doc[which] if not name else doc[f"{kind}s"][name]
            return np.array([part["quantiles"][_k] for _k in ("0.1", "0.5", "0.9")])
        return np.quantile(res.series(which), qs)

    by_entry: dict[str, dict[str, dict[str, float] | None]] | None = None
    if res.has_factors and res.prior is not None:
        lik = Likelihood(res.prior)
        totals = np.vstack([res.hardware, res.compute])
        weights = [
            np.exp(ll) for ll in lik.entry_log_likelihoods(res._need_factors(), totals)
        ]
        by_entry = {spec.name: {} for spec in res.evidence.specs}
        for name in res.names:
            data = res.factor(name)
            for spec, w in zip(res.evidence.specs, weights, strict=True):
                by_entry[spec.name][name] = (
                    dict(
                        zip(
                            ("0.1", "0.5", "0.9"),
                            map(float, weighted_quantile(data, w, qs)),
                            strict=True,
                        )
                    )
                    if np.any(w > 0)
                    else None
                )
    return evidence_summary(
        res.evidence, _series_names(res, res.has_factors), quantiles, by_entry
    )


def streamed_evidence(res: Any) -> dict:
    """The ``evidence`` section of a :class:`~effcast.StreamedResults`."""
    qs = list(SHIFT_QUANTILES)

    def quantiles(which: str, posterior: bool) -> np.ndarray:
        return np.asarray(res._quantile(which, qs, posterior=posterior))

    return evidence_summary(res.evidence, _series_names(res, True), quantiles)
