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
        # Counts in words, one to twenty.
        pytest.param("in six months", date(2027, 5, 21), id="in-six-months"),
        pytest.param("in two years", date(2028, 11, 21), id="in-two-years"),
        pytest.param("in three weeks", date(2026, 12, 12), id="in-three-weeks"),
        pytest.param("in twelve months", date(2027, 11, 21), id="in-twelve-months"),
        pytest.param("in eighteen months", date(2028, 5, 21), id="in-eighteen-months"),
        pytest.param("in twenty years", date(2046, 11, 21), id="in-twenty-years"),
        pytest.param("in ten days", date(2026, 12, 1), id="in-ten-days"),
        pytest.param("four months", date(2027, 3, 21), id="words-without-in"),
        pytest.param("by in nine months", date(2027, 8, 21), id="by-in-nine-months"),
        pytest.param("  In   SIX\tMonths ", date(2027, 5, 21), id="words-case-and-spaces"),
        # This and next, counted from today (2026-11-21).
        pytest.param("next year", date(2027, 12, 31), id="next-year"),
        pytest.param("this year", date(2026, 12, 31), id="this-year"),
        pytest.param("by the end of next year", date(2027, 12, 31), id="by-the-end-of-next-year"),
        pytest.param("next month", date(2026, 12, 31), id="next-month"),
        pytest.param("end of this month", date(2026, 11, 30), id="end-of-this-month"),
        pytest.param("next quarter", date(2027, 3, 31), id="next-quarter"),
        pytest.param("end of next quarter", date(2027, 3, 31), id="end-of-next-quarter"),
        pytest.param("end of this quarter", date(2026, 12, 31), id="end-of-this-quarter"),
        pytest.param("by the end of the next quarter", date(2027, 3, 31), id="the-next-quarter"),
        pytest.param("NEXT  Quarter", date(2027, 3, 31), id="next-quarter-case-and-spaces"),
        # Early, mid and late in a year.
        pytest.param("early 2027", date(2027, 3, 31), id="early-year"),
        pytest.param("mid 2027", date(2027, 6, 30), id="mid-year"),
        pytest.param("late 2027", date(2027, 12, 31), id="late-year"),
        pytest.param("mid-2027", date(2027, 6, 30), id="mid-hyphen-year"),
        pytest.param("by mid 2027", date(2027, 6, 30), id="by-mid-year"),
        pytest.param("in early 2027", date(2027, 3, 31), id="in-early-year"),
        pytest.param("by late 2027", date(2027, 12, 31), id="by-late-year"),
        pytest.param("MID 2027", date(2027, 6, 30), id="mid-upper-case"),
        # Seasons: northern-hemisphere meteorological, ending on their last day.
        pytest.param("spring 2027", date(2027, 5, 31), id="spring"),
        pytest.param("summer 2027", date(2027, 8, 31), id="summer"),
        pytest.param("by summer 2027", date(2027, 8, 31), id="by-summer"),
        pytest.param("autumn 2027", date(2027, 11, 30), id="autumn"),
        pytest.param("fall 2027", date(2027, 11, 30), id="fall"),
        pytest.param("in the fall of 2027", date(2027, 11, 30), id="in-the-fall-of"),
        pytest.param("end of spring 2027", date(2027, 5, 31), id="end-of-spring"),
        pytest.param("winter 2027", date(2028, 2, 29), id="winter-into-leap-february"),
        pytest.param("winter 2026", date(2027, 2, 28), id="winter-into-february"),
        pytest.param("winter 2027/28", date(2028, 2, 29), id="winter-two-years"),
        pytest.param("winter 2027 / 2028", date(2028, 2, 29), id="winter-two-full-years"),
        pytest.param("Winter\u00a02026", date(2027, 2, 28), id="winter-non-breaking-space"),
        # Past periods are read as they are: the plan rules decide what to say about them.
        pytest.param("spring 2026", date(2026, 5, 31), id="past-season"),
        pytest.param("early 2026", date(2026, 3, 31), id="past-early-year"),
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
        pytest.param(date(2026, 8, 31), "in six months", date(2027, 2, 28), id="aug-31-plus-six-months"),
        pytest.param(date(2028, 2, 29), "in four years", date(2032, 2, 29), id="leap-day-plus-four-years"),
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
        pytest.param("next decade", "with a year", id="next-decade"),
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
        pytest.param("mid June 2027", "couldn't read", id="mid-month"),
        pytest.param("early", "with a year", id="early-without-year"),
        pytest.param("by summer", "with a year", id="season-without-year"),
        pytest.param("summer 2027/28", "couldn't read", id="two-years-for-a-summer"),
        pytest.param("winter 2027/29", "December into the next year", id="winter-skipping-a-year"),
        pytest.param("winter 2027/2026", "December into the next year", id="winter-backwards"),
        # Counts we do not read still say what would work.
        pytest.param("in umpteen months", "one to twenty", id="umpteen"),
        pytest.param("in a couple of months", "one to twenty", id="a-couple-of"),
        pytest.param("a few weeks", "one to twenty", id="a-few"),
        pytest.param("in twenty-one years", "one to twenty", id="beyond-twenty-in-words"),
        pytest.param("in zero months", "one to twenty", id="zero-in-words"),
        pytest.param("in SIXTEEN\tfortnights", "with a year", id="unknown-unit"),
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
        pytest.param("winter 2076", "50 years", id="winter-ending-past-50-years"),
        pytest.param("late 2077", "50 years", id="late-year-past-50-years"),
        pytest.param("spring 1899", "before 1900", id="season-before-1900"),
        pytest.param("early 1899", "before 1900", id="early-year-before-1900"),
        pytest.param("winter 9999", "50 years", id="winter-past-the-calendar"),
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


@pytest.mark.parametrize(
    ("today", "text", "expected"),
    [
        # On 31 December, "next" is in the next year and "this" is today.
        pytest.param(date(2026, 12, 31), "next year", date(2027, 12, 31), id="dec-31-next-year"),
        pytest.param(date(2026, 12, 31), "this year", date(2026, 12, 31), id="dec-31-this-year"),
        pytest.param(date(2026, 12, 31), "next month", date(2027, 1, 31), id="dec-31-next-month"),
        pytest.param(date(2026, 12, 31), "this month", date(2026, 12, 31), id="dec-31-this-month"),
        pytest.param(date(2026, 12, 31), "next quarter", date(2027, 3, 31), id="dec-31-next-quarter"),
        pytest.param(date(2026, 12, 31), "end of this quarter", date(2026, 12, 31), id="dec-31-this-quarter"),
        # "next month" is the end of next month, whatever today's day.
        pytest.param(date(2027, 1, 31), "next month", date(2027, 2, 28), id="jan-31-next-month"),
        pytest.param(date(2028, 1, 31), "next month", date(2028, 2, 29), id="jan-31-next-month-leap"),
        pytest.param(date(2027, 1, 1), "next month", date(2027, 2, 28), id="jan-1-next-month"),
        pytest.param(date(2027, 11, 30), "next month", date(2027, 12, 31), id="nov-30-next-month"),
        # Quarters are calendar quarters.
        pytest.param(date(2027, 1, 1), "this quarter", date(2027, 3, 31), id="first-day-of-q1"),
        pytest.param(date(2027, 3, 31), "next quarter", date(2027, 6, 30), id="last-day-of-q1"),
        pytest.param(date(2027, 4, 1), "next quarter", date(2027, 9, 30), id="first-day-of-q2"),
        pytest.param(date(2027, 8, 15), "end of next quarter", date(2027, 12, 31), id="q3-to-q4"),
        pytest.param(date(2027, 10, 1), "next quarter", date(2028, 3, 31), id="q4-to-next-q1-leap-year"),
    ],
)
def test_this_and_next_count_from_today(today: date, text: str, expected: date) -> None:
    assert read_target(text, today) == expected


def test_this_and_next_keep_the_limits() -> None:
    # Near the end of the calendar the new forms give the "too far" message, never a crash.
    assert read_target("next year", date(9998, 12, 31)) == date(9999, 12, 31)
    with pytest.raises(DateNotUnderstood, match="50 years"):
        read_target("next year", date(9999, 12, 31))
    with pytest.raises(DateNotUnderstood, match="50 years"):
        read_target("next quarter", date(9999, 11, 1))
    with pytest.raises(DateNotUnderstood, match="50 years"):
        read_target("in twenty years", date(9990, 1, 1))


def test_the_list_of_what_works_is_short_and_shows_the_new_words() -> None:
    # It appears inline under a Slack input, after the reason.
    assert len(ACCEPTED_FORMS) <= 90
    for example in ("Q3 2027", "mid 2027", "summer 2027", "next year", "in six months"):
        assert example in ACCEPTED_FORMS
        read_target(example, TODAY)


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
    "in <!channel> months",
    "in <@U0123ABCD> years",
    "in " + "a " * 45 + "months",
    "next <!here>",
    "mid <!channel> 2027",
    "summer 2027 <!channel>",
    "winter 2027/<@U0123ABCD>",
    "winter 2027/99999999999999999999",
    "in twenty\x00 months",
    "in six\u200b months",
    "in ｓｉｘ months",
    "next next year",
    "early mid late 2027",
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
    words = ("next ", "this ", "quarter", "mid ", "early ", "late ", "summer ", "winter ", "fall ", "six ", "/28")
    for _ in range(2000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 30)))
        _assert_date_or_helpful_message(text)
        worded = "".join(rng.choice(words) if rng.random() < 0.3 else rng.choice(alphabet) for _ in range(12))
        _assert_date_or_helpful_message(worded)
