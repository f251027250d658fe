"""Results of a streamed run: the same questions as :class:`Results`, from histograms.

:meth:`effcast.Model.stream` draws samples block by block and keeps only
:class:`~effcast.engine._histogram.Histograms` of them, so memory does not grow
with the number of samples. :class:`StreamedResults` answers from those:
exceedance of the thresholds given up front is counted exactly; quantiles
come from the histogram, within a relative error of ``2**-11`` (see
:mod:`effcast.engine._histogram`). Its :meth:`~StreamedResults.summary` is the
same document as :meth:`Results.summary`, with ``"streamed": true``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Unpack

import numpy as np

from effcast.engine._bins import RELATIVE_BIN_WIDTH
from effcast.results._base import (
    PROB_THRESHOLDS,
    QUANTILES,
    TOTALS,
    ResultsBase,
    _key,
    rates_summary,
)
from effcast.results._evidence_summary import streamed_evidence
from effcast.results._mc_error import quantile_se, spread_se, standard_errors

if TYPE_CHECKING:
    from effcast.engine._histogram import Histograms
    from effcast.results._base import RunMeta

__all__ = ["StreamedResults"]


class StreamedResults(ResultsBase):
    """Summaries of ``n`` samples that were never all in memory at once.

    :meth:`to_pandas` gives the summary's quantiles, one row per series and
    probability: columns ``series`` (``"hardware"``, ``"compute"``,
    ``"factor:NAME"``, ``"group:NAME"``), ``q`` and ``value``. The samples
    themselves were never kept.

    Attributes
    ----------
    n, seed, years, names, group_members, reduces, source, title
        As for :class:`~effcast.Results`.
    relative_error : float
        The bound on a quantile's relative error from the histogram.

    Examples
    --------
    >>> import effcast
    >>> model = effcast.load("gpt3_today")
    >>> streamed = model.stream(200_000, seed=1)
    >>> in_memory = model.sample(200_000, seed=1)
    >>> a = streamed.quantile("hardware", 0.5)
    >>> b = in_memory.quantile("hardware", 0.5)
    >>> bool(abs(a / b - 1) < streamed.relative_error)
    True
    """

    relative_error = RELATIVE_BIN_WIDTH

    def __init__(
        self,
        hist: Histograms,
        thresholds: Sequence[float],
        **meta: Unpack[RunMeta],
    ) -> None:
        super().__init__(**meta)
        self._hist = hist
        # [[evidence]]: the posterior's weighted histograms and the run's
        # EvidenceRun (engine._evidence); None for the prior alone.
        self._posterior = hist.posterior
        self.evidence = hist.evidence
        self.thresholds = tuple(float(t) for t in thresholds)

    @property
    def n(self) -> int:
        """The number of samples summarised."""
        return self._hist.count(0)

    def _row(self, key: str) -> int:
        """The histogram row of a canonical key, or of ``cumulative:NAME``
        (the running product up to and including factor NAME)."""
        n_f, groups = len(self.names), list(self.group_members)
        if key in TOTALS:
            return TOTALS.index(key)
        kind, _, name = key.partition(":")
        if kind == "factor":
            return 2 + self.names.index(name)
        if kind == "group":
            return 2 + n_f + groups.index(name)
        return 2 + n_f + len(groups) + self.names.index(name)

    def _quantile(self, key: str, q, *, posterior: bool = True) -> np.ndarray:
        """Quantiles from the weighted histograms when there is evidence
        (and ``posterior``), else from the counts (the prior)."""
        row = self._row(key)
        if posterior and self._posterior is not None:
            h = self._hist
            return self._posterior.quantile(row, q, h.mins[row], h.maxs[row])
        return self._hist.quantile(row, q)

    def _quantiles(self, key: str, q: np.ndarray) -> np.ndarray:
        return np.asarray(self._quantile(key, q), dtype=float)

    def _exceed(self, key: str, x: np.ndarray) -> np.ndarray:
        """Exact for the totals at the thresholds counted while streaming;
        weighted by the evidence, if any."""
        row = self._row(key)
        out = []
        post, h = self._posterior, self._hist
        for v in x:
            if row < 2 and float(v) in self.thresholds:
                k = self.thresholds.index(float(v))
                if post is not None:
                    out.append(post.exceed[row, k] / post.total(row))
                else:
                    out.append(self._hist.exceed[row, k] / self.n)
            elif post is not None:
                out.append(post.prob_exceeds(row, float(v), h.mins[row], h.maxs[row]))
            else:
                out.append(self._hist.prob_exceeds(row, float(v)))
        return np.array(out, dtype=float)

    def mean_log10(self, which: str) -> float | None:
        """The mean of log10 of a total (summed exactly, so thread-independent).

        ``None`` when a total was zero or not finite, as in the in-memory
        summary.
        """
        row = TOTALS.index(which)
        if self.evidence is not None:
            return self.evidence.mean_log10(row)
        value = self._hist.log_sum[row].value / self.n
        return value if math.isfinite(value) else None

    def _total_summary(self, which: str) -> dict:
        probs = {
            _key(t): float(self._exceed(which, np.array([t]))[0])
            for t in PROB_THRESHOLDS
        }
        total = rates_summary(
            self._qdict(which), probs, self.mean_log10(which), self.years
        )
        if self._posterior is None:  # standard errors of the prior's figures
            total["se"] = self._standard_errors(which, probs)
        return total

    def _running_medians(self) -> dict[str, float]:
        return {
            k: float(self._quantiles(f"cumulative:{k}", np.array([0.5]))[0])
            for k in self.names
        }

    def _standard_errors(self, which: str, probs: dict[str, float]) -> dict:
        """As in memory, with the order statistics read from the histogram.

        The spacing spans several bins from about 10,000 samples on; far
        beyond that (a billion samples) the error is below the bin width.
        """
        row = self._row(which)

        def stat(rank: int) -> float:
            return float(self._hist.order_statistic(row, np.array([rank]))[0])

        by = self._hist.by_scramble
        if len(by) >= 2:
            # Quasi-Monte Carlo: the spread between the scrambles.
            k = TOTALS.index(which)
            per_q = [h.quantile(k, QUANTILES) for h in by]
            per_p = [
                [self._scramble_prob(h, k, float(t)) for t in PROB_THRESHOLDS]
                for h in by
            ]
            return standard_errors(
                {
                    _key(p): v
                    for p, v in zip(QUANTILES, spread_se(np.array(per_q)), strict=True)
                },
                probs,
                self.n,
                spread_se(np.array(per_p)),
                f"spread of {len(by)} independent scrambles",
            )
        ses = {_key(p): quantile_se(self.n, p, stat) for p in QUANTILES}
        return standard_errors(ses, probs, self.n)

    def _scramble_prob(self, h, k: int, t: float) -> float:
        if t in self.thresholds:
            return float(h.exceed[k, self.thresholds.index(t)] / h.count(k))
        return float(h.prob_exceeds(k, t))

    def _header(self) -> dict[str, Any]:
        doc: dict[str, Any] = {
            "streamed": True,
            "quantile_relative_error": self.relative_error,
        }
        if self._hist.by_scramble:
            doc["qmc"] = {"scrambles": len(self._hist.by_scramble)}
        return doc

    def _finish(self, doc: dict) -> None:
        if self.evidence is not None:
            doc["evidence"] = streamed_evidence(self)
        keys = [*TOTALS]
        keys += [f"factor:{n}" for n in self.names]
        keys += [f"group:{g}" for g in self.group_members]
        outside = {
            key: self._hist.outside(self._row(key))
            for key in keys
            if self._hist.outside(self._row(key))
        }
        if outside:
            # Samples below 2**-64 or above 2**64 (or not positive): their
            # quantiles are clamped to the exact extremes, beyond the bound.
            doc["samples_outside_histogram_range"] = outside

    def _tidy(self) -> tuple[list[dict], list[str]]:
        keys = [*TOTALS, *(f"factor:{n}" for n in self.names)]
        keys += [f"group:{g}" for g in self.group_members]
        rows = [
            {"series": key, "q": q, "value": float(v)}
            for key in keys
            for q, v in zip(
                QUANTILES, self._quantiles(key, np.asarray(QUANTILES)), strict=True
            )
        ]
        return rows, ["series", "q", "value"]
