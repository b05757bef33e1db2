"""Fault drill: Slack's own payloads (tests/fixtures/slack, see SOURCES.md) cut short, or missing a field,
correctly signed and posted to the running bot; and the same payloads unsigned or signed with another secret.

Slack gets a 2xx or a 4xx (never a 5xx), no listener fails, and the database is as the intact payload left
it: a request that lost part of itself does nothing on its own. Unsigned requests get a 401 and do nothing.
"""

from __future__ import annotations

import contextlib
import copy
import json
import logging
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import pytest

from bot.career.cadence import Outcome
from bot.settings import Settings
from bot.slack import ids
from bot.slack.app import create_app
from storage.db import Database
from tests.bot.slack.listeners.conftest import SECRET
from tests.bot.slack.listeners.test_hostile_input import Failures, Running
from tests.botserver import serving
from tests.conftest import Clock
from tests.fakeslack import FakeSlack
from tests.outage import snapshot
from tests.slackhttp import FIXTURES_DIR, HttpResult, SlackSender, load_fixture, slack_signature

FORM = "application/x-www-form-urlencoded"
JSON = "application/json"
# Where each body is cut: its first byte, a quarter, half, three quarters, all but its last byte.
CUTS = (1 / 1000, 1 / 4, 1 / 2, 3 / 4, 0.999)
# Our listeners the fixtures are pointed at, in turn (the fixtures' own action and callback ids are not ours).
ACTIONS = [
    ids.ACTION_EDIT_PLAN,
    ids.ACTION_VIEW_PLAN,
    ids.ACTION_LINE_CONFIRM,
    ids.ACTION_SHARE,
    ids.ACTION_LOG,
    ids.ACTION_SNOOZE,
    ids.ACTION_SKIP,
    ids.ACTION_OUTCOME_PREFIX + next(iter(Outcome)).value,
    ids.ACTION_REFLECT,
    ids.ACTION_BACK,
]
VIEWS = [ids.VIEW_GOAL, ids.VIEW_STEPS, ids.VIEW_GAPS, ids.VIEW_LOG, ids.VIEW_SKIP, ids.VIEW_REFLECT, ids.VIEW_DELETE]


@dataclass(frozen=True)
class Request:
    """One request as Slack would send it: the body and its content type."""

    name: str
    body: bytes
    content_type: str
    fields: dict[str, Any]  # the payload (or form) it was made from, to drop fields of

    def without(self, field: str) -> Request:
        fields = {k: v for k, v in self.fields.items() if k != field}
        return encode(f"{self.name} without {field}", fields, self.content_type, interactive=self.interactive)

    @property
    def interactive(self) -> bool:
        return self.body.startswith(b"payload=")

    def cut(self, share: float) -> Request:
        at = max(1, int(len(self.body) * share))
        return Request(f"{self.name} cut at {at}/{len(self.body)}", self.body[:at], self.content_type, {})


def encode(name: str, fields: dict[str, Any], content_type: str, *, interactive: bool) -> Request:
    if content_type == JSON:
        body = json.dumps(fields).encode()
    elif interactive:
        body = b"payload=" + urllib.parse.quote(json.dumps(fields)).encode("ascii")
    else:
        body = urllib.parse.urlencode(fields).encode()
    return Request(name, body, content_type, fields)


def fixture_names(folder: str, suffix: str = ".json") -> list[str]:
    """The folder's payloads (not the view states kept beside the submissions)."""
    return sorted(
        f"{folder}/{p.name}" for p in (FIXTURES_DIR / folder).glob(f"*{suffix}") if "view_state" not in p.name
    )


def slash_commands() -> list[Request]:
    forms = [
        dict(urllib.parse.parse_qsl(load_fixture(n).strip(), keep_blank_values=True))
        for n in fixture_names("slash_command", ".body.txt")
    ]
    forms.append(load_fixture("slash_command/slash_command_bolt_python_parsed.json"))
    requests = []
    for n, form in enumerate(forms):
        form = {**form, "command": ids.COMMAND}
        requests.append(encode(f"slash command {n} ({form['text']!r})", form, FORM, interactive=False))
    return requests


def block_actions() -> list[Request]:
    requests = []
    for n, name in enumerate(fixture_names("block_actions")):
        payload = copy.deepcopy(load_fixture(name))
        payload["actions"][0]["action_id"] = ACTIONS[n % len(ACTIONS)]
        if isinstance(payload.get("view"), dict):
            payload["view"]["callback_id"] = ids.VIEW_STEPS
            payload["view"]["private_metadata"] = payload["user"]["id"]  # a modal of theirs
        requests.append(encode(name, payload, FORM, interactive=True))
    return requests


def view_payloads(folder: str) -> list[Request]:
    requests = []
    for n, name in enumerate(fixture_names(folder)):
        payload = copy.deepcopy(load_fixture(name))
        callback_id = VIEWS[n % len(VIEWS)] if folder == "view_submission" else ids.VIEW_GOAL
        owner = payload["user"]["id"]
        payload["view"]["callback_id"] = callback_id
        # Opened for them (a log or skip form: about line 1, which is not theirs).
        payload["view"]["private_metadata"] = f"{owner}|1" if callback_id in (ids.VIEW_LOG, ids.VIEW_SKIP) else owner
        requests.append(encode(name, payload, FORM, interactive=True))
    return requests


def events() -> list[Request]:
    envelopes = [load_fixture(name) for name in fixture_names("events") if "envelope" in name or "url_verif" in name]
    bare = load_fixture("events/app_home_opened_event_home_tab_with_view.json")
    envelopes.append({**envelopes[0], "event": bare, "event_id": "Ev222"})
    return [encode(f"event {n} ({e['type']})", e, JSON, interactive=False) for n, e in enumerate(envelopes)]


KINDS = {
    "slash_command": slash_commands,
    "block_actions": block_actions,
    "view_submission": lambda: view_payloads("view_submission"),
    "view_closed": lambda: view_payloads("view_closed"),
    "events": events,
}


def send(bot: Running, request: Request, *, secret: str = SECRET) -> HttpResult:
    """POST the request signed with `secret` (the app's, unless a test says otherwise)."""
    timestamp = str(int(bot.send.clock()))
    signature = slack_signature(secret, timestamp, request.body)
    return bot.send.post_raw(request.body, request.content_type, timestamp=timestamp, signature=signature)


@contextmanager
def running_bot(db: Database, clock: Clock, slack: FakeSlack | None = None) -> Iterator[Running]:
    """The app served over HTTP against a fake Slack (`slack`, or one of its own), with every listener
    failure it logs collected."""
    failures = Failures()
    logger = logging.getLogger("careerplan")
    logger.addHandler(failures)
    try:
        with contextlib.ExitStack() as stack:
            fake = slack or stack.enter_context(FakeSlack())
            settings = Settings.from_env(
                {"SLACK_BOT_TOKEN": "xoxb-test", "SLACK_SIGNING_SECRET": SECRET, "SLACK_API_URL": fake.url}
            )
            app = create_app(settings, db, clock=clock)
            with serving(app) as url:
                yield Running(app, SlackSender(url + "/slack/events", SECRET), failures)
    finally:
        logger.removeHandler(failures)


def after_intact(kind: str, db: Database, clock: Clock) -> list[Request]:
    """Send the kind's intact requests (each must be answered with a 2xx) and let their listeners finish:
    the database as they left it is what the broken ones must leave alone."""
    intact = KINDS[kind]()
    with running_bot(db, clock) as bot:
        for each in intact:
            answer = send(bot, each)
            assert 200 <= answer.status < 300, (each.name, answer.status, answer.text)
        assert bot.settle() == []
    return intact


def answers(bot: Running, requests: list[Request], **how: Any) -> dict[str, int]:
    """Send every request (signed as `send` is told); the HTTP status each got, by name."""
    return {each.name: send(bot, each, **how).status for each in requests}


def outside(statuses: dict[str, int], *allowed: range) -> dict[str, int]:
    """The answers whose status is in none of the `allowed` ranges."""
    return {name: status for name, status in statuses.items() if not any(status in ok for ok in allowed)}


OK, REFUSED = range(200, 300), range(400, 500)


@pytest.mark.parametrize("kind", list(KINDS))
def test_a_payload_missing_any_field_does_nothing_and_fails_nothing(kind: str, db: Database, clock: Clock) -> None:
    intact = after_intact(kind, db, clock)
    before = snapshot(db)
    with running_bot(db, clock) as bot:
        variants = [each.without(field) for each in intact for field in each.fields]
        assert outside(answers(bot, variants), OK, REFUSED) == {}
        assert bot.settle() == []  # no listener failed
    assert snapshot(db) == before


@pytest.mark.parametrize("kind", KINDS)
def test_a_payload_cut_short_is_refused_and_does_nothing(kind: str, db: Database, clock: Clock) -> None:
    intact = after_intact(kind, db, clock)
    before = snapshot(db)
    cut = [each.cut(share) for each in intact for share in CUTS]
    with running_bot(db, clock) as bot:
        assert outside(answers(bot, cut), OK, REFUSED) == {}
        assert outside(answers(bot, cut, secret="not-the-signing-secret"), REFUSED) == {}
        assert bot.settle() == []
    assert snapshot(db) == before


@pytest.mark.parametrize("kind", list(KINDS))
def test_a_payload_not_signed_with_our_secret_is_refused_and_does_nothing(
    kind: str, db: Database, clock: Clock
) -> None:
    intact = after_intact(kind, db, clock)
    before = snapshot(db)
    with FakeSlack() as slack, running_bot(db, clock, slack) as bot:
        for each in intact:
            assert send(bot, each, secret="not-the-signing-secret").status == 401, each.name
            unsigned = bot.send.post_raw(each.body, each.content_type, signature="", timestamp="")
            assert unsigned.status == 401, each.name
            stale = str(int(bot.send.clock()) - 600)  # signed, but ten minutes ago: a replay
            assert bot.send.post_raw(each.body, each.content_type, timestamp=stale).status == 401, each.name
        assert bot.settle() == []
        assert [call.method for call in slack.calls] == ["auth.test"]  # nothing reached Slack
    assert snapshot(db) == before
