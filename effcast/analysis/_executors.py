"""Where a sweep's scenarios run: threads, this process, local processes, or Dask.

Each executor takes a module-level function and a list of argument tuples of
plain data, and returns the results in order. Threads (the default) share
the cores, since the kernels release the GIL. Local processes are started
with ``spawn`` (safe with threads and numba), without re-importing the
caller's main script; each gets a share of the cores.
Dask runs on a ``LocalCluster`` (``"local"``) or on a scheduler at an
address, reached within a bounded wait, with a clear error if it cannot be.
"""

from __future__ import annotations

import contextlib
import os
import sys
import threading
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from effcast._errors import EffcastError
from effcast.analysis._defaults import SCHEDULER, SCHEDULERS

__all__ = ["executor_kind", "run_dask", "run_processes", "run_threads"]


def executor_kind(scheduler: str | None) -> str:
    """``"threads"``, ``"processes"``, ``"serial"``, ``"local"`` (a Dask
    LocalCluster) or ``"address"`` (a Dask scheduler's)."""
    if scheduler is None:
        return SCHEDULER
    if not isinstance(scheduler, str) or not scheduler.strip():
        raise EffcastError(
            f"scheduler must be one of {', '.join(SCHEDULERS)} or a Dask "
            f"scheduler's address, got {scheduler!r}",
            field="scheduler",
        )
    if scheduler in SCHEDULERS:
        return scheduler
    if "://" not in scheduler and ":" not in scheduler:
        raise EffcastError(
            f"{scheduler!r} is not a Dask scheduler address (such as "
            f"tcp://host:8786) nor one of {', '.join(SCHEDULERS)}",
            field="scheduler",
        )
    return "address"


def run_threads(
    fn: Callable,
    tasks: Sequence[tuple],
    workers: int | None,
    with_threads: Callable[[tuple, int], tuple],
) -> list[Any]:
    """Run the tasks on a pool of threads; each gets a share of the cores.

    The sampling kernels release the GIL, so scenarios run side by side
    without a process per scenario, and nothing is pickled or re-imported.
    """
    from concurrent.futures import ThreadPoolExecutor

    workers = workers or min(len(tasks), os.cpu_count() or 1)
    if workers <= 1 or len(tasks) == 1:
        return [fn(*t) for t in tasks]
    threads = max(1, (os.cpu_count() or 1) // workers)
    pool = ThreadPoolExecutor(max_workers=workers)
    try:
        futures = [pool.submit(fn, *with_threads(t, threads)) for t in tasks]
        return [f.result() for f in futures]
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


@contextlib.contextmanager
def _main_hidden() -> Iterator[None]:
    """Hide ``__main__`` from ``spawn`` while worker processes start.

    A spawned worker re-imports the parent's main script (as
    ``__mp_main__``) unless it has neither a path nor a module name, so a
    plain script without ``if __name__ == "__main__":`` would start the
    sweep again in every worker. The workers need only effcast's own
    functions, so they are started as if from an interactive session.
    """
    main = sys.modules.get("__main__")
    keys: tuple[str, ...] = ("__file__", "__spec__")
    saved: dict[str, Any] = {
        k: main.__dict__[k] for k in keys if main is not None and k in main.__dict__
    }
    try:
        if main is not None:
            main.__dict__.pop("__file__", None)
            main.__dict__["__spec__"] = None
        yield
    finally:
        if main is not None:
            main.__dict__.pop("__spec__", None)
            main.__dict__.update(saved)


def run_processes(
    fn: Callable,
    tasks: Sequence[tuple],
    workers: int | None,
    with_threads: Callable[[tuple, int], tuple],
) -> list[Any]:
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    workers = workers or min(len(tasks), os.cpu_count() or 1)
    if workers <= 1 or len(tasks) == 1:
        return [fn(*t) for t in tasks]
    threads = max(1, (os.cpu_count() or 1) // workers)
    ctx = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=workers, mp_context=ctx) as pool:
        with _main_hidden():  # the workers start at the first submit
            futures = [pool.submit(fn, *with_threads(t, threads)) for t in tasks]
        try:
            return [f.result() for f in futures]
        except BaseException:
            for f in futures:
                f.cancel()
            raise


def dask_client(scheduler: str, workers: int | None, timeout: float):
    try:
        from distributed import Client, LocalCluster
    except ImportError:
        raise EffcastError(
            "--scheduler needs Dask: pip install 'effcast[dask]'", field="scheduler"
        ) from None
    if scheduler == "local":
        cluster = LocalCluster(
            n_workers=workers or 1,
            threads_per_worker=1,
            processes=False,
            dashboard_address=None,
        )
        return Client(cluster), cluster
    # Client's own timeout bounds only the connection: a service that accepts
    # it and then says nothing (or something else) could hold it forever. So
    # the handshake runs in a daemon thread and is abandoned after a bound.
    box: dict[str, Any] = {}

    def connect() -> None:
        try:
            box["client"] = Client(scheduler, timeout=timeout)
        except BaseException as exc:  # noqa: BLE001 - reported below
            box["error"] = exc

    thread = threading.Thread(target=connect, daemon=True)
    thread.start()
    thread.join(timeout + 5.0)
    exc = box.get("error")
    if isinstance(exc, ValueError) and "client" not in box:
        raise EffcastError(
            f"{scheduler!r} is not a Dask scheduler address ({exc}); give one "
            "such as tcp://host:8786, or 'local' or 'processes'",
            field="scheduler",
        ) from None
    if "client" not in box:
        why = "no answer" if exc is None else f"{type(exc).__name__}: {exc}"
        raise EffcastError(
            f"could not reach a Dask scheduler at {scheduler!r} within "
            f"{timeout:g} s ({why})",
            field="scheduler",
        ) from None
    client = box["client"]
    try:
        client.wait_for_workers(1, timeout=timeout)
    except (OSError, TimeoutError):
        client.close()
        raise EffcastError(
            f"the Dask scheduler at {scheduler!r} has no workers (waited "
            f"{timeout:g} s); start some with dask worker {scheduler}",
            field="scheduler",
        ) from None
    return client, None


def run_dask(
    fn: Callable,
    tasks: Sequence[tuple],
    scheduler: str,
    workers: int | None,
    timeout: float,
) -> list[Any]:
    client, cluster = dask_client(scheduler, workers, timeout)
    try:
        futures = [
            client.submit(fn, *t, pure=False, key=f"effcast-scenario-{i}")
            for i, t in enumerate(tasks)
        ]
        return client.gather(futures)
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
