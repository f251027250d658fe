"""Blocks and seeds: how a run of samples is cut up and given its random streams.

Samples are drawn in blocks of :data:`BLOCK_SIZE`. Block ``b`` always gets
the stream ``SeedSequence(entropy=seed, spawn_key=(b,))``, whichever thread
draws it, so the same seed gives bit-identical samples for any number of
threads, in memory or streamed.
"""

from __future__ import annotations

import os
from typing import Any

import numpy as np

from effcast._errors import EffcastError

__all__ = [
    "BLOCK_SIZE",
    "SeedLike",
    "block_generator",
    "check_count",
    "check_threads",
    "resolve_seed",
]

BLOCK_SIZE = 1 << 16
"""Samples per block: the unit of work, and of random-stream assignment."""

SeedLike = int | np.integer | np.random.Generator | np.random.SeedSequence | None


def resolve_seed(seed: SeedLike) -> tuple[np.random.SeedSequence, int]:
    """A root ``SeedSequence`` and the integer that reproduces it.

    ``None`` draws fresh entropy from the operating system; a ``Generator``
    gives up one 63-bit integer of its stream (and so advances); an integer
    is used as it is. The returned integer, passed back as ``seed``, gives the
    same samples again.
    """
    if isinstance(seed, bool):
        raise EffcastError(
            f"seed must be a non-negative integer, got {seed!r}", field="seed"
        )
    if seed is None:
        # 63 bits of fresh OS entropy: short enough to retype, and exact in
        # any JSON reader (the raw 128-bit entropy is neither).
        entropy = int(np.random.SeedSequence().generate_state(1, np.uint64)[0] >> 1)
    elif isinstance(seed, np.random.Generator):
        entropy = int(seed.integers(0, 2**63))
    elif isinstance(seed, np.random.SeedSequence):
        if seed.spawn_key or not isinstance(seed.entropy, int | np.integer):
            raise EffcastError(
                "a SeedSequence seed must be a root sequence with "
                "integer entropy; pass an int instead",
                field="seed",
            )
        entropy = int(seed.entropy)
    elif isinstance(seed, int | np.integer):
        entropy = int(seed)
        if entropy < 0:
            raise EffcastError(
                f"seed must be a non-negative integer, got {entropy}", field="seed"
            )
    else:
        raise EffcastError(
            f"seed must be an integer, a numpy Generator or None, got "
            f"{type(seed).__name__}",
            field="seed",
        )
    return np.random.SeedSequence(entropy), entropy


def check_count(n: Any) -> int:
    if isinstance(n, bool) or not isinstance(n, int | np.integer):
        raise EffcastError(
            f"the number of samples must be a positive integer, got {n!r}",
            field="samples",
        )
    if n < 1:
        raise EffcastError(
            f"the number of samples must be at least 1, got {n}", field="samples"
        )
    return int(n)


def available_memory() -> int | None:
    try:
        with open("/proc/meminfo") as fh:
            for line in fh:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    try:
        return os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (ValueError, OSError, AttributeError):
        return None


def default_threads() -> int:
    import numba

    return int(numba.config.NUMBA_NUM_THREADS)


def block_generator(root: np.random.SeedSequence, b: int) -> np.random.Generator:
    """The generator of block ``b`` of the run seeded by ``root``."""
    ss = np.random.SeedSequence(
        entropy=root.entropy, spawn_key=tuple(root.spawn_key) + (b,)
    )
    return np.random.Generator(np.random.PCG64(ss))


def check_threads(threads: int | None) -> int:
    """The worker count: ``NUMBA_NUM_THREADS`` by default, at least 1."""
    threads = default_threads() if threads is None else int(threads)
    if threads < 1:
        raise EffcastError(
            f"threads must be at least 1, got {threads}", field="threads"
        )
    return threads
