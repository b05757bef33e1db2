"""`app_uninstalled` and `tokens_revoked`, Slack's real payloads signed and sent over HTTP: the workspace is
marked inactive without a single Slack call (its token is dead), once (a replay changes nothing), its data is
kept; a revoke of people's own tokens changes nothing; the next request from a person there marks it active."""

from __future__ import annotations

import copy
import logging
from datetime import timedelta
from typing import Any

import pytest

from bot.career.people import InactiveReason
from storage import workspaces
from storage.db import Database
from storage.workspaces import Contents, Inactive
from tests import builders
from tests.clock import Clock
from tests.fakeslack import FakeSlack
from tests.slackbot import Running, running_bot
from tests.slackhttp import block_action, load_fixture

TEAM, PERSON, BOSS = "T123ABC456", "U1234567", "U0BOSS"  # TEAM and PERSON as in the fixtures
UNINSTALLED = "events/app_uninstalled_slack_doc_shape.json"
REVOKED = "events/tokens_revoked_slack_doc_shape.json"


def fixture(name: str) -> dict[str, Any]:
    envelope: dict[str, Any] = copy.deepcopy(load_fixture(name))
    return envelope


def a_workspace(db: Database) -> Contents:
    with db.session() as session:
        line = builders.active_line(session, PERSON, BOSS, team=TEAM, shared=True)
        builders.plan_version(session, PERSON, team=TEAM)
        builders.nudge(session, line)
        held = workspaces.contents(session, TEAM)
    assert held is not None
    return held


def state(db: Database) -> tuple[Inactive | None, Contents | None]:
    with db.session() as session:
        return workspaces.inactive(session, TEAM), workspaces.contents(session, TEAM)


def send(running: Running, envelope: dict[str, Any]) -> None:
    assert running.send.event(envelope).status == 200
    assert running.settle() == []


def calls_after_start(slack: FakeSlack) -> list[str]:
    return [call.method for call in slack.calls if call.method != "auth.test"]


@pytest.mark.parametrize(
    ("name", "reason"), [(UNINSTALLED, InactiveReason.UNINSTALLED), (REVOKED, InactiveReason.TOKENS_REVOKED)]
)
def test_the_workspace_stops_once_without_a_slack_call_and_keeps_its_data(
    db: Database, clock: Clock, caplog: pytest.LogCaptureFixture, name: str, reason: InactiveReason
) -> None:
    held = a_workspace(db)
    stopped_at = clock()
    with FakeSlack() as slack:
        for _ in range(2):  # Slack re-sends an event it thinks was missed: the replay changes nothing
            with running_bot(db, clock, slack) as bot, caplog.at_level(logging.INFO, "careerplan"):
                send(bot, fixture(name))
            clock.advance(minutes=5)
        assert calls_after_start(slack) == []
    assert state(db) == (Inactive(stopped_at, reason), held)
    stops = [r.getMessage() for r in caplog.records if "nothing more is sent" in r.getMessage()]
    assert len(stops) == 1 and TEAM in stops[0] and fixture(name)["event_id"] in stops[0]


@pytest.mark.parametrize(
    "tokens",
    [
        {"oauth": [PERSON]},  # only a person's own token: careerplan holds none, the bot's still works
        {"oauth": [PERSON], "bot": []},
        {"bot": ["U0OTHERBOT"]},  # not this installation's bot user
        {},
    ],
)
def test_a_revoke_that_spares_the_bots_token_changes_nothing(db: Database, clock: Clock, tokens: object) -> None:
    a_workspace(db)
    envelope = fixture(REVOKED)
    envelope["event"]["tokens"] = tokens
    with FakeSlack() as slack:
        with running_bot(db, clock, slack) as bot:
            send(bot, envelope)
        assert calls_after_start(slack) == []
    assert state(db)[0] is None


def test_an_uninstall_from_a_workspace_careerplan_never_met_stores_nothing(db: Database, clock: Clock) -> None:
    with running_bot(db, clock) as bot:
        send(bot, fixture(UNINSTALLED))
    assert state(db) == (None, None)


def test_the_next_request_from_a_person_there_marks_the_workspace_active_again(db: Database, clock: Clock) -> None:
    held = a_workspace(db)
    with running_bot(db, clock) as bot:
        send(bot, fixture(UNINSTALLED))
    assert state(db)[0] is not None
    with running_bot(db, clock) as bot:
        # Slack sends people's requests only to an installed app: this one says the app is back.
        assert bot.send.slash_command("help", user_id=PERSON, team_id=TEAM).status == 200
        assert bot.settle() == []
    assert state(db) == (None, held)


def test_a_click_no_listener_takes_marks_the_workspace_active_again_too(db: Database, clock: Clock) -> None:
    held = a_workspace(db)
    with running_bot(db, clock) as bot:
        send(bot, fixture(UNINSTALLED))
    with running_bot(db, clock) as bot:
        # A button of an older version of the app: no listener answers it, Slack still sent it.
        click = block_action({"action_id": "careerplan.retired_button"}, container="home", user_id=PERSON, team_id=TEAM)
        bot.send.interactive(click)
        assert bot.settle() == []
    assert state(db) == (None, held)


def test_a_request_from_another_workspace_leaves_the_inactive_one_inactive(db: Database, clock: Clock) -> None:
    a_workspace(db)
    with running_bot(db, clock) as bot:
        send(bot, fixture(REVOKED))
    with running_bot(db, clock) as bot:
        assert bot.send.slash_command("help", user_id=PERSON, team_id="T0ELSEWHERE").status == 200
        assert bot.settle() == []
    assert state(db)[0] == Inactive(clock(), InactiveReason.TOKENS_REVOKED)


def test_a_request_without_a_person_is_still_refused_and_reactivates_nothing(db: Database, clock: Clock) -> None:
    a_workspace(db)
    envelope = fixture(UNINSTALLED)
    envelope["event"] = {"type": "app_home_opened", "tab": "home"}  # no user: acked, dropped
    with FakeSlack() as slack:
        with running_bot(db, clock, slack) as bot:
            send(bot, fixture(UNINSTALLED))
        clock.advance(hours=1)
        with running_bot(db, clock, slack) as bot:
            send(bot, envelope)
        assert calls_after_start(slack) == []
    assert state(db)[0] == Inactive(clock() - timedelta(hours=1), InactiveReason.UNINSTALLED)
