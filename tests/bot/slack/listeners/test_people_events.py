"""`user_change`, Slack's real payload signed and sent over HTTP: a known person's new time zone is kept at
once; nobody else in the workspace is stored."""

from __future__ import annotations

import copy
from datetime import timedelta
from typing import Any

import pytest

from storage import people
from storage.db import Database
from tests.clock import Clock
from tests.slackbot import Running, running_bot
from tests.slackhttp import load_fixture

TEAM, PERSON = "T123ABC456", "U1234567"  # as in the fixture


def user_change(tz: object, **user: Any) -> dict[str, Any]:
    envelope: dict[str, Any] = copy.deepcopy(load_fixture("events/user_change_deactivated_slack_doc_shape.json"))
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
