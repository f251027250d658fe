"""Layer 4, the sampling engine: numba kernels and special functions,
block seeding, the Gaussian copula, the sampler that turns a validated prior
into draws, and streaming accumulation into histograms.
"""
