"""What in-memory and streamed results share: series names, checks, the summary.

:class:`ResultsBase` is the one place that knows

- the vocabulary of series every method accepts: ``"hardware"``,
  ``"compute"``, a factor's name, ``"factor:NAME"``, ``"group:NAME"`` (a
  bare name is a factor first, then a group) and ``"cumulative:NAME"``
  (the running product up to factor NAME);
- the return types: a statistic at a scalar (``quantile(which, 0.5)``,
  ``prob_exceeds(which, 100)``) is a Python ``float``, at a sequence a
  ``numpy.ndarray``;
- the checks on arguments, which raise :class:`~effcast.EffcastError`;
- how the summary document (``effcast sample --json``) is assembled.

:class:`~effcast.Results` and :class:`~effcast.StreamedResults` supply the
numbers: their quantiles, exceedance probabilities and means of log10.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from typing import Any, NotRequired, TypedDict, Unpack

import numpy as np

from effcast._errors import EffcastError
from effcast._version import __version__
from effcast.prior._provenance import Provenance
from effcast.prior._schema import Prior
from effcast.results._display import Displayable
from effcast.results._resources import (
    reference_summary,
    reference_thresholds,
    resolve_resources,
    resources_summary,
)

__all__ = [
    "PROB_THRESHOLDS",
    "QUANTILES",
    "TOTALS",
    "ResultsBase",
    "RunMeta",
    "check_probabilities",
    "check_values",
    "rates_summary",
    "seed_table",
]

QUANTILES: tuple[float, ...] = (0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95)
"""The quantiles every summary reports."""

PROB_THRESHOLDS: tuple[float, ...] = (10.0, 100.0, 1000.0)
"""The reductions whose exceedance probability every summary reports."""

TOTALS = ("hardware", "compute")


def _key(x: float) -> str:
    return f"{x:g}"


def _as_floats(value: Any, what: str, field: str) -> np.ndarray:
    if isinstance(value, bool | str | bytes) or value is None:
        raise EffcastError(f"{what} must be a number, got {value!r}", field=field)
    try:
        arr = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise EffcastError(
            f"{what} must be a number or a sequence of numbers, got {value!r}",
            field=field,
        ) from None
    if arr.ndim > 1:
        raise EffcastError(
            f"{what} must be a number or a flat sequence, got shape {arr.shape}",
            field=field,
        )
    if np.isnan(arr).any():
        raise EffcastError(f"{what} must not be NaN", field=field)
    return arr


def check_probabilities(q: Any, field: str = "q") -> np.ndarray:
    """``q`` as floats in [0, 1], or an :class:`EffcastError` naming ``field``.

    Examples
    --------
    >>> check_probabilities([0.1, 0.9]).tolist()
    [0.1, 0.9]
    >>> check_probabilities(50)
    Traceback (most recent call last):
    ...
    effcast._errors.EffcastError: q must lie between 0 and 1 (a fraction: 0.5 for the median), got 50
    """  # noqa: E501
    arr = _as_floats(q, field, field)
    if ((arr < 0) | (arr > 1)).any():
        bad = arr[(arr < 0) | (arr > 1)][0]
        raise EffcastError(
            f"{field} must lie between 0 and 1 (a fraction: 0.5 for the "
            f"median), got {bad:g}",
            field=field,
        )
    return arr


def check_values(x: Any, field: str = "x") -> np.ndarray:
    """``x`` as floats (infinities allowed, NaN refused)."""
    return _as_floats(x, field, field)


def scalar_or_array(values: np.ndarray, like: Any) -> float | np.ndarray:
    """A Python float when ``like`` is a scalar, else a float array."""
    values = np.asarray(values, dtype=float)
    return float(values.reshape(-1)[0]) if np.ndim(like) == 0 else values


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


class RunMeta(TypedDict):
    """What every result knows of the run that made it (``Model._meta``)."""

    names: Sequence[str]
    groups: Mapping[str, Sequence[str]]
    reduces: Sequence[str]
    years: float
    seed: int
    source: str
    title: NotRequired[str]
    prior: NotRequired[Prior | None]
    provenance: NotRequired[Provenance | None]


class ResultsBase(Displayable):
    """The interface :class:`Results` and :class:`StreamedResults` share.

    Subclasses implement :meth:`_quantiles` (quantiles of a canonical series
    key), :meth:`_exceed` (P(series > x)), :meth:`_total_summary`,
    :meth:`_running_medians` and, if they add to the document,
    :meth:`_header` and :meth:`_finish`.
    """

    names: tuple[str, ...]
    group_members: dict[str, tuple[str, ...]]
    reduces: dict[str, str]
    years: float
    seed: int
    source: str
    title: str
    prior: Prior | None
    provenance: Any = None  # effcast.prior._provenance.Provenance
    evidence: Any = None  # [[evidence]]: the run's EvidenceRun, if any

    def __init__(self, **meta: Unpack[RunMeta]) -> None:
        self.names = tuple(meta["names"])
        self.group_members = {g: tuple(v) for g, v in meta["groups"].items()}
        self.reduces = dict(zip(self.names, meta["reduces"], strict=True))
        self.years = float(meta["years"])
        self.seed = meta["seed"]
        self.source = meta["source"]
        self.title = meta.get("title", "")
        self.prior = meta.get("prior")
        self.provenance = meta.get("provenance")

    # -- to be supplied -------------------------------------------------
    @property
    def n(self) -> int:  # pragma: no cover - abstract
        raise NotImplementedError

    @property
    def has_factors(self) -> bool:
        """Whether each factor's (and so each group's) statistics are known."""
        return True

    def _quantiles(self, key: str, q: np.ndarray) -> np.ndarray:
        raise NotImplementedError  # pragma: no cover

    def _exceed(self, key: str, x: np.ndarray) -> np.ndarray:
        raise NotImplementedError  # pragma: no cover

    def _total_summary(self, which: str) -> dict:
        raise NotImplementedError  # pragma: no cover

    def _running_medians(self) -> dict[str, float]:
        raise NotImplementedError  # pragma: no cover

    def _header(self) -> dict[str, Any]:
        return {}

    def _finish(self, doc: dict) -> None:
        """Add what only this kind of result reports."""

    # -- the vocabulary -------------------------------------------------
    def series_key(self, which: str) -> str:
        """The canonical name of a series: ``"hardware"``, ``"compute"``,
        ``"factor:NAME"``, ``"group:NAME"`` or ``"cumulative:NAME"`` (the
        running product of the factors up to and including NAME).

        A bare name means the factor of that name, else the group.

        Raises
        ------
        EffcastError
            If ``which`` names no series.

        Examples
        --------
        >>> import effcast
        >>> res = effcast.load("gpt3_today").sample(1000, seed=1)
        >>> res.series_key("moe"), res.series_key("algorithmic")
        ('factor:moe', 'group:algorithmic')
        """
        if not isinstance(which, str):
            raise EffcastError(
                f"a series is named by a string ('hardware', 'compute', a "
                f"factor, 'factor:NAME' or 'group:NAME'), got {which!r}",
                field="which",
            )
        if which in TOTALS:
            return which
        kind, sep, name = which.partition(":")
        if sep and kind == "factor" and name in self.names:
            return which
        if sep and kind == "group" and name in self.group_members:
            return which
        if sep and kind == "cumulative" and name in self.names:
            return which
        if not sep and which in self.names:
            return f"factor:{which}"
        if not sep and which in self.group_members:
            return f"group:{which}"
        raise EffcastError(
            f"no series named {which!r}; use 'hardware', 'compute', a factor ("
            + ", ".join(self.names)
            + "), 'factor:NAME' or 'group:NAME' (groups: "
            + ", ".join(self.group_members)
            + ") or 'cumulative:NAME'",
            field="which",
        )

    def _need(self, key: str) -> None:
        if key not in TOTALS and not self.has_factors:
            raise EffcastError(
                "these results keep only the totals; sample with "
                "factors=True to look at factors and groups",
                field="which",
            )

    # -- statistics -----------------------------------------------------
    def quantile(self, which: str, q: float | Sequence[float]) -> Any:
        """Quantiles of a series: a float for a scalar ``q``, else an array.

        Parameters
        ----------
        which : str
            ``"hardware"``, ``"compute"``, a factor's name, ``"factor:NAME"``
            or ``"group:NAME"``.
        q : float or sequence of float
            Probabilities in [0, 1] (0.5 is the median; 50 is refused).

        Raises
        ------
        EffcastError
            For an unknown series or a probability outside [0, 1].
        """
        key = self.series_key(which)
        qs = check_probabilities(q)
        self._need(key)
        return scalar_or_array(self._quantiles(key, np.atleast_1d(qs)), q)

    def prob_exceeds(self, which: str, x: float | Sequence[float]) -> Any:
        """P(series > x): a float for a scalar ``x``, else an array.

        Raises
        ------
        EffcastError
            For an unknown series or a value that is not a number.
        """
        key = self.series_key(which)
        xs = check_values(x)
        self._need(key)
        return scalar_or_array(self._exceed(key, np.atleast_1d(xs)), x)

    def median(self, which: str = "hardware") -> float:
        """The median of a series (see :meth:`quantile`)."""
        return float(self.quantile(which, 0.5))

    # -- the document ---------------------------------------------------
    def summary(self) -> dict:
        """Everything ``effcast sample --json`` prints, as a plain dictionary.

        The quantiles of ``oom_per_year`` and ``annual_multiplier`` are the
        monotone transforms of the reduction's quantiles.
        """
        doc: dict[str, Any] = {**self._doc_header(), **self._header()}
        for which in TOTALS:
            doc[which] = self._total_summary(which)
        self._add_factor_sections(doc, self._qdict, self._running_medians)
        self._add_prior_sections(
            doc, lambda which, x: float(self._exceed(which, np.array([x]))[0])
        )
        self._finish(doc)
        return doc

    def _doc_header(self) -> dict[str, Any]:
        """The document's first keys: the run, the version, its provenance."""
        return {
            "prior": self.source,
            "title": self.title,
            "samples": self.n,
            "seed": self.seed,
            "years": self.years,
            "effcast_version": __version__,
            **(self.provenance.fields() if self.provenance is not None else {}),
        }

    def _add_factor_sections(
        self,
        doc: dict[str, Any],
        quantiles: Callable[[str], dict[str, float]],
        running: Callable[[], dict[str, float]],
    ) -> None:
        """``factors``, ``groups`` and (when factors were kept) the seed table.

        ``quantiles`` gives the quantile dictionary of a series key
        (``"factor:NAME"``, ``"group:NAME"``); ``running``, the medians of the
        running products.
        """
        doc["factors"] = {}
        doc["groups"] = {}
        if not self.has_factors:
            return
        for name in self.names:
            doc["factors"][name] = {
                "quantiles": quantiles(f"factor:{name}"),
                "reduces": self.reduces[name],
            }
        for group, members in self.group_members.items():
            doc["groups"][group] = {
                "quantiles": quantiles(f"group:{group}"),
                "factors": list(members),
            }
        doc["table"] = seed_table(
            self.names,
            self.group_members,
            self.reduces,
            {k: v["quantiles"]["0.5"] for k, v in doc["factors"].items()},
            running(),
            {k: v["quantiles"]["0.5"] for k, v in doc["groups"].items()},
            doc["hardware"]["quantiles"]["0.5"],
            doc["compute"]["quantiles"]["0.5"],
        )

    def _add_prior_sections(
        self, doc: dict[str, Any], prob: Callable[[str, float], float]
    ) -> None:
        """What the prior's tables add: ``resources`` and ``reference_rates``.

        ``prob(which, x)`` is P(series > x) for a series key.
        """
        if self.prior is None:
            return
        spec = resolve_resources(self.prior)
        if spec is not None:
            doc["resources"] = resources_summary(
                spec, doc["hardware"]["quantiles"], doc["compute"]["quantiles"]
            )
        if self.prior.reference:
            probs = {
                name: (
                    prob(which, threshold)
                    if self.has_factors or which in TOTALS
                    else None
                )
                for name, which, threshold in reference_thresholds(self.prior)
            }
            doc["reference_rates"] = reference_summary(self.prior, probs)

    def _qdict(self, key: str) -> dict[str, float]:
        values = self._quantiles(key, np.asarray(QUANTILES))
        return {_key(q): float(v) for q, v in zip(QUANTILES, values, strict=True)}

    # -- display --------------------------------------------------------
    _view = "summary"

    def _headline(self) -> str:
        return (
            f"{self.n:,} samples of {self.source!r}: hardware median "
            f"{self.median('hardware'):.3g}x, compute median "
            f"{self.median('compute'):.3g}x"
        )

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self._headline()}>"
