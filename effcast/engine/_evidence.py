"""Evidence as likelihoods: per-sample importance weights, computed block by block.

:class:`Likelihood` turns a prior's ``[[evidence]]`` entries
(:mod:`effcast.prior._evidence`) into a function of one block of samples:
the block's weights and a row of sums (weight, weight squared, each entry's
prior-predictive figures). The sampler calls it in the same thread, right
after the kernel fills each block, both in memory and when streaming, so the
weights are a deterministic function of the block and the block's row of
sums does not depend on which thread ran it. :class:`EvidenceRun` adds the
rows up in block order (``math.fsum``), so every figure derived from them is
bit-identical for any number of threads.

Weights are ``exp`` of the summed log-likelihoods, each scaled so that its
largest value is 1 (the mode of a measurement, anywhere inside a bound):
no normalising pass is needed, and weights lie in ``[0, 1]``.

Each entry's likelihood is evaluated on a scale ``t``: the natural log of
the observed quantity (``dist = "lognormal"`` and bounds) or the quantity
itself (``dist = "normal"``). A measurement with centre ``c`` (the log of
its median, by default the middle of its interval) and interval
``[lo, hi]`` at ``level`` has the split-normal log-likelihood
``-((t - c) / s)**2 / 2`` with ``s = (c - lo) / z`` below ``c`` and
``(hi - c) / z`` above, ``z`` the normal quantile of ``(1 + level) / 2``.
A bound's log-likelihood is 0 inside and ``-inf`` outside (hard), or
``-((t - edge) / soft)**2 / 2`` outside (soft).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy.special import ndtr, ndtri

from effcast._errors import EffcastError
from effcast.prior._evidence import EVIDENCE_RESOURCES, EvidenceSpec
from effcast.prior._hardware import lookup
from effcast.prior._schema import Prior

__all__ = [
    "COLLAPSE_ESS",
    "WARN_ESS_FRACTION",
    "EvidenceRun",
    "Likelihood",
]

COLLAPSE_ESS = 100.0
"""Below this many effective samples a conditioned run is refused."""

WARN_ESS_FRACTION = 0.01
"""Below this fraction of ``n`` effective samples a conditioned run warns."""

_FIXED = 4  # sum w, sum w**2, sum w*log10(hardware), sum w*log10(compute)
_PER_ENTRY = 4  # sum w_e, sum w_e**2, two prior-predictive figures


def _resource_constant(prior: Prior, which: str) -> float:
    """The numerator of a resource: FLOP, target-GPU-hours or wall-clock hours
    of the baseline run (as :func:`effcast.results._resources.resolve_resources`
    computes them; repeated here because the engine sits below results)."""
    base = prior.baseline
    assert base is not None  # checked by the schema
    if which == "flop_needed":
        return float(base.flop)
    assert base.gpu is not None and base.gpus is not None and base.days is not None
    extra = prior.gpu_table()
    _, peaks = lookup(base.gpu, extra)
    target_peak = peaks["bf16"]
    count = None
    if prior.target is not None:
        _, tpeaks = lookup(prior.target.gpu, extra)
        target_peak = tpeaks[prior.target.precision]
        count = prior.target.gpus
    ratio = target_peak / peaks["bf16"]
    hours = base.gpus * base.days * 24.0 / ratio
    if which == "gpu_hours":
        return hours
    return hours / (base.gpus / ratio if count is None else count)


@dataclass(frozen=True)
class _Term:
    spec: EvidenceSpec
    rows: tuple[int, ...]  # factor rows multiplied (empty: a total)
    total: int  # 0 hardware, 1 compute, -1 when rows are used
    resource: float  # 0.0, or the numerator of a resource
    log_scale: bool
    centre: float
    s_lo: float
    s_hi: float
    lo: float
    hi: float


class Likelihood:
    """The ``[[evidence]]`` of a prior, compiled to act on blocks of samples.

    Parameters
    ----------
    prior : Prior
        A validated prior with at least one evidence entry.

    Examples
    --------
    >>> import numpy as np
    >>> from effcast.prior._loading import parse_prior
    >>> prior = parse_prior({
    ...     "period": {"start": 2020.0, "end": 2024.0},
    ...     "factor": [{"name": "x", "reduces": "compute", "dist": "lognormal",
    ...                 "ci": [2.0, 8.0], "level": 0.8}],
    ...     "evidence": [{"name": "e", "applies_to": "factor:x",
    ...                   "at_most": 4.0}],
    ... })
    >>> lik = Likelihood(prior)
    >>> w, row = lik.block(np.array([[3.0, 5.0]]), np.array([[3.0, 5.0], [3.0, 5.0]]))
    >>> w.tolist()
    [1.0, 0.0]
    """

    def __init__(self, prior: Prior) -> None:
        self.prior = prior
        self.years = prior.period.years
        factors: list[Any] = list(prior.factor)  # FactorSpec is a union
        names = [f.name for f in factors]
        terms = []
        for e in prior.evidence:
            kind, _, name = e.applies_to.partition(":")
            rows: tuple[int, ...] = ()
            total, resource = -1, 0.0
            if kind == "factor":
                rows = (names.index(name),)
            elif kind == "group":
                rows = tuple(i for i, f in enumerate(factors) if f.group == name)
            elif e.applies_to in EVIDENCE_RESOURCES:
                total = 1 if e.applies_to == "flop_needed" else 0
                resource = _resource_constant(prior, e.applies_to)
            else:
                total = 0 if e.applies_to == "hardware" else 1
            terms.append(self._term(e, rows, total, resource))
        self.terms: tuple[_Term, ...] = tuple(terms)
        self.needs_factors = any(t.rows for t in self.terms)

    @staticmethod
    def _term(
        e: EvidenceSpec, rows: tuple[int, ...], total: int, resource: float
    ) -> _Term:
        log_scale = e.dist != "normal"
        tf = math.log if log_scale else float
        centre = s_lo = s_hi = 0.0
        lo, hi = -math.inf, math.inf
        if e.dist is not None:
            assert e.ci is not None and e.level is not None
            a, b = tf(e.ci[0]), tf(e.ci[1])
            centre = (a + b) / 2 if e.median is None else tf(e.median)
            z = float(ndtri((1 + e.level) / 2))
            s_lo, s_hi = (centre - a) / z, (b - centre) / z
        else:
            if e.at_least is not None:
                lo = math.log(e.at_least)
            if e.at_most is not None:
                hi = math.log(e.at_most)
            s_lo = s_hi = e.soft or 0.0
        return _Term(e, rows, total, resource, log_scale, centre, s_lo, s_hi, lo, hi)

    @property
    def width(self) -> int:
        """Length of a block's row of sums."""
        return _FIXED + _PER_ENTRY * len(self.terms)

    def _log_quantity(
        self, term: _Term, factors: np.ndarray, totals: np.ndarray
    ) -> np.ndarray:
        """Natural log of the observed quantity, per sample (``+inf`` for an
        infinite halving time)."""
        if term.rows:
            log_s = np.log(factors[term.rows[0]])
            for r in term.rows[1:]:
                log_s = log_s + np.log(factors[r])
        else:
            log_s = np.log(totals[term.total])
        measure = term.spec.measure
        if term.resource:
            return math.log(term.resource) - log_s
        if measure == "per_year":
            return log_s / self.years
        if measure == "halving_months":
            with np.errstate(divide="ignore", invalid="ignore"):
                out = math.log(12.0 * math.log(2.0) * self.years) - np.log(log_s)
            return np.where(log_s > 0, out, np.inf)
        return log_s

    def block(
        self, factors: np.ndarray, totals: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """One block's weights and its row of sums.

        Parameters
        ----------
        factors : float64[n_factors, m]
            Each factor's samples (may have zero rows when no entry names a
            factor or group).
        totals : float64[2, m]
            Hardware and compute.

        Returns
        -------
        weights : float64[m]
            ``exp`` of the summed log-likelihoods, in ``[0, 1]``.
        row : float64[width]
            Sums for :class:`EvidenceRun`.
        """
        m = totals.shape[1]
        row = np.zeros(self.width)
        log_w = np.zeros(m)
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            for k, term in enumerate(self.terms):
                lq = self._log_quantity(term, factors, totals)
                ll, a, b = self._entry(term, lq)
                log_w += ll
                w_e = np.exp(ll)
                base = _FIXED + _PER_ENTRY * k
                row[base : base + 4] = (np.sum(w_e), np.sum(w_e * w_e), a, b)
            w = np.exp(log_w)
            row[0] = np.sum(w)
            row[1] = np.sum(w * w)
            for t in range(2):
                row[2 + t] = np.sum(w * np.log10(totals[t]))
        return w, row

    def entry_log_likelihoods(
        self, factors: np.ndarray, totals: np.ndarray
    ) -> list[np.ndarray]:
        """Each entry's log-likelihood per sample (for diagnostics)."""
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            return [
                self._entry(t, self._log_quantity(t, factors, totals))[0]
                for t in self.terms
            ]

    @staticmethod
    def _entry(term: _Term, lq: np.ndarray) -> tuple[np.ndarray, float, float]:
        """Log-likelihood per sample and two prior-predictive sums.

        For a measurement: the sum over samples of P(a new observation lies
        at or below the one made | the sample's true value), and 0. For a
        bound: the counts of samples below ``at_least`` and at or below
        ``at_most``.
        """
        if term.spec.dist is not None:
            t = lq if term.log_scale else np.exp(lq)
            z = t - term.centre
            s = np.where(z < 0, term.s_lo, term.s_hi)
            ll = np.where(np.isfinite(t), -0.5 * (z / s) ** 2, -np.inf)
            # The error e = centre - t: sd s_lo above 0, s_hi below.
            share = term.s_hi / (term.s_lo + term.s_hi)
            e = -z
            phi = ndtr(e / np.where(e < 0, term.s_hi, term.s_lo))
            cdf = np.where(
                e < 0, 2 * share * phi, share + 2 * (1 - share) * (phi - 0.5)
            )
            return ll, float(np.sum(cdf)), 0.0
        below = lq < term.lo
        above = lq > term.hi
        if term.s_lo > 0:
            width = term.s_lo
            ll = np.where(below, -0.5 * ((lq - term.lo) / width) ** 2, 0.0)
            ll = np.where(above, -0.5 * ((lq - term.hi) / width) ** 2, ll)
            ll = np.where(np.isnan(ll), -np.inf, ll)
        else:
            ll = np.where(below | above, -np.inf, 0.0)
        return ll, float(np.count_nonzero(below)), float(np.count_nonzero(~above))


class EvidenceRun:
    """The evidence side of one run: its rows of sums added up in block order.

    Parameters
    ----------
    likelihood : Likelihood
        The compiled evidence.
    rows : numpy.ndarray
        One row of sums per block, in block order.
    n : int
        The number of samples.
    """

    def __init__(self, likelihood: Likelihood, rows: np.ndarray, n: int) -> None:
        self.specs = tuple(t.spec for t in likelihood.terms)
        self.n = n
        self.sums = np.array([math.fsum(rows[:, j]) for j in range(rows.shape[1])])

    @property
    def weight_sum(self) -> float:
        """The sum of the weights."""
        return float(self.sums[0])

    @property
    def ess(self) -> float:
        """Kish's effective sample size of the joint weights."""
        return _kish(self.sums[0], self.sums[1])

    def entry_ess(self, k: int) -> float:
        """Kish's ESS of entry ``k``'s likelihood alone."""
        base = _FIXED + _PER_ENTRY * k
        return _kish(self.sums[base], self.sums[base + 1])

    def mean_log10(self, t: int) -> float | None:
        """The weighted mean of log10 of total ``t`` (None when not finite)."""
        value = self.sums[2 + t] / self.sums[0] if self.sums[0] > 0 else math.nan
        return float(value) if math.isfinite(value) else None

    def prior_check(self, k: int) -> dict:
        """Where entry ``k``'s observation falls under the prior.

        A measurement gets ``prior_percentile``: the percentile of its median
        in the prior predictive distribution (the prior of the quantity with
        the measurement's error added). A bound gets ``prior_mass_inside``
        and the prior percentile of each bound it gives.
        """
        spec = self.specs[k]
        base = _FIXED + _PER_ENTRY * k
        a, b = self.sums[base + 2] / self.n, self.sums[base + 3] / self.n
        if spec.dist is not None:
            return {"prior_percentile": 100.0 * float(a)}
        out: dict = {"prior_mass_inside": float(b - a)}
        if spec.at_least is not None:
            out["at_least_prior_percentile"] = 100.0 * float(a)
        if spec.at_most is not None:
            out["at_most_prior_percentile"] = 100.0 * float(b)
        return out

    def check(self, source: str) -> str | None:
        """Refuse a collapsed run; return a warning when the ESS is low.

        Raises
        ------
        EffcastError
            When fewer than :data:`COLLAPSE_ESS` effective samples remain;
            the message names the entry whose likelihood alone leaves the
            fewest, with where its observation falls under the prior.
        """
        ess = self.ess
        if ess >= COLLAPSE_ESS:
            if ess < WARN_ESS_FRACTION * self.n:
                return (
                    f"the evidence leaves an effective sample size of {ess:,.0f} "
                    f"of {self.n:,} samples ({ess / self.n:.2%}, below "
                    f"{WARN_ESS_FRACTION:.0%}); posterior figures carry a larger "
                    "Monte Carlo error: draw more samples"
                )
            return None
        k = min(range(len(self.specs)), key=self.entry_ess)
        spec = self.specs[k]
        check = self.prior_check(k)
        if "prior_percentile" in check:
            where = (
                f"its median lies at the {check['prior_percentile']:.3g}th percentile"
            )
        else:
            where = (
                f"{check['prior_mass_inside']:.3g} of the prior lies inside the bound"
            )
        alone = self.entry_ess(k)
        joint = (
            ""
            if alone < COLLAPSE_ESS
            else " (each entry alone keeps enough; together they contradict)"
        )
        raise EffcastError(
            f"{source}, evidence '{spec.name}' (#{k + 1}), field "
            f"'{'ci' if spec.dist else 'at_least' if spec.at_least else 'at_most'}': "
            f"the importance weights collapse: effective sample size "
            f"{ess:,.1f} of {self.n:,} samples{joint}; {where} of the prior "
            "predictive. Draw more samples (-n) or widen the likelihood "
            "(a wider ci, or soft for a bound); or the prior and the evidence "
            "contradict each other",
            source=source,
            factor=spec.name,
            field="ci" if spec.dist else "at_least" if spec.at_least else "at_most",
        )


def _kish(s1: float, s2: float) -> float:
    return float(s1 * s1 / s2) if s2 > 0 else 0.0
