"""Layer 8, sharing: the self-contained HTML report and the local explorer.

:mod:`effcast.web._report` samples a prior, draws its figures as inline SVG
and renders the report with :mod:`effcast.report._html`;
:mod:`effcast.web._explore` serves a page that edits a prior and re-samples
it live. The server needs the ``web`` extra (``pip install "effcast[web]"``).
"""
