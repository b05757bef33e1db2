"""A click on a reminder's Add to calendar button: the browser opens the link, and Slack still sends the app
a block_actions payload. The app answers 200 with nothing (no "this app did not respond" warning) and
changes nothing: no Slack call, no row written."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest

from bot.career.availability import WorkingTime
from bot.career.cadence import NudgeKind, NudgeStatus, prompts_for
from bot.career.calendar import conversation_event
from bot.career.nudges import ManagerNudge
from bot.slack import ids
from bot.slack.blocks.nudges import manager_nudge
from storage.db import Database
from tests import builders
from tests.clock import Clock
from tests.fakeslack import FakeSlack
from tests.outage import snapshot
from tests.slackbot import BOSS, EMPLOYEE, running_bot
from tests.slackhttp import SENT_TS, message_click


def url_button_click(text: str, blocks: list[dict[str, Any]], action_id: str, user: str) -> dict[str, Any]:
    """Slack's real message-button payload, for a url button of the DM (such a click carries no value)."""
    payload = message_click((text, blocks), action_id, user=user)
    payload["actions"][0].pop("value", None)
    return payload


@pytest.mark.parametrize("action_id", [ids.ACTION_CALENDAR_GOOGLE, ids.ACTION_CALENDAR_OUTLOOK])
def test_a_click_on_a_calendar_link_is_acknowledged_and_changes_nothing(
    db: Database, clock: Clock, action_id: str
) -> None:
    with db.session() as session:
        line = builders.active_line(session, EMPLOYEE, BOSS, started_on=date(2026, 9, 1), now=clock())
        assert line.next_due_on is not None
        nudge_id = builders.nudge(session, line, NudgeKind.DUE_SOON, NudgeStatus.SENT, where=("D" + BOSS, SENT_TS))
    event = conversation_event(
        datetime(2026, 9, 28, 8, 0, tzinfo=UTC),
        line.next_due_on,
        WorkingTime("Europe/Berlin"),
        WorkingTime("America/New_York"),
        name="Ana Souza",
        questions=prompts_for(line.id, line.next_due_on),
    )
    text, blocks = manager_nudge(
        ManagerNudge(
            nudge_id=nudge_id,
            line_id=line.id,
            kind=NudgeKind.DUE_SOON,
            report=line.report,
            due_on=line.next_due_on,
            today=date(2026, 9, 28),
            since=date(2026, 9, 1),
            since_held=False,
            prompts=prompts_for(line.id, line.next_due_on),
            calendar=event,
        )
    )
    before = snapshot(db)
    with FakeSlack() as slack, running_bot(db, clock, slack) as running:
        started = [call.method for call in slack.calls]  # the app's own auth.test on start
        click = url_button_click(text, blocks, action_id, BOSS)
        result = running.send.interactive(click)
        assert (result.status, result.body) == (200, b"")
        # Without its listener, Bolt would have answered 404 and Slack shown the manager a warning.
        unknown = url_button_click(text, blocks, action_id, BOSS)
        unknown["actions"][0]["action_id"] = "careerplan.calendar.unknown"
        assert running.send.interactive(unknown).status == 404
        assert running.settle() == []
        assert [call.method for call in slack.calls] == started
    assert snapshot(db) == before
