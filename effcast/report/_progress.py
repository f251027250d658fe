"""A progress bar on standard error, for sampling that takes a while.

The bar appears only when standard error is a terminal and the work has
already taken more than :data:`DELAY` seconds, so short runs, pipes, files
and CI logs stay clean. It never writes to standard output, so ``--json``
output is never mixed with it. rich honours ``NO_COLOR`` (no colours) and
``TERM=dumb``; ``EFFCAST_NO_PROGRESS=1`` switches the bar off altogether.
"""

from __future__ import annotations

import os
import sys
import threading
import time
from typing import IO, TYPE_CHECKING

if TYPE_CHECKING:
    from rich.progress import Progress, TaskID

__all__ = ["DELAY", "ProgressBar", "wants_progress"]

DELAY = 1.0
"""Seconds of work before the bar appears."""


def wants_progress(stream: IO | None = None) -> bool:
    """Whether a bar may be drawn on ``stream`` (standard error by default).

    Examples
    --------
    >>> import io
    >>> wants_progress(io.StringIO())  # not a terminal
    False
    """
    stream = sys.stderr if stream is None else stream
    if os.environ.get("EFFCAST_NO_PROGRESS"):
        return False
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):
        return False


class ProgressBar:
    """A callback ``bar(k)`` (``k`` more samples done) drawing a transient bar.

    Use it as a context manager, and pass it as ``progress=`` to
    :meth:`effcast.Model.sample` or :meth:`effcast.Model.stream`; it may be
    called from several threads at once::

        with ProgressBar(10**9, "sampling") as bar:
            res = model.stream(10**9, progress=bar)

    Parameters
    ----------
    total : int
        The amount of work (samples) to expect.
    description : str
        Shown before the bar.
    stream : file, optional
        Where to draw (standard error by default).
    delay : float
        Seconds to wait before drawing anything.
    enabled : bool, optional
        Force the bar on or off; by default :func:`wants_progress`.
    """

    def __init__(
        self,
        total: int,
        description: str,
        *,
        stream: IO | None = None,
        delay: float = DELAY,
        enabled: bool | None = None,
    ) -> None:
        self.total = int(total)
        self.description = description
        self.stream = sys.stderr if stream is None else stream
        self.delay = delay
        self.enabled = wants_progress(self.stream) if enabled is None else enabled
        self.done = 0
        self._start = time.monotonic()
        self._lock = threading.Lock()
        self._progress: Progress | None = None
        self._task: TaskID | None = None

    def __enter__(self) -> ProgressBar:
        self._start = time.monotonic()
        return self

    def _begin(self) -> None:
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            Progress,
            TaskProgressColumn,
            TextColumn,
            TimeRemainingColumn,
        )

        console = Console(file=self.stream, force_terminal=True)
        self._progress = Progress(
            TextColumn("{task.description}"),
            BarColumn(bar_width=20),
            TaskProgressColumn(),
            TextColumn("time left"),
            TimeRemainingColumn(),
            console=console,
            transient=True,
        )
        self._progress.start()
        self._task = self._progress.add_task(self.description, total=self.total)

    def __call__(self, k: int) -> None:
        with self._lock:
            self.done += int(k)
            if not self.enabled:
                return
            if self._progress is None:
                waited = time.monotonic() - self._start
                if waited < self.delay or self.done >= self.total:
                    return
                self._begin()
            assert self._progress is not None and self._task is not None
            self._progress.update(self._task, completed=self.done)

    def __exit__(self, *exc) -> None:
        with self._lock:
            if self._progress is not None:
                self._progress.stop()
                self._progress = None
