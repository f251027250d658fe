"""Where a sweep's scenarios run: in this process, in local processes, or on Dask.

Each executor takes a module-level function and a list of argument tuples of
plain data, and returns the results in order. Local processes are started
with ``spawn`` (safe with threads and numba); each gets a share of the cores.
Dask runs on a ``LocalCluster`` (``"local"``) or on a scheduler at an
address, reached within a bounded wait, with a clear error if it cannot be.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Sequence
from typing import Any

from effcast._errors import EffcastError

__all__ = ["executor_kind", "run_dask", "run_processes"]


def executor_kind(scheduler: str | None) -> str:
    """``"processes"``, ``"serial"``, ``"local"`` (a LocalCluster) or ``"address"``."""
    if scheduler in (None, "processes"):
        return "processes"
    if scheduler in ("serial", "local"):
        return scheduler
    return "address"


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
        futures = [pool.submit(fn, *with_threads(t, threads)) for t in tasks]
        return [f.result() for f in futures]


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
