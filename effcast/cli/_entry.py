"""The ``effcast`` console script: the command group run with good manners.

Ctrl-C exits 130, a reader that closes the pipe early (``| head -1``) ends
the command with status 0 and no noise, click's own errors exit 2, and
running out of memory suggests ``--stream``.
"""

from __future__ import annotations

import sys

import click

from effcast.cli._main import main

__all__ = ["run"]


class _PipeClosed(Exception):
    """The reader of standard output went away (``| head -1``)."""


class _GuardedStdout:
    """Standard output whose broken pipe is not an OSError (click exits 1 on
    those), so that :func:`run` can end quietly with status 0."""

    def __init__(self, stream):
        self._stream = stream

    def write(self, text):
        try:
            return self._stream.write(text)
        except BrokenPipeError:
            raise _PipeClosed from None

    def flush(self):
        try:
            self._stream.flush()
        except BrokenPipeError:
            raise _PipeClosed from None

    def __getattr__(self, name):
        return getattr(self._stream, name)


def run() -> None:  # pragma: no cover - exercised through the console script
    """Entry point: Ctrl-C exits 130, a closed pipe (``| head -1``) exits 0,
    running out of memory exits 2.

    A reader that stops early (``head``, or quitting ``less``) is not an
    error: the rest of the output is dropped without a word. click in its
    standalone mode would turn Ctrl-C into "Aborted!" and status 1, so the
    errors it would handle are handled here.
    """
    import os

    real = sys.stdout
    sys.stdout = _GuardedStdout(real)
    try:
        code = main.main(prog_name="effcast", standalone_mode=False)
    except (KeyboardInterrupt, click.exceptions.Abort):
        click.echo("effcast: interrupted", err=True)
        sys.exit(130)
    except _PipeClosed:
        # Point stdout at /dev/null so that Python's final flush is quiet too.
        sys.stdout = real
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, real.fileno())
        sys.exit(0)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except MemoryError:
        click.echo(
            "effcast: error: out of memory; draw fewer samples, or summarise "
            "them without keeping them (--stream)",
            err=True,
        )
        sys.exit(2)
    finally:
        if isinstance(sys.stdout, _GuardedStdout):
            try:
                sys.stdout.flush()
            except _PipeClosed:
                devnull = os.open(os.devnull, os.O_WRONLY)
                os.dup2(devnull, real.fileno())
            sys.stdout = real
    sys.exit(code if isinstance(code, int) else 0)
