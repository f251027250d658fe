"""Streamed runs: summarise a model's samples block by block, never keeping them.

The driver behind :meth:`effcast.Model.stream`: each worker thread draws its
share of the blocks with the same kernel and streams as
:meth:`~effcast.Model.sample`, adds them to its own histograms
(:mod:`effcast.engine._histogram`), and the histograms are merged at the end.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING

import numpy as np

from effcast.engine._blocks import BLOCK_SIZE, block_generator, check_threads
from effcast.engine._histogram import Histograms, accumulate
from effcast.engine._kernels import fill_block

if TYPE_CHECKING:
    from effcast.engine._sampler import Sampler

__all__ = ["SLICE", "accumulate_blocks"]

SLICE = 4096
"""Samples drawn and binned at a time, so that they are binned from cache."""


def accumulate_blocks(
    sampler: Sampler,
    n: int,
    root: np.random.SeedSequence,
    thresholds: np.ndarray,
    *,
    threads: int | None = None,
    progress: Callable[[int], None] | None = None,
) -> Histograms:
    """Add ``n`` samples of ``sampler`` to histograms, block by block.

    Each worker thread takes every ``workers``-th block, draws it with the
    same kernel and stream as the in-memory path, and adds it to its own
    histograms; the histograms are merged at the end (integers and exact
    sums only, so the result does not depend on the thread count).
    ``thresholds`` are the values above which exact counts are kept.
    """
    threads = check_threads(threads)
    n_blocks = math.ceil(n / BLOCK_SIZE)
    n_f = len(sampler.marginals)
    groups = list(sampler.groups)
    group_of = np.array(
        [groups.index(m.group) for m in sampler.marginals], dtype=np.int64
    )
    n_series = 2 + n_f + len(groups) + n_f
    workers = min(threads, n_blocks)
    states = [Histograms(n_series, len(thresholds), n) for _ in range(workers)]

    def work(w: int) -> None:
        st = states[w]
        factors = np.empty((n_f, SLICE))
        totals = np.empty((2, SLICE))
        series = np.empty((n_series, SLICE))
        bits = series.view(np.int64)
        block_sums = np.zeros(2)
        for b in range(w, n_blocks, workers):
            m = min(BLOCK_SIZE, n - b * BLOCK_SIZE)
            gen = block_generator(root, b)
            # The block in slices that stay in cache: each slice is drawn
            # (the generator carries on from the last slice, so the samples
            # are those of the whole block) and binned while still there.
            for a in range(0, m, SLICE):
                z = min(m, a + SLICE)
                f, t = factors[:, : z - a], totals[:, : z - a]
                fill_block(gen, *sampler._arrays, f, t)
                accumulate(
                    f,
                    t,
                    group_of,
                    len(groups),
                    series[:, : z - a],
                    bits[:, : z - a],
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
    return merged
