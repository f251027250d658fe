"""Layer 1, input and output: atomic file writes, strict JSON, the one
registry of output formats (samples, tables, figures) with their writers,
text made safe for a terminal, and the optional pandas import.

Nothing here knows what a prior or a result is; the layers above hand it
columns, documents and drawing callbacks.
"""
