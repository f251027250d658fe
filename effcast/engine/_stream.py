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

from effcast._errors import EffcastError
from effcast.engine._blocks import BLOCK_SIZE, block_generator, check_threads
from effcast.engine._evidence import EvidenceRun
from effcast.engine._histogram import Histograms, accumulate
from effcast.engine._weighted_histogram import WeightedHistograms

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
    scrambles: int | None = None,
) -> Histograms:
    """Add ``n`` samples of ``sampler`` to histograms, block by block.

    Each worker thread takes every ``workers``-th block, draws it with the
    same kernel and stream as the in-memory path, and adds it to its own
    histograms; the histograms are merged at the end (integers and exact
    sums only, so the result does not depend on the thread count).
    ``thresholds`` are the values above which exact counts are kept.

    With ``scrambles``, the samples are randomised quasi-Monte Carlo points
    (:mod:`effcast.engine._qmc`) instead, a task being one block of one
    scramble, and each scramble's totals are also binned on their own
    (``Histograms.by_scramble``).
    """
    threads = check_threads(threads)
    fill_block = sampler._block_kernel()
    tasks: list[tuple[int, int, int]]  # (scramble or -1, first, count)
    if scrambles is None:
        tasks = [
            (-1, b * BLOCK_SIZE, min(BLOCK_SIZE, n - b * BLOCK_SIZE))
            for b in range(math.ceil(n / BLOCK_SIZE))
        ]
    else:
        from effcast.engine._qmc import fill_block_qmc, qmc_dims
        from effcast.engine._sobol import scramble_sizes, scramble_state

        sizes = scramble_sizes(n, scrambles)
        dims = qmc_dims(sampler._arrays[2])
        entropy = root.entropy
        assert isinstance(entropy, int)  # resolve_seed makes integer roots
        qstates = [scramble_state(entropy, r, int(dims[-1])) for r in range(len(sizes))]
        tasks = [
            (r, k, min(BLOCK_SIZE, m - k))
            for r, m in enumerate(sizes)
            for k in range(0, m, BLOCK_SIZE)
        ]
    n_blocks = len(tasks)
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
        if scrambles is not None:
            raise EffcastError(
                "quasi-Monte Carlo does not yet combine with [[evidence]]; "
                "drop --qmc, or use --no-evidence",
                field="qmc",
            )
        block_rows = np.zeros((n_blocks, lik.width))
        for st in states:
            st.posterior = WeightedHistograms(n_series, len(thresholds), n)
    if scrambles is not None:
        for st in states:
            st.by_scramble = [
                Histograms(2, len(thresholds), n) for _ in range(len(sizes))
            ]
    no_groups = np.zeros(0, dtype=np.int64)

    # With [[evidence]], each block is drawn whole so that its likelihood
    # is computed over the same samples as in memory.
    step = SLICE if lik is None else BLOCK_SIZE

    def work(w: int) -> None:
        st = states[w]
        factors = np.empty((n_f, step))
        totals = np.empty((2, step))
        series = np.empty((n_series, step))
        bits = series.view(np.int64)
        block_sums = np.zeros(2)
        for b in range(w, n_blocks, workers):
            if stop.is_set():  # Ctrl-C or an error in another worker
                return
            r, first, m = tasks[b]
            gen = block_generator(root, b) if r < 0 else None
            # The block in slices that stay in cache: each slice is drawn
            # (the generator carries on from the last slice, so the samples
            # are those of the whole block) and binned while still there.
            for a in range(0, m, step):
                z = min(m, a + step)
                f, t = factors[:, : z - a], totals[:, : z - a]
                if r < 0:
                    fill_block(gen, *sampler._arrays, f, t)
                else:
                    fill_block_qmc(*qstates[r], first + a, dims, *sampler._arrays, f, t)
                targets = [(st, f, group_of, len(groups), n_series)]
                if r >= 0:
                    targets.append((st.by_scramble[r], f[:0], no_groups, 0, 2))
                for h, ff, gof, ng, ns in targets:
                    accumulate(
                        ff,
                        t,
                        gof,
                        ng,
                        series[:ns, : z - a],
                        bits[:ns, : z - a],
                        h.hist,
                        h.low,
                        h.high,
                        h.mins,
                        h.min_count,
                        h.maxs,
                        thresholds,
                        h.exceed,
                        block_sums,
                    )
                    h.add_log_sums(block_sums)
                if lik is not None:  # a whole block (step == BLOCK_SIZE)
                    weights, block_rows[b] = lik.block(f, t)
                    st.posterior.add(
                        series[:, : z - a], bits[:, : z - a], weights, thresholds
                    )
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
        for mine, theirs in zip(merged.by_scramble, other.by_scramble, strict=True):
            mine.merge(theirs)
    if lik is not None:
        merged.evidence = EvidenceRun(lik, block_rows, n)
    return merged
