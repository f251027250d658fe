"""Doctests of the web extra: collected only where the extra is installed.

A plain ``pip install effcast`` has no Jinja2, Starlette or uvicorn; its
doctest run (``pytest --doctest-modules --pyargs effcast``) skips these
modules instead of failing on the missing extra.
"""

import importlib.util

_EXTRA = ("jinja2", "starlette", "uvicorn")

collect_ignore_glob = (
    ["*.py"] if any(importlib.util.find_spec(m) is None for m in _EXTRA) else []
)
