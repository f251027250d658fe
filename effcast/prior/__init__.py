"""Layer 2, the prior file: pydantic models of every table, loading with
located errors (file, line, entry, field), ``--set`` overrides, and the GPU
catalogue the baseline and target tables refer to.
"""
