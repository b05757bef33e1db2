"""`user_change`, Slack's real payload signed and sent over HTTP: a known person's new time zone is kept at
once; nobody else in the workspace is stored; a deactivated person has left, and every line they were in ends,
its other person told once."""

from __future__ import annotations

import copy
from datetime import timedelta
from typing import Any

import pytest

from bot.career.cadence import NudgeStatus
from bot.career.lines import EndReason, LineStatus
from bot.slack import ids
from storage import lines as line_store
from storage import people
from storage.db import Database, as_utc
from storage.models import Nudge, Person, ReportingLine
from tests import builders
from tests.clock import Clock
from tests.fakeslack import FakeSlack
from tests.slackbot import Running, running_bot
from tests.slackhttp import as_new_event, load_fixture

TEAM, PERSON = "T123ABC456", "U1234567"  # as in the fixture


def user_change(tz: object, **user: Any) -> dict[str, Any]:
    envelope: dict[str, Any] = as_new_event(
        copy.deepcopy(load_fixture("events/user_change_deactivated_slack_doc_shape.json"))
    )
    envelope["event"]["user"].update({"deleted": False, "tz": tz, **user})
    return envelope


def zone_of(db: Database, user_id: str = PERSON) -> people.CachedTz | None:
    with db.session() as session:
        person = people.find_person_id(session, TEAM, user_id)
        return None if person is None else people.get_tz(session, person)


@pytest.fixture
def running(db: Database, clock: Clock) -> Any:
    with db.session() as session:
        person = people.ensure_person(session, TEAM, PERSON, clock() - timedelta(days=30))
        people.set_tz(session, person, "Europe/Berlin", clock() - timedelta(days=10))
    with running_bot(db, clock) as bot:
        yield bot


def send(running: Running, envelope: dict[str, Any]) -> None:
    assert running.send.event(envelope).status == 200
    assert running.settle() == []  # every listener finished, and none failed


def test_a_move_is_kept_at_once(running: Running, db: Database, clock: Clock) -> None:
    send(running, user_change("America/Los_Angeles"))
    assert zone_of(db) == people.CachedTz("America/Los_Angeles", clock())


def test_the_same_event_twice_leaves_what_the_first_left(db: Database, clock: Clock) -> None:
    with db.session() as session:
        people.ensure_person(session, TEAM, PERSON, clock())
    for _ in range(2):
        with running_bot(db, clock) as bot:
            send(bot, user_change("Asia/Tokyo"))
        assert zone_of(db) == people.CachedTz("Asia/Tokyo", clock())


@pytest.mark.parametrize("tz", ["Mars/Olympus_Mons", "", None, 42, "Europe/" + "x" * 80, "../../etc/passwd"])
def test_a_zone_this_machine_does_not_know_keeps_the_one_it_had(
    running: Running, db: Database, clock: Clock, tz: object
) -> None:
    send(running, user_change(tz))
    assert zone_of(db) == people.CachedTz("Europe/Berlin", clock() - timedelta(days=10))


def test_a_member_careerplan_never_met_is_not_stored(running: Running, db: Database, clock: Clock) -> None:
    send(running, user_change("Asia/Tokyo", id="U0NEWCOMER"))
    assert zone_of(db, "U0NEWCOMER") is None
    assert zone_of(db) == people.CachedTz("Europe/Berlin", clock() - timedelta(days=10))


def test_an_event_without_a_user_object_changes_nothing(running: Running, db: Database, clock: Clock) -> None:
    envelope = user_change("Asia/Tokyo")
    envelope["event"]["user"] = "U1234567"  # not the shape Slack sends for user_change
    send(running, envelope)
    assert zone_of(db) == people.CachedTz("Europe/Berlin", clock() - timedelta(days=10))


# --- leavers ---------------------------------------------------------------------------------------------

BOSS, REPORT, ASKER = "U0BOSS", "U0REPORT", "U0ASKER"
PLAN_GOAL = "Become the CTO of a tiny bakery"


def leaver_world(db: Database) -> dict[str, int]:
    """The leaver reports to BOSS (a reminder owed), manages REPORT, and ASKER asked them to be their manager."""
    with db.session() as session:
        upward = builders.active_line(session, PERSON, BOSS, team=TEAM, shared=True)
        downward = builders.active_line(session, REPORT, PERSON, team=TEAM)
        request = builders.pending_line(session, ASKER, PERSON, team=TEAM)
        owed = builders.nudge(session, upward, status=NudgeStatus.PENDING)
        builders.plan_version(session, PERSON, builders.a_plan(PLAN_GOAL), team=TEAM)
    return {"upward": upward.id, "downward": downward.id, "request": request.id, "owed": owed}


def deactivated() -> dict[str, Any]:
    return user_change("America/Los_Angeles", deleted=True)


def line_state(db: Database, line_id: int) -> tuple[LineStatus, str | None]:
    with db.session() as session:
        line = line_store.get_line(session, line_id)
        reason = session.get(ReportingLine, line_id)
        assert line is not None and reason is not None
        return line.status, reason.end_reason


def test_a_person_who_left_ends_every_line_they_were_in_and_each_other_person_hears_once(
    db: Database, clock: Clock
) -> None:
    world = leaver_world(db)
    with FakeSlack() as slack:
        for _ in range(2):  # Slack retries an event it thinks was missed: the second changes nothing
            with running_bot(db, clock, slack) as bot:
                send(bot, deactivated())
        assert line_state(db, world["upward"]) == (LineStatus.ENDED, EndReason.LEFT.value)
        assert line_state(db, world["downward"]) == (LineStatus.ENDED, EndReason.LEFT.value)
        assert line_state(db, world["request"]) == (LineStatus.DECLINED, EndReason.LEFT.value)
        with db.session() as session:
            owed = session.get(Nudge, world["owed"])
            assert owed is not None and owed.status == NudgeStatus.CANCELLED.value
        dms = {user: [call.params["text"] for call in slack.messages_to(user)] for user in (BOSS, REPORT, ASKER)}
        assert [len(texts) for texts in dms.values()] == [1, 1, 1]
        assert "no longer report to you" in dms[BOSS][0]
        assert f"{ids.COMMAND} {ids.SUB_MANAGER} @name" in dms[REPORT][0]
        buttons = {user: str(slack.messages_to(user)[0].params.get("blocks")) for user in (BOSS, REPORT, ASKER)}
        assert ids.ACTION_NAME_MANAGER in buttons[REPORT]  # "Name my new manager", the welcome's modal
        assert ids.ACTION_NAME_MANAGER not in buttons[BOSS] + buttons[ASKER]
        assert "request between you and <@U1234567> is closed" in dms[ASKER][0]
        assert slack.messages_to(PERSON) == []
        published = sorted(call.params["user_id"] for call in slack.calls_to("views.publish"))
        assert published == sorted([BOSS, REPORT, ASKER])
        assert PLAN_GOAL not in str([call.params for call in slack.calls])  # their answers reach no one


def test_a_profile_change_that_is_not_a_departure_ends_nothing(db: Database, clock: Clock) -> None:
    world = leaver_world(db)
    with FakeSlack() as slack:
        with running_bot(db, clock, slack) as bot:
            send(bot, user_change("Asia/Tokyo", deleted=False))
        assert line_state(db, world["upward"]) == (LineStatus.ACTIVE, None)
        assert line_state(db, world["request"]) == (LineStatus.PENDING, None)
        assert slack.messages == []
    assert zone_of(db) == people.CachedTz("Asia/Tokyo", clock())


def test_someone_careerplan_never_met_leaving_changes_nothing(db: Database, clock: Clock) -> None:
    leaver_world(db)
    with FakeSlack() as slack:
        with running_bot(db, clock, slack) as bot:
            send(bot, user_change("Asia/Tokyo", deleted=True, id="U0NEWCOMER"))
        assert slack.messages == []
    assert zone_of(db, "U0NEWCOMER") is None


def deactivated_since(db: Database, user_id: str = PERSON) -> object:
    with db.session() as session:
        return people.deactivated_at(session, TEAM, user_id)


def test_leaving_is_remembered_from_the_first_event_and_a_return_starts_nothing(db: Database, clock: Clock) -> None:
    world = leaver_world(db)
    with FakeSlack() as slack:
        with running_bot(db, clock, slack) as bot:
            send(bot, deactivated())
        left_at = clock()
        assert deactivated_since(db) == left_at
        clock.advance(days=3)
        with running_bot(db, clock, slack) as bot:
            send(bot, deactivated())  # Slack resends it: still the first day they left
        assert deactivated_since(db) == left_at
        messages = len(slack.messages)
        with running_bot(db, clock, slack) as bot:
            send(bot, user_change("America/Los_Angeles", deleted=False))  # the account is reactivated
        assert deactivated_since(db) is None
        assert line_state(db, world["upward"]) == (LineStatus.ENDED, EndReason.LEFT.value)  # nothing restarts
        assert line_state(db, world["request"]) == (LineStatus.DECLINED, EndReason.LEFT.value)
        assert len(slack.messages) == messages


@pytest.mark.parametrize(("command", "role"), [("manager", "be your manager"), ("add", "report to you")])
def test_naming_someone_who_left_is_refused_with_the_reason(
    db: Database, clock: Clock, command: str, role: str
) -> None:
    leaver_world(db)
    with FakeSlack() as slack:
        with running_bot(db, clock, slack) as bot:
            send(bot, deactivated())
        messages = len(slack.messages)
        with running_bot(db, clock, slack) as bot:
            answer = bot.send.slash_command(f"{command} <@{PERSON}|leaver>", user_id="U0SOMEONE", team_id=TEAM)
            assert answer.status == 200
            assert answer.json()["text"] == (
                f"<@{PERSON}> has left Slack (their account is deactivated), so they can't {role}."
            )
            assert bot.settle() == []
        assert len(slack.messages) == messages  # no request DM to an account that is gone
    with db.session() as session:
        asker = people.find_person_id(session, TEAM, "U0SOMEONE")
        assert asker is None or line_store.active_line_of(session, asker) is None


# --- away statuses ---------------------------------------------------------------------------------------------


def status_changed(emoji: str, text: str, expiration: int) -> dict[str, Any]:
    envelope: dict[str, Any] = as_new_event(
        copy.deepcopy(load_fixture("events/user_status_changed_vacation_slack_doc_shape.json"))
    )
    envelope["event"]["user"]["profile"].update(
        {"status_emoji": emoji, "status_text": text, "status_expiration": expiration}
    )
    return envelope


def away_until_of(db: Database, user_id: str = PERSON) -> object:
    with db.session() as session:
        person_id = people.find_person_id(session, TEAM, user_id)
        assert person_id is not None
        person = session.get(Person, person_id)
        return None if person is None else as_utc(person.away_until)


def test_a_vacation_status_holds_reminders_until_it_ends_and_clearing_it_releases_them(
    db: Database, clock: Clock
) -> None:
    back = clock() + timedelta(days=10)
    with db.session() as session:
        builders.person(session, PERSON, team=TEAM)
    with FakeSlack() as slack:
        for _ in range(2):  # the same status, sent again, keeps the same
            with running_bot(db, clock, slack) as bot:
                send(bot, status_changed(":palm_tree:", "Vacationing", int(back.timestamp())))
            assert away_until_of(db) == back
        with running_bot(db, clock, slack) as bot:
            send(bot, status_changed("", "", 0))  # back early: the status is cleared
        assert away_until_of(db) is None
        assert slack.messages == []  # nothing is said to anyone about it


def test_the_status_of_someone_careerplan_never_met_is_not_stored(db: Database, clock: Clock) -> None:
    envelope = status_changed(":palm_tree:", "Vacationing", int((clock() + timedelta(days=3)).timestamp()))
    envelope["event"]["user"]["id"] = "U0NEWCOMER"
    with running_bot(db, clock) as bot:
        send(bot, envelope)
    with db.session() as session:
        assert people.find_person_id(session, TEAM, "U0NEWCOMER") is None
