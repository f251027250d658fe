"""Text reports, between the engine and results (every result object
displays itself through it): the tables printed by the commands, one set of
number formatters, the notebook and text display of results, and the
terminal progress bar. It works from plain documents, never from the layers
above.
"""
