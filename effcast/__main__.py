"""``python -m effcast``: the same as the ``effcast`` command."""

from ._cli import run

run()
