"""The explorer's web server: a small Starlette app on the loopback interface.

Routes: ``/`` (the page, with its script and styles inline), ``/api/run``
(POST: edits in, one update out), ``/download/prior.toml`` and
``/download/report.html`` (the edited prior and its report, edits in the
query string). The server validates everything it receives, takes no file
path from the page, answers only requests addressed to the loopback host,
and runs one computation at a time.
"""

from __future__ import annotations

import json
import threading
from typing import Any

from effcast._errors import EffcastError
from effcast._version import __version__
from effcast.web._explore import Explorer

__all__ = ["create_app", "serve"]

_MAX_BODY = 64_000
_LOOPBACK = "127.0.0.1"


def _require() -> None:
    try:
        import starlette  # noqa: F401
        import uvicorn  # noqa: F401
    except ImportError:
        raise EffcastError(
            'effcast explore needs the web extra: pip install "effcast[web]"'
        ) from None


def _split(params: Any) -> tuple[dict[str, str], dict[str, str]]:
    edits = {k: v for k, v in params.items() if not k.startswith("view.")}
    view = {k: v for k, v in params.items() if k.startswith("view.")}
    return edits, view


def _attachment(name: str) -> dict[str, str]:
    return {"Content-Disposition": f'attachment; filename="{name}"'}


def create_app(explorer: Explorer) -> Any:
    """The Starlette application serving ``explorer``."""
    _require()
    from starlette.applications import Starlette
    from starlette.middleware import Middleware
    from starlette.middleware.trustedhost import TrustedHostMiddleware
    from starlette.requests import Request
    from starlette.responses import HTMLResponse, JSONResponse, Response
    from starlette.routing import Route

    from effcast.report._html import environment

    lock = threading.Lock()

    def page(request: Request) -> HTMLResponse:
        from effcast.web._report import prior_context

        html = (
            environment()
            .get_template("explorer.html.j2")
            .render(
                title=explorer.model.title or explorer.source,
                source=explorer.source,
                version=__version__,
                fields=explorer.fields,
                factors={f["name"]: f for f in prior_context(explorer.model)},
                initial=json.dumps(explorer.initial).replace("<", "\\u003c"),
            )
        )
        return HTMLResponse(html, headers=_SECURITY)

    async def run(request: Request) -> JSONResponse:
        body = await request.body()
        if len(body) > _MAX_BODY:
            return JSONResponse({"ok": False, "errors": {"": "request too large"}}, 413)
        try:
            payload = json.loads(body)
            edits, view = payload["edits"], payload["view"]
        except (ValueError, KeyError, TypeError):
            return JSONResponse(
                {"ok": False, "errors": {"": "expected {edits: {...}, view: {...}}"}},
                400,
            )
        from starlette.concurrency import run_in_threadpool

        def work() -> dict[str, Any]:
            with lock:
                return explorer.run(edits, view)

        return JSONResponse(await run_in_threadpool(work))

    def _checked(request: Request) -> tuple[list[str], dict[str, str]]:
        edits, view = _split(request.query_params)
        overrides, merged = explorer.check(edits, view)
        explorer.model_with(overrides)  # validated like the CLI
        return overrides, merged

    def toml(request: Request) -> Response:
        try:
            overrides, _ = _checked(request)
        except EffcastError as exc:
            return Response(str(exc), 400, media_type="text/plain")
        return Response(
            explorer.toml(overrides),
            media_type="application/toml",
            headers=_attachment(f"{explorer.stem}-edited.toml"),
        )

    def report(request: Request) -> Response:
        try:
            overrides, merged = _checked(request)
            with lock:
                html = explorer.report(overrides, merged)
        except EffcastError as exc:
            return Response(str(exc), 400, media_type="text/plain")
        return Response(
            html,
            media_type="text/html",
            headers=_attachment(f"{explorer.stem}-report.html"),
        )

    return Starlette(
        routes=[
            Route("/", page),
            Route("/api/run", run, methods=["POST"]),
            Route("/download/prior.toml", toml),
            Route("/download/report.html", report),
        ],
        middleware=[
            Middleware(
                TrustedHostMiddleware,
                allowed_hosts=[_LOOPBACK, "localhost", "testserver"],
            )
        ],
    )


# The page loads nothing from elsewhere; say so to the browser too.
_SECURITY = {
    "Content-Security-Policy": "default-src 'none'; script-src 'unsafe-inline'; "
    "style-src 'unsafe-inline'; img-src data:; connect-src 'self'; "
    "form-action 'none'; base-uri 'none'; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
}


def serve(
    explorer: Explorer,
    *,
    port: int = 0,
    open_browser: bool = True,
    announce: Any = print,
) -> None:
    """Serve ``explorer`` on 127.0.0.1 until interrupted (Ctrl-C or SIGTERM).

    ``port=0`` lets the system choose a free port. The URL is announced
    (printed) once the server listens, then opened in a browser unless
    ``open_browser`` is false.
    """
    _require()
    import socket

    import uvicorn

    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        sock.bind((_LOOPBACK, port))
    except OSError as exc:
        sock.close()
        raise EffcastError(
            f"--port {port}: cannot listen on {_LOOPBACK}:{port} ({exc.strerror})",
            field="port",
        ) from None
    sock.listen(128)  # connections wait from now on, before uvicorn takes over
    url = f"http://{_LOOPBACK}:{sock.getsockname()[1]}/"
    config = uvicorn.Config(create_app(explorer), log_level="warning", lifespan="off")
    server = uvicorn.Server(config)
    announce(f"effcast explore: serving {explorer.source} at {url} (Ctrl-C to stop)")
    if open_browser:
        import webbrowser

        threading.Timer(0.5, webbrowser.open, args=(url,)).start()
    try:
        server.run(sockets=[sock])
    except KeyboardInterrupt:  # uvicorn re-raises the Ctrl-C it handled
        pass
    announce("effcast explore: stopped")
