"""Working time, public holidays, away statuses and holding a reminder, table-driven: DST, zones both sides of UTC,
Sun-Thu weeks, holiday calendars, status expirations, the 14-day cap, and what people actually type."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.career.availability import (
    DEFAULT_AWAY_MARKERS,
    HOLD_CAP,
    MONDAY_TO_FRIDAY,
    NINE,
    AwayMarkers,
    SendNow,
    UnreadableSetting,
    WaitUntil,
    WorkingTime,
    away_until,
    format_work_days,
    format_working_hours,
    hold,
    is_away_status,
    is_public_holiday,
    is_working,
    next_working_moment,
    next_working_start,
    parse_away_markers,
    parse_holidays,
    parse_work_days,
    parse_working_hours,
    working_time,
)

SUN_TO_THU = frozenset({6, 0, 1, 2, 3})
NY = "America/New_York"
BERLIN = "Europe/Berlin"
LA = "America/Los_Angeles"
AUCKLAND = "Pacific/Auckland"
KOLKATA = "Asia/Kolkata"
JERUSALEM = "Asia/Jerusalem"
LONDON = "Europe/London"
CHICAGO = "America/Chicago"


def at(tz: str | None, year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    """An instant given as a local wall-clock time in `tz` (None: UTC)."""
    return datetime(year, month, day, hour, minute, tzinfo=ZoneInfo(tz) if tz else UTC)


# --- is_working -----------------------------------------------------------------------------------------------------

WORKING = [
    # (id, when, instant, inside)
    ("new-york-before-spring-forward", WorkingTime(NY), at(NY, 2026, 3, 6, 9, 0), True),
    # 2026-03-09, the first Monday after clocks go forward: 09:00 local is 13:00 UTC, not 14:00.
    ("new-york-monday-after-spring-forward", WorkingTime(NY), at(None, 2026, 3, 9, 13, 0), True),
    ("new-york-an-hour-early-after-spring-forward", WorkingTime(NY), at(None, 2026, 3, 9, 12, 59), False),
    ("new-york-sunday-of-spring-forward", WorkingTime(NY), at(NY, 2026, 3, 8, 10), False),
    ("new-york-monday-after-fall-back", WorkingTime(NY), at(None, 2026, 11, 2, 14, 0), True),
    ("new-york-08:59-after-fall-back", WorkingTime(NY), at(None, 2026, 11, 2, 13, 59), False),
    ("berlin-monday-after-spring-forward", WorkingTime(BERLIN), at(None, 2026, 3, 30, 7, 0), True),
    ("berlin-before-spring-forward-07utc-is-08", WorkingTime(BERLIN), at(None, 2026, 3, 27, 7, 0), False),
    ("berlin-monday-after-fall-back", WorkingTime(BERLIN), at(None, 2026, 10, 26, 8, 0), True),
    ("berlin-16:59", WorkingTime(BERLIN), at(BERLIN, 2026, 10, 26, 16, 59), True),
    ("berlin-17:00-is-after-hours", WorkingTime(BERLIN), at(BERLIN, 2026, 10, 26, 17, 0), False),
    # Monday 09:30 in Auckland is still Sunday in UTC.
    ("auckland-monday-morning-is-sunday-utc", WorkingTime(AUCKLAND), at(None, 2026, 6, 14, 21, 30), True),
    ("los-angeles-friday-evening-is-saturday-utc", WorkingTime(LA), at(None, 2026, 6, 13, 0, 30), False),
    ("los-angeles-friday-16:30", WorkingTime(LA), at(LA, 2026, 6, 12, 16, 30), True),
    ("kolkata-half-hour-zone-09:00", WorkingTime(KOLKATA), at(None, 2026, 6, 15, 3, 30), True),
    ("kolkata-half-hour-zone-08:59", WorkingTime(KOLKATA), at(None, 2026, 6, 15, 3, 29), False),
    ("no-zone-is-utc", WorkingTime(None), at(None, 2026, 6, 15, 9, 0), True),
    ("unknown-zone-is-utc", WorkingTime("Mars/Olympus_Mons"), at(None, 2026, 6, 15, 8, 59), False),
    ("sun-thu-sunday-morning-works", WorkingTime(JERUSALEM, SUN_TO_THU), at(JERUSALEM, 2026, 6, 14, 9), True),
    ("sun-thu-friday-is-off", WorkingTime(JERUSALEM, SUN_TO_THU), at(JERUSALEM, 2026, 6, 12, 10), False),
    ("sun-thu-saturday-is-off", WorkingTime(JERUSALEM, SUN_TO_THU), at(JERUSALEM, 2026, 6, 13, 10), False),
    ("us-thanksgiving-is-off", WorkingTime(CHICAGO, holidays="US"), at(CHICAGO, 2026, 11, 26, 10), False),
    ("us-day-after-thanksgiving-works", WorkingTime(CHICAGO, holidays="US"), at(CHICAGO, 2026, 11, 27, 10), True),
    ("thanksgiving-without-a-calendar-works", WorkingTime(CHICAGO), at(CHICAGO, 2026, 11, 26, 10), True),
    ("us-observed-independence-day-is-off", WorkingTime(NY, holidays="US"), at(NY, 2027, 7, 5, 10), False),
    ("gb-eng-late-summer-bank-holiday", WorkingTime(LONDON, holidays="GB-ENG"), at(LONDON, 2026, 8, 31, 10), False),
    # Scotland's summer bank holiday is the first Monday of August; England works that day.
    ("gb-eng-works-scotlands-bank-holiday", WorkingTime(LONDON, holidays="GB-ENG"), at(LONDON, 2026, 8, 3, 10), True),
    ("gb-sct-summer-bank-holiday", WorkingTime(LONDON, holidays="GB-SCT"), at(LONDON, 2026, 8, 3, 10), False),
    ("de-by-corpus-christi", WorkingTime(BERLIN, holidays="DE-BY"), at(BERLIN, 2026, 6, 4, 10), False),
    ("de-be-works-corpus-christi", WorkingTime(BERLIN, holidays="DE-BE"), at(BERLIN, 2026, 6, 4, 10), True),
    # The holiday is on the person's local date: 21:00 UTC on Wednesday is Thursday 10:00 in Auckland.
    ("holiday-on-the-local-date", WorkingTime(AUCKLAND, holidays="US"), at(None, 2026, 11, 25, 21, 0), False),
    (
        "holiday-on-the-local-date-next-day-works",
        WorkingTime(AUCKLAND, holidays="US"),
        at(None, 2026, 11, 26, 21, 0),
        True,
    ),
]


@pytest.mark.parametrize(("when", "instant", "inside"), [w[1:] for w in WORKING], ids=[w[0] for w in WORKING])
def test_working_time_is_on_the_persons_own_clock_and_calendar(
    when: WorkingTime, instant: datetime, inside: bool
) -> None:
    assert is_working(instant, when) is inside


@pytest.mark.parametrize(
    ("tz", "change_day"),
    [
        pytest.param(NY, date(2026, 3, 8), id="new-york-spring"),
        pytest.param(NY, date(2026, 11, 1), id="new-york-fall"),
        pytest.param(BERLIN, date(2026, 3, 29), id="berlin-spring"),
        pytest.param(BERLIN, date(2026, 10, 25), id="berlin-fall"),
        pytest.param(AUCKLAND, date(2026, 4, 5), id="auckland-fall"),
        pytest.param(AUCKLAND, date(2026, 9, 27), id="auckland-spring"),
    ],
)
def test_each_working_day_around_a_clock_change_has_exactly_eight_hours(tz: str, change_day: date) -> None:
    when = WorkingTime(tz, days=frozenset(range(7)))
    start = datetime.combine(change_day - timedelta(days=1), time(0), tzinfo=ZoneInfo(tz)).astimezone(UTC)
    minutes = [start + timedelta(minutes=m) for m in range(0, 3 * 24 * 60, 15)]
    by_day: dict[date, int] = {}
    for moment in minutes:
        if is_working(moment, when):
            local_day = moment.astimezone(ZoneInfo(tz)).date()
            by_day[local_day] = by_day.get(local_day, 0) + 15
    assert by_day == {change_day + timedelta(days=d): 8 * 60 for d in (-1, 0, 1)}


# --- next_working_start ---------------------------------------------------------------------------------------------

NEXT_START = [
    # (id, when, now, expected local start as (tz, y, m, d, h, mi))
    ("friday-evening-to-monday", WorkingTime(BERLIN), at(BERLIN, 2026, 6, 12, 18), (BERLIN, 2026, 6, 15, 9, 0)),
    ("before-hours-same-day", WorkingTime(BERLIN), at(BERLIN, 2026, 6, 15, 7), (BERLIN, 2026, 6, 15, 9, 0)),
    ("inside-hours-is-tomorrow", WorkingTime(BERLIN), at(BERLIN, 2026, 6, 15, 9, 0), (BERLIN, 2026, 6, 16, 9, 0)),
    # Saturday before the clocks change: Monday 09:00 is 13:00 UTC, an hour earlier in UTC than last week.
    ("new-york-across-spring-forward", WorkingTime(NY), at(NY, 2026, 3, 7, 12), (NY, 2026, 3, 9, 9, 0)),
    ("new-york-across-fall-back", WorkingTime(NY), at(NY, 2026, 10, 31, 12), (NY, 2026, 11, 2, 9, 0)),
    ("berlin-across-spring-forward", WorkingTime(BERLIN), at(BERLIN, 2026, 3, 28, 12), (BERLIN, 2026, 3, 30, 9, 0)),
    ("berlin-across-fall-back", WorkingTime(BERLIN), at(BERLIN, 2026, 10, 24, 12), (BERLIN, 2026, 10, 26, 9, 0)),
    (
        "sun-thu-thursday-evening-to-sunday",
        WorkingTime(JERUSALEM, SUN_TO_THU),
        at(JERUSALEM, 2026, 6, 11, 18),
        (JERUSALEM, 2026, 6, 14, 9, 0),
    ),
    (
        "sun-thu-friday-to-sunday",
        WorkingTime(JERUSALEM, SUN_TO_THU),
        at(JERUSALEM, 2026, 6, 12, 10),
        (JERUSALEM, 2026, 6, 14, 9, 0),
    ),
    (
        "auckland-sunday-utc-is-monday-local",
        WorkingTime(AUCKLAND),
        at(None, 2026, 6, 14, 12),
        (AUCKLAND, 2026, 6, 15, 9, 0),
    ),
    ("los-angeles-saturday-utc-is-friday-local", WorkingTime(LA), at(None, 2026, 6, 13, 3), (LA, 2026, 6, 15, 9, 0)),
    ("kolkata", WorkingTime(KOLKATA), at(None, 2026, 6, 15, 12), (KOLKATA, 2026, 6, 16, 9, 0)),
    ("utc", WorkingTime(None), at(None, 2026, 6, 15, 17), (None, 2026, 6, 16, 9, 0)),
    ("skips-thanksgiving", WorkingTime(NY, holidays="US"), at(NY, 2026, 11, 25, 18), (NY, 2026, 11, 27, 9, 0)),
    ("skips-observed-independence-day", WorkingTime(NY, holidays="US"), at(NY, 2027, 7, 2, 18), (NY, 2027, 7, 6, 9, 0)),
    (
        "skips-easter-in-england",
        WorkingTime(LONDON, holidays="GB-ENG"),
        at(LONDON, 2026, 4, 2, 18),
        (LONDON, 2026, 4, 7, 9, 0),
    ),
    (
        "skips-christmas-and-boxing-day-observed",
        WorkingTime(LONDON, holidays="GB-ENG"),
        at(LONDON, 2026, 12, 24, 18),
        (LONDON, 2026, 12, 29, 9, 0),
    ),
    (
        "skips-epiphany-in-bavaria",
        WorkingTime(BERLIN, holidays="DE-BY"),
        at(BERLIN, 2026, 1, 5, 18),
        (BERLIN, 2026, 1, 7, 9, 0),
    ),
]


@pytest.mark.parametrize(("when", "now", "expected"), [n[1:] for n in NEXT_START], ids=[n[0] for n in NEXT_START])
def test_the_next_working_start_is_local_and_skips_days_off_and_holidays(
    when: WorkingTime, now: datetime, expected: tuple[str | None, int, int, int, int, int]
) -> None:
    begins = next_working_start(now, when)
    assert begins == at(*expected)
    assert begins.tzinfo is UTC
    assert is_working(begins, when)
    assert not is_working(begins - timedelta(minutes=1), when)


def test_with_no_working_day_in_a_month_it_tries_again_tomorrow() -> None:
    nobody_works = WorkingTime(BERLIN, days=frozenset())
    now = at(None, 2026, 6, 15, 12)
    assert next_working_start(now, nobody_works) == now + timedelta(days=1)


def test_the_next_working_moment_is_the_instant_itself_when_it_is_working_time() -> None:
    when = WorkingTime(LA)
    inside = at(LA, 2026, 6, 15, 11, 7)
    assert next_working_moment(inside, when) == inside
    evening = at(LA, 2026, 6, 15, 19)
    assert next_working_moment(evening, when) == at(LA, 2026, 6, 16, 9)


# --- holiday calendars ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "calendar", "holiday"),
    [
        pytest.param(date(2026, 11, 26), "US", True, id="us-thanksgiving"),
        pytest.param(date(2027, 7, 5), "US", True, id="us-independence-day-observed-monday"),
        pytest.param(date(2027, 7, 6), "US", False, id="us-ordinary-tuesday"),
        pytest.param(date(2026, 8, 31), "GB-ENG", True, id="gb-eng-late-summer"),
        pytest.param(date(2026, 8, 3), "GB-ENG", False, id="gb-eng-first-monday-of-august"),
        pytest.param(date(2026, 6, 4), "DE-BY", True, id="de-by-corpus-christi"),
        pytest.param(date(2026, 6, 4), "DE", False, id="de-nationwide-has-no-corpus-christi"),
        pytest.param(date(2026, 11, 26), None, False, id="no-calendar"),
        pytest.param(date(2026, 11, 26), "XX", False, id="a-calendar-the-package-does-not-know"),
    ],
)
def test_public_holidays_come_from_the_calendar(day: date, calendar: str | None, holiday: bool) -> None:
    assert is_public_holiday(day, calendar) is holiday


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        pytest.param("US", "US", id="country"),
        pytest.param(" us ", "US", id="lower-case-and-spaces"),
        pytest.param("GB-ENG", "GB-ENG", id="country-and-region"),
        pytest.param("gb-eng", "GB-ENG", id="lower-case-region"),
        pytest.param("de-by", "DE-BY", id="bavaria"),
        pytest.param("UK", "GB", id="an-alias-country"),
        pytest.param("UK-England", "GB-ENG", id="an-alias-region"),
        pytest.param("USA", "US", id="three-letter-code"),
        pytest.param("", None, id="empty"),
        pytest.param("none", None, id="none"),
        pytest.param(" None ", None, id="None"),
    ],
)
def test_a_holiday_calendar_is_read_into_its_canonical_code(raw: str, code: str | None) -> None:
    assert parse_holidays(raw) == code


COUNTRY_HINT = (
    "Holiday calendar must be a country code such as US, GB or DE, with a region if you like (GB-ENG, DE-BY), "
    "or none, not "
)


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        pytest.param("XX", COUNTRY_HINT + "'XX'", id="unknown-country"),
        pytest.param("England", COUNTRY_HINT + "'England'", id="a-region-without-its-country"),
        pytest.param("-ENG", COUNTRY_HINT + "'-ENG'", id="no-country"),
        pytest.param(
            "GB-ZZZ",
            "Holiday calendar must be GB alone or one of its regions (GB-ENG, GB-NIR, GB-SCT, GB-WLS), not 'GB-ZZZ'",
            id="unknown-region",
        ),
        pytest.param(
            "GB-",
            "Holiday calendar must be GB alone or one of its regions (GB-ENG, GB-NIR, GB-SCT, GB-WLS), not 'GB-'",
            id="dash-without-region",
        ),
        pytest.param(
            "IS-REY",
            "Holiday calendar must be IS alone (IS has no regional calendars), not 'IS-REY'",
            id="country-without-regions",
        ),
    ],
)
def test_an_unknown_holiday_calendar_says_how_to_spell_one(raw: str, message: str) -> None:
    with pytest.raises(UnreadableSetting) as caught:
        parse_holidays(raw)
    assert str(caught.value) == message
    assert isinstance(caught.value, ValueError)


def test_a_country_with_many_regions_lists_some_and_counts_the_rest() -> None:
    with pytest.raises(ValueError, match=r"one of its regions \(US-AK, US-AL, .* and \d+ more\), not 'US-XX'$"):
        parse_holidays("US-XX")


def test_working_time_keeps_one_spelling_of_its_calendar() -> None:
    assert WorkingTime(holidays="de-by") == WorkingTime(holidays="DE-BY")
    assert WorkingTime(holidays="de-by").holidays == "DE-BY"
    assert WorkingTime(holidays="none").holidays is None


# --- working days ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "days"),
    [
        pytest.param("Mon-Fri", {0, 1, 2, 3, 4}, id="mon-fri"),
        pytest.param("Sun-Thu", {6, 0, 1, 2, 3}, id="sun-thu-wraps-round-the-week"),
        pytest.param("Fri-Mon", {4, 5, 6, 0}, id="fri-mon-wraps"),
        pytest.param("Mon,Tue,Thu", {0, 1, 3}, id="a-list"),
        pytest.param("mon-wed, fri", {0, 1, 2, 4}, id="range-and-day-lower-case"),
        pytest.param("Monday-Friday", {0, 1, 2, 3, 4}, id="full-names"),
        pytest.param("TUESDAY, thurs", {1, 3}, id="upper-case-and-longer-abbreviation"),
        pytest.param(" Mon – Fri ", {0, 1, 2, 3, 4}, id="en-dash-and-spaces"),
        pytest.param("Mon Wed Fri", {0, 2, 4}, id="spaces-between-days"),
        pytest.param("Wed", {2}, id="one-day"),
        pytest.param("Wed-Wed", {2}, id="a-one-day-range"),
        pytest.param("Mon-Sun", set(range(7)), id="every-day"),
        pytest.param("Mon,Mon,Mon-Tue", {0, 1}, id="repeats"),
    ],
)
def test_working_days_are_read_as_people_type_them(raw: str, days: set[int]) -> None:
    assert parse_work_days(raw) == frozenset(days)


DAYS_HINT = "Working days must look like Mon-Fri, Sun-Thu or Mon,Tue,Thu"


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        pytest.param("", DAYS_HINT + "; name at least one day", id="empty"),
        pytest.param(" , ", DAYS_HINT + "; name at least one day", id="only-commas"),
        pytest.param("Mun-Fri", DAYS_HINT + ", not 'Mun-Fri' ('Mun' is not a day)", id="misspelt"),
        pytest.param("Mo-Fr", DAYS_HINT + ", not 'Mo-Fr' ('Mo' is not a day)", id="two-letters"),
        pytest.param("weekdays", DAYS_HINT + ", not 'weekdays' ('weekdays' is not a day)", id="a-word"),
        pytest.param("1-5", DAYS_HINT + ", not '1-5' ('1' is not a day)", id="numbers"),
        pytest.param("Mon--Fri", DAYS_HINT + ", not 'Mon--Fri'", id="double-dash"),
        pytest.param("Mon-Wed-Fri", DAYS_HINT + ", not 'Mon-Wed-Fri'", id="two-dashes"),
        pytest.param("-Fri", DAYS_HINT + ", not '-Fri'", id="open-range"),
    ],
)
def test_unreadable_working_days_say_what_would_work(raw: str, message: str) -> None:
    with pytest.raises(UnreadableSetting) as caught:
        parse_work_days(raw)
    assert str(caught.value) == message


@pytest.mark.parametrize(
    ("days", "text"),
    [
        pytest.param(MONDAY_TO_FRIDAY, "Mon-Fri", id="mon-fri"),
        pytest.param(SUN_TO_THU, "Sun-Thu", id="sun-thu"),
        pytest.param(frozenset({0, 2, 4}), "Mon,Wed,Fri", id="mon-wed-fri"),
        pytest.param(frozenset({0, 1}), "Mon,Tue", id="two-days"),
        pytest.param(frozenset({0, 1, 2, 4}), "Mon-Wed,Fri", id="a-run-and-a-day"),
        pytest.param(frozenset({5, 6, 0, 2}), "Wed,Sat-Mon", id="a-run-across-the-week-end"),
        pytest.param(frozenset(range(7)), "Mon-Sun", id="every-day"),
        pytest.param(frozenset({6}), "Sun", id="sunday"),
    ],
)
def test_working_days_are_written_back_in_one_short_form(days: frozenset[int], text: str) -> None:
    assert format_work_days(days) == text


def test_every_set_of_working_days_round_trips() -> None:
    for mask in range(1, 2**7):
        days = frozenset(day for day in range(7) if mask >> day & 1)
        assert parse_work_days(format_work_days(days)) == days, days


# --- working hours --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "hours"),
    [
        pytest.param("09:00-17:00", (time(9), time(17)), id="default"),
        pytest.param(" 7:30 - 15:45 ", (time(7, 30), time(15, 45)), id="one-digit-hour-and-spaces"),
        pytest.param("00:00-23:59", (time(0), time(23, 59)), id="whole-day"),
    ],
)
def test_working_hours_are_read_and_written_back(raw: str, hours: tuple[time, time]) -> None:
    assert parse_working_hours(raw) == hours
    assert parse_working_hours(format_working_hours(*hours)) == hours


def test_working_hours_are_written_on_a_24_hour_clock() -> None:
    assert format_working_hours(time(7, 5), time(15, 45)) == "07:05-15:45"


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        pytest.param("9-17", "Working hours must look like 09:00-17:00, not '9-17'", id="no-minutes"),
        pytest.param("9am-5pm", "Working hours must look like 09:00-17:00, not '9am-5pm'", id="am-pm"),
        pytest.param("09:00-24:00", "Working hours must look like 09:00-17:00, not '09:00-24:00'", id="hour-24"),
        pytest.param(
            "17:00-09:00",
            "Working hours must look like 09:00-17:00, not '17:00-09:00' (the start must come before the end)",
            id="backwards",
        ),
        pytest.param("", "Working hours must look like 09:00-17:00, not ''", id="empty"),
    ],
)
def test_unreadable_working_hours_say_what_would_work(raw: str, message: str) -> None:
    with pytest.raises(UnreadableSetting) as caught:
        parse_working_hours(raw)
    assert str(caught.value) == message
    assert caught.value.problem == message.removeprefix("Working hours ")


# --- a person's working time over the workspace's ---------------------------------------------------------------------

WORKSPACE = WorkingTime(days=MONDAY_TO_FRIDAY, start=time(9), end=time(17), holidays="US")


@pytest.mark.parametrize(
    ("days", "hours", "holidays", "expected"),
    [
        pytest.param(None, None, None, WorkingTime(JERUSALEM, holidays="US"), id="all-the-workspace's"),
        pytest.param(
            "Sun-Thu",
            "08:00-16:00",
            "none",
            WorkingTime(JERUSALEM, SUN_TO_THU, time(8), time(16), None),
            id="all-their-own",
        ),
        pytest.param(None, None, "gb-eng", WorkingTime(JERUSALEM, holidays="GB-ENG"), id="own-calendar"),
        pytest.param(None, None, "", WorkingTime(JERUSALEM, holidays=None), id="empty-calendar-is-none"),
        pytest.param("Funday", "late", "XX", WorkingTime(JERUSALEM, holidays="US"), id="stale-values-fall-back"),
    ],
)
def test_a_persons_own_choices_override_the_workspace_default(
    days: str | None, hours: str | None, holidays: str | None, expected: WorkingTime
) -> None:
    assert working_time(JERUSALEM, days=days, hours=hours, holidays=holidays, default=WORKSPACE) == expected


# --- away statuses --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("emoji", "text", "away"),
    [
        pytest.param(":palm_tree:", "", True, id="palm-tree"),
        pytest.param(":palm_tree:", "Vacationing", True, id="slacks-own-vacationing"),
        pytest.param(":face_with_thermometer:", "Out sick", True, id="slacks-own-out-sick"),
        pytest.param(":airplane:", "", True, id="airplane"),
        pytest.param(":airplane::skin-tone-2:", "", True, id="with-a-skin-tone"),
        pytest.param(" :PALM_TREE: ", "", True, id="emoji-case-and-spaces"),
        pytest.param(":spiral_calendar_pad:", "In a meeting", False, id="in-a-meeting"),
        pytest.param(":house_with_garden:", "Working remotely", False, id="working-remotely"),
        pytest.param("", "OOO until Monday", True, id="ooo"),
        pytest.param("", "ooo", True, id="ooo-lower-case"),
        pytest.param("", "Out of Office", True, id="out-of-office-title-case"),
        pytest.param("", "out-of-office", True, id="out-of-office-hyphens"),
        pytest.param("", "out  of\toffice", True, id="out-of-office-odd-spaces"),
        pytest.param("", "On holiday (back 12 Aug)", True, id="on-holiday"),
        pytest.param("", "🌴 vacation!", True, id="vacation-after-an-emoji"),
        pytest.param("", "On parental leave", True, id="parental-leave"),
        pytest.param("", "PTO", True, id="pto"),
        pytest.param("", "home sick", True, id="sick"),
        pytest.param("", "Hollyday Inn conference", False, id="hollyday-is-not-holiday"),
        pytest.param("", "shopping for a laptop", False, id="laptop-holds-no-pto"),
        pytest.param("", "Ooops, wrong channel", False, id="ooops-is-not-ooo"),
        pytest.param("", "sickening bug hunt", False, id="sickening-is-not-sick"),
        pytest.param("", "homesick for crypto talks", False, id="words-ending-in-sick-and-pto"),
        pytest.param("", "Back from vacation, catching up", True, id="words-do-not-know-tense"),
        pytest.param(None, None, False, id="nothing"),
        pytest.param(123, ["OOO"], False, id="not-strings"),
        pytest.param({"name": "palm_tree"}, 4.5, False, id="an-object-and-a-number"),
        pytest.param("", "*_~<>&" * 500, False, id="3000-characters-of-mrkdwn-junk"),
        pytest.param("", "*_~<>&" * 100 + " OOO", True, id="ooo-after-junk"),
    ],
)
def test_an_away_status_is_its_emoji_or_its_words(emoji: object, text: object, away: bool) -> None:
    assert is_away_status(emoji, text, DEFAULT_AWAY_MARKERS) is away


def test_markers_are_only_the_ones_configured() -> None:
    sailing = AwayMarkers(emoji=frozenset({":sailboat:"}), words=("gone fishing",))
    assert is_away_status(":sailboat:", "", sailing)
    assert is_away_status("", "Gone  Fishing", sailing)
    assert not is_away_status(":palm_tree:", "OOO", sailing)
    assert not is_away_status(":palm_tree:", "OOO", AwayMarkers())
    assert not is_away_status("", "anything at all", AwayMarkers(words=("", " ")))


@pytest.mark.parametrize(
    ("raw", "markers"),
    [
        pytest.param(":palm_tree:", AwayMarkers(frozenset({":palm_tree:"}), ()), id="one-emoji"),
        pytest.param(
            ":Sailboat:, gone  fishing , OOO",
            AwayMarkers(frozenset({":sailboat:"}), ("gone fishing", "OOO")),
            id="emoji-and-words",
        ),
        pytest.param("OOO, ooo,, vacation", AwayMarkers(frozenset(), ("OOO", "vacation")), id="repeats-and-blanks"),
        pytest.param(":+1:, :woman-surfing:", AwayMarkers(frozenset({":+1:", ":woman-surfing:"}), ()), id="odd-codes"),
        pytest.param("none", AwayMarkers(), id="none-turns-statuses-off"),
    ],
)
def test_away_markers_are_read_from_a_comma_separated_list(raw: str, markers: AwayMarkers) -> None:
    assert parse_away_markers(raw) == markers


AWAY_HINT = "Away statuses must be emoji codes such as :palm_tree: and words such as OOO, separated by commas"


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        pytest.param("", AWAY_HINT + " (or none), not ''", id="empty"),
        pytest.param(" , ,", AWAY_HINT + " (or none), not ', ,'", id="only-commas"),
        pytest.param(":palm tree:", AWAY_HINT + ", not ':palm tree:' (':palm tree:' is not an emoji code)", id="space"),
        pytest.param("OOO, ::", AWAY_HINT + ", not 'OOO, ::' ('::' is not an emoji code)", id="empty-code"),
    ],
)
def test_unreadable_away_markers_say_what_would_work(raw: str, message: str) -> None:
    with pytest.raises(UnreadableSetting) as caught:
        parse_away_markers(raw)
    assert str(caught.value) == message


def epoch(instant: datetime) -> int:
    return int(instant.timestamp())


NOW = at(BERLIN, 2026, 6, 17, 11)  # a Wednesday morning in Berlin
IN_BERLIN = WorkingTime(BERLIN)


@pytest.mark.parametrize(
    ("emoji", "text", "expiration", "until"),
    [
        pytest.param(":palm_tree:", "", epoch(NOW + timedelta(days=3)), NOW + timedelta(days=3), id="future-int"),
        pytest.param(
            ":palm_tree:", "", str(epoch(NOW + timedelta(hours=2))), NOW + timedelta(hours=2), id="future-str"
        ),
        pytest.param(":palm_tree:", "", epoch(NOW - timedelta(minutes=1)), None, id="expired"),
        pytest.param(":palm_tree:", "", epoch(NOW), None, id="expiring-now"),
        # No end: look again at the start of their next working day (Thursday 09:00 local).
        pytest.param(":palm_tree:", "", 0, at(BERLIN, 2026, 6, 18, 9), id="zero"),
        pytest.param(":palm_tree:", "", "0", at(BERLIN, 2026, 6, 18, 9), id="zero-str"),
        pytest.param(":palm_tree:", "", None, at(BERLIN, 2026, 6, 18, 9), id="missing"),
        pytest.param(":palm_tree:", "", "abc", at(BERLIN, 2026, 6, 18, 9), id="unreadable-str"),
        pytest.param(":palm_tree:", "", -5, at(BERLIN, 2026, 6, 18, 9), id="negative"),
        pytest.param(":palm_tree:", "", True, at(BERLIN, 2026, 6, 18, 9), id="a-bool-is-no-time"),
        pytest.param(":palm_tree:", "", 10**30, at(BERLIN, 2026, 6, 18, 9), id="beyond-year-9999"),
        pytest.param(":palm_tree:", "", float("nan"), at(BERLIN, 2026, 6, 18, 9), id="nan"),
        pytest.param(":palm_tree:", "", [1], at(BERLIN, 2026, 6, 18, 9), id="a-list"),
        pytest.param(":coffee:", "Back in 5", epoch(NOW + timedelta(days=3)), None, id="not-an-away-status"),
        pytest.param(None, None, 0, None, id="no-status"),
    ],
)
def test_away_lasts_until_the_status_expires_or_the_next_working_day(
    emoji: object, text: object, expiration: object, until: datetime | None
) -> None:
    found = away_until(NOW, emoji=emoji, text=text, expiration=expiration, markers=DEFAULT_AWAY_MARKERS, when=IN_BERLIN)
    assert found == until


@pytest.mark.parametrize(
    ("when", "now", "recheck"),
    [
        pytest.param(IN_BERLIN, at(BERLIN, 2026, 6, 19, 11), at(BERLIN, 2026, 6, 22, 9), id="friday-to-monday"),
        pytest.param(IN_BERLIN, at(BERLIN, 2026, 6, 17, 7), at(BERLIN, 2026, 6, 18, 9), id="before-hours-is-tomorrow"),
        pytest.param(
            WorkingTime(JERUSALEM, SUN_TO_THU),
            at(JERUSALEM, 2026, 6, 18, 11),
            at(JERUSALEM, 2026, 6, 21, 9),
            id="sun-thu-thursday-to-sunday",
        ),
        pytest.param(
            WorkingTime(NY, holidays="US"), at(NY, 2026, 11, 25, 11), at(NY, 2026, 11, 27, 9), id="over-thanksgiving"
        ),
        # Saturday 2026-03-28 in Berlin; Monday is after the clocks went forward.
        pytest.param(IN_BERLIN, at(BERLIN, 2026, 3, 28, 11), at(BERLIN, 2026, 3, 30, 9), id="across-berlin-dst"),
        # 23:30 UTC on Sunday is Monday 11:30 in Auckland: the next day is Tuesday there.
        pytest.param(WorkingTime(AUCKLAND), at(None, 2026, 6, 14, 23, 30), at(AUCKLAND, 2026, 6, 16, 9), id="auckland"),
        pytest.param(WorkingTime(LA), at(None, 2026, 6, 16, 2), at(LA, 2026, 6, 16, 9), id="los-angeles-utc-is-ahead"),
        pytest.param(WorkingTime(KOLKATA), at(None, 2026, 6, 15, 20), at(KOLKATA, 2026, 6, 17, 9), id="kolkata"),
        pytest.param(WorkingTime(None), at(None, 2026, 6, 15, 20), at(None, 2026, 6, 16, 9), id="utc"),
    ],
)
def test_a_status_without_an_end_is_looked_at_again_the_next_working_day(
    when: WorkingTime, now: datetime, recheck: datetime
) -> None:
    assert away_until(now, emoji="", text="OOO", expiration=0, markers=DEFAULT_AWAY_MARKERS, when=when) == recheck


# --- holding a reminder ---------------------------------------------------------------------------------------------

MONDAY_11 = at(BERLIN, 2026, 6, 15, 11)


@pytest.mark.parametrize(
    ("when", "now", "away", "held_since", "expected"),
    [
        pytest.param(IN_BERLIN, MONDAY_11, None, None, SendNow(waited=False), id="working-and-here"),
        pytest.param(
            IN_BERLIN, MONDAY_11, MONDAY_11 - timedelta(hours=1), None, SendNow(waited=False), id="status-expired"
        ),
        pytest.param(
            IN_BERLIN,
            at(BERLIN, 2026, 6, 15, 20),
            None,
            None,
            WaitUntil(at(BERLIN, 2026, 6, 16, 9), None),
            id="evening-defers-without-a-clock",
        ),
        pytest.param(
            IN_BERLIN,
            at(BERLIN, 2026, 6, 13, 10),
            None,
            None,
            WaitUntil(at(BERLIN, 2026, 6, 15, 9), None),
            id="week-end-defers-without-a-clock",
        ),
        pytest.param(
            WorkingTime(JERUSALEM, SUN_TO_THU),
            at(JERUSALEM, 2026, 6, 19, 10),
            None,
            None,
            WaitUntil(at(JERUSALEM, 2026, 6, 21, 9), None),
            id="sun-thu-friday-is-a-day-off-not-an-absence",
        ),
        pytest.param(
            IN_BERLIN,
            at(BERLIN, 2026, 6, 15, 20),
            None,
            MONDAY_11 - timedelta(days=3),
            WaitUntil(at(BERLIN, 2026, 6, 16, 9), MONDAY_11 - timedelta(days=3)),
            id="back-from-away-but-evening-keeps-the-clock",
        ),
        # Away until Wednesday 13:00 (inside hours): it goes out then, and the clock starts now.
        pytest.param(
            IN_BERLIN,
            MONDAY_11,
            at(BERLIN, 2026, 6, 17, 13),
            None,
            WaitUntil(at(BERLIN, 2026, 6, 17, 13), MONDAY_11),
            id="away-until-inside-hours",
        ),
        pytest.param(
            IN_BERLIN,
            MONDAY_11,
            at(BERLIN, 2026, 6, 19, 23, 59),
            None,
            WaitUntil(at(BERLIN, 2026, 6, 22, 9), MONDAY_11),
            id="away-until-friday-night-is-monday-morning",
        ),
        pytest.param(
            IN_BERLIN,
            MONDAY_11,
            at(BERLIN, 2026, 6, 17, 13),
            MONDAY_11 - timedelta(days=2),
            WaitUntil(at(BERLIN, 2026, 6, 17, 13), MONDAY_11 - timedelta(days=2)),
            id="the-clock-starts-only-once",
        ),
        pytest.param(
            WorkingTime(NY, holidays="US"),
            at(NY, 2026, 11, 26, 10),
            None,
            None,
            WaitUntil(at(NY, 2026, 11, 27, 9), at(NY, 2026, 11, 26, 10)),
            id="thanksgiving-holds-and-starts-the-clock",
        ),
        pytest.param(
            WorkingTime(NY, holidays="US"),
            at(NY, 2027, 7, 5, 10),
            None,
            None,
            WaitUntil(at(NY, 2027, 7, 6, 9), at(NY, 2027, 7, 5, 10)),
            id="observed-independence-day",
        ),
        # Thanksgiving evening in New York: a holiday all day, so it holds (and starts the clock), evening or not.
        pytest.param(
            WorkingTime(NY, holidays="US"),
            at(NY, 2026, 11, 26, 20),
            None,
            None,
            WaitUntil(at(NY, 2026, 11, 27, 9), at(NY, 2026, 11, 26, 20)),
            id="holiday-evening",
        ),
        pytest.param(
            WorkingTime(LONDON, holidays="GB-ENG"),
            at(LONDON, 2026, 12, 25, 10),
            None,
            None,
            WaitUntil(at(LONDON, 2026, 12, 29, 9), at(LONDON, 2026, 12, 25, 10)),
            id="gb-eng-christmas-to-tuesday",
        ),
        pytest.param(
            WorkingTime(BERLIN, holidays="DE-BY"),
            at(BERLIN, 2026, 6, 4, 10),
            None,
            None,
            WaitUntil(at(BERLIN, 2026, 6, 5, 9), at(BERLIN, 2026, 6, 4, 10)),
            id="de-by-corpus-christi",
        ),
        # Back at midnight starting Thanksgiving: the first working moment after is Friday morning.
        pytest.param(
            WorkingTime(NY, holidays="US"),
            at(NY, 2026, 11, 23, 10),
            at(NY, 2026, 11, 26, 0),
            None,
            WaitUntil(at(NY, 2026, 11, 27, 9), at(NY, 2026, 11, 23, 10)),
            id="back-on-a-holiday-waits-a-day-more",
        ),
        # Across the spring-forward week-end in New York: Monday 09:00 EDT is 13:00 UTC.
        pytest.param(
            WorkingTime(NY),
            at(NY, 2026, 3, 6, 10),
            at(NY, 2026, 3, 8, 12),
            None,
            WaitUntil(at(None, 2026, 3, 9, 13), at(NY, 2026, 3, 6, 10)),
            id="new-york-across-dst",
        ),
        pytest.param(
            WorkingTime(AUCKLAND),
            at(AUCKLAND, 2026, 6, 15, 10),
            at(AUCKLAND, 2026, 6, 16, 2),
            None,
            WaitUntil(at(AUCKLAND, 2026, 6, 16, 9), at(AUCKLAND, 2026, 6, 15, 10)),
            id="auckland",
        ),
        pytest.param(
            WorkingTime(LA),
            at(LA, 2026, 6, 15, 10),
            at(None, 2026, 6, 16, 23),
            None,
            WaitUntil(at(LA, 2026, 6, 16, 16), at(LA, 2026, 6, 15, 10)),
            id="los-angeles-back-at-4pm",
        ),
    ],
)
def test_a_reminder_waits_for_working_time_and_for_its_recipient_to_be_back(
    when: WorkingTime, now: datetime, away: datetime | None, held_since: datetime | None, expected: object
) -> None:
    assert hold(now, when, away_until=away, held_since=held_since) == expected


LONG_AWAY = at(BERLIN, 2026, 8, 31)  # a status that ends weeks from now


@pytest.mark.parametrize(
    ("now", "held_for", "expected"),
    [
        # Held 13 days: still waits, but only until the cap.
        pytest.param(MONDAY_11, timedelta(days=13), WaitUntil(MONDAY_11 + timedelta(days=1), None), id="13-days"),
        pytest.param(MONDAY_11, timedelta(days=14), SendNow(waited=True), id="14-days-sends-saying-it-waited"),
        pytest.param(MONDAY_11, timedelta(days=20), SendNow(waited=True), id="20-days"),
        # 14 days reached in the evening: still only inside working hours, the next morning.
        pytest.param(
            at(BERLIN, 2026, 6, 15, 20), timedelta(days=14), WaitUntil(at(BERLIN, 2026, 6, 16, 9), None), id="evening"
        ),
        pytest.param(
            at(BERLIN, 2026, 6, 13, 11), timedelta(days=14), WaitUntil(at(BERLIN, 2026, 6, 15, 9), None), id="saturday"
        ),
    ],
)
def test_a_reminder_is_never_held_more_than_14_days(now: datetime, held_for: timedelta, expected: object) -> None:
    held_since = now - held_for
    if isinstance(expected, WaitUntil):
        expected = WaitUntil(expected.until, held_since)
    assert hold(now, IN_BERLIN, away_until=LONG_AWAY, held_since=held_since) == expected


def test_a_first_hold_that_would_outlast_the_cap_waits_only_until_the_cap() -> None:
    decided = hold(MONDAY_11, IN_BERLIN, away_until=LONG_AWAY, held_since=None)
    assert decided == WaitUntil(MONDAY_11 + HOLD_CAP, MONDAY_11)


def test_at_the_cap_holidays_no_longer_hold_it_but_days_off_still_do() -> None:
    bavaria = WorkingTime(BERLIN, holidays="DE-BY")
    corpus_christi = at(BERLIN, 2026, 6, 4, 10)  # a Thursday
    assert hold(corpus_christi, bavaria, away_until=None, held_since=corpus_christi - HOLD_CAP) == SendNow(waited=True)
    sunday = at(BERLIN, 2026, 6, 7, 10)
    assert hold(sunday, bavaria, away_until=LONG_AWAY, held_since=sunday - HOLD_CAP) == WaitUntil(
        at(BERLIN, 2026, 6, 8, 9), sunday - HOLD_CAP
    )


def test_a_reminder_held_for_a_vacation_goes_out_once_on_the_first_working_morning_after() -> None:
    # Sweep every hour across ten days of vacation (status until Friday night), as the scheduler would.
    when = WorkingTime(NY, holidays="US")
    back = at(NY, 2026, 11, 20, 23, 59)
    now, held_since, sent = at(NY, 2026, 11, 10, 10), None, []
    while now < at(NY, 2026, 12, 5):
        status_until = back if now < back else None
        decided = hold(now, when, away_until=status_until, held_since=held_since)
        if isinstance(decided, SendNow):
            sent.append((now, decided.waited))
            break
        held_since = decided.held_since
        assert decided.until > now
        now = min(decided.until, now + timedelta(hours=1))
    assert sent == [(at(NY, 2026, 11, 23, 9), False)]


@pytest.mark.parametrize(
    ("instant", "tz", "inside"),
    [
        # Auckland is ahead of UTC (UTC+13 in its summer): Monday 10:00 there is Sunday 21:00 UTC.
        (datetime(2026, 11, 22, 21, 0, tzinfo=UTC), "Pacific/Auckland", True),
        (datetime(2026, 11, 22, 21, 0, tzinfo=UTC), "America/Los_Angeles", False),  # Sunday 13:00 there
        # Los Angeles is behind: Friday 16:59 there is Saturday 00:59 UTC.
        (datetime(2026, 11, 28, 0, 59, tzinfo=UTC), "America/Los_Angeles", True),
        (datetime(2026, 11, 28, 1, 0, tzinfo=UTC), "America/Los_Angeles", False),  # 17:00: closed
        (datetime(2026, 11, 23, 8, 59, tzinfo=UTC), "Europe/London", False),
        (datetime(2026, 11, 23, 9, 0, tzinfo=UTC), "Europe/London", True),
        (datetime(2026, 11, 23, 9, 0, tzinfo=UTC), None, True),  # unknown zone: UTC
        (datetime(2026, 11, 23, 9, 0, tzinfo=UTC), "Not/AZone", True),
        (datetime(2026, 11, 23, 9, 0, tzinfo=UTC), "../../etc/passwd", True),
    ],
)
def test_working_hours_are_the_recipients_own(instant: datetime, tz: str | None, inside: bool) -> None:
    assert is_working(instant, WorkingTime(tz=tz)) is inside


@pytest.mark.parametrize(
    ("tz", "change_day"),
    [
        ("America/New_York", date(2027, 3, 15)),  # Monday after clocks go forward (2027-03-14)
        ("America/New_York", date(2026, 11, 2)),  # Monday after clocks go back (2026-11-01)
        ("Europe/London", date(2027, 3, 29)),  # Monday after 2027-03-28
        ("Europe/London", date(2026, 10, 26)),  # Monday after 2026-10-25
        ("Australia/Sydney", date(2027, 4, 5)),  # Monday after clocks go back there (2027-04-04)
    ],
)
def test_working_hours_follow_the_local_clock_across_daylight_saving(tz: str, change_day: date) -> None:
    """Over the week of a clock change, exactly 8 hours a weekday are open, each starting at 09:00 local."""
    start = datetime.combine(change_day - timedelta(days=7), time(0), tzinfo=ZoneInfo(tz)).astimezone(UTC)
    open_minutes: dict[date, list[time]] = {}
    moment = start
    while moment < start + timedelta(days=14):
        if is_working(moment, WorkingTime(tz=tz)):
            local = moment.astimezone(ZoneInfo(tz))
            open_minutes.setdefault(local.date(), []).append(local.time())
        moment += timedelta(minutes=15)
    assert all(day.weekday() < 5 for day in open_minutes)
    assert all(len(times) == 32 for times in open_minutes.values())  # 8 h in quarter hours
    assert all(times[0] == NINE and times[-1] == time(16, 45) for times in open_minutes.values())
    assert len(open_minutes) == 10
