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

import numpy as np

from effcast._errors import EffcastError
from effcast._version import __version__
from effcast.engine._histogram import RELATIVE_BIN_WIDTH, Histograms
from effcast.prior._schema import Prior
from effcast.results._in_memory import (
    PROB_THRESHOLDS,
    QUANTILES,
    TOTALS,
    _key,
    rates_summary,
    seed_table,
)
from effcast.results._resources import (
    reference_summary,
    reference_thresholds,
    resolve_resources,
    resources_summary,
)

__all__ = ["StreamedResults"]


class StreamedResults:
    """Summaries of ``n`` samples that were never all in memory at once.

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
        *,
        names: Sequence[str],
        groups: dict[str, Sequence[str]],
        reduces: Sequence[str],
        years: float,
        seed: int,
        source: str,
        title: str = "",
        prior: Prior | None = None,
    ) -> None:
        self._hist = hist
        self.prior = prior
        self.thresholds = tuple(float(t) for t in thresholds)
        self.names = tuple(names)
        self.group_members = {g: tuple(v) for g, v in groups.items()}
        self.reduces = dict(zip(self.names, reduces, strict=True))
        self.years = float(years)
        self.seed = seed
        self.source = source
        self.title = title

    @property
    def n(self) -> int:
        """The number of samples summarised."""
        return self._hist.count(0)

    def _row(self, which: str) -> int:
        """The histogram row of a total, ``factor:NAME``, ``group:NAME`` or
        ``cumulative:NAME`` (the running product up to and including NAME)."""
        n_f, groups = len(self.names), list(self.group_members)
        if which in TOTALS:
            return TOTALS.index(which)
        kind, _, name = which.partition(":")
        if kind == "factor" and name in self.names:
            return 2 + self.names.index(name)
        if kind == "group" and name in groups:
            return 2 + n_f + groups.index(name)
        if kind == "cumulative" and name in self.names:
            return 2 + n_f + len(groups) + self.names.index(name)
        raise EffcastError(
            f"expected 'hardware', 'compute', 'factor:NAME', 'group:NAME' or "
            f"'cumulative:NAME', got {which!r}"
        )

    def quantile(self, which: str, q: float | Sequence[float]):
        """Quantiles of a series (``"hardware"``, ``"factor:moe"``, ...)."""
        out = self._hist.quantile(self._row(which), q)
        return float(out[0]) if np.ndim(q) == 0 else out

    def prob_exceeds(self, which: str, x: float | Sequence[float]):
        """P(series > x): exact for the totals at the thresholds counted."""
        row = self._row(which)
        xs = np.atleast_1d(np.asarray(x, dtype=float))
        out = []
        for v in xs:
            if row < 2 and float(v) in self.thresholds:
                k = self.thresholds.index(float(v))
                out.append(self._hist.exceed[row, k] / self.n)
            else:
                out.append(self._hist.prob_exceeds(row, float(v)))
        return float(out[0]) if np.ndim(x) == 0 else np.array(out)

    def mean_log10(self, which: str) -> float | None:
        """The mean of log10 of a total (summed exactly, so thread-independent).

        ``None`` when a total was zero or not finite, as in the in-memory
        summary.
        """
        row = TOTALS.index(which)
        value = self._hist.log_sum[row].value / self.n
        return value if math.isfinite(value) else None

    def _series_keys(self) -> list[tuple[str, str]]:
        """(label, key) of every series the summary reports."""
        out = [(t, t) for t in TOTALS]
        out += [(f"factor:{n}", f"factor:{n}") for n in self.names]
        out += [(f"group:{g}", f"group:{g}") for g in self.group_members]
        return out

    def _qdict(self, which: str) -> dict[str, float]:
        values = self._hist.quantile(self._row(which), QUANTILES)
        return {_key(q): float(v) for q, v in zip(QUANTILES, values, strict=True)}

    def summary(self) -> dict:
        """The document of :meth:`Results.summary`, from the histograms."""
        doc = {
            "prior": self.source,
            "title": self.title,
            "samples": self.n,
            "seed": self.seed,
            "years": self.years,
            "effcast_version": __version__,
            "streamed": True,
            "quantile_relative_error": self.relative_error,
        }
        for which in TOTALS:
            probs = {
                _key(t): float(self.prob_exceeds(which, t)) for t in PROB_THRESHOLDS
            }
            doc[which] = rates_summary(
                self._qdict(which), probs, self.mean_log10(which), self.years
            )
        doc["factors"] = {
            name: {
                "quantiles": self._qdict(f"factor:{name}"),
                "reduces": self.reduces[name],
            }
            for name in self.names
        }
        doc["groups"] = {
            group: {
                "quantiles": self._qdict(f"group:{group}"),
                "factors": list(members),
            }
            for group, members in self.group_members.items()
        }
        self._add_reporting(doc)
        outside = {
            name: self._hist.outside(self._row(key))
            for name, key in self._series_keys()
            if self._hist.outside(self._row(key))
        }
        if outside:
            # Samples below 2**-64 or above 2**64 (or not positive): their
            # quantiles are clamped to the exact extremes, beyond the bound.
            doc["samples_outside_histogram_range"] = outside
        return doc

    def _add_reporting(self, doc: dict) -> None:
        """The ``table``, ``resources`` and ``reference_rates`` sections, made
        by the same functions as :meth:`Results.summary` uses."""
        doc["table"] = seed_table(
            self.names,
            self.group_members,
            self.reduces,
            {k: v["quantiles"]["0.5"] for k, v in doc["factors"].items()},
            {k: self.quantile(f"cumulative:{k}", 0.5) for k in self.names},
            {k: v["quantiles"]["0.5"] for k, v in doc["groups"].items()},
            doc["hardware"]["quantiles"]["0.5"],
            doc["compute"]["quantiles"]["0.5"],
        )
        if self.prior is None:
            return
        spec = resolve_resources(self.prior)
        if spec is not None:
            doc["resources"] = resources_summary(
                spec, doc["hardware"]["quantiles"], doc["compute"]["quantiles"]
            )
        if self.prior.reference:
            # Exact for the totals (their thresholds are counted while
            # streaming); from the histogram for factors and groups.
            probs = {
                name: float(self.prob_exceeds(which, threshold))
                for name, which, threshold in reference_thresholds(self.prior)
            }
            doc["reference_rates"] = reference_summary(self.prior, probs)

    def __repr__(self) -> str:
        return (
            f"<StreamedResults {self.n:,} samples of {self.source!r}: hardware "
            f"median {self.quantile('hardware', 0.5):.3g}x>"
        )
