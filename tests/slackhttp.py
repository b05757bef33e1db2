"""Requests signed exactly as Slack signs them (bot/demo/payloads.py, shared with the demo), plus what only tests
need: Slack's captured payloads (``tests/fixtures/slack/``) and hostile clients."""

from __future__ import annotations

import copy
import json
import socket
import threading
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

from bot.demo.payloads import (
    DEFAULT_USER_ID,
    HttpResult,
    SlackSender,
    app_home_opened,
    as_new_event,
    block_action,
    new_trigger_id,
    slack_signature,
    view_submission,
)
from tests.fakeslack import APP_ID, BOT_ID, TEAM_ID

__all__ = [
    "DEFAULT_USER_ID",
    "FIXTURES_DIR",
    "HttpResult",
    "SlackSender",
    "app_home_opened",
    "as_new_event",
    "block_action",
    "load_fixture",
    "new_trigger_id",
    "slack_signature",
    "view_submission",
]

FIXTURES_DIR = Path(__file__).resolve().parent / "fixtures" / "slack"


def load_fixture(relative: str) -> Any:
    """Load ``tests/fixtures/slack/<relative>``: ``.json`` parsed, anything else as text (newlines kept)."""
    path = FIXTURES_DIR / relative
    if path.suffix == ".json":
        with path.open(encoding="utf-8") as f:
            return json.load(f)
    with path.open(encoding="utf-8", newline="") as f:
        return f.read()


# A click in a DM the bot sent, built from Slack's own captured payload.
MESSAGE_BUTTON = "block_actions/block_actions_channel_message_button_real_capture_spotbot2.json"
SENT_TS = "1700000123.000100"


def slack_people(payload: dict[str, Any], user: str, team: str) -> None:
    """Make a captured payload `user`'s, of `team`, sent to our app."""
    payload["team"] = {"id": team, "domain": "fake"}
    payload["user"] = {"id": user, "username": user.lower(), "name": user.lower(), "team_id": team}
    payload["api_app_id"] = APP_ID


def message_click(
    message: tuple[str, list[dict[str, Any]]],
    action_id: str,
    *,
    user: str,
    value: str | None = None,
    team: str = TEAM_ID,
    ts: str = SENT_TS,
) -> dict[str, Any]:
    """`user` clicks `action_id` in a DM the bot sent (`value` as the button holds it unless tampered)."""
    text, blocks = message
    payload: dict[str, Any] = copy.deepcopy(load_fixture(MESSAGE_BUTTON))
    slack_people(payload, user, team)
    payload["trigger_id"] = new_trigger_id()  # every click has its own (a replay repeats it)
    channel = "D" + user
    payload["container"].update(channel_id=channel, message_ts=ts)
    payload["channel"] = {"id": channel, "name": "directmessage"}
    payload["message"].update(text=text, ts=ts, bot_id=BOT_ID, blocks=copy.deepcopy(blocks))
    block_id, element = next(
        (block["block_id"], element)
        for block in blocks
        if block.get("type") == "actions"
        for element in block["elements"]
        if element["action_id"] == action_id
    )
    action = payload["actions"][0]
    action.update(action_id=action_id, block_id=block_id, text=element["text"], value=element.get("value"))
    action.pop("style", None)
    if value is not None:
        action["value"] = value
    return payload


# --- hostile clients -------------------------------------------------------------------------------------


@contextmanager
def open_connections(address: tuple[str, int], count: int, *, trickle: bool) -> Iterator[list[socket.socket]]:
    """`count` open sockets (fewer if the server stops accepting), each trickling a request's headers a byte at a
    time from a thread if told, never finishing; every socket is closed and every thread joined on the way out."""
    stop = threading.Event()
    header = b"POST /slack/events HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slack-Signature: v0=" + b"a" * 4000

    def send_slowly(sock: socket.socket) -> None:
        for i in range(len(header)):
            if stop.wait(0.05):
                return
            try:
                sock.sendall(header[i : i + 1])
            except OSError:
                return

    with ExitStack() as stack:
        sockets = []
        for _ in range(count):
            try:
                sock = socket.create_connection(address, timeout=5)
            except OSError:
                break
            stack.callback(sock.close)
            sockets.append(sock)
        threads = [threading.Thread(target=send_slowly, args=(s,), daemon=True) for s in sockets] if trickle else []
        for thread in threads:
            thread.start()
        try:
            yield sockets
        finally:
            stop.set()
            for thread in threads:
                thread.join(timeout=5)
