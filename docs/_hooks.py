"""mkdocs hook: the docstrings' Sphinx roles as links, or as plain code.

The numpydoc docstrings cross-refer with Sphinx roles (``:func:`effcast.load```),
which mkdocstrings leaves as text: the page would read ":func:effcast.load".
After a page is rendered, each role becomes a link to the object where the
page documents it (``effcast.load``, or ``Model.sample`` as
``effcast.Model.sample``), else plain code; ``~`` shows the last part only,
as in Sphinx.
"""

from __future__ import annotations

import re
from typing import Any

_ROLE = re.compile(
    r":(?:func|class|meth|mod|attr|data|obj|exc):<code>(~?)([\w.]+)</code>"
)
_ID = re.compile(r'id="([^"]+)"')


def link_roles(html: str) -> str:
    """``html`` with every Sphinx role turned into a link or plain code."""
    ids = set(_ID.findall(html))

    def replace(match: re.Match[str]) -> str:
        tilde, name = match.groups()
        shown = name.rsplit(".", 1)[-1] if tilde else name
        for target in (name, f"effcast.{name}"):
            if target in ids:
                return f'<a href="#{target}"><code>{shown}</code></a>'
        return f"<code>{shown}</code>"

    return _ROLE.sub(replace, html)


def on_page_content(html: str, **kwargs: Any) -> str:
    return link_roles(html)
