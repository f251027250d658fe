"""The HTML report's doctests need Jinja2 (the web extra): collected only
where it is installed, so a plain ``pip install effcast`` runs the rest."""

import importlib.util

_HTML = ["_html.py", "_html_tables.py"]

collect_ignore = _HTML if importlib.util.find_spec("jinja2") is None else []
