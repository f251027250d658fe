"""Layer 5, results: in-memory and streamed results over one shared
vocabulary of series, the resources (FLOP, GPU-hours, wall clock) derived
from them, and :class:`Model`, the public sampler that returns them.
"""
