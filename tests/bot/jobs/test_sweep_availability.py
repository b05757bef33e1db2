"""The sweep and people's absences: a reminder waits while its recipient's Slack status says they are away, on
their public holidays and days off, and goes out once, at the first working moment they are back (or after 14
days, saying it waited)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.slack.blocks.nudges import WAITED_NOTE
from storage import people
from storage.db import Database
from tests.builders import TEAM
from tests.clock import Clock, utc
from tests.fakeslack import Call, FakeSlack
from tests.sweepworld import World, make_world, step

NY = ZoneInfo("America/New_York")


def ny(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=NY)


def to(sent: list[tuple[datetime, Call]], user: str) -> list[tuple[datetime, Call]]:
    return [(moment.astimezone(NY), call) for moment, call in sent if call.params["channel"] == user]


def away(emoji: str = ":palm_tree:", text: str = "Vacationing", until: datetime | None = None) -> dict[str, object]:
    """A Slack profile whose status says the person is away (until `until`; None: no expiration set)."""
    expiration = 0 if until is None else int(until.timestamp())
    return {
        "tz": "America/New_York",
        "profile": {"status_emoji": emoji, "status_text": text, "status_expiration": expiration},
    }


def test_a_manager_on_vacation_across_a_due_date_gets_it_the_first_working_morning_back_once(world: World) -> None:
    # The line starts on Monday 2 November: the manager's first-month reminder is due that day. They are on
    # vacation for ten days, until Thursday 12 November 18:00 (after working hours).
    world.line("U0REPORT", "U0BOSS", date(2026, 11, 2))
    world.slack.users["U0BOSS"] = away(until=ny(2026, 11, 12, 18))
    sent = step(world, utc(2026, 11, 2, 0), utc(2026, 11, 20, 0), timedelta(minutes=30))
    ((moment, call),) = to(sent, "U0BOSS")
    assert moment == ny(2026, 11, 13, 9)  # Friday, 09:00 on their clock
    assert WAITED_NOTE not in call.params["text"]
    assert len(to(sent, "U0REPORT")) == 1  # the report, not away, was invited on the first day
    assert to(sent, "U0REPORT")[0][0].date() == date(2026, 11, 2)


def test_a_status_without_an_end_is_read_again_the_next_working_day(world: World) -> None:
    world.line("U0REPORT", "U0BOSS", date(2026, 11, 2))
    world.slack.users["U0BOSS"] = away(":face_with_thermometer:", "Out sick")
    first = step(world, utc(2026, 11, 2, 0), utc(2026, 11, 3, 12), timedelta(hours=1))
    assert to(first, "U0BOSS") == []
    world.slack.users["U0BOSS"] = {"tz": "America/New_York"}  # back: the status is cleared
    asked = len(world.slack.calls_to("users.info"))
    later = step(world, utc(2026, 11, 3, 13), utc(2026, 11, 5, 0), timedelta(hours=1))
    assert [moment for moment, _ in to(later, "U0BOSS")] == [ny(2026, 11, 3, 9)]
    assert len(world.slack.calls_to("users.info")) > asked  # Slack was asked again, not guessed


def test_a_status_that_does_not_say_away_holds_nothing(world: World) -> None:
    world.line("U0REPORT", "U0BOSS", date(2026, 11, 2))
    # "pto" and "holiday" appear only inside other words: not an away status.
    world.slack.users["U0BOSS"] = away(
        ":coffee:", "Cryptography review, Holidayinn offsite prep", until=ny(2026, 11, 30)
    )
    sent = step(world, utc(2026, 11, 2, 0), utc(2026, 11, 3, 0), timedelta(hours=1))
    assert [moment.date() for moment, _ in to(sent, "U0BOSS")] == [date(2026, 11, 2)]


def test_a_reminder_held_14_days_goes_out_saying_it_waited_once(world: World) -> None:
    world.line("U0REPORT", "U0BOSS", date(2026, 11, 2))
    world.slack.users["U0BOSS"] = away(until=ny(2027, 1, 31))  # a long leave
    sent = step(world, utc(2026, 11, 2, 0), utc(2026, 11, 25, 0), timedelta(hours=1))
    ((moment, call),) = to(sent, "U0BOSS")
    assert moment - ny(2026, 11, 2, 9) <= timedelta(days=14, hours=1)
    assert moment.weekday() < 5 and 9 <= moment.hour < 17
    assert WAITED_NOTE in call.params["text"] and WAITED_NOTE in str(call.params["blocks"])


def test_a_status_event_holds_a_reminder_without_asking_slack(world: World) -> None:
    """user_status_changed keeps away_until; the sweep reads it from the table."""
    world.line("U0REPORT", "U0BOSS", date(2026, 11, 2))
    with world.db.session() as session:
        boss = people.find_person_id(session, TEAM, "U0BOSS")
        assert boss is not None
        people.set_tz(session, boss, "America/New_York", utc(2026, 11, 1))
        people.set_away_until(session, boss, ny(2026, 11, 4, 12))
    sent = step(world, utc(2026, 11, 2, 0), utc(2026, 11, 6, 0), timedelta(hours=1))
    assert [moment for moment, _ in to(sent, "U0BOSS")] == [ny(2026, 11, 4, 12)]  # back at noon: sent then


@pytest.fixture
def us_world(db: Database, clock: Clock) -> Iterator[World]:
    with FakeSlack() as slack:
        yield make_world(db, slack, clock, CAREERPLAN_HOLIDAYS="US")


def test_a_public_holiday_is_not_a_working_day(us_world: World) -> None:
    us_world.line("U0REPORT", "U0BOSS", date(2026, 11, 26))  # Thanksgiving
    sent = step(us_world, utc(2026, 11, 26, 0), utc(2026, 11, 28, 0), timedelta(hours=1))
    assert [moment for moment, _ in to(sent, "U0BOSS")] == [ny(2026, 11, 27, 9)]
    assert [moment for moment, _ in to(sent, "U0REPORT")] == [ny(2026, 11, 27, 9)]


def test_a_sunday_to_thursday_week_of_ones_own_is_kept(world: World) -> None:
    world.line("U0REPORT", "U0BOSS", date(2026, 11, 6))  # a Friday
    with world.db.session() as session:
        boss = people.find_person_id(session, TEAM, "U0BOSS")
        assert boss is not None
        people.set_reminder_settings(session, boss, people.ReminderSettings(work_days="Sun-Thu"))
    sent = step(world, utc(2026, 11, 6, 0), utc(2026, 11, 10, 0), timedelta(hours=1))
    assert [moment for moment, _ in to(sent, "U0BOSS")] == [ny(2026, 11, 8, 9)]  # Sunday morning
    assert [moment for moment, _ in to(sent, "U0REPORT")] == [ny(2026, 11, 6, 9)]  # Monday to Friday: Friday
