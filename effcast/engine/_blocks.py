"""Blocks and seeds: how a run of samples is cut up and given its random streams.

Samples are drawn in blocks of :data:`BLOCK_SIZE`. Block ``b`` always gets
the stream ``SeedSequence(entropy=seed, spawn_key=(b,))``, whichever thread
draws it, so the same seed gives bit-identical samples for any number of
threads, in memory or streamed.
"""

from __future__ import annotations

import math
import os
from typing import Any

import numpy as np

from effcast._errors import EffcastError

__all__ = [
    "BLOCK_SIZE",
    "MAX_SAMPLES",
    "SeedLike",
    "as_count",
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


MAX_SAMPLES = 10**12
"""The most samples a run may ask for: a trillion takes days to stream even
on many cores (``benchmarks/bench_stream.py`` measures the rate); more could
not finish, so it is refused before any work starts."""


def as_count(
    n: Any,
    *,
    field: str = "samples",
    what: str = "the number of samples",
    minimum: int = 1,
    maximum: int | None = MAX_SAMPLES,
) -> int:
    """A whole number from an ``int`` or an integral float (``1e6``).

    Raises
    ------
    EffcastError
        Naming ``field``, for a bool, a string, a fraction, a non-finite
        number, or a count outside ``[minimum, maximum]``.

    Examples
    --------
    >>> as_count(1e6)
    1000000
    >>> as_count(2.5)
    Traceback (most recent call last):
    ...
    effcast._errors.EffcastError: the number of samples must be a whole number, got 2.5
    """
    if isinstance(n, bool) or not isinstance(n, int | float | np.integer | np.floating):
        raise EffcastError(f"{what} must be a whole number, got {n!r}", field=field)
    if isinstance(n, float | np.floating):
        if not math.isfinite(n) or n != math.floor(n):
            raise EffcastError(f"{what} must be a whole number, got {n!r}", field=field)
    value = int(n)
    if value < minimum:
        raise EffcastError(
            f"{what} must be at least {minimum}, got {value:,}", field=field
        )
    if maximum is not None and value > maximum:
        raise EffcastError(
            f"{what} must be at most {maximum:.0e} (a run that large could not "
            f"finish), got {n!r}",
            field=field,
        )
    return value


def check_count(n: Any) -> int:
    """A sample count: see :func:`as_count`."""
    return as_count(n)


def _read_int(path: str) -> int | None:
    try:
        with open(path) as fh:
            text = fh.read().strip()
    except OSError:
        return None
    return int(text) if text.isdigit() else None


def _cgroup_headroom() -> int | None:
    """Bytes this process's cgroup may still allocate (v2, then v1)."""
    try:
        with open("/proc/self/cgroup") as fh:
            lines = fh.read().splitlines()
    except OSError:
        return None
    best: int | None = None
    for line in lines:
        _, controllers, path = line.split(":", 2)
        if controllers == "":  # cgroup v2
            base = "/sys/fs/cgroup" + path.rstrip("/")
            limit, used = f"{base}/memory.max", f"{base}/memory.current"
        elif "memory" in controllers.split(","):
            base = "/sys/fs/cgroup/memory" + path.rstrip("/")
            limit = f"{base}/memory.limit_in_bytes"
            used = f"{base}/memory.usage_in_bytes"
        else:
            continue
        cap, now = _read_int(limit), _read_int(used)
        if cap is None or cap >= 1 << 60:  # "max", or v1's "no limit"
            continue
        room = max(cap - (now or 0), 0)
        best = room if best is None else min(best, room)
    return best


def _rlimit_headroom() -> int | None:
    """Bytes of address space the rlimit (``ulimit -v``) still allows."""
    try:
        import resource

        soft, _ = resource.getrlimit(resource.RLIMIT_AS)
    except (ImportError, OSError, ValueError):
        return None
    if soft == resource.RLIM_INFINITY or soft < 0:
        return None
    size = None
    try:
        with open("/proc/self/statm") as fh:
            size = int(fh.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        pass
    return max(soft - (size or 0), 0)


def available_memory() -> int | None:
    """Bytes a new allocation may take: the least of the machine's available
    memory, the cgroup's headroom (containers) and the address-space rlimit."""
    found = [
        m for m in (_meminfo(), _cgroup_headroom(), _rlimit_headroom()) if m is not None
    ]
    return min(found) if found else None


def _meminfo() -> int | None:
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
    if threads is None:
        return default_threads()
    return as_count(threads, field="threads", what="threads", maximum=4096)
