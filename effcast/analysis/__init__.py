"""Layer 6, analysis: sensitivity, forecasts, threshold crossings, and
sweeps with their executors.
"""
