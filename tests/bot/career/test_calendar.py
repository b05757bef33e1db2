"""The reminder's Add to calendar links: the suggested half hour, and URLs that open a correctly dated event.

The URLs are parsed back with urllib.parse and checked parameter by parameter against the formats the
providers' de-facto documentation gives (InteractionDesignFoundation/add-event-to-calendar-docs,
services/google.md and services/outlook-web.md): Google `dates=YYYYMMDDTHHMMSSZ/YYYYMMDDTHHMMSSZ`, Outlook
`startdt`/`enddt` as `YYYY-MM-DDTHH:MM:SSZ`, both in UTC.
"""

from __future__ import annotations

import inspect
import re
from datetime import UTC, date, datetime, time, timedelta
from urllib.parse import parse_qs, urlsplit
from zoneinfo import ZoneInfo

import pytest

from bot.career.availability import WorkingTime
from bot.career.cadence import prompts_for
from bot.career.calendar import (
    FROM_CAREERPLAN,
    NAME_MAX,
    NO_SHARED_TIME,
    URL_MAX,
    CalendarEvent,
    clean_name,
    conversation_event,
    google_calendar_url,
    outlook_calendar_url,
    suggested_slot,
)
from tests.clock import utc

BERLIN = WorkingTime("Europe/Berlin")
NEW_YORK = WorkingTime("America/New_York")
LOS_ANGELES = WorkingTime("America/Los_Angeles")
AUCKLAND = WorkingTime("Pacific/Auckland")
QUESTIONS = prompts_for(7, date(2026, 12, 7))
COMPACT = re.compile(r"^\d{8}T\d{6}Z$")
ISO = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")


def query(url: str, base: str) -> dict[str, str]:
    """The url's parameters, each present once (parse_qs is strict: a stray `&` or `=` would show)."""
    parts = urlsplit(url)
    assert f"{parts.scheme}://{parts.netloc}{parts.path}" == base
    assert parts.fragment == ""
    found = parse_qs(parts.query, keep_blank_values=True, strict_parsing=True)
    assert all(len(values) == 1 for values in found.values()), found
    return {key: values[0] for key, values in found.items()}


def google(event: CalendarEvent) -> dict[str, str]:
    return query(google_calendar_url(event), "https://calendar.google.com/calendar/render")


def outlook(event: CalendarEvent) -> dict[str, str]:
    return query(outlook_calendar_url(event), "https://outlook.office.com/calendar/0/deeplink/compose")


def inside(moment: datetime, length: timedelta, when: WorkingTime) -> bool:
    """An oracle of its own: the slot starts and ends on one working day, within their hours on their clock."""
    where = ZoneInfo(when.tz or "UTC")
    start, last = moment.astimezone(where), (moment + length - timedelta(microseconds=1)).astimezone(where)
    return (
        start.weekday() in when.days
        and start.date() == last.date()
        and when.start <= start.time()
        and last.time() < when.end
    )


# --- the slot ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("manager", "report", "now", "due_on", "expected"),
    [
        # Thursday 09:00 in Berlin, due Monday: Friday at 15:00 in Berlin is 09:00 in New York.
        (BERLIN, NEW_YORK, utc(2026, 12, 3, 8, 0), date(2026, 12, 7), utc(2026, 12, 4, 14, 0)),
        # The other way round: Friday at 09:00 in New York.
        (NEW_YORK, BERLIN, utc(2026, 12, 3, 14, 0), date(2026, 12, 7), utc(2026, 12, 4, 14, 0)),
        # Friday in Los Angeles is Saturday in Auckland: Monday 12:00 in LA, Tuesday 09:00 in Auckland.
        (LOS_ANGELES, AUCKLAND, utc(2026, 12, 4, 17, 0), date(2026, 12, 9), utc(2026, 12, 7, 20, 0)),
        # Due Monday in Auckland, reminded that Friday at 09:00: Auckland's Monday is LA's Sunday, so the slot
        # is that same Friday, an hour on (10:00 in Auckland, Thursday 13:00 in LA), before the due date.
        (AUCKLAND, LOS_ANGELES, utc(2026, 12, 3, 20, 0), date(2026, 12, 7), utc(2026, 12, 3, 21, 0)),
        # Berlin and Auckland never share a working hour.
        (BERLIN, AUCKLAND, utc(2026, 12, 3, 8, 0), date(2026, 12, 7), None),
        (AUCKLAND, BERLIN, utc(2026, 6, 3, 21, 0), date(2026, 6, 8), None),
    ],
)
def test_the_slot_lies_inside_both_peoples_hours_before_the_due_date(
    manager: WorkingTime, report: WorkingTime, now: datetime, due_on: date, expected: datetime | None
) -> None:
    slot = suggested_slot(now, due_on, manager, report)
    assert slot == expected
    if slot is not None:
        assert slot.utcoffset() == timedelta(0)
        assert inside(slot, timedelta(minutes=30), manager) and inside(slot, timedelta(minutes=30), report)


@pytest.mark.parametrize(
    ("manager", "report", "now", "due_on", "expected"),
    [
        # New York moved to summer time on Sunday 8 March 2026, Berlin only on 29 March: for three weeks
        # New York's 09:00 is Berlin's 14:00, not 15:00.
        (BERLIN, NEW_YORK, utc(2026, 3, 2, 8, 0), date(2026, 3, 4), utc(2026, 3, 3, 14, 0)),
        (BERLIN, NEW_YORK, utc(2026, 3, 9, 8, 0), date(2026, 3, 11), utc(2026, 3, 10, 13, 0)),
        (BERLIN, NEW_YORK, utc(2026, 3, 30, 7, 0), date(2026, 4, 1), utc(2026, 3, 31, 13, 0)),
        # Reminded on the Friday before the change, due the Tuesday after: Monday 09:00 on the new clock.
        (NEW_YORK, NEW_YORK, utc(2026, 3, 6, 14, 0), date(2026, 3, 10), utc(2026, 3, 9, 13, 0)),
        # Auckland left summer time on 5 April 2026 while LA kept it: LA 14:00 is Auckland 09:00 the next day.
        (LOS_ANGELES, AUCKLAND, utc(2026, 4, 6, 16, 0), date(2026, 4, 10), utc(2026, 4, 7, 21, 0)),
        # Autumn in Europe (25 October 2026): 09:00 in London is 09:00 UTC again from the Monday.
        (
            WorkingTime("Europe/London"),
            WorkingTime("Europe/London"),
            utc(2026, 10, 23, 8, 0),
            date(2026, 10, 27),
            utc(2026, 10, 26, 9, 0),
        ),
    ],
)
def test_daylight_saving_weeks_keep_the_slot_on_each_persons_clock(
    manager: WorkingTime, report: WorkingTime, now: datetime, due_on: date, expected: datetime
) -> None:
    assert suggested_slot(now, due_on, manager, report) == expected


def test_a_slot_waits_for_the_next_day_while_one_is_left_before_the_due_date() -> None:
    monday_9am = utc(2026, 12, 7, 8, 0)  # Berlin
    # Due Thursday: Tuesday 09:00, not within the hour (the report was just invited to revise their plan).
    assert suggested_slot(monday_9am, date(2026, 12, 10), BERLIN, BERLIN) == utc(2026, 12, 8, 8, 0)
    # Due today: the soonest, an hour from now.
    assert suggested_slot(monday_9am, date(2026, 12, 7), BERLIN, BERLIN) == utc(2026, 12, 7, 9, 0)
    # Reminded at 09:10: the next half hour after an hour's notice.
    assert suggested_slot(monday_9am + timedelta(minutes=10), date(2026, 12, 7), BERLIN, BERLIN) == utc(
        2026, 12, 7, 9, 30
    )


def test_an_overdue_conversation_gets_the_soonest_slot() -> None:
    tuesday_9am = utc(2026, 12, 8, 8, 0)  # Berlin; due a week ago
    assert suggested_slot(tuesday_9am, date(2026, 12, 1), BERLIN, BERLIN) == utc(2026, 12, 8, 9, 0)
    friday_late = utc(2026, 12, 11, 15, 45)  # 16:45 in Berlin: nothing left this week
    assert suggested_slot(friday_late, date(2026, 12, 1), BERLIN, BERLIN) == utc(2026, 12, 14, 8, 0)
    # Overdue, Berlin and New York: the same afternoon, once New York is at work.
    assert suggested_slot(tuesday_9am, date(2026, 12, 1), BERLIN, NEW_YORK) == utc(2026, 12, 8, 14, 0)


def test_the_slot_starts_on_a_half_hour_of_the_managers_clock() -> None:
    # Kathmandu is UTC+05:45, Kolkata UTC+05:30: 09:30 in Kathmandu is 09:15 in Kolkata, inside both.
    slot = suggested_slot(
        utc(2026, 12, 3, 3, 15), date(2026, 12, 7), WorkingTime("Asia/Kathmandu"), WorkingTime("Asia/Kolkata")
    )
    assert slot == utc(2026, 12, 4, 3, 45)
    assert slot.astimezone(ZoneInfo("Asia/Kathmandu")).time() == time(9, 30)


def test_each_persons_own_work_week_counts() -> None:
    # The report works Sunday to Thursday in Jerusalem: not Friday, so Monday 09:00 in Berlin (10:00 there).
    sunday_to_thursday = WorkingTime("Asia/Jerusalem", days=frozenset({6, 0, 1, 2, 3}))
    assert suggested_slot(utc(2026, 12, 3, 8, 0), date(2026, 12, 8), BERLIN, sunday_to_thursday) == utc(
        2026, 12, 7, 8, 0
    )
    # Late hours: a manager working 13:00-21:00 in Berlin meets New York at 09:00 there, 15:00 in Berlin.
    late = WorkingTime("Europe/Berlin", start=time(13), end=time(21))
    assert suggested_slot(utc(2026, 12, 3, 8, 0), date(2026, 12, 7), late, NEW_YORK) == utc(2026, 12, 4, 14, 0)
    # The slot must fit wholly: 16:30-17:00 fits a 17:00 end, 16:45 would not.
    short = WorkingTime("Europe/Berlin", start=time(16, 30), end=time(17))
    assert suggested_slot(utc(2026, 12, 3, 8, 0), date(2026, 12, 7), short, BERLIN) == utc(2026, 12, 4, 15, 30)
    tiny = WorkingTime("Europe/Berlin", start=time(16, 45), end=time(17))
    assert suggested_slot(utc(2026, 12, 3, 8, 0), date(2026, 12, 7), tiny, BERLIN) is None


PAIRS = [
    (BERLIN, NEW_YORK),
    (NEW_YORK, BERLIN),
    (LOS_ANGELES, AUCKLAND),
    (AUCKLAND, LOS_ANGELES),
    (WorkingTime("Asia/Tokyo"), WorkingTime("Europe/London")),
    (WorkingTime(None), WorkingTime("America/Sao_Paulo")),
]


@pytest.mark.parametrize(("manager", "report"), PAIRS)
def test_the_slot_is_the_earliest_that_fits_whenever_the_reminder_goes_out(
    manager: WorkingTime, report: WorkingTime
) -> None:
    """Against a brute-force search over every half hour: from many instants, across the March DST weeks."""
    length = timedelta(minutes=30)
    manager_zone = ZoneInfo(manager.tz or "UTC")
    fitting = [
        moment
        for moment in (utc(2026, 3, 1, 0, 0) + timedelta(minutes=15 * n) for n in range(4 * 24 * 50))
        if moment.astimezone(manager_zone).minute in (0, 30)
        and inside(moment, length, manager)
        and inside(moment, length, report)
    ]
    for hours in range(0, 24 * 30, 7):
        now = utc(2026, 3, 1, 0, 0) + timedelta(hours=hours, minutes=10)
        due_on = (now + timedelta(days=3)).astimezone(manager_zone).date()
        slot = suggested_slot(now, due_on, manager, report)
        due_ends = datetime.combine(due_on + timedelta(days=1), time(0), tzinfo=manager_zone)
        tomorrow = datetime.combine(now.astimezone(manager_zone).date() + timedelta(days=1), time(0), manager_zone)
        half_hours = [m for m in fitting if now + timedelta(hours=1) <= m <= now + timedelta(days=14) - length]
        preferred = [moment for moment in half_hours if moment >= tomorrow and moment + length <= due_ends]
        expected = preferred[0] if preferred else (half_hours[0] if half_hours else None)
        assert slot == expected, (now, due_on)


# --- the links ---------------------------------------------------------------------------------------------


def event(name: str | None = "Ana Souza", questions: list[str] = QUESTIONS) -> CalendarEvent:
    return conversation_event(
        utc(2026, 12, 3, 8, 0), date(2026, 12, 7), BERLIN, NEW_YORK, name=name, questions=questions
    )


def test_the_google_link_opens_the_event_in_utc() -> None:
    params = google(event())
    assert set(params) == {"action", "text", "dates", "details"}
    assert params["action"] == "TEMPLATE"
    assert params["text"] == "Career conversation with Ana Souza"
    start, end = params["dates"].split("/")
    assert COMPACT.match(start) and COMPACT.match(end)
    starts = datetime.strptime(start, "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
    ends = datetime.strptime(end, "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
    assert (starts, ends - starts) == (utc(2026, 12, 4, 14, 0), timedelta(minutes=30))
    assert params["details"] == "\n".join(
        ["Questions to start with:", *(f"• {q}" for q in QUESTIONS), "", FROM_CAREERPLAN]
    )


def test_the_outlook_link_opens_the_compose_form_with_the_same_event() -> None:
    params = outlook(event())
    assert set(params) == {"path", "rru", "subject", "startdt", "enddt", "body"}
    assert (params["path"], params["rru"]) == ("/calendar/action/compose", "addevent")
    assert params["subject"] == "Career conversation with Ana Souza"
    assert ISO.match(params["startdt"]) and ISO.match(params["enddt"])
    starts = datetime.strptime(params["startdt"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    ends = datetime.strptime(params["enddt"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    assert (starts, ends - starts) == (utc(2026, 12, 4, 14, 0), timedelta(minutes=30))
    assert params["body"] == google(event())["details"]
    for question in QUESTIONS:
        assert question in params["body"]


def test_the_event_takes_only_a_name_and_the_questions() -> None:
    # Nothing of a plan can reach a link: the event is made of the times, a name and the opening questions.
    assert list(inspect.signature(conversation_event).parameters) == [
        "now",
        "due_on",
        "manager",
        "report",
        "name",
        "questions",
    ]
    assert set(vars(event())) == {"title", "start", "end", "description"}


@pytest.mark.parametrize(
    "name",
    ["Ana & Bo #2", "Zoë Ødegård", "李小龍", "a+b=c?d/e%20f", "Line\nbreak\ttab", "🙂 Emoji"],
)
def test_names_and_text_are_percent_encoded_and_read_back_intact(name: str) -> None:
    questions = ["Energy & focus? #1", "Line one\nline two", "Ça va, naïve café?"]
    made = event(name, questions)
    for url in (google_calendar_url(made), outlook_calendar_url(made)):
        assert url.isascii() and " " not in url and "\n" not in url and "#" not in url and "+" not in url
    expected_title = "Career conversation with " + " ".join(name.split())
    assert google(made)["text"] == outlook(made)["subject"] == expected_title
    assert google(made)["details"] == outlook(made)["body"]
    for question in questions:
        assert f"• {question}" in google(made)["details"]
    assert len(google(made)) == 4 and len(outlook(made)) == 6  # no `&` in a value split it


def test_a_name_loses_control_characters_and_is_capped() -> None:
    assert clean_name("\u202eevil\u0000 name\u200b") == "evil name"
    assert clean_name("  Ana\r\n Souza ") == "Ana Souza"
    assert clean_name(None) is None and clean_name(42) is None and clean_name("\n\t\u0007") is None
    long = clean_name("Ana " * 100)
    assert long is not None and len(long) == NAME_MAX and long.endswith("…")


@pytest.mark.parametrize("name", [None, "", " \n\t", "\u0000"])
def test_without_a_name_the_title_is_neutral(name: str | None) -> None:
    assert google(event(name))["text"] == "Career conversation with your report"


def test_the_links_stay_well_inside_slacks_3000_character_button_url() -> None:
    huge = event("李" * 500, ["問" * 2000, "é" * 2000, "x" * 2000])
    for url in (google_calendar_url(huge), outlook_calendar_url(huge)):
        assert len(url) <= URL_MAX < 3000
    assert google(huge)["text"] == "Career conversation with " + "李" * (NAME_MAX - 1) + "…"
    details = google(huge)["details"]
    assert details.startswith("Questions to start with:\n• 問") and details.endswith("…")
    assert outlook(huge)["startdt"] == "2026-12-04T14:00:00Z"  # cut text never costs the dates
    assert len(google_calendar_url(event())) < 1000


def test_without_shared_hours_the_links_open_at_the_managers_next_working_half_hour() -> None:
    made = conversation_event(
        utc(2026, 12, 3, 8, 0), date(2026, 12, 7), BERLIN, AUCKLAND, name="Kiri", questions=QUESTIONS
    )
    # Thursday 09:00 in Berlin: an hour's notice, inside the manager's hours; the description says so.
    assert (made.start, made.end) == (utc(2026, 12, 3, 9, 0), utc(2026, 12, 3, 9, 30))
    assert NO_SHARED_TIME in google(made)["details"]
    evening = conversation_event(
        utc(2026, 12, 4, 16, 30), date(2026, 12, 7), BERLIN, AUCKLAND, name="Kiri", questions=QUESTIONS
    )
    assert evening.start == utc(2026, 12, 7, 8, 0)  # Friday 17:30 in Berlin: Monday 09:00
    assert NO_SHARED_TIME not in google(event())["details"]
