"""HTTP mode: Bolt behind waitress, with a /healthz for load balancers and start-up checks."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from slack_bolt import App
from slack_bolt.adapter.wsgi import SlackRequestHandler
from waitress.server import create_server

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment
    from waitress.server import BaseWSGIServer, MultiSocketServer

EVENTS_PATH = "/slack/events"
HEALTH_PATH = "/healthz"


def wsgi_app(app: App, ready: Callable[[], bool] = lambda: True) -> WSGIApplication:
    slack = SlackRequestHandler(app, path=EVENTS_PATH)

    def application(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        if environ.get("PATH_INFO") == HEALTH_PATH:
            ok = ready()
            body = json.dumps({"ok": ok}).encode()
            start_response(
                "200 OK" if ok else "503 Service Unavailable",
                [("Content-Type", "application/json"), ("Content-Length", str(len(body)))],
            )
            return [body]
        try:
            return slack(environ, start_response)
        except (ValueError, AttributeError):
            # Bolt parses the body before it checks the signature, and raises on one it cannot read (JSON cut
            # short, not an object, not UTF-8): whoever sent it, it is a bad request, not a server error.
            start_response("400 Bad Request", [("Content-Type", "text/plain"), ("Content-Length", "0")])
            return [b""]

    return application


def make_server(app: App, host: str, port: int, *, threads: int = 8) -> BaseWSGIServer | MultiSocketServer:
    """A waitress server for the app; port 0 picks a free port (see `.effective_port`)."""
    return create_server(wsgi_app(app), host=host, port=port, threads=threads, ident="careerplan")
