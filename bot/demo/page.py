"""The demo's page: a local web page that looks like Slack's client, and the JSON API behind it.

Every click and submission on the page reaches the bot as Slack would send it: a payload of Slack's shape, signed
with the demo's signing secret, POSTed over HTTP to the bot's /slack/events (bot.demo.payloads). What the bot does
in return lands in the stand-in (bot.demo.slack_api), which the page shows per person. The page server listens on
127.0.0.1 only.

API (JSON in, JSON out; `user` is one of the demo people's Slack ids):
  GET  /api/people                 the people to be, the demo's date and each one's local time
  GET  /api/state?user=U           what U's Slack shows: home, dm, modals (top last), errors of the top modal
  POST /api/home     {user}        U opens the app's Home tab (app_home_opened)
  POST /api/command  {user, text}  U types `/careerplan TEXT` in the DM
  POST /api/action   {user, where: home|message|modal, action: {...}, ts?, values?}   a click (block_actions)
  POST /api/submit   {user, values}  U submits their top modal (view_submission; the answer applied)
  POST /api/close    {user}        U closes their top modal
  POST /api/clock    {move: day|week|next|date, date?}   the bot's clock moves, and a sweep pass runs
  GET  /api/file?user=U&id=F       a file the bot shared in U's DM, downloaded
"""

from __future__ import annotations

import json
import logging
import re
import threading
import urllib.parse
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import date, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources
from typing import Any
from zoneinfo import ZoneInfo

from bot.demo import payloads
from bot.demo.clock import DemoClock
from bot.demo.org import PEOPLE, DemoPerson
from bot.demo.slack_api import APP_ID, TEAM_ID, SlackStandIn

log = logging.getLogger("careerplan.demo")

STATIC_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".svg": "image/svg+xml",
    ".png": "image/png",
}
MAX_BODY = 256 * 1024
# How far "next reminder" looks ahead, a day at a time.
NEXT_REMINDER_DAYS = 400
# The page's own headers: nothing from elsewhere runs or loads, not even by mistake.
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; "
    "frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}


class ApiError(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class Bot:
    """How the page reaches the bot: its Request URL and secret, and two things only the demo's wiring can do."""

    events_url: str
    signing_secret: str
    settle: Callable[[], None]  # wait until the bot has finished the work it does after its answers
    sweep: Callable[[], str]  # one sweep pass at the clock's time; what it did, in words


class Demo:
    """The page's logic, apart from HTTP: turns what a person does into Slack's requests to the bot."""

    def __init__(self, slack: SlackStandIn, bot: Bot, clock: DemoClock, people: tuple[DemoPerson, ...] = PEOPLE):
        self.slack = slack
        self.bot = bot
        self.clock = clock
        self.people = {p.user_id: p for p in people}
        self.send = payloads.SlackSender(bot.events_url, bot.signing_secret)
        self._lock = threading.Lock()  # one person's action at a time, as one person at one keyboard
        # Per user: the field errors of their last submission, and the view (id, hash) they were for.
        self._errors: dict[str, tuple[tuple[str, str] | None, dict[str, str]]] = {}

    # -- reading ---------------------------------------------------------------------------------------

    def people_and_time(self) -> dict[str, Any]:
        now = self.clock()
        return {
            "now": now.isoformat(),
            "date": now.date().isoformat(),
            "weekday": now.strftime("%A"),
            "people": [
                {
                    "id": p.user_id,
                    "name": p.name,
                    "role": p.role,
                    "label": f"{p.name} ({p.role})",
                    "tz": p.tz,
                    "local_time": now.astimezone(ZoneInfo(p.tz)).strftime("%a %d %b, %H:%M"),
                }
                for p in self.people.values()
            ],
        }

    def state(self, user_id: str) -> dict[str, Any]:
        self._person(user_id)
        screen = self.slack.screen(user_id)
        top = screen.modals[-1] if screen.modals else None
        shown_on, errors = self._errors.get(user_id, (None, {}))
        # Errors belong to the view they were answered for: gone once it is updated, pushed over or closed.
        if top is None or shown_on != (top["id"], top["hash"]):
            errors = {}
        return {**asdict(screen), "errors": errors, **self.people_and_time()}

    def file(self, user_id: str, file_id: str) -> tuple[str, bytes]:
        self._person(user_id)
        shown = any(f["id"] == file_id for m in self.slack.screen(user_id).dm for f in m.get("files", []))
        found = self.slack.file_bytes(file_id) if shown else None
        if found is None:
            raise ApiError(404, "no such file in your DM")
        return found

    # -- doing -----------------------------------------------------------------------------------------

    def open_home(self, user_id: str) -> dict[str, Any]:
        self._person(user_id)
        with self._lock:
            self._expect_ok(self.send.event(payloads.app_home_opened(user_id)))
            self.bot.settle()
        return self.state(user_id)

    def command(self, user_id: str, text: str) -> dict[str, Any]:
        self._person(user_id)
        words = text.strip()
        if words.startswith("/careerplan"):
            words = words[len("/careerplan") :].strip()
        elif words.startswith("/"):
            raise ApiError(400, f"{words.split()[0]} is not a command here: try /careerplan help")
        with self._lock:
            answer = self.send.slash_command(
                self.as_slack_sends(words),
                user_id=user_id,
                channel_id="D" + user_id,
                channel_name="directmessage",
                trigger_id=self.slack.trigger_for(user_id),
                response_url=self.slack.response_url_for(user_id),
            )
            self._expect_ok(answer)
            body = _json_or_none(answer.body)
            if body is not None and (body.get("text") or body.get("blocks")):
                self.slack.show_note(user_id, str(body.get("text") or ""), body.get("blocks") or [])
            self.bot.settle()
        return self.state(user_id)

    def as_slack_sends(self, typed: str) -> str:
        """A command's text as Slack sends it (the manifest's `should_escape: true`): &, < and > escaped, and each
        "@Name" of a demo person as a mention, <@U…|name>."""
        text = typed.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        for person in self.people.values():
            text = re.sub(
                rf"(?<![\w@])@{re.escape(person.name)}\b",
                f"<@{person.user_id}|{person.name.lower()}>",
                text,
                flags=re.I,
            )
        return text

    def action(
        self,
        user_id: str,
        where: str,
        action: dict[str, Any],
        *,
        ts: str | None = None,
        values: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        self._person(user_id)
        if not isinstance(action.get("action_id"), str):
            raise ApiError(400, "an action needs its action_id")
        screen = self.slack.screen(user_id)
        if where == "home":
            if screen.home is None:
                raise ApiError(409, "the Home tab is not open")
            payload = payloads.block_action(action, container="home", view=screen.home, user_id=user_id)
        elif where == "modal":
            if not screen.modals:
                raise ApiError(409, "no modal is open")
            payload = payloads.block_action(
                action, container="view", view=screen.modals[-1], values=values or {}, user_id=user_id
            )
        elif where == "message":
            message = next((m for m in screen.dm if m["ts"] == ts and not m["ephemeral"]), None)
            if message is None:
                raise ApiError(404, "no such message in your DM")
            sent = {"ts": message["ts"], "text": message["text"], "blocks": message["blocks"]}
            payload = payloads.block_action(action, container="message", message=sent, user_id=user_id)
            payload["response_url"] = self.slack.response_url_for(user_id)
        else:
            raise ApiError(400, "where must be home, message or modal")
        payload["trigger_id"] = self.slack.trigger_for(user_id)
        with self._lock:
            self._expect_ok(self.send.interactive(payload))
            self.bot.settle()
        return self.state(user_id)

    def submit(self, user_id: str, values: dict[str, Any]) -> dict[str, Any]:
        self._person(user_id)
        modals = self.slack.screen(user_id).modals
        if not modals:
            raise ApiError(409, "no modal is open")
        top = modals[-1]
        payload = payloads.view_submission(
            top,
            values,
            user_id=user_id,
            view_id=str(top["id"]),
            root_view_id=str(top.get("root_view_id") or top["id"]),
            hash=str(top.get("hash") or ""),
        )
        payload["trigger_id"] = self.slack.trigger_for(user_id)
        with self._lock:
            answer = self.send.interactive(payload)
            self._expect_ok(answer)
            errors = self.slack.apply_view_answer(user_id, _json_or_none(answer.body))
            self._errors[user_id] = ((top["id"], top["hash"]), errors or {})
            self.bot.settle()
        return self.state(user_id)

    def close(self, user_id: str) -> dict[str, Any]:
        self._person(user_id)
        with self._lock:
            closed = self.slack.close_view(user_id)
            self._errors.pop(user_id, None)
            if closed is not None and closed.get("notify_on_close"):
                payload = {
                    "type": "view_closed",
                    "team": {"id": TEAM_ID, "domain": payloads.TEAM_DOMAIN},
                    "user": {"id": user_id, "username": user_id.lower(), "name": user_id.lower(), "team_id": TEAM_ID},
                    "api_app_id": APP_ID,
                    "token": payloads.VERIFICATION_TOKEN,
                    "view": closed,
                    "is_cleared": False,
                    "is_enterprise_install": False,
                    "enterprise": None,
                }
                self._expect_ok(self.send.interactive(payload))
                self.bot.settle()
        return self.state(user_id)

    def move_clock(self, move: str, day: str | None = None) -> dict[str, Any]:
        with self._lock:
            if move == "day":
                self.clock.advance(timedelta(days=1))
                report = self.bot.sweep()
            elif move == "week":
                self.clock.advance(timedelta(weeks=1))
                report = self.bot.sweep()
            elif move == "date":
                try:
                    target = date.fromisoformat(day or "")
                except ValueError:
                    raise ApiError(400, "the date must be YYYY-MM-DD") from None
                if target <= self.clock().date():
                    raise ApiError(400, "the demo's clock only moves forwards: pick a later day")
                self.clock.jump_to(target)
                report = self.bot.sweep()
            elif move == "next":
                report = self._next_reminder()
            else:
                raise ApiError(400, "move must be day, week, next or date")
            self.bot.settle()
        return {"report": report, **self.people_and_time()}

    def _next_reminder(self) -> str:
        before = self.slack.posted
        for _ in range(NEXT_REMINDER_DAYS):
            self.clock.advance(timedelta(days=1))
            report = self.bot.sweep()
            if self.slack.posted > before:
                return report
        return f"no reminder in the next {NEXT_REMINDER_DAYS} days"

    # -- helpers ---------------------------------------------------------------------------------------

    def _person(self, user_id: object) -> DemoPerson:
        if not isinstance(user_id, str) or user_id not in self.people:
            raise ApiError(400, "user must be one of the demo's people")
        return self.people[user_id]

    @staticmethod
    def _expect_ok(answer: payloads.HttpResult) -> None:
        if answer.status != 200:
            raise ApiError(502, f"the bot answered HTTP {answer.status}")


def _json_or_none(body: bytes) -> dict[str, Any] | None:
    if not body.strip():
        return None
    try:
        parsed = json.loads(body)
    except ValueError:
        return None
    return parsed if isinstance(parsed, dict) else None


def _static(name: str) -> tuple[bytes, str] | None:
    suffix = "." + name.rsplit(".", 1)[-1] if "." in name else ""
    if "/" in name or "\\" in name or name.startswith(".") or suffix not in STATIC_TYPES:
        return None
    resource = resources.files("bot.demo").joinpath("static", name)
    if not resource.is_file():
        return None
    return resource.read_bytes(), STATIC_TYPES[suffix]


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, demo: Demo, port: int) -> None:
        self.demo = demo
        super().__init__(("127.0.0.1", port), _Handler)


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    server_version = "careerplan-demo"

    def log_message(self, format: str, *args: Any) -> None:
        log.debug("page: " + format, *args)

    def _foreign_host(self) -> bool:
        """A request whose Host is not this page's (a site that rebinds its name to 127.0.0.1) is refused."""
        port = self.server.server_address[1]
        if self.headers.get("Host", "") in (f"127.0.0.1:{port}", f"localhost:{port}"):
            return False
        self._json({"error": "this page answers on 127.0.0.1 only"}, 403)
        return True

    def do_GET(self) -> None:
        if self._foreign_host():
            return
        split = urllib.parse.urlsplit(self.path)
        query = dict(urllib.parse.parse_qsl(split.query))
        demo = self.server.demo
        try:
            if split.path in ("/", "/index.html"):
                self._static("index.html")
            elif split.path.startswith("/static/"):
                self._static(split.path[len("/static/") :])
            elif split.path == "/api/people":
                self._json(demo.people_and_time())
            elif split.path == "/api/state":
                self._json(demo.state(query.get("user", "")))
            elif split.path == "/api/file":
                name, raw = demo.file(query.get("user", ""), query.get("id", ""))
                safe = "".join(c for c in name if c.isalnum() or c in "._-") or "export.md"
                kind = "text/html" if safe.endswith(".html") else "text/markdown"  # an admin's report, or an export
                self._send(
                    200, raw, f"{kind}; charset=utf-8", {"Content-Disposition": f'attachment; filename="{safe}"'}
                )
            else:
                self._json({"error": "not found"}, 404)
        except ApiError as exc:
            self._json({"error": str(exc)}, exc.status)

    def do_POST(self) -> None:
        if self._foreign_host():
            return
        demo = self.server.demo
        try:
            body = self._body()
            user = body.get("user", "")
            match urllib.parse.urlsplit(self.path).path:
                case "/api/home":
                    self._json(demo.open_home(user))
                case "/api/command":
                    self._json(demo.command(user, str(body.get("text") or "")))
                case "/api/action":
                    action = body.get("action")
                    values = body.get("values")
                    self._json(
                        demo.action(
                            user,
                            str(body.get("where") or ""),
                            action if isinstance(action, dict) else {},
                            ts=body.get("ts") if isinstance(body.get("ts"), str) else None,
                            values=values if isinstance(values, dict) else None,
                        )
                    )
                case "/api/submit":
                    values = body.get("values")
                    self._json(demo.submit(user, values if isinstance(values, dict) else {}))
                case "/api/close":
                    self._json(demo.close(user))
                case "/api/clock":
                    day = body.get("date")
                    self._json(demo.move_clock(str(body.get("move") or ""), day if isinstance(day, str) else None))
                case _:
                    self._json({"error": "not found"}, 404)
        except ApiError as exc:
            self._json({"error": str(exc)}, exc.status)
        except Exception:
            log.exception("the demo page failed")
            self._json({"error": "the demo failed: see its terminal"}, 500)

    def _body(self) -> dict[str, Any]:
        # A page on another site cannot post here: only JSON is taken (a cross-site form cannot send it without
        # the browser asking first, and this server answers no such preflight).
        if self.headers.get("Content-Type", "").split(";")[0].strip() != "application/json":
            raise ApiError(415, "send JSON")
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_BODY:
            raise ApiError(413, "too large")
        try:
            parsed = json.loads(self.rfile.read(length) or b"{}")
        except ValueError:
            raise ApiError(400, "bad JSON") from None
        if not isinstance(parsed, dict):
            raise ApiError(400, "send a JSON object")
        return parsed

    def _static(self, name: str) -> None:
        found = _static(name)
        if found is None:
            self._json({"error": "not found"}, 404)
            return
        self._send(200, found[0], found[1])

    def _json(self, data: Any, status: int = 200) -> None:
        self._send(status, json.dumps(data).encode("utf-8"), "application/json; charset=utf-8")

    def _send(self, status: int, raw: bytes, content_type: str, headers: dict[str, str] | None = None) -> None:
        try:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(raw)))
            for name, value in {**SECURITY_HEADERS, **(headers or {})}.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(raw)
        except (BrokenPipeError, ConnectionResetError):
            pass


class PageServer:
    """The page on http://127.0.0.1:PORT (0: a free port, see `url`)."""

    def __init__(self, demo: Demo, port: int) -> None:
        self._server = _Server(demo, port)
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}/"

    def start(self) -> PageServer:
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.2}, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
