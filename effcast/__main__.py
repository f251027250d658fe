"""``python -m effcast``: the same as the ``effcast`` command."""

from effcast.cli._entry import run

run()
