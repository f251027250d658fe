"""The names of the figures :func:`effcast.plot` draws for one prior.

Kept apart from the drawing code so that the command line can offer them as
``--kind`` choices without importing matplotlib or the sampler.
"""

from __future__ import annotations

__all__ = ["KINDS"]

KINDS = ("distributions", "factors", "waterfall", "tornado")
"""Each name is a drawing function in :mod:`effcast.plots._figures`."""
