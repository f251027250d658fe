"""Streamed runs: summarise a model's samples block by block, never keeping them.

The driver behind :meth:`effcast.Model.stream`: each worker thread draws its
share of the blocks with the same kernel and streams as
:meth:`~effcast.Model.sample`, adds them to its own histograms
(:mod:`effcast.engine._histogram`), and the histograms are merged at the end.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING

import numpy as np

from effcast.engine._blocks import BLOCK_SIZE, block_generator, check_threads
from effcast.engine._evidence import EvidenceRun
from effcast.engine._histogram import Histograms, accumulate
from effcast.engine._kernels import fill_block
from effcast.engine._weighted_histogram import WeightedHistograms

if TYPE_CHECKING:
    from effcast.engine._sampler import Sampler

__all__ = ["accumulate_blocks"]


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
    # With [[evidence]]: weighted histograms beside the counts (the prior).
    lik = sampler.likelihood
    if lik is not None:
        block_rows = np.zeros((n_blocks, lik.width))
        for st in states:
            st.posterior = WeightedHistograms(n_series, len(thresholds), n)

    def work(w: int) -> None:
        st = states[w]
        factors = np.empty((n_f, BLOCK_SIZE))
        totals = np.empty((2, BLOCK_SIZE))
        series = np.empty((n_series, BLOCK_SIZE))
        bits = series.view(np.int64)
        block_sums = np.zeros(2)
        for b in range(w, n_blocks, workers):
            if stop.is_set():  # Ctrl-C or an error in another worker
                return
            m = min(BLOCK_SIZE, n - b * BLOCK_SIZE)
            f, t = factors[:, :m], totals[:, :m]
            fill_block(block_generator(root, b), *sampler._arrays, f, t)
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
            if lik is not None:
                weights, block_rows[b] = lik.block(f, t)
                st.posterior.add(series[:, :m], bits[:, :m], weights, thresholds)
            if progress is not None:
                progress(m)

    stop = threading.Event()
    if workers == 1:
        work(0)
    else:
        with ThreadPoolExecutor(max_workers=workers) as pool:
            try:
                for fut in [pool.submit(work, w) for w in range(workers)]:
                    fut.result()
            except BaseException:
                stop.set()  # every worker returns after its current block
                raise
    merged = states[0]
    for other in states[1:]:
        merged.merge(other)
        if lik is not None:
            merged.posterior.merge(other.posterior)
    if lik is not None:
        merged.evidence = EvidenceRun(lik, block_rows, n)
    return merged
