"""Layer 7, text reports: the tables printed by the commands, one set of
number formatters, and the terminal progress bar.
"""
