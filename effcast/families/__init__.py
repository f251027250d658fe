"""Layer 3, distribution families: one module per ``dist`` of a factor.

Each family owns its spec (the pydantic model of its keys), its marginal
(median, ppf, cdf), its kernel kind, and whether it can take part in a
copula. :mod:`effcast.families._registry` lists them explicitly.
"""
