"""A stand-in for the part of Slack's Web API the bot uses: `careerplan demo`'s Slack, and the tests' fake Slack.

A real ``http.server.ThreadingHTTPServer`` on 127.0.0.1 (port 0) that answers the Web API methods the bot
uses in Slack's documented shapes, records every request (method, parsed params, headers, token) and can be
scripted per method (rate limits, server errors, slow answers; tests/fakeslack.py adds the test helpers).
Given `RateLimits`, it also answers like Slack under load: every Web API call takes `latency` to answer, and
chat.postMessage beyond the workspace's rate or a conversation's one message a second gets a 429.
Point a real ``slack_sdk.WebClient`` at it::

    with SlackStandIn() as slack:
        client = WebClient(token="xoxb-demo", base_url=slack.url)
        client.views_open(trigger_id=slack.trigger_for("U0ANA"), view=view)
        assert slack.screen("U0ANA").modals[-1]["blocks"] == view["blocks"]

What a person's Slack client would show is kept per user (`screen(user_id)`): the Home tab last published for
them, their DM with the bot (messages in order, chat.update in place, ephemeral notes, shared files) and their
stack of modals (views.open/push/update; `apply_view_answer` applies what the bot's HTTP answer to a submission
said: update, push, errors, clear; views.push refuses a fourth view, as Slack does). A trigger_id handed out by
`trigger_for(user)` tells views.open whose screen the modal opens on, as Slack's trigger ids do.

File uploads follow slack_sdk's ``files_upload_v2``: ``files.getUploadURLExternal`` hands out an upload URL on
the fake itself (``/upload/v1/F…``, no token needed, as on files.slack.com), the raw bytes POSTed there are kept
in ``fake.uploads[file_id]``, and ``files.completeUploadExternal`` shares them (``fake.files[file_id]``).

Defaults are modelled on Slack's documented/captured answers (see ``tests/fixtures/slack/``).
"""

from __future__ import annotations

import base64
import contextlib
import copy
import json
import math
import socket
import threading
import time
from collections import Counter, deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any, Self
from urllib.parse import parse_qsl, urlsplit

__all__ = [
    "APP_ID",
    "BOT_ID",
    "BOT_USER_ID",
    "TEAM_ID",
    "Call",
    "FakeResponse",
    "RateLimits",
    "Screen",
    "SharedFile",
    "SlackStandIn",
    "ratelimited",
    "server_error",
]

TEAM_ID = "T0FAKE"
BOT_USER_ID = "UBOT"
BOT_ID = "BFAKE"
APP_ID = "A0FAKE"

API_PREFIX = "/api/"
# Where files.getUploadURLExternal's upload_url points (Slack's is https://files.slack.com/upload/v1/…).
UPLOAD_PREFIX = "/upload/v1/"
# Where the response_url of a command or click points: messages POSTed there land in that person's DM.
RESPONSE_PREFIX = "/response/"
# The name uploads are recorded under in ``calls`` (and scripted by, e.g. ``fake.script(UPLOAD, server_error())``).
UPLOAD = "upload"
VALID_TOKEN_PREFIXES = ("xoxb-", "xapp-")
# Slack authenticates these with client_id/client_secret (HTTP Basic), not with a token.
TOKENLESS_METHODS = frozenset({"oauth.v2.access", "oauth.access", "oauth.v2.exchange"})
# A modal holds up to 3 views: after views.open, views.push adds 2 more, then `push_limit_reached`.
MAX_VIEW_STACK = 3
# conversations.history: Slack's default page and its largest.
HISTORY_LIMIT_DEFAULT = 100
HISTORY_LIMIT_MAX = 999
JSON_CONTENT_TYPE = "application/json; charset=utf-8"
TEXT_CONTENT_TYPE = "text/plain; charset=utf-8"

# Based on tests/fixtures/slack/web_api/auth_test_bot_ok_bolt_python_mock.json, with our ids.
AUTH_TEST_ANSWER: dict[str, Any] = {
    "ok": True,
    "url": "https://fake.slack.com/",
    "team": "Fake Team",
    "user": "careerbot",
    "team_id": TEAM_ID,
    "user_id": BOT_USER_ID,
    "bot_id": BOT_ID,
    "is_enterprise_install": False,
}


@dataclass(frozen=True)
class Call:
    """One request received by the fake."""

    method: str  # "views.open" (path without the /api/ prefix)
    params: dict[str, Any]  # parsed body (JSON or form, JSON-looking form values decoded) + query string
    headers: dict[str, str]  # lower-cased names
    token: str | None  # from "Authorization: Bearer ..." or a "token" param


@dataclass(frozen=True)
class FakeResponse:
    """A canned answer. ``body`` dicts are sent as JSON, strings as they are."""

    status: int = 200
    body: dict[str, Any] | str = field(default_factory=lambda: {"ok": True})
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0  # seconds to wait before answering (slow Slack / client timeouts)
    # True: the call does what it would unscripted (a message is posted) and gets the default answer, `delay`
    # seconds late: Slack acted, but the bot has not heard yet (a crash in that window is a drill).
    takes_effect: bool = False


@dataclass(frozen=True)
class SharedFile:
    """A file completed with files.completeUploadExternal: where it was shared, and how."""

    id: str
    filename: str
    title: str
    channel_id: str | None
    initial_comment: str | None


@dataclass
class Screen:
    """What one person's Slack client shows of the app: its Home tab, their DM with it, their open modals."""

    home: dict[str, Any] | None = None  # the view last published for them (as views.publish answered it)
    # The DM, oldest first: {"ts", "text", "blocks", "ephemeral": bool, "files": [{"id", "name", "title"}]}
    dm: list[dict[str, Any]] = field(default_factory=list)
    modals: list[dict[str, Any]] = field(default_factory=list)  # the stack, bottom first (id, hash, blocks…)


@dataclass(frozen=True)
class RateLimits:
    """Slack's pace, for a stand-in that answers like Slack under load (FACTS.md §4-6: chat.postMessage allows
    about one message a second per conversation and several hundred a minute per workspace, in short bursts)."""

    latency: float = 0.1  # seconds every Web API call takes to answer (concurrent calls overlap, as on Slack)
    per_minute: int = 600  # chat.postMessage per workspace (a token bucket refilled at this rate)
    # The bucket's capacity: one second's worth at the default rate. Slack documents "short bursts" without a
    # figure; a small one lets a few senders start together without a 429 yet barely shortens a long run, so
    # the rate, not the burst, decides how long a pass of thousands of reminders takes.
    burst: int = 10
    conversation_gap: float = 1.0  # at most one message per conversation in this many seconds

    def __post_init__(self) -> None:
        if self.per_minute < 1 or self.burst < 1:
            raise ValueError("RateLimits needs per_minute >= 1 and burst >= 1: nothing could ever be posted")

    def least_seconds(self, per_conversation: Sequence[int]) -> float:
        """The shortest time these limits allow to post that many messages to each conversation, from the first
        admitted to the last: the workspace bucket's bound or the busiest conversation's, whichever is longer."""
        workspace = max(0, sum(per_conversation) - self.burst) * 60 / self.per_minute
        conversation = max(0, max(per_conversation, default=0) - 1) * self.conversation_gap
        return max(workspace, conversation)


@dataclass
class _Bucket:
    tokens: float
    at: float  # the limits clock's reading when `tokens` was counted


def ratelimited(retry_after: int = 0) -> FakeResponse:
    """HTTP 429 as Slack sends it (fixtures/slack/web_api/ratelimited_429_real_capture.json)."""
    return FakeResponse(
        status=429,
        body={"ok": False, "error": "ratelimited"},
        headers={"Retry-After": str(retry_after)},
    )


def server_error(status: int = 500) -> FakeResponse:
    """A 5xx answer (slack_sdk's ServerErrorRetryHandler retries 500 and 503)."""
    return FakeResponse(status=status, body={"ok": False, "error": "internal_error"})


def _error(code: str) -> FakeResponse:
    return FakeResponse(body={"ok": False, "error": code})


def _ok(**fields: Any) -> FakeResponse:
    return FakeResponse(body={"ok": True, **fields})


def _maybe_json(value: str) -> Any:
    """Form fields such as ``view``/``blocks`` carry JSON text; decode them when they parse."""
    if value[:1] in ("{", "["):
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


class _BadBody(ValueError):
    pass


def _parse_body(body: bytes, content_type: str) -> dict[str, Any]:
    if not body:
        return {}
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as e:
        raise _BadBody(str(e)) from e
    media_type = content_type.split(";", 1)[0].strip().lower()
    if media_type == "application/json" or (
        media_type != "application/x-www-form-urlencoded" and text.lstrip().startswith("{")
    ):
        try:
            parsed = json.loads(text)
        except ValueError as e:
            raise _BadBody(str(e)) from e
        if not isinstance(parsed, dict):
            raise _BadBody("JSON body is not an object")
        return parsed
    if media_type.startswith("multipart/"):
        return {}  # file uploads are not modelled
    return {k: _maybe_json(v) for k, v in parse_qsl(text, keep_blank_values=True)}


def _bearer_token(headers: dict[str, str], params: dict[str, Any]) -> str | None:
    auth = headers.get("authorization", "")
    if auth[:7].lower() == "bearer ":
        return auth[7:].strip()
    token = params.get("token")
    return token if isinstance(token, str) else None


@dataclass
class _ViewRecord:
    hash: str
    root_view_id: str


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, fake: SlackStandIn) -> None:
        self.fake = fake
        super().__init__(("127.0.0.1", 0), _Handler)


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    server_version = "FakeSlack/1.0"

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_POST(self) -> None:
        self._handle()

    def do_GET(self) -> None:
        self._handle()

    def _handle(self) -> None:
        fake = self.server.fake
        split = urlsplit(self.path)
        path = split.path
        method = path[len(API_PREFIX) :] if path.startswith(API_PREFIX) else path.lstrip("/")
        headers = {k.lower(): v for k, v in self.headers.items()}
        length = int(headers.get("content-length") or 0)
        raw = self.rfile.read(length) if length > 0 else b""
        if path.startswith(RESPONSE_PREFIX):
            self._write(fake._receive_response(path[len(RESPONSE_PREFIX) :], raw))
            return
        if path.startswith(UPLOAD_PREFIX):
            # A file's bytes, not a Web API call: kept raw (they need not be UTF-8), no token (the URL is the key).
            self._write(fake._receive_upload(path[len(UPLOAD_PREFIX) :], raw, headers))
            return
        bad_body = False
        try:
            params = _parse_body(raw, headers.get("content-type", ""))
        except _BadBody:
            params, bad_body = {}, True
        for key, value in parse_qsl(split.query, keep_blank_values=True):
            params.setdefault(key, _maybe_json(value))
        call = Call(method=method, params=params, headers=headers, token=_bearer_token(headers, params))
        try:
            response = fake._receive(call, bad_body=bad_body)
        except Exception as e:  # a bug in the fake must not look like a network error
            response = FakeResponse(status=500, body={"ok": False, "error": f"fake_slack_bug: {e!r}"})
        # Outside the fake's lock, so that concurrent calls overlap as they do on Slack.
        wait = response.delay + (fake.limits.latency if fake.limits is not None else 0.0)
        if wait > 0:
            fake._stopping.wait(wait)  # wakes early when the fake stops
        self._write(response)

    def _write(self, response: FakeResponse) -> None:
        if isinstance(response.body, str):
            payload = response.body.encode("utf-8")
            content_type = TEXT_CONTENT_TYPE
        else:
            payload = json.dumps(response.body).encode("utf-8")
            content_type = JSON_CONTENT_TYPE
        custom = {k.lower() for k in response.headers}
        try:
            self.send_response(response.status)
            if "content-type" not in custom:
                self.send_header("Content-Type", content_type)
            for name, value in response.headers.items():
                if name.lower() != "content-length":
                    self.send_header(name, value)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (e.g. a timeout test)


class SlackStandIn:
    """Slack's Web API on 127.0.0.1; use as a context manager or ``start()``/``stop()``."""

    def __init__(self, limits: RateLimits | None = None, limits_clock: Callable[[], float] = time.monotonic) -> None:
        self.users: dict[str, dict[str, Any]] = {}
        # Slack's pace (None: every call answered at once, nothing throttled); may be set before or after start().
        self.limits = limits
        self.limits_clock = limits_clock  # seconds, for the limits; a test injects its own
        # chat.postMessage calls answered 429 by the limits, by which: "workspace" or "conversation".
        self.throttled: Counter[str] = Counter()
        self._buckets: dict[str, _Bucket] = {}  # token -> its workspace's bucket
        self._last_posted: dict[str, float] = {}  # conversation -> when its last message was admitted
        self._lock = threading.Lock()
        self._cond = threading.Condition(self._lock)
        self._calls: list[Call] = []
        self._scripts: dict[str, deque[FakeResponse]] = {}
        self._views: dict[str, _ViewRecord] = {}
        self._external_ids: dict[str, str] = {}
        self._home_views: dict[str, str] = {}
        self._last_root_view_id: str | None = None
        self._view_seq = 0
        self._file_seq = 0
        # file id -> (filename, declared length), from files.getUploadURLExternal
        self._upload_slots: dict[str, tuple[str, int]] = {}
        self.uploads: dict[str, bytes] = {}  # file id -> the exact bytes POSTed to its upload_url
        self.files: dict[str, SharedFile] = {}  # file id -> how files.completeUploadExternal shared it
        # chat.postMessage calls the fake accepted (posted), in order; scripted answers (429, 500, slow) are not.
        self.messages: list[Call] = []
        self.posted = 0  # how many messages were ever posted (``messages`` may be trimmed, see max_calls)
        self._hash_seq = 0
        self._ts_seq = 0
        # Slack's clock, as message ts read it (strictly increasing); None: ts count up from 1700000000, as
        # tests without a clock expect. A test whose bot reads an injected clock sets this to the same one, so
        # that conversations.history's oldest/latest mean the same moments on both sides.
        self.clock: Callable[[], datetime] | None = None
        self._last_ts_micros = 0
        # Every message posted to a conversation (a DM is "D" + the user id), oldest first, as Slack keeps it:
        # with its metadata, which conversations.history returns only when asked (include_all_metadata).
        self._history: dict[str, list[dict[str, Any]]] = {}
        self._screens: dict[str, Screen] = {}
        self._triggers: dict[str, str] = {}  # trigger_id -> the user whose click or command it came with
        self._trigger_seq = 0
        self.max_calls: int | None = None  # keep only the latest calls (the demo runs for hours); None: all
        self._stopping = threading.Event()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle --------------------------------------------------------------------------------

    @property
    def url(self) -> str:
        """Base URL for ``WebClient(base_url=...)``, with the trailing slash slack_sdk expects."""
        return self._base() + API_PREFIX

    def start(self) -> Self:
        if self._server is not None:
            raise RuntimeError("SlackStandIn already started")
        self._stopping.clear()
        self._server = _Server(self)
        self._thread = threading.Thread(target=self._serve, args=(self._server,), daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        server, thread = self._server, self._thread
        if server is None:
            return
        self._stopping.set()  # ends the serve loop and releases handlers waiting on a FakeResponse.delay
        host, port = server.server_address[:2]
        # Wake the accept loop with a throw-away connection (no polling interval to wait out).
        with contextlib.suppress(OSError):
            socket.create_connection((str(host), int(port)), timeout=1).close()
        if thread is not None:
            thread.join(timeout=5)
        server.server_close()
        self._server = self._thread = None

    def _serve(self, server: _Server) -> None:
        # Like serve_forever(), but blocks in select() without a poll interval; stop() wakes it.
        while not self._stopping.is_set():
            server.handle_request()

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    # -- what people see ----------------------------------------------------------------------------

    def trigger_for(self, user_id: str) -> str:
        """A trigger_id for a command or click by `user_id`: a modal views.open opens with it is on their screen."""
        with self._lock:
            self._trigger_seq += 1
            n = self._trigger_seq
            trigger = f"{1700000000000 + n}.4744562912.{n:032x}"
            self._triggers[trigger] = user_id
            return trigger

    def response_url_for(self, user_id: str) -> str:
        """A response_url for a command or click by `user_id`: what is POSTed there shows in their DM."""
        with self._lock:
            self._trigger_seq += 1
            return f"{self._base()}{RESPONSE_PREFIX}{user_id}/{self._trigger_seq}"

    def screen(self, user_id: str) -> Screen:
        """A copy of what `user_id`'s Slack client shows now."""
        with self._lock:
            return copy.deepcopy(self._screen(user_id))

    def file_bytes(self, file_id: str) -> tuple[str, bytes] | None:
        """An uploaded and shared file's name and bytes (None: no such file)."""
        with self._lock:
            shared, raw = self.files.get(file_id), self.uploads.get(file_id)
            return None if shared is None or raw is None else (shared.filename, raw)

    def apply_view_answer(self, user_id: str, answer: dict[str, Any] | None) -> dict[str, str] | None:
        """Apply the bot's HTTP answer to `user_id`'s submission of their top modal, as Slack does: no
        response_action closes that view; "update" replaces it, "push" pushes one, "clear" closes them all,
        "errors" keeps it and returns the errors ({block_id: message}) to show on the fields."""
        action = (answer or {}).get("response_action")
        with self._lock:
            stack = self._screen(user_id).modals
            if action == "errors":
                errors = (answer or {}).get("errors")
                return {str(k): str(v) for k, v in errors.items()} if isinstance(errors, dict) else {}
            if action == "clear":
                stack.clear()
            elif action in ("update", "push") and isinstance((answer or {}).get("view"), dict):
                view = (answer or {})["view"]
                if action == "update" and stack:
                    top = stack[-1]
                    stack[-1] = self._view_answer_locked(view, top["id"], top["root_view_id"])
                else:
                    root = stack[0]["id"] if stack else None
                    view_id = self._new_view_id()
                    stack.append(self._view_answer_locked(view, view_id, root or view_id))
            elif stack:
                stack.pop()
        return None

    def show_note(self, user_id: str, text: str, blocks: list[dict[str, Any]]) -> None:
        """An ephemeral note in `user_id`'s DM: what the bot's answer to their command said (only they see it)."""
        with self._lock:
            ts = self._next_ts()
            self._screen(user_id).dm.append({"ts": ts, "text": text, "blocks": blocks, "ephemeral": True, "files": []})

    def close_view(self, user_id: str) -> dict[str, Any] | None:
        """The person closes their top modal (its X or Cancel); returns the view closed, if any."""
        with self._lock:
            stack = self._screen(user_id).modals
            return stack.pop() if stack else None

    def saved(self) -> dict[str, Any]:
        """What people's Slack shows (Home, DMs, shared files; open modals are closed), as JSON, for `restore`."""
        with self._lock:
            return {
                "screens": {user: {"home": screen.home, "dm": screen.dm} for user, screen in self._screens.items()},
                "home_views": self._home_views,
                "hashes": {
                    view_id: record.hash
                    for view_id, record in self._views.items()
                    if view_id in self._home_views.values()
                },
                "files": {
                    file_id: {
                        "filename": f.filename,
                        "title": f.title,
                        "bytes": base64.b64encode(self.uploads[file_id]).decode(),
                    }
                    for file_id, f in self.files.items()
                    if file_id in self.uploads
                },
                "seq": [self._view_seq, self._file_seq, self._hash_seq, self._ts_seq],
            }

    def restore(self, saved: dict[str, Any]) -> None:
        """Show again what `saved()` gave (a demo started anew where it was left)."""
        with self._lock:
            for user, screen in saved.get("screens", {}).items():
                self._screens[user] = Screen(home=screen.get("home"), dm=list(screen.get("dm", [])))
            self._home_views.update(saved.get("home_views", {}))
            for view_id, hash in saved.get("hashes", {}).items():
                self._views[view_id] = _ViewRecord(hash=hash, root_view_id=view_id)
            for file_id, f in saved.get("files", {}).items():
                raw = base64.b64decode(f["bytes"])
                self._upload_slots[file_id] = (f["filename"], len(raw))
                self.uploads[file_id] = raw
                self.files[file_id] = SharedFile(file_id, f["filename"], f["title"], None, None)
            self._view_seq, self._file_seq, self._hash_seq, self._ts_seq = saved.get("seq", [0, 0, 0, 0])

    def _screen(self, user_id: str) -> Screen:
        return self._screens.setdefault(user_id, Screen())

    # -- recorded calls and scripted answers ----------------------------------------------------------

    def script(self, method: str, *responses: FakeResponse) -> None:
        """Queue answers for ``method``; each call consumes one, then the defaults resume."""
        with self._lock:
            self._scripts.setdefault(method, deque()).extend(responses)

    @property
    def calls(self) -> list[Call]:
        with self._lock:
            return list(self._calls)

    def calls_to(self, method: str) -> list[Call]:
        with self._lock:
            return [c for c in self._calls if c.method == method]

    # -- request handling (server threads) --------------------------------------------------------

    def _receive(self, call: Call, *, bad_body: bool) -> FakeResponse:
        with self._cond:
            self._record(call)
            queue = self._scripts.get(call.method)
            if queue:
                scripted = queue.popleft()
                if not scripted.takes_effect:
                    return scripted
                done = self._default(call)
                return FakeResponse(done.status, done.body, done.headers, scripted.delay)
            if bad_body:
                return _error("invalid_json")
            if call.method not in TOKENLESS_METHODS:
                if call.token is None:
                    return _error("not_authed")
                if not call.token.startswith(VALID_TOKEN_PREFIXES):
                    return _error("invalid_auth")
            if call.method == "chat.postMessage" and self.limits is not None:
                return self._post_within(self.limits, call)
            return self._default(call)

    def _post_within(self, limits: RateLimits, call: Call) -> FakeResponse:
        """chat.postMessage under `limits`: posted, or a 429 saying in whole seconds when it would be admitted.
        Only a posted message spends the workspace's token and starts its conversation's gap."""
        now = self.limits_clock()
        workspace = call.token or ""
        rate = limits.per_minute / 60
        bucket = self._buckets.setdefault(workspace, _Bucket(tokens=limits.burst, at=now))
        tokens = min(float(limits.burst), bucket.tokens + (now - bucket.at) * rate)
        conversation = _conversation(call.params.get("channel"))
        last = self._last_posted.get(conversation)
        waits = {
            "workspace": (1 - tokens) / rate if tokens < 1 else 0.0,
            "conversation": last + limits.conversation_gap - now if last is not None else 0.0,
        }
        kind = max(waits, key=lambda k: waits[k])
        if waits[kind] > 0:
            self.throttled[kind] += 1
            return ratelimited(max(1, math.ceil(waits[kind])))
        answer = self._default(call)
        if isinstance(answer.body, dict) and answer.body.get("ok"):
            tokens -= 1
            self._last_posted[conversation] = now
        bucket.tokens, bucket.at = tokens, now
        return answer

    def _record(self, call: Call) -> None:
        self._calls.append(call)
        if self.max_calls is not None and len(self._calls) > self.max_calls:
            del self._calls[: len(self._calls) - self.max_calls]
            del self.messages[: max(0, len(self.messages) - self.max_calls)]
        self._cond.notify_all()

    def _default(self, call: Call) -> FakeResponse:
        p = call.params
        match call.method:
            case "auth.test":
                return FakeResponse(body=copy.deepcopy(AUTH_TEST_ANSWER))
            case "views.open":
                return self._views_open(p, push=False)
            case "views.push":
                return self._views_open(p, push=True)
            case "views.update":
                return self._views_update(p)
            case "views.publish":
                return self._views_publish(p)
            case "users.info":
                return self._users_info(p)
            case "users.lookupByEmail":
                return self._users_lookup_by_email(p)
            case "chat.postMessage":
                answer = self._chat_post_message(p)
                if isinstance(answer.body, dict) and answer.body.get("ok"):
                    self.messages.append(call)
                    self.posted += 1
                return answer
            case "chat.update":
                return self._chat_update(p)
            case "chat.postEphemeral":
                return self._chat_post_ephemeral(p)
            case "chat.delete":
                return self._chat_delete(p)
            case "conversations.open":
                return self._conversations_open(p)
            case "conversations.history":
                return self._conversations_history(p)
            case "files.getUploadURLExternal":
                return self._files_get_upload_url(p)
            case "files.completeUploadExternal":
                return self._files_complete_upload(p)
            case _:
                return _ok()

    def _new_view_id(self) -> str:
        self._view_seq += 1
        return f"V0FAKE{self._view_seq:04d}"

    def _new_hash(self) -> str:
        self._hash_seq += 1
        return f"{1700000000 + self._hash_seq}.fake{self._hash_seq:04x}"

    def _view_answer(self, view: dict[str, Any], view_id: str, root_view_id: str) -> FakeResponse:
        return _ok(view=self._view_answer_locked(view, view_id, root_view_id))

    def _view_answer_locked(self, view: dict[str, Any], view_id: str, root_view_id: str) -> dict[str, Any]:
        """The view as Slack holds and answers it (its id, a new hash, Slack's own fields); the lock is held."""
        record = _ViewRecord(hash=self._new_hash(), root_view_id=root_view_id)
        self._views[view_id] = record
        external_id = view.get("external_id")
        if isinstance(external_id, str) and external_id:
            self._external_ids[external_id] = view_id
        answer: dict[str, Any] = {
            "private_metadata": "",
            "callback_id": "",
            "clear_on_close": False,
            "notify_on_close": False,
            "close": None,
            "submit": None,
            "external_id": "",
            **copy.deepcopy(view),
            "id": view_id,
            "team_id": TEAM_ID,
            "state": {"values": {}},
            "hash": record.hash,
            "previous_view_id": None,
            "root_view_id": root_view_id,
            "app_id": APP_ID,
            "app_installed_team_id": TEAM_ID,
            "bot_id": BOT_ID,
        }
        return answer

    def _views_open(self, p: dict[str, Any], *, push: bool) -> FakeResponse:
        view = p.get("view")
        if not isinstance(view, dict):
            return _error("invalid_arguments")
        view_id = self._new_view_id()
        trigger = p.get("trigger_id")
        user_id = self._triggers.pop(trigger, None) if isinstance(trigger, str) else None
        stack = self._screen(user_id).modals if user_id is not None else None
        if push and stack is not None and len(stack) >= MAX_VIEW_STACK:
            return _error("push_limit_reached")
        if push and stack:
            root = str(stack[0]["id"])
        elif push and stack is None and self._last_root_view_id is not None:
            root = self._last_root_view_id
        else:
            root = view_id
            self._last_root_view_id = view_id
        answer = self._view_answer_locked(view, view_id, root)
        if stack is not None:
            if not push:
                stack.clear()
            stack.append(copy.deepcopy(answer))
        return _ok(view=answer)

    def _check_hash(self, p: dict[str, Any], view_id: str) -> FakeResponse | None:
        sent = p.get("hash")
        record = self._views.get(view_id)
        if sent and record is not None and sent != record.hash:
            return _error("hash_conflict")
        return None

    def _views_update(self, p: dict[str, Any]) -> FakeResponse:
        view = p.get("view")
        if not isinstance(view, dict):
            return _error("invalid_arguments")
        view_id = p.get("view_id")
        external_id = p.get("external_id")
        if not view_id and external_id:
            view_id = self._external_ids.get(str(external_id))
            if view_id is None:
                return _error("not_found")
        if not isinstance(view_id, str) or not view_id:
            return _error("invalid_arguments")
        if (conflict := self._check_hash(p, view_id)) is not None:
            return conflict
        record = self._views.get(view_id)
        answer = self._view_answer_locked(view, view_id, record.root_view_id if record else view_id)
        for screen in self._screens.values():  # the modal updated in place, wherever it is shown
            screen.modals[:] = [copy.deepcopy(answer) if v["id"] == view_id else v for v in screen.modals]
        return _ok(view=answer)

    def _views_publish(self, p: dict[str, Any]) -> FakeResponse:
        view = p.get("view")
        user_id = p.get("user_id")
        if not isinstance(view, dict) or not isinstance(user_id, str) or not user_id:
            return _error("invalid_arguments")
        view_id = self._home_views.get(user_id)
        if view_id is None:
            view_id = self._home_views[user_id] = self._new_view_id()
        if (conflict := self._check_hash(p, view_id)) is not None:
            return conflict
        answer = self._view_answer_locked(view, view_id, view_id)
        self._screen(user_id).home = copy.deepcopy(answer)
        return _ok(view=answer)

    def _users_info(self, p: dict[str, Any]) -> FakeResponse:
        user_id = p.get("user")
        if not isinstance(user_id, str) or not user_id:
            return _error("user_not_found")
        extra = self.users.get(user_id, {})
        if extra.get("__missing__"):
            return _error("user_not_found")
        # As Slack answers: the names also under `profile` (display_name often empty); a configured `profile`
        # is merged into the default one, field by field.
        profile: dict[str, Any] = {"real_name": f"User {user_id}", "display_name": ""}
        if isinstance(extra.get("profile"), dict):
            profile.update(copy.deepcopy(extra["profile"]))
        user: dict[str, Any] = {
            "id": user_id,
            "team_id": TEAM_ID,
            "name": user_id.lower(),
            "real_name": f"User {user_id}",
            "tz": "America/New_York",
            "tz_label": "Eastern Standard Time",
            "tz_offset": -18000,
            "is_bot": False,
            "deleted": False,
            **copy.deepcopy(extra),
            "profile": profile,
        }
        return _ok(user=user)

    def _users_lookup_by_email(self, p: dict[str, Any]) -> FakeResponse:
        """Finds a user of ``self.users`` whose ``profile.email`` matches (case-insensitively), as Slack does."""
        email = p.get("email")
        if not isinstance(email, str) or not email:
            return _error("invalid_arguments")
        for user_id, extra in self.users.items():
            profile = extra.get("profile")
            known = profile.get("email") if isinstance(profile, dict) else None
            if isinstance(known, str) and known.lower() == email.lower() and not extra.get("__missing__"):
                return self._users_info({"user": user_id})
        return _error("users_not_found")

    def _next_ts(self) -> str:
        self._ts_seq += 1
        micros = 1_700_000_000_000_000 + 100 * self._ts_seq
        if self.clock is not None:
            micros = max(int(self.clock().timestamp() * 1_000_000), self._last_ts_micros + 1)
        self._last_ts_micros = micros
        return f"{micros // 1_000_000}.{micros % 1_000_000:06d}"

    def _chat_post_message(self, p: dict[str, Any]) -> FakeResponse:
        channel = p.get("channel")
        if not isinstance(channel, str) or not channel:
            return _error("channel_not_found")
        if not any(p.get(k) for k in ("text", "blocks", "attachments", "markdown_text")):
            return _error("no_text")
        if self.users.get(channel, {}).get("__inactive__"):  # Slack's answer for a DM to a deactivated account
            return _error("account_inactive")
        if channel[0] in "UW":  # posting to a user id lands in the bot's DM with them
            channel = "D" + channel
        ts = self._next_ts()
        message: dict[str, Any] = {
            "type": "message",
            "user": BOT_USER_ID,
            "bot_id": BOT_ID,
            "app_id": APP_ID,
            "team": TEAM_ID,
            "text": p.get("text") or "",
            "ts": ts,
        }
        for key in ("blocks", "attachments", "thread_ts", "metadata"):
            if p.get(key) is not None:
                message[key] = copy.deepcopy(p[key])
        if channel.startswith("D"):
            self._screen(channel[1:]).dm.append(_shown(message))
        self._history.setdefault(channel, []).append(copy.deepcopy(message))
        return _ok(channel=channel, ts=ts, message=message)

    def _dm_message(self, channel: object, ts: object) -> dict[str, Any] | None:
        if not isinstance(channel, str) or not channel or not isinstance(ts, str):
            return None
        user_id = channel[1:] if channel.startswith("D") else channel
        screen = self._screens.get(user_id)
        return next((m for m in screen.dm if m["ts"] == ts), None) if screen is not None else None

    def _chat_update(self, p: dict[str, Any]) -> FakeResponse:
        channel, ts = p.get("channel"), p.get("ts")
        if not isinstance(channel, str) or not channel or not isinstance(ts, str) or not ts:
            return _error("invalid_arguments")
        shown = self._dm_message(channel, ts)
        if shown is None:  # not a message the stand-in shows (a test's own ts): a bare ok, as before
            return _ok()
        text = p.get("text") or ""
        message: dict[str, Any] = {"type": "message", "user": BOT_USER_ID, "bot_id": BOT_ID, "text": text}
        if p.get("blocks") is not None:
            message["blocks"] = copy.deepcopy(p["blocks"])
        # Updated in place, where it was (Slack drops the old blocks if none are sent).
        shown.update(text=text, blocks=copy.deepcopy(p.get("blocks") or []), edited=True)
        if channel[0] in "UW":
            channel = "D" + channel
        for kept in self._history.get(channel, []):
            if kept["ts"] == ts:  # its metadata stays unless the update sends new metadata
                kept.update(text=text, blocks=copy.deepcopy(p.get("blocks") or []))
                if p.get("metadata") is not None:
                    kept["metadata"] = copy.deepcopy(p["metadata"])
        return _ok(channel=channel, ts=ts, text=text, message=message)

    def _chat_post_ephemeral(self, p: dict[str, Any]) -> FakeResponse:
        channel, user_id = p.get("channel"), p.get("user")
        if not isinstance(channel, str) or not channel:
            return _error("channel_not_found")
        if not isinstance(user_id, str) or not user_id:
            return _error("user_not_found")
        if not any(p.get(k) for k in ("text", "blocks", "attachments")):
            return _error("no_text")
        ts = self._next_ts()
        note = {"ts": ts, "text": p.get("text") or "", "blocks": copy.deepcopy(p.get("blocks") or [])}
        self._screen(user_id).dm.append({**note, "ephemeral": True, "files": []})
        return _ok(message_ts=ts)

    def _chat_delete(self, p: dict[str, Any]) -> FakeResponse:
        channel, ts = p.get("channel"), p.get("ts")
        shown = self._dm_message(channel, ts)
        if shown is None:
            return _error("message_not_found")
        assert isinstance(channel, str)
        self._screen(channel[1:] if channel.startswith("D") else channel).dm.remove(shown)
        dm = "D" + channel if channel[0] in "UW" else channel
        self._history[dm] = [kept for kept in self._history.get(dm, []) if kept["ts"] != ts]
        return _ok(channel=channel, ts=ts)

    def _receive_response(self, path: str, raw: bytes) -> FakeResponse:
        """A message POSTed to a response_url: shown in that person's DM (ephemeral unless in_channel)."""
        user_id = path.split("/", 1)[0]
        try:
            body = json.loads(raw.decode("utf-8") or "{}")
        except ValueError:
            return FakeResponse(status=400, body="invalid_payload")
        if not isinstance(body, dict):
            return FakeResponse(status=400, body="invalid_payload")
        with self._cond:
            self._record(Call(method="response_url", params=body, headers={}, token=None))
            dm = self._screen(user_id).dm
            if body.get("delete_original") and dm:
                dm.pop()
            ts = self._next_ts()
            note = {"ts": ts, "text": str(body.get("text") or ""), "blocks": body.get("blocks") or [], "files": []}
            if body.get("text") or body.get("blocks"):
                dm.append({**note, "ephemeral": body.get("response_type") != "in_channel"})
        return FakeResponse(body="ok")

    def _conversations_open(self, p: dict[str, Any]) -> FakeResponse:
        channel = p.get("channel")
        if isinstance(channel, str) and channel:
            return _ok(channel={"id": channel})
        users = p.get("users")
        if not isinstance(users, str) or not users.strip():
            return _error("users_list_not_supplied")
        first = users.split(",")[0].strip()
        self._history.setdefault("D" + first, [])  # the DM exists from now on, empty until something is posted
        return _ok(channel={"id": "D" + first})

    def _conversations_history(self, p: dict[str, Any]) -> FakeResponse:
        """Slack's conversations.history over what was posted: newest first, `oldest`/`latest` (exclusive unless
        `inclusive`), `limit` per page and a `cursor` to the next (older) page, metadata only with
        `include_all_metadata`. A conversation nothing was posted in nor opened is channel_not_found."""
        channel = p.get("channel")
        if not isinstance(channel, str) or channel not in self._history:
            return _error("channel_not_found")
        bounds: dict[str, float] = {}
        for name, default in (("oldest", 0.0), ("latest", float("inf"))):
            value = p.get(name)
            try:
                bounds[name] = default if value in (None, "") else float(str(value))
            except ValueError:
                return _error(f"invalid_ts_{name}")
        inclusive = _flag(p.get("inclusive"))
        try:
            limit = int(str(p.get("limit") or HISTORY_LIMIT_DEFAULT))
        except ValueError:
            limit = HISTORY_LIMIT_DEFAULT
        limit = min(max(limit, 1), HISTORY_LIMIT_MAX)
        cursor = p.get("cursor")
        before = float("inf")
        if isinstance(cursor, str) and cursor:
            try:
                before = float(base64.b64decode(cursor, validate=True).decode().removeprefix("next_ts:"))
            except ValueError:
                return _error("invalid_cursor")

        def within(ts: float) -> bool:
            if inclusive:
                return bounds["oldest"] <= ts <= bounds["latest"]
            return bounds["oldest"] < ts < bounds["latest"]

        found = [m for m in reversed(self._history[channel]) if within(float(m["ts"])) and float(m["ts"]) <= before]
        page, rest = found[:limit], found[limit:]
        with_metadata = _flag(p.get("include_all_metadata"))
        messages = [
            copy.deepcopy(m if with_metadata else {k: v for k, v in m.items() if k != "metadata"}) for m in page
        ]
        answer: dict[str, Any] = {
            "messages": messages,
            "has_more": bool(rest),
            "pin_count": 0,
            "channel_actions_ts": None,
            "channel_actions_count": 0,
        }
        if rest:
            answer["response_metadata"] = {
                "next_cursor": base64.b64encode(f"next_ts:{rest[0]['ts']}".encode()).decode()
            }
        return _ok(**answer)

    # -- file uploads (files_upload_v2) -----------------------------------------------------------

    def _files_get_upload_url(self, p: dict[str, Any]) -> FakeResponse:
        filename, length = p.get("filename"), p.get("length")
        if not isinstance(filename, str) or not filename:
            return _error("invalid_arguments")
        try:
            declared = int(length) if isinstance(length, (str, int)) else -1
        except ValueError:
            declared = -1
        if declared < 0:
            return _error("invalid_arguments")
        self._file_seq += 1
        file_id = f"F0FAKE{self._file_seq:04d}"
        self._upload_slots[file_id] = (filename, declared)
        return _ok(upload_url=self._base() + UPLOAD_PREFIX + file_id, file_id=file_id)

    def _receive_upload(self, file_id: str, raw: bytes, headers: dict[str, str]) -> FakeResponse:
        call = Call(method=UPLOAD, params={"file_id": file_id, "length": len(raw)}, headers=headers, token=None)
        with self._cond:
            self._record(call)
            queue = self._scripts.get(UPLOAD)
            if queue:
                return queue.popleft()
            if file_id not in self._upload_slots:
                return FakeResponse(status=404, body="Not Found")
            self.uploads[file_id] = raw
        # files.slack.com answers a good upload with a short text body.
        return FakeResponse(body=f"OK - {len(raw)}")

    def _files_complete_upload(self, p: dict[str, Any]) -> FakeResponse:
        files = p.get("files")
        if not isinstance(files, list) or not files or not all(isinstance(f, dict) for f in files):
            return _error("invalid_arguments")
        if any(f.get("id") not in self.uploads for f in files):
            return _error("file_not_found")  # never uploaded (or never asked for)
        channel_id, comment = p.get("channel_id"), p.get("initial_comment")
        answered: list[dict[str, Any]] = []
        for f in files:
            file_id = str(f["id"])
            filename = self._upload_slots[file_id][0]
            title = str(f.get("title") or filename)
            self.files[file_id] = SharedFile(
                id=file_id,
                filename=filename,
                title=title,
                channel_id=channel_id if isinstance(channel_id, str) else None,
                initial_comment=comment if isinstance(comment, str) else None,
            )
            answered.append({"id": file_id, "title": title})
        if isinstance(channel_id, str) and channel_id.startswith("D"):  # shared in the DM: shown there
            self._screen(channel_id[1:]).dm.append(
                {
                    "ts": self._next_ts(),
                    "text": comment if isinstance(comment, str) else "",
                    "blocks": [],
                    "ephemeral": False,
                    "files": [
                        {"id": f["id"], "name": self.files[f["id"]].filename, "title": f["title"]} for f in answered
                    ],
                }
            )
        return _ok(files=answered)

    def _base(self) -> str:
        if self._server is None:
            raise RuntimeError("SlackStandIn is not started")
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"


def _conversation(channel: object) -> str:
    """The conversation a chat.postMessage `channel` names: a user id means the bot's DM with them."""
    if not isinstance(channel, str) or not channel:
        return ""
    return "D" + channel if channel[0] in "UW" else channel


def _flag(value: object) -> bool:
    """A boolean argument as slack_sdk sends it (JSON true, or "true"/"1" in a form or query string)."""
    return value is True or (isinstance(value, (str, int)) and str(value).lower() in ("1", "true"))


def _shown(message: dict[str, Any]) -> dict[str, Any]:
    """A posted message as the DM shows it."""
    return {
        "ts": message["ts"],
        "text": message.get("text") or "",
        "blocks": copy.deepcopy(message.get("blocks") or []),
        "ephemeral": False,
        "files": [],
    }
