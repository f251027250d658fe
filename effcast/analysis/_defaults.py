"""Defaults the library and the command line share, in one place.

Plain constants with no imports, so that the command line can use them as
its options' defaults without loading numpy: ``effcast sweep`` and
:func:`effcast.sweep` (and every sampling command and function) cannot
drift apart.
"""

from __future__ import annotations

__all__ = ["MAX_SCENARIOS", "SAMPLES", "SCHEDULER", "SCHEDULERS"]

SAMPLES = 1_000_000
"""Monte Carlo samples per run (per scenario in a sweep)."""

SCHEDULERS = ("threads", "processes", "serial", "local")
"""Where a sweep's scenarios run, besides a Dask scheduler's address."""

SCHEDULER = "threads"
"""A sweep's default: a pool of threads in this process. The kernels
release the GIL, so threads use every core, and a plain script needs no
``if __name__ == "__main__":`` guard."""

MAX_SCENARIOS = 10_000
"""The most scenarios a sweep may hold, checked from the grid's shape before
any scenario is built or validated."""
