"""The HTTP server's limits, against the real waitress server on 127.0.0.1 (bot/slack/server.py).

Slow or idle clients must not lock Slack out, a huge body is refused before it is read, and a body that cannot
be parsed is a 400 (signed) or 401 (unsigned) in one log line, never a 500.
"""

from __future__ import annotations

import logging
import socket
import time
import urllib.parse
from contextlib import ExitStack

import pytest

from bot.slack import ids
from bot.slack.server import MAX_BODY_BYTES
from tests.slackbot import Bot
from tests.slackhttp import SlackSender, open_connections, slack_signature

SLOWLORIS = 200
# Generous: Slack itself gives up after 3 s; this only says "answered, not stuck behind the slowloris".
ANSWERED_WITHIN = 10.0


def host_port(bot: Bot) -> tuple[str, int]:
    parts = urllib.parse.urlsplit(bot.url)
    assert parts.hostname is not None and parts.port is not None
    return parts.hostname, parts.port


def help_answered(bot: Bot) -> None:
    send = SlackSender(bot.send.url, bot.send.secret)
    started = time.monotonic()
    answer = send.slash_command("help")
    assert answer.status == 200, answer.text
    assert f"`{ids.COMMAND} help`" in answer.json()["text"]
    assert time.monotonic() - started < ANSWERED_WITHIN


def test_two_hundred_trickling_connections_leave_a_signed_command_answered(bot: Bot) -> None:
    with open_connections(host_port(bot), SLOWLORIS, trickle=True) as opened:
        assert len(opened) == SLOWLORIS
        help_answered(bot)
        help_answered(bot)


def test_two_hundred_idle_connections_leave_a_signed_command_answered(bot: Bot) -> None:
    with ExitStack() as stack:
        for _ in range(SLOWLORIS):
            stack.enter_context(socket.create_connection(host_port(bot), timeout=5))
        help_answered(bot)


def test_a_connection_still_sending_its_headers_after_the_read_timeout_is_closed(bot: Bot) -> None:
    # The bot's server closes a request that has not arrived whole within READ_TIMEOUT (10 s) of its first byte;
    # this client keeps sending (so it is never idle) and sees the server hang up.
    with socket.create_connection(host_port(bot), timeout=0.5) as sock:
        sock.sendall(b"POST /slack/events HTTP/1.1\r\n")
        started = time.monotonic()
        closed = False
        while time.monotonic() - started < 30 and not closed:
            try:
                sock.sendall(b"X")
                closed = sock.recv(1) == b""
            except TimeoutError:
                continue
            except OSError:
                closed = True
        assert closed, "a trickling connection was still open after 30 s"
        assert time.monotonic() - started > 5


def post_streamed(address: tuple[str, int], content_length: int, headers: dict[str, str]) -> tuple[int, float, int]:
    """POST headers announcing `content_length` bytes and read the answer; then stream the body's zero bytes a
    MiB at a time (never built whole) until the server hangs up. The status, the seconds to it, and the bytes
    the server took before it hung up."""
    started = time.monotonic()
    with socket.create_connection(address, timeout=10) as sock:
        lines = ["POST /slack/events HTTP/1.1", "Host: 127.0.0.1", f"Content-Length: {content_length}"]
        lines += [f"{name}: {value}" for name, value in headers.items()]
        sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
        response = b""
        while b"\r\n" not in response:
            data = sock.recv(4096)
            if not data:
                break
            response += data
        took = time.monotonic() - started
        chunk = bytes(1024 * 1024)
        sent = 0
        try:
            while sent < content_length:
                sent += sock.send(chunk[: content_length - sent])
        except OSError:
            pass  # the server hung up
    assert response.startswith(b"HTTP/1.1 "), response[:200]
    return int(response.split()[1]), took, sent


def test_a_hundred_mib_body_is_refused_with_413_before_it_is_read(bot: Bot) -> None:
    ts = str(int(time.time()))
    headers = {
        "Content-Type": "application/x-www-form-urlencoded",
        "X-Slack-Request-Timestamp": ts,
        "X-Slack-Signature": slack_signature(bot.send.secret, ts, b""),
    }
    for _ in range(4):
        status, took, sent = post_streamed(host_port(bot), 100 * 1024 * 1024, headers)
        assert status == 413
        assert took < ANSWERED_WITHIN
        assert sent < 100 * 1024 * 1024
    help_answered(bot)


def test_a_chunked_body_past_the_cap_is_refused_with_413(bot: Bot) -> None:
    with socket.create_connection(host_port(bot), timeout=10) as sock:
        sock.sendall(b"POST /slack/events HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n\r\n")
        chunk = b"%x\r\n" % (64 * 1024) + bytes(64 * 1024) + b"\r\n"
        try:
            for _ in range(100 * 16):  # 100 MiB, unless the server hangs up first
                sock.sendall(chunk)
        except OSError:
            pass
        response = sock.recv(4096)
    assert response.startswith(b"HTTP/1.1 413"), response[:200]
    help_answered(bot)


def test_a_body_at_the_cap_is_read_and_checked_like_any_other(bot: Bot) -> None:
    body = b"text=" + b"a" * (MAX_BODY_BYTES - 5)
    assert bot.send.post_raw(body, "application/x-www-form-urlencoded").status != 413
    assert post_streamed(host_port(bot), MAX_BODY_BYTES + 1, {})[0] == 413


UNPARSEABLE = {
    "nested 10,000 deep": b"payload=" + urllib.parse.quote("[" * 10_000).encode(),
    "nested JSON body": b"{" + b'"a":[' * 10_000,
    "bad JSON in payload": b"payload=%7B%22type%22%3A",
    "JSON body cut short": b'{"type": "event_callback", "event": {',
    "payload not an object": b"payload=%5B1%2C2%5D",
    "not UTF-8": b"text=\xff\xfe&command=%2Fcareerplan",
    "percent-encoded non-UTF-8": b"text=%FF%FE&command=%2Fcareerplan",
    "bad form encoding": b"command&&text",
}


@pytest.mark.parametrize("body", UNPARSEABLE.values(), ids=UNPARSEABLE.keys())
def test_a_signed_body_that_cannot_be_parsed_is_400_in_one_log_line(
    bot: Bot, body: bytes, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO):
        answer = bot.send.post_raw(body, "application/x-www-form-urlencoded")
    assert answer.status == 400
    assert_one_line_about_it(caplog, body)
    help_answered(bot)


@pytest.mark.parametrize("body", UNPARSEABLE.values(), ids=UNPARSEABLE.keys())
def test_an_unsigned_body_that_cannot_be_parsed_is_401_in_one_log_line(
    bot: Bot, body: bytes, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO):
        answer = bot.send.post_raw(body, "application/x-www-form-urlencoded", signature="v0=" + "0" * 64)
    assert answer.status == 401
    assert_one_line_about_it(caplog, body)


def assert_one_line_about_it(caplog: pytest.LogCaptureFixture, body: bytes) -> None:
    refused = [r for r in caplog.records if "refused" in r.getMessage()]
    assert len(refused) == 1, [r.getMessage() for r in caplog.records]
    line = caplog.text
    assert "Traceback" not in line
    assert all(record.exc_info is None for record in caplog.records)
    assert "\n" not in refused[0].getMessage()
    assert body.decode("latin-1")[:12] not in refused[0].getMessage()
