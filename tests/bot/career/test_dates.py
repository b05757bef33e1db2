from __future__ import annotations

import random
from datetime import date

import pytest

from bot.career.dates import ACCEPTED_FORMS, DateNotUnderstood, read_target

TODAY = date(2026, 11, 21)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # A full date is that day.
        pytest.param("2027-06-15", date(2027, 6, 15), id="iso-day"),
        pytest.param("15 June 2027", date(2027, 6, 15), id="day-month-year"),
        pytest.param("June 15, 2027", date(2027, 6, 15), id="month-day-comma-year"),
        pytest.param("2027/06/15", date(2027, 6, 15), id="slashed-iso-day"),
        pytest.param("June 15th 2027", date(2027, 6, 15), id="ordinal-day"),
        pytest.param("12/31/2027", date(2027, 12, 31), id="us-month-first-unambiguous"),
        pytest.param("31/12/2027", date(2027, 12, 31), id="day-first-unambiguous"),
        pytest.param("2028-02-29", date(2028, 2, 29), id="leap-day"),
        # A month is its last day.
        pytest.param("2027-06", date(2027, 6, 30), id="iso-month"),
        pytest.param("2027-6", date(2027, 6, 30), id="iso-month-one-digit"),
        pytest.param("2027/06", date(2027, 6, 30), id="slashed-iso-month"),
        pytest.param("2027.06", date(2027, 6, 30), id="dotted-iso-month"),
        pytest.param("June 2027", date(2027, 6, 30), id="month-name-year"),
        pytest.param("jun 2027", date(2027, 6, 30), id="short-month-name"),
        pytest.param("06/2027", date(2027, 6, 30), id="month-slash-year"),
        pytest.param("2027-01", date(2027, 1, 31), id="31-day-month"),
        pytest.param("2027-04", date(2027, 4, 30), id="30-day-month"),
        pytest.param("2027-02", date(2027, 2, 28), id="february-non-leap"),
        pytest.param("2028-02", date(2028, 2, 29), id="february-leap"),
        pytest.param("February 2028", date(2028, 2, 29), id="february-leap-by-name"),
        pytest.param("1900-02", date(1900, 2, 28), id="february-century-not-leap"),
        pytest.param("2000-02", date(2000, 2, 29), id="february-400-year-leap"),
        # A year is its last day.
        pytest.param("2027", date(2027, 12, 31), id="year"),
        # Quarters end on their last day.
        pytest.param("Q1 2027", date(2027, 3, 31), id="q1"),
        pytest.param("Q2 2027", date(2027, 6, 30), id="q2"),
        pytest.param("Q3 2027", date(2027, 9, 30), id="q3"),
        pytest.param("Q4 2027", date(2027, 12, 31), id="q4"),
        pytest.param("q3 2027", date(2027, 9, 30), id="quarter-lowercase"),
        pytest.param("2027 Q3", date(2027, 9, 30), id="quarter-year-first"),
        pytest.param("Q3-2027", date(2027, 9, 30), id="quarter-dash"),
        pytest.param("Q3/2027", date(2027, 9, 30), id="quarter-slash"),
        pytest.param("2027-Q3", date(2027, 9, 30), id="quarter-year-first-dash"),
        # Halves end on their last day.
        pytest.param("H1 2027", date(2027, 6, 30), id="h1"),
        pytest.param("H2 2027", date(2027, 12, 31), id="h2"),
        pytest.param("h1-2027", date(2027, 6, 30), id="half-lowercase-dash"),
        pytest.param("2027 H2", date(2027, 12, 31), id="half-year-first"),
        # Relative to today (2026-11-21).
        pytest.param("in 6 months", date(2027, 5, 21), id="in-6-months"),
        pytest.param("in 1 month", date(2026, 12, 21), id="in-1-month"),
        pytest.param("in 2 years", date(2028, 11, 21), id="in-2-years"),
        pytest.param("in 3 weeks", date(2026, 12, 12), id="in-3-weeks"),
        pytest.param("in 10 days", date(2026, 12, 1), id="in-10-days"),
        pytest.param("in 1 day", date(2026, 11, 22), id="in-1-day"),
        pytest.param("6 months", date(2027, 5, 21), id="months-without-in"),
        pytest.param("2 years", date(2028, 11, 21), id="years-without-in"),
        pytest.param("in a year", date(2027, 11, 21), id="in-a-year"),
        pytest.param("in a month", date(2026, 12, 21), id="in-a-month"),
        pytest.param("in an year", date(2027, 11, 21), id="in-an-year"),
        pytest.param("in one week", date(2026, 11, 28), id="in-one-week"),
        # Deadline prefixes.
        pytest.param("end of 2027", date(2027, 12, 31), id="end-of-year"),
        pytest.param("end of June 2027", date(2027, 6, 30), id="end-of-month"),
        pytest.param("end of Q2 2027", date(2027, 6, 30), id="end-of-quarter"),
        pytest.param("by the end of 2027", date(2027, 12, 31), id="by-the-end-of-year"),
        pytest.param("by Q3 2027", date(2027, 9, 30), id="by-quarter"),
        pytest.param("by 2027-06-15", date(2027, 6, 15), id="by-day"),
        pytest.param("before June 2027", date(2027, 6, 30), id="before-month"),
        # Case and whitespace do not matter.
        pytest.param("  JUNE   2027 \n", date(2027, 6, 30), id="upper-case-and-spaces"),
        pytest.param("\tq3 2027 ", date(2027, 9, 30), id="tabs"),
        pytest.param("IN 6 MONTHS", date(2027, 5, 21), id="relative-upper-case"),
        pytest.param("End Of Q2 2027", date(2027, 6, 30), id="prefix-mixed-case"),
        pytest.param("June\u00a02027", date(2027, 6, 30), id="non-breaking-space"),
        # The allowed range: from 1900 up to 50 years ahead, both ends included.
        pytest.param("1900-01-01", date(1900, 1, 1), id="earliest-day"),
        pytest.param("2076-11-21", date(2076, 11, 21), id="exactly-50-years-ahead"),
        pytest.param("in 50 years", date(2076, 11, 21), id="in-50-years"),
    ],
)
def test_reads_target(text: str, expected: date) -> None:
    assert read_target(text, TODAY) == expected


@pytest.mark.parametrize(
    ("today", "text", "expected"),
    [
        pytest.param(date(2027, 1, 31), "in 1 month", date(2027, 2, 28), id="jan-31-to-feb-28"),
        pytest.param(date(2028, 1, 31), "in 1 month", date(2028, 2, 29), id="jan-31-to-feb-29-leap"),
        pytest.param(date(2027, 3, 31), "in 1 month", date(2027, 4, 30), id="mar-31-to-apr-30"),
        pytest.param(date(2028, 2, 29), "in 1 year", date(2029, 2, 28), id="leap-day-plus-a-year"),
        pytest.param(date(2026, 8, 31), "in 6 months", date(2027, 2, 28), id="aug-31-plus-6-months"),
    ],
)
def test_relative_months_clip_to_month_end(today: date, text: str, expected: date) -> None:
    assert read_target(text, today) == expected


@pytest.mark.parametrize(
    ("text", "says"),
    [
        # No year: we ask instead of guessing.
        pytest.param("June", "include a year", id="month-only"),
        pytest.param("15 June", "include a year", id="day-month"),
        pytest.param("6/27", "include a year", id="month-slash-day"),
        pytest.param("Feb 29", "include a year", id="leap-day-without-year"),
        pytest.param("end of June", "include a year", id="end-of-month-without-year"),
        pytest.param("tomorrow", "with a year", id="tomorrow"),
        pytest.param("soon", "with a year", id="soon"),
        pytest.param("next month", "with a year", id="next-month"),
        pytest.param("", "with a year", id="empty"),
        pytest.param("   \n\t ", "with a year", id="blank"),
        pytest.param("end of", "with a year", id="prefix-only"),
        # Periods that do not exist.
        pytest.param("Q5 2027", "Q1 to Q4", id="q5"),
        pytest.param("Q0 2027", "Q1 to Q4", id="q0"),
        pytest.param("2027 Q5", "Q1 to Q4", id="q5-year-first"),
        pytest.param("H3 2027", "H1 and H2", id="h3"),
        pytest.param("2027-13", "1 to 12", id="month-13"),
        pytest.param("13/2027", "1 to 12", id="month-13-first"),
        pytest.param("2027-00", "1 to 12", id="month-0"),
        pytest.param("2027-02-29", "couldn't read", id="feb-29-non-leap"),
        pytest.param("June 31 2027", "couldn't read", id="june-31"),
        # Forms we do not guess at.
        pytest.param("Monday 2027", "couldn't read", id="weekday-and-year"),
        pytest.param("Monday June 2027", "couldn't read", id="weekday-month-year"),
        pytest.param("mid 2027", "couldn't read", id="mid-year"),
        pytest.param("in 1.5 years", "couldn't read", id="fractional-relative"),
        pytest.param("2027\x00", "couldn't read", id="year-with-nul"),
        # Out of range.
        pytest.param("2076-11-22", "50 years", id="one-day-past-50-years"),
        pytest.param("2077", "50 years", id="year-past-50-years"),
        pytest.param("Q4 2076", "50 years", id="quarter-ending-past-50-years"),
        pytest.param("in 51 years", "50 years", id="relative-past-50-years"),
        pytest.param("in 999999 years", "50 years", id="relative-beyond-calendar"),
        pytest.param("9999", "50 years", id="year-9999"),
        pytest.param("1899-12-31", "before 1900", id="day-before-1900"),
        pytest.param("1899", "before 1900", id="year-before-1900"),
        pytest.param("Q4 1899", "before 1900", id="quarter-before-1900"),
        pytest.param("2027" + " " * 97, "too long", id="101-characters"),
        pytest.param("05/06/2027", "either way", id="day-month-ambiguous"),
        pytest.param("06.05.2027", "either way", id="day-month-ambiguous-dots"),
    ],
)
def test_rejects_with_a_helpful_message(text: str, says: str) -> None:
    with pytest.raises(DateNotUnderstood) as caught:
        read_target(text, TODAY)
    message = str(caught.value)
    assert says in message
    assert ACCEPTED_FORMS in message


def test_not_understood_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="with a year"):
        read_target("soon", TODAY)


def test_today_near_the_end_of_the_calendar_does_not_crash() -> None:
    with pytest.raises(DateNotUnderstood, match="50 years"):
        read_target("in 10 years", date(9995, 1, 1))
    assert read_target("9999-06", date(9990, 1, 1)) == date(9999, 6, 30)


HOSTILE = [
    "*_~`>" * 600,
    "<!channel>",
    "<!here> June 2027",
    "<@U0123ABCD> 2027",
    "<https://example.com|2027>",
    "&lt;!channel&gt;",
    "\x00",
    "\x00" * 100,
    "2027-06\x00",
    "\x1b[31m2027",
    "\u202e2027",
    "\u200b2027",
    "\ud800",
    "🎯",
    "🎯 2027",
    "June 2027 🎯",
    "🎯" * 3000,
    "99999999999999999999",
    "-99999999999999999999",
    "9" * 100,
    "9" * 101,
    "1e308",
    "in 99999999999999999999 months",
    "99999999999999999999 days",
    "Q99999999999999999999 2027",
    "2027-99999999999999999999",
    "99999999999999999999-06",
    "June 99999999999999999999",
    "99999999999999999999 June 2027",
    "0000-00-00",
    "0001-01-01",
    "10000-01-01",
    "\u0662\u0660\u0662\u0667",  # 2027 in Arabic-Indic digits
    "\uff12\uff10\uff12\uff17",  # 2027 in full-width digits
    "%s%n%x",
    "{0}{1}",
    "' OR 1=1 --",
    "\r\n" * 50,
    "in -1 days",
    "in 0x10 days",
    "2027-06-15T25:61:61",
    "2027-06-15 +99:99",
    "June 2027 EST",
    "2027 am pm",
    "of the by in end",
]


def _outcome(text: str) -> date | DateNotUnderstood:
    """What a person would get back: a date, or the error whose message they would see."""
    try:
        return read_target(text, TODAY)
    except DateNotUnderstood as exc:
        return exc


def _assert_date_or_helpful_message(text: str) -> None:
    outcome = _outcome(text)
    if isinstance(outcome, DateNotUnderstood):
        message = str(outcome)
        assert ACCEPTED_FORMS in message
        # The message never repeats what was typed, so it cannot ping a channel.
        assert "<" not in message
    else:
        assert type(outcome) is date
        assert date(1900, 1, 1) <= outcome <= date(2076, 11, 21)


@pytest.mark.parametrize("text", HOSTILE, ids=[f"hostile-{i}" for i in range(len(HOSTILE))])
def test_hostile_text_gives_a_date_or_a_message(text: str) -> None:
    _assert_date_or_helpful_message(text)


def test_long_hostile_text_is_rejected_as_too_long() -> None:
    for text in ("*_~`>" * 600, "\U0001f3af" * 3000, "9" * 101):
        with pytest.raises(DateNotUnderstood, match="too long"):
            read_target(text, TODAY)


def test_random_garbage_gives_a_date_or_a_message() -> None:
    rng = random.Random(20261121)
    alphabet = "0123456789 -/.:,+qhQHinayearmonthweekdayendofjunefebQ\x00\t\n<>!@&*_~`\U0001f3af\u202e"
    for _ in range(2000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 30)))
        _assert_date_or_helpful_message(text)
