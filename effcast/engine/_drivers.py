"""The loops that hand blocks of samples to the kernels.

:func:`run_blocks` fills plain Monte Carlo blocks (block ``b`` always gets
its own stream, whichever thread draws it) on a thread pool, with the
evidence's weights when the sampler has any; :func:`run_qmc` fills
randomised quasi-Monte Carlo scrambles. :class:`~effcast.engine._sampler.Sampler`
calls them; the kernels release the GIL, so the threads run in parallel.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING

import numpy as np

from effcast.engine._blocks import BLOCK_SIZE, block_generator, check_threads

if TYPE_CHECKING:
    from effcast.engine._sampler import Sampler

__all__ = ["fill", "run_blocks", "run_qmc"]


def fill(
    sampler: Sampler,
    root,
    factors: np.ndarray,
    totals: np.ndarray,
    b: int,
    offset: int,
    weights: tuple[np.ndarray, np.ndarray] | None = None,
) -> None:
    fill_block = sampler._block_kernel()
    start = b * BLOCK_SIZE - offset
    stop = start + BLOCK_SIZE
    f, t = factors[:, start:stop], totals[:, start:stop]
    lik = sampler.likelihood
    if lik is not None and lik.needs_factors and f.shape[0] == 0:
        f = np.empty((len(sampler.marginals), t.shape[1]))  # scratch
    fill_block(block_generator(root, b), *sampler._arrays, f, t)
    if lik is not None and weights is not None:
        w, row = lik.block(f, t)
        weights[0][start:stop] = w
        weights[1][b - offset // BLOCK_SIZE] = row


def run_qmc(
    sampler: Sampler,
    entropy: int,
    scrambles: int,
    out_factors: np.ndarray,
    totals: np.ndarray,
    threads: int | None,
    progress: Callable[[int], None] | None = None,
) -> None:
    """Fill the arrays with ``scrambles`` scrambles' points, one per task."""
    from effcast.engine._qmc import fill_block_qmc, qmc_dims
    from effcast.engine._sobol import scramble_sizes, scramble_state

    sizes = scramble_sizes(totals.shape[1], scrambles)
    starts = np.concatenate([[0], np.cumsum(sizes)])
    dims = qmc_dims(sampler._arrays[2])
    # Tasks: (scramble, first point); each fills its own stretch. The
    # scrambles are made on the worker threads, as their tasks need them
    # (at 2**16 points they cost a fifth of the sampling).
    tasks = [(r, k) for r, m in enumerate(sizes) for k in range(0, m, BLOCK_SIZE)]
    states: dict[int, tuple[np.ndarray, np.ndarray]] = {}

    def work(i: int) -> None:
        r, k = tasks[i]
        m = min(BLOCK_SIZE, sizes[r] - k)
        at = int(starts[r]) + k
        if r not in states:  # two threads may both make it: the same arrays
            states[r] = scramble_state(entropy, r, int(dims[-1]))
        fill_block_qmc(
            *states[r],
            k,
            dims,
            *sampler._arrays,
            out_factors[:, at : at + m],
            totals[:, at : at + m],
        )
        if progress is not None:
            progress(m)

    threads = check_threads(threads)
    work(0)  # compiles (or loads) the kernel before threads race to
    if threads == 1 or len(tasks) == 1:
        for i in range(1, len(tasks)):
            work(i)
        return
    with ThreadPoolExecutor(max_workers=threads) as pool:
        for f in [pool.submit(work, i) for i in range(1, len(tasks))]:
            f.result()


def run_blocks(
    sampler: Sampler,
    root,
    out_factors,
    totals,
    first: int,
    n: int,
    threads: int | None,
    progress: Callable[[int], None] | None = None,
    weights: tuple[np.ndarray, np.ndarray] | None = None,
) -> None:
    """Fill samples ``first .. first + n`` (``first`` on a block boundary);
    with ``weights``, also each sample's weight and each block's sums."""

    def report(done_blocks: int) -> None:
        if progress is not None:
            progress(min(BLOCK_SIZE, n - (done_blocks - 1) * BLOCK_SIZE))

    assert first % BLOCK_SIZE == 0
    b0 = first // BLOCK_SIZE
    blocks = range(b0, b0 + math.ceil(n / BLOCK_SIZE))
    threads = check_threads(threads)
    # Compile (or load from cache) once, before threads race to do it.
    fill(sampler, root, out_factors, totals, blocks[0], first, weights)
    report(1)
    rest = blocks[1:]
    if threads == 1 or len(rest) <= 1:
        for i, b in enumerate(rest, start=2):
            fill(sampler, root, out_factors, totals, b, first, weights)
            report(i)
        return
    pool = ThreadPoolExecutor(max_workers=threads)
    try:
        for i, f in enumerate(
            [
                pool.submit(fill, sampler, root, out_factors, totals, b, first, weights)
                for b in rest
            ],
            start=2,
        ):
            f.result()
            report(i)
    finally:
        # On Ctrl-C (or any error) drop the blocks not yet started, so
        # the interrupt is honoured once the running ones finish (ms).
        pool.shutdown(wait=True, cancel_futures=True)
