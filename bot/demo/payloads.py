"""Requests signed exactly as Slack signs them, sent to the bot over real HTTP, plus payload builders: how the
demo's page reaches the bot, and how the tests do.

``slack_signature`` is written here with hmac/hashlib (not slack_sdk) so tests check Bolt's verification
against an independent implementation of https://docs.slack.dev/authentication/verifying-requests-from-slack.
Payload builders are modelled on the captured/documented payloads in ``tests/fixtures/slack/`` (see SOURCES.md
there) with our ids swapped in.
"""

from __future__ import annotations

import copy
import hashlib
import hmac
import http.client
import itertools
import json
import time
import urllib.parse
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from bot.demo.slack_api import APP_ID, BOT_ID, BOT_USER_ID, TEAM_ID

__all__ = [
    "DEFAULT_USER_ID",
    "HttpResult",
    "SlackSender",
    "app_home_opened",
    "block_action",
    "slack_signature",
    "view_submission",
]

DEFAULT_USER_ID = "U0EMPLOYEE"
TEAM_DOMAIN = "fake"
# Legacy verification token: Slack still sends one in every payload; Bolt ignores it.
VERIFICATION_TOKEN = "fakeVerificationToken0001"  # noqa: S105  (not a secret: Bolt ignores it)
# Port 9 (discard) on loopback: nothing listens, so an accidental respond() fails fast and stays local.
RESPONSE_URL_BASE = "http://127.0.0.1:9"
SLACK_USER_AGENT = "Slackbot 1.0 (+https://api.slack.com/robots)"
HTTP_TIMEOUT = 10.0

ValuesT = dict[str, dict[str, dict[str, Any]]]
JsonDict = dict[str, Any]

_seq = itertools.count(1)


def slack_signature(secret: str, timestamp: str, body: bytes) -> str:
    """``v0=`` + hex HMAC-SHA256(secret, ``v0:{timestamp}:{body}``) over the exact body bytes."""
    basestring = b"v0:" + timestamp.encode("utf-8") + b":" + body
    return "v0=" + hmac.new(secret.encode("utf-8"), basestring, hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class HttpResult:
    status: int
    body: bytes
    headers: dict[str, str]  # lower-cased names
    elapsed: float  # seconds, request sent -> body read

    @property
    def text(self) -> str:
        return self.body.decode("utf-8")

    def json(self) -> Any:
        return json.loads(self.body)


def _trigger_id(n: int) -> str:
    # Shape of a real trigger_id: "398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c"
    return f"{1700000000000 + n}.4744562912.{n:032x}"


def as_new_event(envelope: dict[str, Any]) -> dict[str, Any]:
    """An Events API envelope (a captured one, say) as another event: Slack gives each its own `event_id` (its
    retries keep it, and the bot does each event once)."""
    n = next(_seq)
    envelope.update(event_id=f"Ev0FAKE{n:06d}", event_time=1700000000 + n)
    return envelope


def new_trigger_id() -> str:
    """A trigger_id of its own, as Slack makes one for each command, click and submission (e.g. to pass to
    `SlackSender.slash_command` and find the views.open it leads to)."""
    return _trigger_id(next(_seq))


def _user_name(user_id: str) -> str:
    return user_id.lower()


class SlackSender:
    """Posts Slack-signed requests to the bot's Request URL (e.g. ``http://127.0.0.1:PORT/slack/events``)."""

    def __init__(self, url: str, secret: str, clock: Callable[[], float] = time.time) -> None:
        parts = urllib.parse.urlsplit(url)
        if parts.scheme != "http" or not parts.hostname:
            raise ValueError(f"SlackSender needs an http:// URL, got {url!r}")
        self.url = url
        self.secret = secret
        self.clock = clock
        self._host = parts.hostname
        self._port = parts.port or 80
        self._path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        self._last: tuple[bytes, dict[str, str]] | None = None

    def post_raw(
        self,
        body: bytes,
        content_type: str,
        *,
        timestamp: str | None = None,
        signature: str | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> HttpResult:
        """POST ``body`` signed with our secret (unless ``signature`` is given) at ``timestamp`` (or now)."""
        ts = timestamp if timestamp is not None else str(int(self.clock()))
        sig = signature if signature is not None else slack_signature(self.secret, ts, body)
        request_headers = {
            "Content-Type": content_type,
            "X-Slack-Request-Timestamp": ts,
            "X-Slack-Signature": sig,
            "User-Agent": SLACK_USER_AGENT,
            "Accept": "application/json,*/*",
            **(headers or {}),
        }
        self._last = (body, request_headers)
        return self._post(body, request_headers)

    def replay(self, headers: Mapping[str, str] | None = None, *, via: SlackSender | None = None) -> HttpResult:
        """Send the last request again, byte for byte with its signature and timestamp (as a replay attack, or
        Slack retrying an event, would), with `headers` added (e.g. X-Slack-Retry-Num); `via`, to its URL."""
        if self._last is None:
            raise AssertionError("nothing was sent yet")
        body, request_headers = self._last
        return (via or self)._post(body, {**request_headers, **(headers or {})})

    def _post(self, body: bytes, request_headers: dict[str, str]) -> HttpResult:
        conn = http.client.HTTPConnection(self._host, self._port, timeout=HTTP_TIMEOUT)
        started = time.perf_counter()
        try:
            conn.request("POST", self._path, body=body, headers=request_headers)
            response = conn.getresponse()
            data = response.read()
            elapsed = time.perf_counter() - started
            return HttpResult(
                status=response.status,
                body=data,
                headers={k.lower(): v for k, v in response.getheaders()},
                elapsed=elapsed,
            )
        finally:
            conn.close()

    def slash_command(
        self,
        text: str = "",
        *,
        user_id: str = DEFAULT_USER_ID,
        team_id: str = TEAM_ID,
        command: str = "/careerplan",
        **extra: str,
    ) -> HttpResult:
        """A slash command form body in Slack's field order; ``extra`` overrides or adds fields."""
        n = next(_seq)
        fields: dict[str, str] = {
            "token": VERIFICATION_TOKEN,
            "team_id": team_id,
            "team_domain": TEAM_DOMAIN,
            "channel_id": "C0FAKE",
            "channel_name": "general",
            "user_id": user_id,
            "user_name": _user_name(user_id),
            "command": command,
            "text": text,
            "api_app_id": APP_ID,
            "is_enterprise_install": "false",
            "response_url": f"{RESPONSE_URL_BASE}/commands/{team_id}/{n}/fakeResponseUrl",
            "trigger_id": _trigger_id(n),
        }
        fields.update(extra)
        body = urllib.parse.urlencode(fields).encode("utf-8")
        return self.post_raw(body, "application/x-www-form-urlencoded")

    def interactive(self, payload: dict[str, Any]) -> HttpResult:
        """Interactivity (block_actions, view_submission, ...): ``payload=<urlencoded JSON>``."""
        body = b"payload=" + urllib.parse.quote(json.dumps(payload)).encode("ascii")
        return self.post_raw(body, "application/x-www-form-urlencoded")

    def event(self, envelope: dict[str, Any]) -> HttpResult:
        """Events API: the raw JSON envelope."""
        return self.post_raw(json.dumps(envelope).encode("utf-8"), "application/json")


# -- payload builders ----------------------------------------------------------------------------


def _team(team_id: str) -> dict[str, Any]:
    return {"id": team_id, "domain": TEAM_DOMAIN}


def _user(user_id: str, team_id: str) -> dict[str, Any]:
    name = _user_name(user_id)
    return {"id": user_id, "username": name, "name": name, "team_id": team_id}


def _block_elements(block: dict[str, Any]) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    for key in ("element", "accessory"):
        if isinstance(block.get(key), dict):
            found.append(block[key])
    elements = block.get("elements")
    if block.get("type") == "actions" and isinstance(elements, list):
        found.extend(e for e in elements if isinstance(e, dict))
    return found


def _find_element(blocks: list[Any], action_id: Any) -> tuple[str, dict[str, Any]] | None:
    for block in blocks:
        if not isinstance(block, dict):
            continue
        for element in _block_elements(block):
            if element.get("action_id") == action_id:
                return str(block.get("block_id", "")), element
    return None


def _typed_values(values: ValuesT, blocks: list[Any]) -> ValuesT:
    """Copy ``values``; add each entry's element ``type`` (as Slack does) when the caller left it out."""
    by_block = {b.get("block_id"): b for b in blocks if isinstance(b, dict)}
    out: ValuesT = {}
    for block_id, actions in values.items():
        out[block_id] = {}
        block = by_block.get(block_id)
        for action_id, value in actions.items():
            entry = copy.deepcopy(value)
            if "type" not in entry and block is not None:
                for element in _block_elements(block):
                    if element.get("action_id") == action_id and "type" in element:
                        entry = {"type": element["type"], **entry}
                        break
            out[block_id][action_id] = entry
    return out


_SLACK_OWNED_VIEW_KEYS = frozenset(
    {"id", "team_id", "blocks", "state", "hash", "root_view_id", "app_id", "bot_id", "app_installed_team_id"}
)


def _complete_view(
    view: dict[str, Any],
    *,
    default_type: str,
    view_id: str,
    team_id: str,
    root_view_id: str | None,
    hash: str,
    values: ValuesT | None,
) -> dict[str, Any]:
    """The view as Slack echoes it in payloads: ours plus the fields Slack owns (fixture key order)."""
    sent = copy.deepcopy(view)
    raw_blocks = sent.get("blocks")
    blocks: list[Any] = raw_blocks if isinstance(raw_blocks, list) else []
    for i, block in enumerate(blocks):
        if isinstance(block, dict) and "block_id" not in block:
            block["block_id"] = f"fakeblk{i}"  # Slack generates ids for blocks without one
    full: dict[str, Any] = {
        "id": view_id,
        "team_id": team_id,
        "type": sent.get("type", default_type),
        "blocks": blocks,
        "private_metadata": "",
        "callback_id": "",
        "state": {"values": _typed_values(values or {}, blocks)},
        "hash": hash,
        "title": None,
        "clear_on_close": False,
        "notify_on_close": False,
        "close": None,
        "submit": None,
        "previous_view_id": None,
        "root_view_id": root_view_id or view_id,
        "app_id": APP_ID,
        "external_id": "",
        "app_installed_team_id": team_id,
        "bot_id": BOT_ID,
    }
    full.update({k: v for k, v in sent.items() if k not in _SLACK_OWNED_VIEW_KEYS})
    return full


def _complete_action(action: dict[str, Any], blocks: list[Any]) -> dict[str, Any]:
    """Fill ``block_id``/``type`` (and a button's text/value/style) from the element, plus ``action_ts``."""
    out: dict[str, Any] = {}
    found = _find_element(blocks, action.get("action_id"))
    if found is not None:
        block_id, element = found
        out["block_id"] = block_id
        if "type" in element:
            out["type"] = element["type"]
        if element.get("type") == "button":
            shown = ("text", "value", "style", "url")
            out.update({k: copy.deepcopy(element[k]) for k in shown if k in element})
    out.update(copy.deepcopy(action))
    out.setdefault("action_ts", f"{1700000000 + next(_seq)}.000100")
    return out


def view_submission(
    view: dict[str, Any],
    values: ValuesT,
    *,
    user_id: str = DEFAULT_USER_ID,
    team_id: str = TEAM_ID,
    view_id: str = "V0FAKE",
    root_view_id: str | None = None,
    hash: str = "1.abc",
) -> dict[str, Any]:
    """A ``view_submission`` payload, after fixtures/slack/view_submission/
    view_submission_bolt_python_plain_text_input.json.

    ``view`` is the view we built (as sent to views.open); ``values`` is ``state.values``
    (``{block_id: {action_id: {"value": ...}}}``; an entry's ``type`` is filled from the view when omitted).
    """
    return {
        "type": "view_submission",
        "team": _team(team_id),
        "user": _user(user_id, team_id),
        "api_app_id": APP_ID,
        "token": VERIFICATION_TOKEN,
        "trigger_id": _trigger_id(next(_seq)),
        "view": _complete_view(
            view,
            default_type="modal",
            view_id=view_id,
            team_id=team_id,
            root_view_id=root_view_id,
            hash=hash,
            values=values,
        ),
        "response_urls": [],
        "is_enterprise_install": False,
        "enterprise": None,
    }


def block_action(
    action: dict[str, Any],
    *,
    container: str = "view",
    view: dict[str, Any] | None = None,
    values: ValuesT | None = None,
    user_id: str = DEFAULT_USER_ID,
    team_id: str = TEAM_ID,
    message: dict[str, Any] | None = None,
    channel_id: str | None = None,
) -> dict[str, Any]:
    """A ``block_actions`` payload for a click on ``action`` (needs at least ``action_id``).

    Containers (fixtures in fixtures/slack/block_actions/):
    "view": a button in a modal (block_actions_modal_button_with_state_real_capture_spotbot2.json);
    "home": on the App Home tab (block_actions_home_tab_button_java_bolt_real_payload.json: container type
    "view", view type "home"); "message": in a bot message, by default the bot's DM with the user
    (block_actions_channel_message_button_real_capture_spotbot2.json). ``view`` may be the view we sent
    or the one the fake returned (its ``id``/``hash`` are kept; otherwise "V0FAKE"/"1.abc").
    """
    base: dict[str, Any] = {
        "type": "block_actions",
        "team": _team(team_id),
        "user": _user(user_id, team_id),
        "api_app_id": APP_ID,
        "token": VERIFICATION_TOKEN,
    }
    tail = {"is_enterprise_install": False, "enterprise": None}
    if container in ("view", "home"):
        default_type = "home" if container == "home" else "modal"
        sent: dict[str, Any] = view if view is not None else {"type": default_type, "blocks": []}
        full_view = _complete_view(
            sent,
            default_type=default_type,
            view_id=str(sent.get("id") or "V0FAKE"),
            team_id=team_id,
            root_view_id=sent.get("root_view_id"),
            hash=str(sent.get("hash") or "1.abc"),
            values=values,
        )
        return {
            **base,
            "container": {"type": "view", "view_id": full_view["id"]},
            "trigger_id": _trigger_id(next(_seq)),
            "view": full_view,
            "actions": [_complete_action(action, full_view["blocks"])],
            **tail,
        }
    if container == "message":
        channel = channel_id or "D" + user_id
        msg = copy.deepcopy(message) if message is not None else {}
        msg = {
            "type": "message",
            "user": BOT_USER_ID,
            "bot_id": BOT_ID,
            "app_id": APP_ID,
            "team": team_id,
            "text": "",
            "ts": "1700000000.000100",
            "blocks": [],
            **msg,
        }
        n = next(_seq)
        payload: dict[str, Any] = {
            **base,
            "container": {
                "type": "message",
                "message_ts": msg["ts"],
                "channel_id": channel,
                "is_ephemeral": False,
            },
            "trigger_id": _trigger_id(n),
            "channel": {"id": channel, "name": "directmessage" if channel.startswith("D") else "general"},
            "message": msg,
        }
        if values is not None:
            payload["state"] = {"values": _typed_values(values, msg["blocks"])}
        payload["response_url"] = f"{RESPONSE_URL_BASE}/actions/{team_id}/{n}/fakeResponseUrl"
        payload["actions"] = [_complete_action(action, msg["blocks"])]
        return {**payload, **tail}
    raise ValueError(f"container must be 'view', 'home' or 'message', not {container!r}")


def app_home_opened(user_id: str = DEFAULT_USER_ID, team_id: str = TEAM_ID, tab: str = "home") -> JsonDict:
    """An Events API envelope (fixtures/events/app_home_opened_envelope_home_tab_bolt_python.json)."""
    n = next(_seq)
    return {
        "token": VERIFICATION_TOKEN,
        "team_id": team_id,
        "api_app_id": APP_ID,
        "event": {
            "type": "app_home_opened",
            "user": user_id,
            "channel": "D" + user_id,
            "tab": tab,
            "event_ts": f"{1700000000 + n}.000100",
        },
        "type": "event_callback",
        "event_id": f"Ev0FAKE{n:06d}",
        "event_time": 1700000000 + n,
        "authorizations": [
            {
                "enterprise_id": None,
                "team_id": team_id,
                "user_id": BOT_USER_ID,
                "is_bot": True,
                "is_enterprise_install": False,
            }
        ],
        "is_ext_shared_channel": False,
    }
