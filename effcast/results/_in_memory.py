"""Samples and what follows from them: quantiles, exceedance, annualised rates.

:class:`Results` holds the samples that :meth:`effcast.Model.sample` drew and
answers questions about them. :func:`summarise` turns them into the plain
dictionary that ``effcast sample --json`` prints.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from effcast._errors import EffcastError
from effcast._version import __version__
from effcast.prior._schema import Prior
from effcast.results._resources import (
    reference_summary,
    reference_thresholds,
    resolve_resources,
    resources_summary,
)

__all__ = ["PROB_THRESHOLDS", "QUANTILES", "Results", "seed_table"]

QUANTILES: tuple[float, ...] = (0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95)
"""The quantiles every summary reports."""

PROB_THRESHOLDS: tuple[float, ...] = (10.0, 100.0, 1000.0)
"""The reductions whose exceedance probability every summary reports."""

TOTALS = ("hardware", "compute")


def _key(x: float) -> str:
    return f"{x:g}"


class Results:
    """Samples of every factor and of the hardware and compute reductions.

    A reduction of 400 means a model of the reference capability now needs
    400 times less of the resource (GPU-hours for ``hardware``, FLOP for
    ``compute``) than at the start of the prior's period.

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
    """

    def __init__(
        self,
        totals: np.ndarray,
        factors: np.ndarray | None,
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
        self._totals = totals
        self._factors = factors
        self.names = tuple(names)
        self.group_members = {g: tuple(v) for g, v in groups.items()}
        self.reduces = dict(zip(self.names, reduces, strict=True))
        self.years = float(years)
        self.seed = seed
        self.source = source
        self.title = title
        self.prior = prior

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
            if which not in TOTALS:
                raise EffcastError(
                    f"expected 'hardware' or 'compute' (or an array such as "
                    f"res.factor(...)), got {which!r}"
                )
            return self.hardware if which == "hardware" else self.compute
        return np.asarray(which, dtype=float)

    # -- statistics -----------------------------------------------------
    def quantile(self, which: str | np.ndarray, q: float | Sequence[float]):
        """Quantiles of a reduction (``"hardware"``, ``"compute"``) or an array.

        Uses numpy's default (linear) interpolation between order statistics.
        """
        return np.quantile(self._series(which), q)

    def prob_exceeds(self, which: str | np.ndarray, x: float | Sequence[float]):
        """The fraction of samples strictly greater than ``x``."""
        data = self._series(which)
        xs = np.atleast_1d(np.asarray(x, dtype=float))
        out = np.array([np.count_nonzero(data > v) / data.size for v in xs])
        return float(out[0]) if np.ndim(x) == 0 else out

    def oom_per_year(self, which: str | np.ndarray) -> np.ndarray:
        """Per sample, orders of magnitude per year: ``log10(reduction) / years``."""
        return np.log10(self._series(which)) / self.years

    def annual_multiplier(self, which: str | np.ndarray) -> np.ndarray:
        """Per sample, the reduction per year: ``reduction ** (1 / years)``."""
        return self._series(which) ** (1.0 / self.years)

    def summary(self) -> dict:
        """Everything ``effcast sample --json`` prints, as a plain dictionary.

        The quantiles of ``oom_per_year`` and ``annual_multiplier`` are the
        monotone transforms of the reduction's quantiles.
        """
        doc: dict[str, Any] = {
            "prior": self.source,
            "title": self.title,
            "samples": self.n,
            "seed": self.seed,
            "years": self.years,
            "effcast_version": __version__,
        }
        for which in TOTALS:
            doc[which] = total_summary(self._series(which), self.years)
        doc["factors"] = {}
        doc["groups"] = {}
        if self.has_factors:
            for name in self.names:
                doc["factors"][name] = {
                    "quantiles": quantile_dict(self.factor(name)),
                    "reduces": self.reduces[name],
                }
            for group, members in self.group_members.items():
                doc["groups"][group] = {
                    "quantiles": quantile_dict(self.group(group)),
                    "factors": list(members),
                }
            doc["table"] = seed_table(
                self.names,
                self.group_members,
                self.reduces,
                {k: v["quantiles"]["0.5"] for k, v in doc["factors"].items()},
                self._running_medians(),
                {k: v["quantiles"]["0.5"] for k, v in doc["groups"].items()},
                doc["hardware"]["quantiles"]["0.5"],
                doc["compute"]["quantiles"]["0.5"],
            )
        if self.prior is not None:
            spec = resolve_resources(self.prior)
            if spec is not None:
                doc["resources"] = resources_summary(
                    spec, doc["hardware"]["quantiles"], doc["compute"]["quantiles"]
                )
            if self.prior.reference:
                probs = {
                    name: (
                        self.prob_exceeds(self.series(which), threshold)
                        if self.has_factors or which in TOTALS
                        else None
                    )
                    for name, which, threshold in reference_thresholds(self.prior)
                }
                doc["reference_rates"] = reference_summary(self.prior, probs)
        return doc

    def series(self, what: str) -> np.ndarray:
        """Samples named as in a reference's ``applies_to``.

        ``"hardware"``, ``"compute"``, ``"factor:NAME"`` or ``"group:NAME"``.

        Examples
        --------
        >>> import effcast
        >>> res = effcast.load("gpt3_today").sample(1000, seed=1)
        >>> bool((res.series("factor:moe") == res.factor("moe")).all())
        True
        """
        kind, sep, name = what.partition(":")
        if sep and kind == "factor":
            return self.factor(name)
        if sep and kind == "group":
            return self.group(name)
        return self._series(what)

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
            out[name] = float(np.median(running))
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
        group share a name.
        """
        cols = {"total.hardware": self.hardware, "total.compute": self.compute}
        if self.has_factors:
            for name in self.names:
                cols[f"factor.{name}"] = self.factor(name)
            for group in self.group_members:
                cols[f"group.{group}"] = self.group(group)
        return cols

    def to_pandas(self):
        """The samples as a pandas DataFrame, one column per :meth:`columns`.

        Raises
        ------
        EffcastError
            If pandas is not installed (``pip install "effcast[pandas]"``).

        Examples
        --------
        >>> import effcast
        >>> res = effcast.load("gpt3_today").sample(1000, seed=1)
        >>> df = res.to_pandas()  # doctest: +SKIP
        >>> list(df.columns[:3])  # doctest: +SKIP
        ['total.hardware', 'total.compute', 'factor.transformer_pp']
        """
        try:
            import pandas as pd
        except ImportError:
            raise EffcastError(
                'to_pandas needs pandas: pip install "effcast[pandas]"'
            ) from None
        return pd.DataFrame(self.columns())

    def __repr__(self) -> str:
        return (
            f"<Results {self.n:,} samples of {self.source!r}: hardware median "
            f"{np.median(self.hardware):.3g}x, compute median "
            f"{np.median(self.compute):.3g}x>"
        )


def quantile_dict(data: np.ndarray) -> dict[str, float]:
    """``{"0.05": x, ...}`` for :data:`QUANTILES`."""
    values = np.quantile(data, QUANTILES)
    return {_key(q): float(v) for q, v in zip(QUANTILES, values, strict=True)}


def total_summary(data: np.ndarray, years: float) -> dict:
    """The summary of one reduction (hardware or compute)."""
    qs = quantile_dict(data)
    with np.errstate(divide="ignore", invalid="ignore"):
        mean_log10 = float(np.mean(np.log10(data))) if np.all(data > 0) else None
    return rates_summary(
        qs,
        {
            _key(t): float(np.count_nonzero(data > t) / data.size)
            for t in PROB_THRESHOLDS
        },
        mean_log10,
        years,
    )


def rates_summary(
    qs: dict[str, float],
    probs: dict[str, float],
    mean_log10: float | None,
    years: float,
) -> dict:
    """Assemble a reduction's summary from its quantiles and probabilities."""

    def oom(v: float) -> float | None:
        return math.log10(v) / years if v > 0 else None

    return {
        "quantiles": qs,
        "prob_exceeds": probs,
        "mean_log10": mean_log10,
        "oom_per_year": {"quantiles": {k: oom(v) for k, v in qs.items()}},
        "annual_multiplier": {
            "quantiles": {
                k: (v ** (1.0 / years) if v > 0 else None) for k, v in qs.items()
            }
        },
    }


def seed_table(
    names: Sequence[str],
    groups: Mapping[str, Sequence[str]],
    reduces: dict[str, str],
    factor_medians: dict[str, float],
    running_medians: dict[str, float],
    group_medians: dict[str, float],
    hardware_median: float,
    compute_median: float,
) -> dict:
    """The founding analysis's summary table, from medians.

    Per factor in order: its median and the median of the running product
    (it times every factor before it); per group, the median of its
    subtotal; and the medians of both totals. The median of a product is not
    the product of the medians, so the running medians are reported as
    sampled, not multiplied out.

    Examples
    --------
    >>> t = seed_table(["a", "b"], {"g": ["a", "b"]}, {"a": "compute", "b": "hardware"},
    ...                {"a": 2.0, "b": 3.0}, {"a": 2.0, "b": 6.5}, {"g": 6.5}, 6.5, 2.0)
    >>> t["factors"][1]["running_median"], t["groups"][0]["median"]
    (6.5, 6.5)
    """
    group_of = {f: g for g, members in groups.items() for f in members}
    return {
        "factors": [
            {
                "name": name,
                "group": group_of[name],
                "reduces": reduces[name],
                "median": factor_medians[name],
                "running_median": running_medians[name],
            }
            for name in names
        ],
        "groups": [
            {"name": g, "factors": list(members), "median": group_medians[g]}
            for g, members in groups.items()
        ],
        "hardware": hardware_median,
        "compute": compute_median,
    }
