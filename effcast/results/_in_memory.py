"""Samples and what follows from them: quantiles, exceedance, annualised rates.

:class:`Results` holds the samples that :meth:`effcast.Model.sample` drew and
answers questions about them. :func:`summarise` turns them into the plain
dictionary that ``effcast sample --json`` prints.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Unpack

import numpy as np

from effcast._errors import EffcastError
from effcast.results._base import (
    PROB_THRESHOLDS,
    QUANTILES,
    TOTALS,
    ResultsBase,
    RunMeta,
    _key,
    check_probabilities,
    check_values,
    rates_summary,
    scalar_or_array,
    seed_table,
)
from effcast.results._evidence_summary import in_memory_evidence
from effcast.results._fast_summary import fast_summary
from effcast.results._resources import (
    resolve_resources,
)
from effcast.results._weighted import (
    weighted_mean,
    weighted_prob_exceeds,
    weighted_quantile,
)

__all__ = ["PROB_THRESHOLDS", "QUANTILES", "TOTALS", "Results", "seed_table"]


class Results(ResultsBase):
    """Samples of every factor and of the hardware and compute reductions.

    A reduction of 400 means a model of the reference capability now needs
    400 times less of the resource (GPU-hours for ``hardware``, FLOP for
    ``compute``) than at the start of the prior's period.

    :meth:`to_pandas` gives the samples, one row per sample and one column
    per :meth:`columns`: ``total.hardware``, ``total.compute``, then
    ``factor.<name>`` and ``group.<name>`` when factors were kept.

    Attributes
    ----------
    hardware : numpy.ndarray
        Per sample, the reduction in hardware requirements (the product of
        every factor).
    compute : numpy.ndarray
        Per sample, the reduction in compute requirements (the product of the
        factors with ``reduces = "compute"``).
    names : tuple of str
        The factors, in the prior's order.
    years : float
        The length of the prior's period, used for annualised rates.
    seed : int
        The seed that reproduces these samples.
    n : int
        The number of samples.

    Examples
    --------
    >>> import effcast
    >>> res = effcast.load("gpt3_today").sample(200_000, seed=1)
    >>> bool(300 < res.quantile("hardware", 0.5) < 550)
    True
    >>> res.factor("moe").shape
    (200000,)
    >>> list(res.to_pandas().columns[:3])  # doctest: +SKIP
    ['total.hardware', 'total.compute', 'factor.transformer_pp']
    """

    precision: dict | None = None
    """Set by precision mode (``Model.sample(..., rel_se=...)``): the target
    relative standard error, the one reached, and whether it was met."""

    scrambles: int | None = None
    """Set for randomised quasi-Monte Carlo samples (``Model.sample(...,
    qmc=True)``): the number of independent scrambles, stored one after the
    other; the standard errors then come from their spread."""

    def __init__(
        self,
        totals: np.ndarray,
        factors: np.ndarray | None,
        *,
        weights: np.ndarray | None = None,
        evidence: Any = None,
        **meta: Unpack[RunMeta],
    ) -> None:
        super().__init__(**meta)
        # [[evidence]]: weights and EvidenceRun (None for the prior alone).
        self.weights = weights
        self.evidence = evidence
        self._totals = totals
        self._factors = factors

    # -- the samples ----------------------------------------------------
    @property
    def n(self) -> int:
        """The number of samples."""
        return int(self._totals.shape[1])

    @property
    def hardware(self) -> np.ndarray:
        """Reduction in hardware requirements (GPU-hours), one value per sample."""
        return self._totals[0]

    @property
    def compute(self) -> np.ndarray:
        """Reduction in compute requirements (FLOP), one value per sample."""
        return self._totals[1]

    @property
    def has_factors(self) -> bool:
        """Whether each factor's samples were kept."""
        return self._factors is not None

    def _need_factors(self) -> np.ndarray:
        if self._factors is None:
            raise EffcastError(
                "these results keep only the totals; sample with "
                "factors=True to look at factors and groups"
            )
        return self._factors

    def factor(self, name: str) -> np.ndarray:
        """One factor's samples (after truncation and floor).

        Raises
        ------
        EffcastError
            If there is no such factor, or factors were not kept.
        """
        if name not in self.names:
            raise EffcastError(
                f"no factor named {name!r}; the factors are " + ", ".join(self.names),
                factor=name,
            )
        return self._need_factors()[self.names.index(name)]

    def group(self, name: str) -> np.ndarray:
        """A group's subtotal: the product of its factors, per sample."""
        if name not in self.group_members:
            raise EffcastError(
                f"no group named {name!r}; the groups are "
                + ", ".join(self.group_members)
            )
        data = self._need_factors()
        members = [self.names.index(f) for f in self.group_members[name]]
        out = data[members[0]].copy()
        for i in members[1:]:
            out *= data[i]
        return out

    def _series(self, which: str | np.ndarray) -> np.ndarray:
        if isinstance(which, str):
            return self.series(which)
        if isinstance(which, bool) or which is None:
            raise EffcastError(
                f"expected a series name or an array of samples, got {which!r}",
                field="which",
            )
        try:
            data = np.asarray(which, dtype=float)
        except (TypeError, ValueError):
            raise EffcastError(
                f"expected a series name or an array of samples, got {which!r}",
                field="which",
            ) from None
        if data.ndim != 1 or data.size == 0:
            raise EffcastError(
                f"expected a one-dimensional, non-empty array of samples, got "
                f"shape {data.shape}",
                field="which",
            )
        return data

    def _samples(self, key: str) -> np.ndarray:
        """The samples of a canonical series key (see :meth:`series_key`)."""
        if key == "hardware":
            return self.hardware
        if key == "compute":
            return self.compute
        kind, _, name = key.partition(":")
        if kind == "cumulative":
            return self.running_products()[name]
        return self.factor(name) if kind == "factor" else self.group(name)

    def _median(self, data: np.ndarray) -> float:
        """numpy's median, or the weighted one with evidence."""
        if self.weights is None:
            return float(np.median(data))
        return float(weighted_quantile(data, self.weights, 0.5))

    def _weights_for(self, data: np.ndarray) -> np.ndarray | None:
        """The weights, when ``data`` holds one value per sample."""
        w = self.weights
        return w if w is not None and data.shape == (self.n,) else None

    # -- statistics -----------------------------------------------------
    def quantile(self, which: str | np.ndarray, q: float | Sequence[float]) -> Any:
        """Quantiles of a series or an array: a float for a scalar ``q``.

        ``which`` is ``"hardware"``, ``"compute"``, a factor's name,
        ``"factor:NAME"``, ``"group:NAME"`` or an array of samples. Uses
        numpy's default (linear) interpolation between order statistics;
        with evidence, its weighted form (:mod:`effcast.results._weighted`).

        Raises
        ------
        EffcastError
            For an unknown series or a probability outside [0, 1].
        """
        if isinstance(which, str):
            return super().quantile(which, q)
        qs = check_probabilities(q)
        data = self._series(which)
        out = weighted_quantile(data, self._weights_for(data), qs)
        return scalar_or_array(np.asarray(out, dtype=float), q)

    def prob_exceeds(self, which: str | np.ndarray, x: float | Sequence[float]) -> Any:
        """The fraction of samples (of the weight, with evidence) above ``x``."""
        if isinstance(which, str):
            return super().prob_exceeds(which, x)
        xs = np.atleast_1d(check_values(x))
        data = self._series(which)
        out = weighted_prob_exceeds(data, self._weights_for(data), xs)
        return scalar_or_array(np.atleast_1d(np.asarray(out, dtype=float)), x)

    def _quantiles(self, key: str, q: np.ndarray) -> np.ndarray:
        out = weighted_quantile(self._samples(key), self.weights, q)
        return np.asarray(out, dtype=float)

    def _exceed(self, key: str, x: np.ndarray) -> np.ndarray:
        out = weighted_prob_exceeds(self._samples(key), self.weights, x)
        return np.atleast_1d(np.asarray(out, dtype=float))

    def _total_summary(self, which: str) -> dict:
        return weighted_total_summary(self._samples(which), self.years, self.weights)

    def _finish(self, doc: dict) -> None:
        if self.evidence is not None:
            doc["evidence"] = in_memory_evidence(self, doc)

    def oom_per_year(self, which: str | np.ndarray) -> np.ndarray:
        """Per sample, orders of magnitude per year: ``log10(reduction) / years``."""
        return np.log10(self._series(which)) / self.years

    def annual_multiplier(self, which: str | np.ndarray) -> np.ndarray:
        """Per sample, the reduction per year: ``reduction ** (1 / years)``."""
        return self._series(which) ** (1.0 / self.years)

    def summary(self) -> dict:
        """Everything ``effcast sample --json`` prints, as a plain dictionary.

        The quantiles of ``oom_per_year`` and ``annual_multiplier`` are the
        monotone transforms of the reduction's quantiles. Without evidence
        the statistics come from about one pass over the samples (numpy's
        numbers, with standard errors); with evidence, from the weighted
        statistics of :class:`~effcast.results._base.ResultsBase`.
        """
        if self.weights is not None:
            return super().summary()
        return fast_summary(self)

    def series(self, what: str) -> np.ndarray:
        """The samples of a series.

        ``"hardware"``, ``"compute"``, a factor's name, ``"factor:NAME"`` or
        ``"group:NAME"`` (the names of a reference's ``applies_to``).

        Examples
        --------
        >>> import effcast
        >>> res = effcast.load("gpt3_today").sample(1000, seed=1)
        >>> bool((res.series("factor:moe") == res.factor("moe")).all())
        True
        >>> bool((res.series("moe") == res.factor("moe")).all())
        True
        """
        key = self.series_key(what)
        self._need(key)
        return self._samples(key)

    def running_products(self) -> dict[str, np.ndarray]:
        """Per factor, the product of it and every factor before it.

        The last entry equals :attr:`hardware`. These are the running totals
        of the founding analysis's table.
        """
        data = self._need_factors()
        out = {}
        running = np.ones(self.n)
        for i, name in enumerate(self.names):
            running = running * data[i]
            out[name] = running
        return out

    def _running_medians(self) -> dict[str, float]:
        """Medians of the running products, holding one product at a time."""
        data = self._need_factors()
        out = {}
        running = np.ones(self.n)
        for i, name in enumerate(self.names):
            running *= data[i]
            out[name] = self._median(running)
        return out

    def resource(self, which: str) -> np.ndarray:
        """Per sample, a resource needed today: see docs/cli.md "resources".

        Parameters
        ----------
        which : {"flop_needed", "gpu_hours", "wall_clock_hours"}
            FLOP needed (baseline FLOP / compute reduction), target-GPU hours
            (baseline hours converted by the peak ratio / hardware reduction)
            or wall-clock hours on the target cluster.

        Raises
        ------
        EffcastError
            If the prior has no ``[baseline]`` (or, for GPU-hours and
            wall-clock time, no baseline hardware), or ``which`` is unknown.
        """
        spec = resolve_resources(self.prior) if self.prior is not None else None
        if spec is None:
            raise EffcastError(
                "the prior has no [baseline]; add one to express the reductions "
                "in FLOP and GPU-hours (see docs/prior-format.md)",
                field="baseline",
            )
        target = spec["target"]
        if which == "flop_needed":
            return spec["baseline"]["flop"] / self.compute
        if which in ("gpu_hours", "wall_clock_hours"):
            if target is None:
                raise EffcastError(
                    "the prior's [baseline] gives no gpu, gpus and days",
                    field="baseline",
                )
            hours = target["gpu_hours_at_baseline"] / self.hardware
            return hours if which == "gpu_hours" else hours / target["gpus"]
        raise EffcastError(
            f"expected 'flop_needed', 'gpu_hours' or 'wall_clock_hours', got {which!r}"
        )

    def columns(self) -> dict[str, np.ndarray]:
        """The samples as named columns, as written by ``--out``.

        ``total.hardware`` and ``total.compute``, then ``factor.<name>`` for
        each factor and ``group.<name>`` for each group (when factors were
        kept). The dots keep the three kinds apart even when a factor and a
        group share a name. With evidence, a last column ``weight`` holds
        each sample's importance weight (in ``[0, 1]``).
        """
        cols = {"total.hardware": self.hardware, "total.compute": self.compute}
        if self.has_factors:
            for name in self.names:
                cols[f"factor.{name}"] = self.factor(name)
            for group in self.group_members:
                cols[f"group.{group}"] = self.group(group)
        if self.weights is not None:
            cols["weight"] = self.weights
        return cols

    def _tidy(self) -> tuple[dict[str, np.ndarray], None]:
        return self.columns(), None


def quantile_dict(
    data: np.ndarray, weights: np.ndarray | None = None
) -> dict[str, float]:
    """``{"0.05": x, ...}`` for :data:`QUANTILES` (weighted with ``weights``)."""
    values = weighted_quantile(data, weights, QUANTILES)
    return {_key(q): float(v) for q, v in zip(QUANTILES, values, strict=True)}


def weighted_total_summary(
    data: np.ndarray, years: float, weights: np.ndarray | None = None
) -> dict:
    """The summary of one reduction, weighted with ``weights``."""
    qs = quantile_dict(data, weights)
    with np.errstate(divide="ignore", invalid="ignore"):
        mean_log10 = (
            weighted_mean(np.log10(data), weights) if np.all(data > 0) else None
        )
    return rates_summary(
        qs,
        {
            _key(t): float(weighted_prob_exceeds(data, weights, t))
            for t in PROB_THRESHOLDS
        },
        mean_log10,
        years,
    )
