"""Streamed runs: summarise a model's samples block by block, never keeping them.

The driver behind :meth:`effcast.Model.stream`: each worker thread draws its
share of the blocks with the same kernel and streams as
:meth:`~effcast.Model.sample`, adds them to its own histograms
(:mod:`effcast._histogram`), and the histograms are merged at the end.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import numpy as np

from ._blocks import (
    BLOCK_SIZE,
    SeedLike,
    block_generator,
    check_count,
    check_threads,
    resolve_seed,
)
from ._resources import reference_thresholds
from ._results import PROB_THRESHOLDS
from ._streamed import StreamedResults

__all__ = ["stream"]


def stream(
    model,
    n: int,
    seed: SeedLike = None,
    *,
    threads: int | None = None,
    progress: Callable[[int], None] | None = None,
) -> StreamedResults:
    """Summarise ``n`` samples of ``model`` block by block (see :meth:`Model.stream`).

    Each worker thread takes every ``workers``-th block, draws it with the
    same kernel and stream as the in-memory path, and adds it to its own
    histograms; the histograms are merged at the end (integers and exact
    sums only, so the result does not depend on the thread count).
    """
    from ._histogram import Histograms, accumulate
    from ._kernels import fill_block

    n = check_count(n)
    root, entropy = resolve_seed(seed)
    threads = check_threads(threads)
    n_blocks = math.ceil(n / BLOCK_SIZE)
    n_f = len(model.marginals)
    groups = list(model.groups)
    group_of = np.array(
        [groups.index(m.group) for m in model.marginals], dtype=np.int64
    )
    n_series = 2 + n_f + len(groups) + n_f
    # Exact counts at the summary's thresholds and at those of the
    # prior's reference rates for the totals.
    counted = tuple(PROB_THRESHOLDS) + tuple(
        t
        for _, which, t in reference_thresholds(model.prior)
        if which in ("hardware", "compute")
    )
    thresholds = np.array(counted, dtype=np.float64)
    workers = min(threads, n_blocks)
    states = [Histograms(n_series, len(thresholds), n) for _ in range(workers)]

    def work(w: int) -> None:
        st = states[w]
        factors = np.empty((n_f, BLOCK_SIZE))
        totals = np.empty((2, BLOCK_SIZE))
        series = np.empty((n_series, BLOCK_SIZE))
        bits = series.view(np.int64)
        block_sums = np.zeros(2)
        for b in range(w, n_blocks, workers):
            m = min(BLOCK_SIZE, n - b * BLOCK_SIZE)
            f, t = factors[:, :m], totals[:, :m]
            fill_block(block_generator(root, b), *model._arrays, f, t)
            accumulate(
                f,
                t,
                group_of,
                len(groups),
                series[:, :m],
                bits[:, :m],
                st.hist,
                st.low,
                st.high,
                st.mins,
                st.min_count,
                st.maxs,
                thresholds,
                st.exceed,
                block_sums,
            )
            st.add_log_sums(block_sums)
            if progress is not None:
                progress(m)

    if workers == 1:
        work(0)
    else:
        with ThreadPoolExecutor(max_workers=workers) as pool:
            for fut in [pool.submit(work, w) for w in range(workers)]:
                fut.result()
    merged = states[0]
    for other in states[1:]:
        merged.merge(other)
    return StreamedResults(
        merged,
        counted,
        names=model.factor_names,
        groups=model.groups,
        reduces=tuple(m.reduces for m in model.marginals),
        years=model.years,
        seed=entropy,
        source=model.source,
        title=model.title,
        prior=model.prior,
    )
