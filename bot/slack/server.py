"""HTTP mode: Bolt behind waitress, with a /healthz for load balancers and start-up checks."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from slack_bolt import App
from slack_bolt.adapter.wsgi import SlackRequestHandler
from waitress.channel import HTTPChannel
from waitress.parser import HTTPRequestParser
from waitress.server import BaseWSGIServer, MultiSocketServer, create_server

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

EVENTS_PATH = "/slack/events"
HEALTH_PATH = "/healthz"

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


class _TimedParser(HTTPRequestParser):
    """Waitress' request parser, noting when the request's first bytes arrived."""

    def __init__(self, adj: Any) -> None:
        super().__init__(adj)
        self.started = time.monotonic()


class _TimedChannel(HTTPChannel):
    parser_class = _TimedParser


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
) -> BaseWSGIServer | MultiSocketServer:
    """A waitress server for the app with the limits above; port 0 picks a free port (see `.effective_port`)."""
    server = create_server(
        wsgi_app(app),
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
    return server
