"""Layer 8, the command line: thin click commands that load input, call the
library and render. Their choices come from the registries.
"""
