"""HTTP mode: Bolt behind waitress, with a /healthz for load balancers and start-up checks, and /metrics.

/healthz is a readiness check: 200 `{"ok": true}` only while the database takes a unit of work, answered within
HEALTH_TIMEOUT_SECONDS; 503 `{"ok": false}` otherwise. /metrics is Prometheus' (bot.metrics: counts only), unless
CAREERPLAN_METRICS=off. Socket Mode serves the same /healthz and /metrics alone (`health_app`) on
127.0.0.1:HEALTH_PORT when that is set.
"""

from __future__ import annotations

import hashlib
import hmac
import io
import json
import logging
import threading
import time
import urllib.parse
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Any

from slack_bolt import App
from slack_bolt.adapter.wsgi import SlackRequestHandler
from waitress.channel import HTTPChannel
from waitress.parser import HTTPRequestParser
from waitress.server import BaseWSGIServer, MultiSocketServer, create_server
from waitress.task import ErrorTask

from bot.metrics import Metrics

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

    from storage.db import Database

EVENTS_PATH = "/slack/events"
HEALTH_PATH = "/healthz"
METRICS_PATH = "/metrics"
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


def health_app(
    ready: Callable[[], bool], metrics: Metrics | None = None, *, expose_metrics: bool = True
) -> WSGIApplication:
    """Only /healthz and /metrics (Socket Mode's HEALTH_PORT); anything else is a 404."""
    shown = _metrics_app(metrics, expose_metrics)

    def application(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        path = environ.get("PATH_INFO")
        if path == HEALTH_PATH:
            return _health(ready, start_response)
        if path == METRICS_PATH and shown is not None:
            return shown(environ, start_response)
        return _not_found(start_response)

    return application


def _metrics_app(metrics: Metrics | None, expose: bool) -> WSGIApplication | None:
    """/metrics' WSGI app, or None when it is not shown (CAREERPLAN_METRICS=off)."""
    if not expose:
        return None
    return (metrics if metrics is not None else Metrics()).wsgi()


def _not_found(start_response: StartResponse) -> list[bytes]:
    start_response("404 Not Found", [("Content-Type", "text/plain"), ("Content-Length", "0")])
    return [b""]


# The server's limits, in one place (the README's "Run it" sums them up). Waitress reads every request whole on
# its one I/O thread before a worker sees it, so slow or idle clients cost a socket each, never a thread: what
# they can exhaust is the connection limit, and the timeouts below free those slots.
#
# Open connections at once. Waitress stops accepting at this many; its default (100) let 99 idle sockets lock
# everyone out. Slack opens a handful at a time; 900 leaves about 120 file descriptors, under the usual soft
# limit of 1024 (`ulimit -n`), for the database, the logs and the bot's own calls to Slack.
CONNECTION_LIMIT = 900
# select() cannot watch descriptors past 1024; poll() can, so the limit above is reachable.
USE_POLL = True
# A connection with no request in progress and no traffic for this long is closed (waitress' default: 120 s).
# Slack sends a request as soon as it connects and gives up on an answer after 3 s.
CHANNEL_TIMEOUT = 10
# A request (headers and body) must arrive whole within this many seconds of its first byte, or the connection
# is closed: a client trickling a byte at a time is never idle, so CHANNEL_TIMEOUT alone never frees it.
READ_TIMEOUT = 10
# How often (seconds) the two timeouts above are checked (waitress' default: 30 s).
CLEANUP_INTERVAL = 1
# Worker threads running the app. Bolt acks within milliseconds and runs the work after the ack on its own
# executor, so a few threads answer many requests; waitress' default is 4.
THREADS = 8
# Largest request body, checked against Content-Length before any of the body is read (and counted for chunked
# bodies): 413 past it. Slack's payloads are a few kB and a submitted view at most 250 kB (its block limit);
# 1 MiB leaves room for that and URL-encoding, and keeps what the app reads and parses whole in memory small.
MAX_BODY_BYTES = 1024 * 1024
# Largest request line and headers (waitress' default: 256 kB). Slack's are well under 2 kB.
MAX_HEADER_BYTES = 16 * 1024
# Bytes read from a socket at a time (waitress' default).
RECV_BYTES = 8192

# Slack's (and Bolt's) window for a request's timestamp, in seconds.
SIGNATURE_MAX_AGE = 60 * 5

log = logging.getLogger(__name__)


def wsgi_app(
    app: App, ready: Callable[[], bool] = lambda: True, metrics: Metrics | None = None, *, expose_metrics: bool = True
) -> WSGIApplication:
    """Slack's requests to the app, /healthz, and /metrics (`metrics`: the app's own, see create_app)."""
    slack = SlackRequestHandler(app, path=EVENTS_PATH)
    counts = metrics if metrics is not None else Metrics()
    shown = _metrics_app(counts, expose_metrics)

    def application(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        path = environ.get("PATH_INFO")
        if path == HEALTH_PATH:
            return _health(ready, start_response)
        if path == METRICS_PATH and shown is not None:
            return shown(environ, start_response)
        return _checked(slack, secret, counts, environ, start_response)

    secret = app._signing_secret  # the secret Bolt itself verifies with
    return application


def _checked(
    slack: WSGIApplication, secret: str, metrics: Metrics, environ: WSGIEnvironment, start_response: StartResponse
) -> Iterable[bytes]:
    """Pass the request to Bolt once its body is known to be small and readable.

    Bolt reads the whole body and parses it before it checks the signature, and a body it cannot parse raises
    (a 500 with a traceback). Here the body is read (at most MAX_BODY_BYTES: 413 past it, before reading any)
    and parsed as Bolt would parse it, strictly; one that cannot be parsed is refused in one log line without
    its content: 401 when it is not signed by Slack (as Bolt answers any unsigned request, so a stranger learns
    nothing about the parser), 400 when it is (Slack sent something we cannot read)."""
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return _refuse(metrics, start_response, "400 Bad Request", "bad Content-Length")
    if length > MAX_BODY_BYTES:
        return _refuse(
            metrics, start_response, "413 Content Too Large", f"body of {length} bytes, over {MAX_BODY_BYTES}"
        )
    body = environ["wsgi.input"].read(length) if length > 0 else b""
    problem = _unparseable(body, environ.get("CONTENT_TYPE"))
    if problem is not None:
        timestamp = environ.get("HTTP_X_SLACK_REQUEST_TIMESTAMP", "")
        if not _signed(secret, timestamp, environ.get("HTTP_X_SLACK_SIGNATURE", ""), body):
            return _refuse(
                metrics, start_response, "401 Unauthorized", f"unsigned body that cannot be parsed ({problem})"
            )
        return _refuse(metrics, start_response, "400 Bad Request", f"signed body that cannot be parsed ({problem})")
    environ["wsgi.input"] = io.BytesIO(body)
    environ["CONTENT_LENGTH"] = str(len(body))

    def answered(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
        # Bolt found no valid signature (or the app's error handler refused one it could not check).
        if status.startswith("401"):
            metrics.refused(_REFUSED[401])
        return start_response(status, headers, exc_info)

    try:
        return slack(environ, answered)
    except (ValueError, AttributeError, RecursionError):
        # Parsed, but not in a shape Bolt reads before it checks the signature: a bad request all the same.
        return _refuse(metrics, start_response, "400 Bad Request", "a body Bolt could not read")


def _signed(secret: str, timestamp: str, signature: str, body: bytes) -> bool:
    """Slack's signature over the body's bytes, as Bolt checks it (any bytes: slack_sdk's check needs UTF-8),
    sent within the last five minutes."""
    try:
        fresh = abs(time.time() - int(timestamp)) <= SIGNATURE_MAX_AGE
    except ValueError:
        return False
    mac = hmac.new(secret.encode(), b"v0:" + timestamp.encode() + b":" + body, hashlib.sha256)
    return fresh and hmac.compare_digest("v0=" + mac.hexdigest(), signature)


def _unparseable(body: bytes, content_type: str | None) -> str | None:
    """Why Bolt could not parse ``body`` (as `slack_bolt.request.internals.parse_body` reads it), or None."""
    try:
        text = body.decode("utf-8")
        if not text:
            return None
        if content_type == "application/json" or text.startswith("{"):
            parsed: Any = json.loads(text)
        else:
            # Strict: every field is name=value and percent-escapes are UTF-8 (empty fields, "a&&b", are let by).
            pairs = "&".join(field for field in text.split("&") if field)
            fields = dict(urllib.parse.parse_qsl(pairs, keep_blank_values=True, strict_parsing=True, errors="strict"))
            if "payload" not in fields:
                return None
            parsed = json.loads(fields["payload"])
    except UnicodeDecodeError:
        return "not UTF-8"
    except RecursionError:
        return "JSON nested too deeply"
    except ValueError as exc:
        return "bad JSON" if isinstance(exc, json.JSONDecodeError) else "bad form encoding"
    return None if isinstance(parsed, dict) else "JSON is not an object"


# A refusal's status code, as bot.metrics counts it (waitress' own refusals too: malformed HTTP, headers over the cap).
_REFUSED = {401: "unsigned", 400: "unreadable", 413: "too_large", 431: "too_large"}


def _refuse(metrics: Metrics, start_response: StartResponse, status: str, reason: str) -> list[bytes]:
    code = status.split(" ", 1)[0]
    log.warning("refused a request: %s -> %s", reason, code)
    metrics.refused(_REFUSED.get(int(code), "unreadable"))
    start_response(status, [("Content-Type", "text/plain"), ("Content-Length", "0")])
    return [b""]


class _TimedParser(HTTPRequestParser):
    """Waitress' request parser, noting when the request's first bytes arrived."""

    def __init__(self, adj: Any) -> None:
        super().__init__(adj)
        self.started = time.monotonic()


class _TimedChannel(HTTPChannel):
    parser_class = _TimedParser


def _counting_refusals(channel: type[HTTPChannel], metrics: Metrics) -> type[HTTPChannel]:
    """`channel`, with the requests waitress itself refuses before the app sees them counted in `metrics`: a body or
    headers over the caps (413, 431), a request that is not HTTP (400). Its 500s are not refusals."""

    class CountedErrorTask(ErrorTask):
        def execute(self) -> None:
            # The request is waitress' parser (the stubs call it an Error); its error says what was wrong.
            refusal = getattr(self.request, "error", None)
            reason = _REFUSED.get(getattr(refusal, "code", 500))
            if reason is not None:
                metrics.refused(reason)
            super().execute()

    return type("CountingChannel", (channel,), {"error_task_class": CountedErrorTask})


def _close_slow_requests(server: BaseWSGIServer, read_timeout: float) -> None:
    """Besides waitress' own clean-up of idle connections, close those whose request has been arriving for
    longer than ``read_timeout`` seconds (a slowloris trickling its headers is never idle)."""
    idle_cleanup = server.maintenance
    server.channel_class = _TimedChannel

    def maintenance(now: int) -> None:
        idle_cleanup(now)
        cutoff = time.monotonic() - read_timeout
        for channel in list(server.active_channels.values()):  # type: ignore[attr-defined]
            request = getattr(channel, "request", None)
            if isinstance(request, _TimedParser) and not request.completed and request.started < cutoff:
                channel.will_close = True

    server.maintenance = maintenance  # type: ignore[method-assign]


def make_server(
    app: App,
    host: str,
    port: int,
    *,
    threads: int = THREADS,
    read_timeout: float = READ_TIMEOUT,
    map: dict[int, Any] | None = None,  # waitress' own name for its socket map
    ready: Callable[[], bool] = lambda: True,
    metrics: Metrics | None = None,
    expose_metrics: bool = True,
) -> BaseWSGIServer | MultiSocketServer:
    """A waitress server for the app with the limits above; port 0 picks a free port (see `.effective_port`).

    `metrics`: the app's (create_app's), which counts the requests refused here too and is shown at /metrics unless
    `expose_metrics` is False."""
    counts = metrics if metrics is not None else Metrics()
    server = create_server(
        wsgi_app(app, ready, counts, expose_metrics=expose_metrics),
        map=map,
        host=host,
        port=port,
        ident="careerplan",
        threads=threads,
        connection_limit=CONNECTION_LIMIT,
        asyncore_use_poll=USE_POLL,
        channel_timeout=CHANNEL_TIMEOUT,
        cleanup_interval=CLEANUP_INTERVAL,
        max_request_body_size=MAX_BODY_BYTES + 1,  # waitress refuses a body of this size or more
        max_request_header_size=MAX_HEADER_BYTES,
        recv_bytes=RECV_BYTES,
    )
    servers = [s for s in getattr(server, "map", {}).values() if isinstance(s, BaseWSGIServer)]
    for each in servers if isinstance(server, MultiSocketServer) else [server]:
        _close_slow_requests(each, read_timeout)
        each.channel_class = _counting_refusals(each.channel_class, counts)
    return server


def make_health_server(
    ready: Callable[[], bool], port: int, metrics: Metrics | None = None, *, expose_metrics: bool = True
) -> BaseWSGIServer | MultiSocketServer:
    """Socket Mode's /healthz and /metrics (`metrics`: the app's) alone, on 127.0.0.1:`port` (0 picks a free one)."""
    return create_server(
        health_app(ready, metrics, expose_metrics=expose_metrics),
        host="127.0.0.1",
        port=port,
        threads=2,
        ident="careerplan",
    )
