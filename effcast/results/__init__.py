"""Layer 5, results: in-memory and streamed results over one shared
vocabulary of series, the resources (FLOP, GPU-hours, wall clock) derived
from them, :class:`Model`, the public sampler that returns them, and the
display every result object shares (its text views are registered from
above, by :mod:`effcast.report`).
"""
