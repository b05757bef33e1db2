"""HTTP mode: Bolt behind waitress, with a /healthz for load balancers and start-up checks.

/healthz is a readiness check: 200 `{"ok": true}` only while the database takes a unit of work, answered within
HEALTH_TIMEOUT_SECONDS; 503 `{"ok": false}` otherwise. Socket Mode serves the same /healthz alone
(`health_app`) on 127.0.0.1:HEALTH_PORT when that is set.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING

from slack_bolt import App
from slack_bolt.adapter.wsgi import SlackRequestHandler
from waitress.server import create_server

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment
    from waitress.server import BaseWSGIServer, MultiSocketServer

    from storage.db import Database

EVENTS_PATH = "/slack/events"
HEALTH_PATH = "/healthz"
HEALTH_TIMEOUT_SECONDS = 2.0


class Readiness:
    """`ready()` for /healthz: whether `db` answers (Database.answers) within `timeout` seconds. One check runs at a
    time: while one is still waiting on the database, the next probe is told "not ready" at once."""

    def __init__(self, db: Database, timeout: float = HEALTH_TIMEOUT_SECONDS) -> None:
        self._db = db
        self._timeout = timeout
        self._checking = threading.Lock()
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="careerplan-healthz")

    def __call__(self) -> bool:
        if not self._checking.acquire(blocking=False):
            return False
        future = self._executor.submit(self._db.answers)
        future.add_done_callback(lambda _done: self._checking.release())
        try:
            return future.result(timeout=self._timeout)
        except TimeoutError:
            return False

    def close(self) -> None:
        self._executor.shutdown(wait=False, cancel_futures=True)


def _health(ready: Callable[[], bool], start_response: StartResponse) -> Iterable[bytes]:
    ok = ready()
    body = json.dumps({"ok": ok}).encode()
    start_response(
        "200 OK" if ok else "503 Service Unavailable",
        [("Content-Type", "application/json"), ("Content-Length", str(len(body))), ("Cache-Control", "no-store")],
    )
    return [body]


def health_app(ready: Callable[[], bool]) -> WSGIApplication:
    """Only /healthz (Socket Mode's HEALTH_PORT); anything else is a 404."""

    def application(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        if environ.get("PATH_INFO") == HEALTH_PATH:
            return _health(ready, start_response)
        start_response("404 Not Found", [("Content-Type", "text/plain"), ("Content-Length", "0")])
        return [b""]

    return application


def wsgi_app(app: App, ready: Callable[[], bool] = lambda: True) -> WSGIApplication:
    slack = SlackRequestHandler(app, path=EVENTS_PATH)

    def application(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        if environ.get("PATH_INFO") == HEALTH_PATH:
            return _health(ready, start_response)
        try:
            return slack(environ, start_response)
        except (ValueError, AttributeError):
            # Bolt parses the body before it checks the signature, and raises on one it cannot read (JSON cut
            # short, not an object, not UTF-8): whoever sent it, it is a bad request, not a server error.
            start_response("400 Bad Request", [("Content-Type", "text/plain"), ("Content-Length", "0")])
            return [b""]

    return application


def make_server(
    app: App, host: str, port: int, *, threads: int = 8, ready: Callable[[], bool] = lambda: True
) -> BaseWSGIServer | MultiSocketServer:
    """A waitress server for the app; port 0 picks a free port (see `.effective_port`)."""
    return create_server(wsgi_app(app, ready), host=host, port=port, threads=threads, ident="careerplan")


def make_health_server(ready: Callable[[], bool], port: int) -> BaseWSGIServer | MultiSocketServer:
    """Socket Mode's /healthz alone, on 127.0.0.1:`port` (0 picks a free one)."""
    return create_server(health_app(ready), host="127.0.0.1", port=port, threads=2, ident="careerplan")
