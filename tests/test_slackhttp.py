"""Slack request signing (known-answer test) and a real HTTP round trip into Bolt served by waitress."""

from __future__ import annotations

import copy
import json
import queue
import threading
import time
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from slack_bolt import Ack, App
from slack_bolt.adapter.wsgi import SlackRequestHandler
from slack_sdk import WebClient
from slack_sdk.signature import Clock, SignatureVerifier
from waitress.server import BaseWSGIServer, create_server

from tests.botserver import stop_serving
from tests.fakeslack import FakeSlack
from tests.slackhttp import (
    FIXTURES_DIR,
    SlackSender,
    app_home_opened,
    block_action,
    load_fixture,
    slack_signature,
    view_submission,
)

SECRET = "s3cret"
VECTOR_DIR = "slash_command/slash_command_slack_docs_signed_example"

MODAL: dict[str, Any] = {
    "type": "modal",
    "callback_id": "careerplan_modal",
    "title": {"type": "plain_text", "text": "Career plan"},
    "submit": {"type": "plain_text", "text": "Save"},
    "blocks": [
        {
            "type": "input",
            "block_id": "goal",
            "label": {"type": "plain_text", "text": "Goal"},
            "element": {"type": "plain_text_input", "action_id": "goal_input"},
        },
        {
            "type": "actions",
            "block_id": "tools",
            "elements": [
                {
                    "type": "button",
                    "action_id": "add_idea",
                    "text": {"type": "plain_text", "text": "Add idea"},
                    "value": "idea",
                }
            ],
        },
    ],
}


class _FixedClock(Clock):
    def __init__(self, now: float) -> None:
        self._now = now

    def now(self) -> float:
        return self._now


# -- signing -------------------------------------------------------------------------------------


def test_signature_reproduces_slacks_documented_test_vector() -> None:
    vector = load_fixture(f"{VECTOR_DIR}.signature.json")
    body = (FIXTURES_DIR / "slash_command" / vector["body_file"]).read_bytes()
    assert not body.endswith(b"\n"), "the signed body has no trailing newline"
    assert body.startswith(b"token=xyzz0WbapA4vBCDEFasx0q6G&")
    assert load_fixture(f"{VECTOR_DIR}.body.txt").encode("utf-8") == body

    signature = slack_signature(vector["signing_secret"], vector["x_slack_request_timestamp"], body)

    assert signature == "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503"
    assert signature == vector["x_slack_signature"]
    # One extra byte changes everything: the exact bytes are signed.
    secret, ts = vector["signing_secret"], vector["x_slack_request_timestamp"]
    assert slack_signature(secret, ts, body + b"\n") != signature


def test_signature_agrees_with_slack_sdk_verifier() -> None:
    vector = load_fixture(f"{VECTOR_DIR}.signature.json")
    body = (FIXTURES_DIR / "slash_command" / vector["body_file"]).read_bytes()
    ts = vector["x_slack_request_timestamp"]
    verifier = SignatureVerifier(vector["signing_secret"], clock=_FixedClock(float(ts)))
    ours = slack_signature(vector["signing_secret"], ts, body)
    assert verifier.is_valid(body=body, timestamp=ts, signature=ours)

    for secret, body_bytes in [(SECRET, b""), (SECRET, b'{"a": "\xc3\xa9"}'), ("x" * 64, b"payload=%7B%7D")]:
        ours = slack_signature(secret, "1700000000", body_bytes)
        assert ours == SignatureVerifier(secret).generate_signature(timestamp="1700000000", body=body_bytes)


def test_http_result_helpers() -> None:
    from tests.slackhttp import HttpResult

    result = HttpResult(status=200, body=b'{"text": "hi"}', headers={}, elapsed=0.0)
    assert result.text == '{"text": "hi"}'
    assert result.json() == {"text": "hi"}


# -- payload builders ----------------------------------------------------------------------------


def test_view_submission_looks_like_the_fixture() -> None:
    fixture = load_fixture("view_submission/view_submission_bolt_python_plain_text_input.json")
    before = copy.deepcopy(MODAL)
    payload = view_submission(MODAL, {"goal": {"goal_input": {"value": "Staff engineer"}}})

    assert set(fixture) <= set(payload)
    assert set(fixture["view"]) <= set(payload["view"])
    view = payload["view"]
    assert (view["id"], view["root_view_id"], view["hash"]) == ("V0FAKE", "V0FAKE", "1.abc")
    assert view["team_id"] == "T0FAKE"
    assert view["callback_id"] == "careerplan_modal"
    assert view["blocks"] == MODAL["blocks"]
    # the element type is filled in like Slack does
    typed = {"type": "plain_text_input", "value": "Staff engineer"}
    assert view["state"]["values"] == {"goal": {"goal_input": typed}}
    assert payload["user"]["id"] == "U0EMPLOYEE"
    assert before == MODAL  # the caller's view is not mutated


def test_block_action_containers() -> None:
    values = {"goal": {"goal_input": {"value": "x"}}}
    modal = block_action({"action_id": "add_idea"}, view=MODAL, values=values)
    assert modal["container"] == {"type": "view", "view_id": "V0FAKE"}
    assert modal["view"]["type"] == "modal"
    assert "response_url" not in modal
    (action,) = modal["actions"]
    assert (action["block_id"], action["type"], action["value"]) == ("tools", "button", "idea")
    assert action["text"] == {"type": "plain_text", "text": "Add idea"}

    home = block_action({"action_id": "open_plan", "block_id": "b", "type": "button"}, container="home")
    fixture = load_fixture("block_actions/block_actions_home_tab_button_java_bolt_real_payload.json")
    assert set(fixture) <= set(home)
    assert home["container"]["type"] == "view"
    assert home["view"]["type"] == "home"

    dm = block_action({"action_id": "snooze", "type": "button", "value": "1w"}, container="message")
    assert dm["container"]["channel_id"] == dm["channel"]["id"] == "DU0EMPLOYEE"
    assert dm["channel"]["name"] == "directmessage"
    assert dm["response_url"].startswith("http://127.0.0.1:9/")

    # a view as the fake answered views.open keeps its id and hash
    answered = {**MODAL, "id": "V0FAKE0007", "hash": "1700000001.fake0001", "state": {"values": {}}}
    again = block_action({"action_id": "add_idea"}, view=answered, values=values)
    assert again["container"]["view_id"] == again["view"]["id"] == "V0FAKE0007"
    assert again["view"]["hash"] == "1700000001.fake0001"
    state = again["view"]["state"]["values"]
    assert state["goal"]["goal_input"] == {"type": "plain_text_input", "value": "x"}

    with pytest.raises(ValueError, match="container"):
        block_action({"action_id": "x"}, container="attachment")


def test_app_home_opened_looks_like_the_fixture() -> None:
    fixture = load_fixture("events/app_home_opened_envelope_home_tab_bolt_python.json")
    envelope = app_home_opened("U1")
    assert set(fixture) - {"enterprise_id"} <= set(envelope)
    assert set(fixture["event"]) <= set(envelope["event"])
    assert envelope["event"]["user"] == "U1"
    assert envelope["event"]["tab"] == "home"


# -- real HTTP round trip into Bolt --------------------------------------------------------------


@dataclass
class BoltServer:
    url: str
    fake: FakeSlack
    received: queue.Queue[tuple[str, dict[str, Any]]]


@pytest.fixture
def bolt_server(monkeypatch: pytest.MonkeyPatch) -> Iterator[BoltServer]:
    for name in ("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "SLACK_APP_TOKEN", "SLACK_CLIENT_ID"):
        monkeypatch.delenv(name, raising=False)
    with FakeSlack() as fake:
        received: queue.Queue[tuple[str, dict[str, Any]]] = queue.Queue()
        app = App(
            signing_secret=SECRET,
            token_verification_enabled=False,
            token="xoxb-x",
            client=WebClient(token="xoxb-x", base_url=fake.url),
        )

        @app.command("/careerplan")
        def careerplan(ack: Ack, command: dict[str, Any]) -> None:
            ack(text=f"Career plan: {command['text'] or 'menu'}")
            received.put(("command", command))

        @app.view("careerplan_modal")
        def submitted(ack: Ack, view: dict[str, Any], body: dict[str, Any]) -> None:
            ack()
            received.put(("view_submission", body))

        @app.action("add_idea")
        def clicked(ack: Ack, body: dict[str, Any]) -> None:
            ack()
            received.put(("block_actions", body))

        @app.event("app_home_opened")
        def home_opened(event: dict[str, Any]) -> None:
            received.put(("app_home_opened", event))

        sockets: dict[int, Any] = {}
        server = create_server(SlackRequestHandler(app), map=sockets, host="127.0.0.1", port=0)
        assert isinstance(server, BaseWSGIServer)
        thread = threading.Thread(target=server.run, name="waitress", daemon=True)
        thread.start()
        try:
            yield BoltServer(f"http://127.0.0.1:{server.getsockname()[1]}/slack/events", fake, received)
        finally:
            stop_serving(server, thread, sockets)
            assert not thread.is_alive()


def test_slash_command_round_trip(bolt_server: BoltServer) -> None:
    result = SlackSender(bolt_server.url, SECRET).slash_command("edit")

    assert result.status == 200, result.text
    # ack(text=...) alone is answered as text/plain, not as {"text": ...} JSON
    assert result.text == "Career plan: edit"
    assert result.headers["content-type"].startswith("text/plain")
    kind, command = bolt_server.received.get(timeout=5)
    assert kind == "command"
    assert (command["user_id"], command["team_id"]) == ("U0EMPLOYEE", "T0FAKE")
    assert command["command"] == "/careerplan"
    assert command["is_enterprise_install"] == "false"
    # Bolt authorizes the request with auth.test against the fake (once; then cached).
    assert len(bolt_server.fake.calls_to("auth.test")) == 1


def test_slash_command_body_matches_slack_field_order(bolt_server: BoltServer) -> None:
    bodies: list[bytes] = []
    sender = SlackSender(bolt_server.url, SECRET)
    original = sender.post_raw

    def spy(body: bytes, content_type: str, **kwargs: Any) -> Any:
        bodies.append(body)
        return original(body, content_type, **kwargs)

    sender.post_raw = spy  # type: ignore[method-assign]
    assert sender.slash_command("a b/c", channel_id="D0DM").status == 200
    fields = urllib.parse.parse_qsl(bodies[0].decode("ascii"), keep_blank_values=True)
    reference = urllib.parse.parse_qsl(load_fixture(f"{VECTOR_DIR}.body.txt"), keep_blank_values=True)
    names = [k for k, _ in fields]
    assert [k for k in names if k in dict(reference)] == [k for k, _ in reference]
    assert dict(fields)["text"] == "a b/c"
    assert dict(fields)["channel_id"] == "D0DM"
    assert b"text=a+b%2Fc" in bodies[0]


def test_wrong_secret_is_rejected_with_401(bolt_server: BoltServer) -> None:
    result = SlackSender(bolt_server.url, "not-the-secret").slash_command("edit")
    assert result.status == 401
    assert result.json() == {"error": "invalid request"}
    assert bolt_server.received.empty()


def test_stale_timestamp_is_rejected_with_401(bolt_server: BoltServer) -> None:
    ten_minutes_ago = SlackSender(bolt_server.url, SECRET, clock=lambda: time.time() - 600)
    assert ten_minutes_ago.slash_command("edit").status == 401
    # ... while an explicit fresh timestamp with the same secret passes
    fresh = SlackSender(bolt_server.url, SECRET)
    assert fresh.slash_command("edit").status == 200


def test_tampered_body_is_rejected(bolt_server: BoltServer) -> None:
    sender = SlackSender(bolt_server.url, SECRET)
    ts = str(int(time.time()))
    signature = slack_signature(SECRET, ts, b"command=%2Fcareerplan&text=a")
    result = sender.post_raw(
        b"command=%2Fcareerplan&text=b",
        "application/x-www-form-urlencoded",
        timestamp=ts,
        signature=signature,
    )
    assert result.status == 401


def test_interactive_and_event_payloads_reach_bolt_listeners(bolt_server: BoltServer) -> None:
    sender = SlackSender(bolt_server.url, SECRET)
    values = {"goal": {"goal_input": {"value": "Lead a team"}}}

    submitted = sender.interactive(view_submission(MODAL, values))
    assert (submitted.status, submitted.body) == (200, b"")
    kind, body = bolt_server.received.get(timeout=5)
    assert kind == "view_submission"
    assert body["view"]["state"]["values"]["goal"]["goal_input"]["value"] == "Lead a team"

    assert sender.interactive(block_action({"action_id": "add_idea"}, view=MODAL)).status == 200
    kind, body = bolt_server.received.get(timeout=5)
    assert (kind, body["actions"][0]["value"]) == ("block_actions", "idea")

    assert sender.event(app_home_opened()).status == 200
    kind, event = bolt_server.received.get(timeout=5)
    assert (kind, event["user"], event["tab"]) == ("app_home_opened", "U0EMPLOYEE", "home")

    unhandled = sender.interactive(block_action({"action_id": "nobody_listens"}, container="home"))
    assert unhandled.status == 404
    assert json.loads(unhandled.body) == {"error": "unhandled request"}
