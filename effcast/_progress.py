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
import time
from typing import IO

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
    """A callback ``bar(done, total)`` that draws a transient rich bar.

    Use it as a context manager, and pass it as ``progress=`` to
    :meth:`effcast.Model.sample`::

        with ProgressBar("sampling") as bar:
            res = model.sample(10**8, progress=bar)

    Parameters
    ----------
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
        description: str,
        *,
        stream: IO | None = None,
        delay: float = DELAY,
        enabled: bool | None = None,
    ) -> None:
        self.description = description
        self.stream = sys.stderr if stream is None else stream
        self.delay = delay
        self.enabled = wants_progress(self.stream) if enabled is None else enabled
        self._start = time.monotonic()
        self._progress = None
        self._task = None

    def __enter__(self) -> ProgressBar:
        self._start = time.monotonic()
        return self

    def __call__(self, done: int, total: int) -> None:
        if not self.enabled:
            return
        if self._progress is None:
            if time.monotonic() - self._start < self.delay or done >= total:
                return
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
                BarColumn(),
                TaskProgressColumn(),
                TimeRemainingColumn(),
                console=console,
                transient=True,
            )
            self._progress.start()
            self._task = self._progress.add_task(self.description, total=total)
        self._progress.update(self._task, completed=done, total=total)

    def __exit__(self, *exc) -> None:
        if self._progress is not None:
            self._progress.stop()
            self._progress = None
