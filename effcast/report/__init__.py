"""Layer 7, text reports, beside the figures (:mod:`effcast.plots`; neither
imports the other): the tables printed by the commands, the HTML report's
tables, and the terminal progress bar. It works from the plain documents the
layers below produce. Result objects display themselves through the views
:mod:`effcast.report._views` registers with :mod:`effcast.results._display`,
so no result imports a table.
"""
