"""Precision mode: draw until the headline figures are as precise as asked.

The headline figures are the median and the 10th and 90th percentiles (the
80% interval) of both totals. Their standard errors come from the spacing
of order statistics (:func:`effcast.results._fast_stats.quantile_se`), and a
quantile's standard error shrinks as ``1 / sqrt(n)``, so after a first
round of samples the number needed is predicted and drawn in one more step
(or a few, if the prediction falls short), up to a limit. Probabilities are
left out: the relative error of a small probability is large by nature.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

from effcast._errors import EffcastError
from effcast.engine._blocks import BLOCK_SIZE, SeedLike, available_memory
from effcast.engine._sampler import Draws, Sampler
from effcast.results._fast_stats import summary_statistics

__all__ = ["HEADLINE", "headline_rel_se", "sample_to_precision"]

HEADLINE: tuple[float, ...] = (0.1, 0.5, 0.9)
"""The quantiles of each total whose relative standard error is targeted."""

_FIRST = 2 * BLOCK_SIZE


def headline_rel_se(totals: np.ndarray, threads: int | None = None) -> float:
    """The largest relative standard error among the headline quantiles."""
    st = summary_statistics(totals, None, [], HEADLINE, (), threads=threads)
    worst = 0.0
    for qs, ses in zip(st.totals, st.totals_se, strict=True):
        for q, se in zip(qs, ses, strict=True):
            rel = se / abs(q) if q != 0 else math.inf
            worst = max(worst, rel if math.isfinite(rel) else math.inf)
    return worst


def sample_to_precision(
    sampler: Sampler,
    rel_se: float,
    max_samples: int,
    seed: SeedLike = None,
    *,
    factors: bool = True,
    threads: int | None = None,
    progress: Callable[[int], None] | None = None,
) -> tuple[Draws, dict]:
    """Draw until every headline quantile's relative SE is at most ``rel_se``.

    Returns the draws (the first ``n`` samples of the seed's run, as
    :meth:`Sampler.draw` would give for that ``n``) and a record of the
    target, the standard error reached and whether it met the target before
    ``max_samples``.
    """
    if not (isinstance(rel_se, int | float) and 0 < rel_se < 1):
        raise EffcastError(
            f"the relative standard error must be between 0 and 1, got {rel_se!r}",
            field="rel_se",
        )
    n = min(max_samples, _FIRST)
    draws = sampler.draw(n, seed, factors=factors, threads=threads, progress=progress)
    rounds = 1
    while True:
        got = headline_rel_se(draws.totals, threads)
        if got <= rel_se or n >= max_samples or n % BLOCK_SIZE:
            break
        # SE ~ 1/sqrt(n): aim 10% past the predicted need, and grow by at
        # least a quarter so that the loop ends in a few rounds.
        need = n * (got / rel_se) ** 2 * 1.1 if math.isfinite(got) else 2 * n
        want = math.ceil(max(1.25 * n, need) / BLOCK_SIZE) * BLOCK_SIZE
        want = min(max_samples, want)
        _check_memory(want, draws)
        draws = sampler.extend(draws, want, threads=threads, progress=progress)
        n = want
        rounds += 1
    record = {
        "target_rel_se": float(rel_se),
        "rel_se": float(got),
        "reached": bool(got <= rel_se),
        "max_samples": int(max_samples),
        "rounds": rounds,
        "headline_quantiles": list(HEADLINE),
    }
    return draws, record


def _check_memory(n: int, draws: Draws) -> None:
    rows = 2 + (0 if draws.factors is None else draws.factors.shape[0])
    need, avail = 8 * rows * n, available_memory()
    if avail is not None and need > 0.8 * avail:
        raise EffcastError(
            f"reaching the requested precision needs {n:,} samples "
            f"({need / 2**30:.1f} GiB) but only {avail / 2**30:.1f} GiB is "
            "available; ask for a larger relative error or a smaller limit",
            field="rel_se",
        )
