"""The sweep and a workspace that uninstalled the app (Slack's real `app_uninstalled`, signed and sent over
HTTP): from that moment no Slack call at all for it (no users.info, no DM, no retry of a failed one), while
another workspace gets its reminders as before; a person's next request there brings its reminders back."""

from __future__ import annotations

import copy
from collections import Counter
from datetime import date

from bot.career.cadence import NudgeStatus
from storage import nudges as store
from storage.models import Nudge, ReportingLine
from tests import builders
from tests.clock import utc
from tests.fakeslack import TEAM_ID, Call
from tests.slackbot import running_bot
from tests.slackhttp import load_fixture
from tests.sweepworld import World

GONE = "T123ABC456"  # the fixture's workspace
GONE_PEOPLE = {"U1234567", "U0GONEBOSS"}
STARTED = date(2026, 11, 23)


def about_gone(call: Call) -> bool:
    return any(call.params.get(key) in GONE_PEOPLE for key in ("channel", "user", "users"))


def build(world: World) -> tuple[int, int]:
    """A line in each workspace, both due their first-month reminder the same day; the gone workspace's also
    has a reminder that failed once and waits for its retry. Returns (gone line, its retrying nudge)."""
    for user in ("U0R1", "U0BOSS", *GONE_PEOPLE):
        world.slack.users[user] = {"tz": "Europe/Berlin"}
    with world.db.session() as session:
        builders.active_line(session, "U0R1", "U0BOSS", started_on=STARTED, team=TEAM_ID, now=world.clock())
        gone = builders.active_line(
            session, "U1234567", "U0GONEBOSS", started_on=date(2026, 8, 1), team=GONE, now=world.clock()
        )
        owed = builders.nudge(session, gone, status=NudgeStatus.PENDING, due_on=date(2026, 11, 20), now=world.clock())
        attempt = store.claim(session, owed, world.clock())
        assert attempt is not None
        store.mark_retry(session, owed, attempt, error="ratelimited", not_before=world.clock())
    return gone.id, owed


def uninstall(world: World) -> None:
    with running_bot(world.db, world.clock, world.slack) as bot:
        assert bot.send.event(copy.deepcopy(load_fixture("events/app_uninstalled_slack_doc_shape.json"))).status == 200
        assert bot.settle() == []


def sweep_through(world: World, start_day: int, end_day: int) -> list[Call]:
    """Sweep every hour of the given November/December days (UTC); the calls the sweeps made."""
    before = len(world.slack.calls)
    for day in range(start_day, end_day + 1):
        for hour in range(24):
            world.at(utc(2026, 11, 1, hour) + (utc(2026, 11, day) - utc(2026, 11, 1)))
    return world.slack.calls[before:]


def test_an_uninstalled_workspace_gets_no_slack_call_and_another_its_reminders(world: World) -> None:
    world.clock.now = utc(2026, 11, 21, 0)
    gone_line, retrying = build(world)
    uninstall(world)
    calls = sweep_through(world, 21, 30)
    assert [call for call in calls if about_gone(call)] == []
    assert Counter(call.params["channel"] for call in world.slack.messages) == {"U0BOSS": 1, "U0R1": 1}
    with world.db.session() as session:
        waiting = session.get(Nudge, retrying)
        line = session.get(ReportingLine, gone_line)
        assert waiting is not None and waiting.status == NudgeStatus.PENDING.value  # kept, not failed or lost
        assert waiting.attempts == 1
        assert line is not None and line.status == "active"


def test_a_reinstall_brings_the_workspaces_reminders_back_once_each(world: World) -> None:
    world.clock.now = utc(2026, 11, 21, 0)
    build(world)
    uninstall(world)
    sweep_through(world, 21, 23)
    assert [call for call in world.slack.calls if about_gone(call)] == []
    with running_bot(world.db, world.clock, world.slack) as bot:
        assert bot.send.slash_command("help", user_id="U1234567", team_id=GONE).status == 200
        assert bot.settle() == []
    sweep_through(world, 24, 30)
    to_gone = Counter(call.params["channel"] for call in world.slack.messages if about_gone(call))
    assert to_gone == {"U0GONEBOSS": 1}  # the reminder it owed, once: not one per pass it missed
