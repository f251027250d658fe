"""The public sampler: :class:`Model` draws with the engine and returns results.

The engine's :class:`~effcast.engine._sampler.Sampler` fills arrays and
histograms; :class:`Model` adds the two methods users call,
:meth:`Model.sample` (samples kept in memory, a :class:`Results`) and
:meth:`Model.stream` (summarised block by block, a :class:`StreamedResults`).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from pathlib import Path

import numpy as np

from effcast._errors import EffcastError
from effcast.engine._blocks import SeedLike, check_count
from effcast.engine._sampler import Sampler
from effcast.prior._overrides import Overrides
from effcast.results._base import RunMeta
from effcast.results._evidence_summary import check_evidence
from effcast.results._in_memory import PROB_THRESHOLDS, Results
from effcast.results._resources import reference_thresholds
from effcast.results._streamed import StreamedResults

__all__ = ["Model", "load"]


class Model(Sampler):
    """A validated prior, ready to sample.

    Build one with :func:`effcast.load` (from a TOML file or a shipped
    prior's name) or :meth:`Model.from_dict`; both validate the prior and
    raise :class:`~effcast.EffcastError` if anything is wrong.

    Parameters
    ----------
    prior : effcast.Prior
        A validated prior.
    source : str
        Where the prior came from (a path, or ``"<dict>"``), for messages.

    Examples
    --------
    >>> import effcast
    >>> model = effcast.Model.from_dict({
    ...     "period": {"start": 2020.0, "end": 2024.0},
    ...     "factor": [
    ...         {"name": "moe", "reduces": "compute", "dist": "lognormal",
    ...          "ci": [1.25, 5.0], "level": 0.9},
    ...         {"name": "mfu", "reduces": "hardware", "dist": "truncnormal",
    ...          "ci": [1.7, 3.3], "level": 0.8, "lower": 0.0, "upper": 4.7},
    ...     ],
    ... })
    >>> res = model.sample(100_000, seed=1)
    >>> round(float(res.quantile("compute", 0.5)), 1)
    2.5
    """

    def _meta(self, entropy: int) -> RunMeta:
        return {
            "names": self.factor_names,
            "groups": self.groups,
            "reduces": tuple(m.reduces for m in self.marginals),
            "years": self.years,
            "seed": entropy,
            "source": self.source,
            "title": self.title,
            "prior": self.prior,
            "provenance": self.provenance,
        }

    def sample(
        self,
        n: int,
        seed: SeedLike = None,
        *,
        factors: bool = True,
        threads: int | None = None,
        progress: Callable[[int], None] | None = None,
        rel_se: float | None = None,
        qmc: bool = False,
        scrambles: int = 8,
    ) -> Results:
        """Draw ``n`` samples of every factor and of both reductions.

        Parameters
        ----------
        n : int
            Number of samples; with ``rel_se``, the most that may be drawn.
        seed : int, numpy.random.Generator or None
            Seed for the random streams. The same seed gives bit-identical
            results whatever the number of threads; ``None`` draws fresh
            entropy (recorded in ``Results.seed``).
        factors : bool
            Keep each factor's samples (needed for :meth:`Results.factor`,
            :meth:`Results.group` and the per-factor summary). ``False``
            keeps only the two totals, using less memory and time.
        threads : int, optional
            Worker threads; defaults to ``NUMBA_NUM_THREADS`` (the number of
            cores unless that variable says otherwise).
        progress : callable, optional
            Called with the number of samples just finished, from the calling
            thread, as blocks of 65,536 finish (the convention of
            :meth:`stream`); for progress bars. It does not change the
            samples.
        rel_se : float, optional
            Precision mode: draw until the median and the 10th and 90th
            percentiles of both totals have a standard error of at most this
            fraction of their value (0.005 for 0.5%), or ``n`` samples have
            been drawn. ``Results.precision`` then records the target, the
            error reached and whether it was met. The samples are the first
            ones of the seed's run, as without ``rel_se``.
        qmc : bool
            Randomised quasi-Monte Carlo: ``scrambles`` independent
            scrambles of a Sobol sequence, each mapped through every
            factor's exact inverse CDF (see docs/methodology.md). The same
            distribution as plain sampling with less Monte Carlo error for
            the same ``n``; the standard errors come from the spread between
            the scrambles. Reproducible from ``seed`` for any thread count.
        scrambles : int
            With ``qmc``, the number of independent scrambles (at least 2).

        Returns
        -------
        Results
            With ``[[evidence]]`` in the prior, every figure is weighted by
            the evidence's likelihood (``Results.weights``); use
            :meth:`without_evidence` for the prior alone.

        Raises
        ------
        EffcastError
            If ``n``, ``seed`` or ``rel_se`` is invalid, the samples would not
            fit in memory, or the evidence leaves fewer than 100 effective
            samples (it then names the entry). A low ESS (below 1% of ``n``)
            only warns (:class:`EvidenceWarning`).

        Examples
        --------
        >>> import effcast
        >>> model = effcast.load("gpt3_today")
        >>> res = model.sample(10**7, seed=1, rel_se=0.01)
        >>> res.precision["reached"], res.n < 10**7
        (True, True)
        """
        if qmc:
            if rel_se is not None:
                raise EffcastError(
                    "precision mode (rel_se) draws plain Monte Carlo samples; "
                    "use it without qmc",
                    field="qmc",
                )
            _check_scrambles(scrambles)
            d = self.draw(
                n,
                seed,
                factors=factors,
                threads=threads,
                progress=progress,
                qmc=scrambles,
            )
            res = Results(d.totals, d.factors, **self._meta(d.entropy))
            res.scrambles = min(scrambles, d.totals.shape[1])
            return res
        if rel_se is not None:
            from effcast.results._precision import sample_to_precision

            d, record = sample_to_precision(
                self,
                rel_se,
                check_count(n),
                seed,
                factors=factors,
                threads=threads,
                progress=progress,
            )
            res = Results(d.totals, d.factors, **self._meta(d.entropy))
            res.precision = record
            return res
        d = self.draw(n, seed, factors=factors, threads=threads, progress=progress)
        bad = int(np.count_nonzero(np.isnan(d.totals) | np.isposinf(d.totals)))
        if bad:
            self._not_finite(bad, d.entropy)
        check_evidence(d.evidence, self.source)
        return Results(
            d.totals,
            d.factors,
            **self._meta(d.entropy),
            weights=d.weights,
            evidence=d.evidence,
        )

    def _not_finite(self, bad: int | str, entropy: int) -> None:
        """Stop before any statistic is computed over NaN or infinity.

        The prior's checks (:mod:`effcast.families._bounds`) keep every
        accepted belief finite, so this is a bug in effcast, not bad input.
        """
        raise EffcastError(
            f"{self.source}: {bad} sampled products are not finite numbers "
            f"(seed {entropy}); no statistic is computed over them. This is a "
            "bug in effcast: please report it with the prior and the seed",
            source=self.source,
            field="samples",
        )

    def stream(
        self,
        n: int,
        seed: SeedLike = None,
        *,
        threads: int | None = None,
        progress: Callable[[int], None] | None = None,
        qmc: bool = False,
        scrambles: int = 8,
    ) -> StreamedResults:
        """Summarise ``n`` samples block by block, without keeping them.

        Draws exactly the samples :meth:`sample` would for the same ``n`` and
        ``seed`` (the same blocks and streams), but adds each block to
        log-scale histograms and exact counts instead of storing it, so
        memory stays near 30 MB per thread (histograms and one block of
        scratch) whatever ``n`` is.

        Parameters
        ----------
        n : int
            Number of samples (a billion is fine).
        seed : int, numpy.random.Generator or None
            As for :meth:`sample`; the result does not depend on ``threads``.
        threads : int, optional
            Worker threads; defaults to ``NUMBA_NUM_THREADS``.
        progress : callable, optional
            Called with the number of samples just finished, from worker
            threads, after each block of 65,536.
        qmc, scrambles
            As for :meth:`sample`: stream randomised quasi-Monte Carlo
            samples, with errors from the spread between the scrambles.

        Returns
        -------
        StreamedResults
            Quantiles within a relative error of ``2**-11``; P(> 10, 100,
            1000x) exact; :meth:`~StreamedResults.summary` is the document
            :meth:`Results.summary` gives. With ``[[evidence]]``, weighted:
            the weights are added to a second set of histograms in exact
            fixed point, in the same pass, so the posterior figures too are
            identical for any thread count.
        """
        # Exact counts at the summary's thresholds and at those of the
        # prior's reference rates for the totals.
        counted = tuple(PROB_THRESHOLDS) + tuple(
            t
            for _, which, t in reference_thresholds(self.prior)
            if which in ("hardware", "compute")
        )
        hist, entropy = self.accumulate(
            n,
            seed,
            np.array(counted, dtype=np.float64),
            threads=threads,
            progress=progress,
            qmc=_check_scrambles(scrambles) if qmc else None,
        )
        sums = [hist.log_sum[t].value for t in (0, 1)]
        if any(math.isnan(v) or v == math.inf for v in sums):
            self._not_finite("some", entropy)
        check_evidence(hist.evidence, self.source)
        return StreamedResults(hist, counted, **self._meta(entropy))


def _check_scrambles(scrambles: int) -> int:
    if isinstance(scrambles, bool) or not isinstance(scrambles, int) or scrambles < 2:
        raise EffcastError(
            f"scrambles must be an integer of at least 2, got {scrambles!r}",
            field="scrambles",
        )
    return scrambles


def load(path: str | Path, overrides: Overrides = None) -> Model:
    """Read and validate a prior file, returning a :class:`Model`.

    Parameters
    ----------
    path : str or pathlib.Path
        A TOML prior file (see the prior format in the docs), or the name of
        a prior shipped with effcast (``"gpt3_today"``; see
        :func:`effcast.shipped_priors`).
    overrides : mapping or iterable of str, optional
        Changes to apply before validation, such as ``{"moe.median": 3}`` or
        ``["period.end=2025"]`` (see :meth:`Model.with_overrides`).

    Raises
    ------
    EffcastError
        If the file is missing or unreadable, is not valid TOML, or is not
        a valid prior. The message names the file, factor, field and line.

    Examples
    --------
    >>> import effcast
    >>> model = effcast.load("gpt3_today")
    >>> model.factor_names[:2]
    ('transformer_pp', 'moe')
    """
    return Model.from_toml(path, overrides=overrides)
