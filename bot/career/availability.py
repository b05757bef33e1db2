"""When a person can be sent a reminder: their working days and hours, on their own clock. Pure: no Slack, no SQL.

A reminder goes out only inside its recipient's working time: a working day (Monday to Friday unless they or
the workspace chose otherwise, e.g. Sunday to Thursday) that is not a public holiday of their calendar, between
the start and end of their working hours, in their Slack time zone. Checked on the instant itself, so
daylight-saving changes neither shift nor double one.

The parsers here read what a person types (an environment variable, a field of the Reminder settings modal);
each raises `UnreadableSetting`, a ValueError whose message is one line saying what would work.
"""

from __future__ import annotations

import re
from contextlib import suppress
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from typing import Final

import holidays as holiday_calendars

from bot.career.cadence import zone

MONDAY_TO_FRIDAY: Final = frozenset(range(5))  # date.weekday() numbers
NINE: Final = time(9, 0)
FIVE: Final = time(17, 0)
NO_CALENDAR: Final = "none"  # what is stored for "no public holidays", as opposed to None: "the workspace's"

# Far enough to step over the longest run of public holidays and days off any calendar has.
_SEARCH_DAYS: Final = 31


class UnreadableSetting(ValueError):
    """A setting as typed cannot be read. str() is one line naming what it is; `problem` is the rest of that line,
    so a caller can put its own name first (CAREERPLAN_WORK_DAYS must …)."""

    def __init__(self, subject: str, problem: str) -> None:
        super().__init__(f"{subject} {problem}")
        self.subject = subject
        self.problem = problem


@dataclass(frozen=True)
class WorkingTime:
    """One person's working time, resolved: their own settings where they chose, else the workspace's."""

    tz: str | None = None  # IANA zone; None or unknown: UTC
    days: frozenset[int] = MONDAY_TO_FRIDAY
    start: time = NINE
    end: time = FIVE
    holidays: str | None = None  # a calendar code of the holidays package (US, GB-ENG, DE-BY); None: no holidays

    def __post_init__(self) -> None:
        # Accept "gb-eng" as well as "GB-ENG", but keep one spelling so equal settings compare equal.
        if self.holidays is not None:
            object.__setattr__(self, "holidays", parse_holidays(self.holidays))


# --- public holidays -------------------------------------------------------------------------------------------


def is_public_holiday(day: date, calendar: str | None) -> bool:
    """Whether `day` (a local date) is a public holiday in `calendar` (a canonical code, or None: never)."""
    return calendar is not None and day in _holiday_dates(calendar, day.year)


@lru_cache(maxsize=512)
def _holiday_dates(calendar: str, year: int) -> frozenset[date]:
    # The sweep asks per reminder: build each (calendar, year) once. A frozenset, not the package's dict, so the
    # cached value cannot be changed (the package fills its dict in on lookups of other years).
    country, _, subdivision = calendar.partition("-")
    try:
        found = holiday_calendars.country_holidays(country, subdiv=subdivision or None, years=year, expand=False)
    except NotImplementedError:  # a calendar the installed package no longer knows: no holidays rather than a crash
        return frozenset()
    return frozenset(found)


def parse_holidays(raw: str) -> str | None:
    """A holiday calendar as typed (`us`, `GB-ENG`, `de-by`, `UK-England`, `none`), as its canonical code or None."""
    return _canonical_calendar(raw.strip())


@lru_cache(maxsize=256)
def _canonical_calendar(typed: str) -> str | None:
    if typed == "" or typed.lower() == NO_CALENDAR:
        return None
    country, dash, subdivision = typed.partition("-")
    country, subdivision = country.strip().upper(), subdivision.strip()
    if country not in holiday_calendars.list_supported_countries(include_aliases=True):
        raise UnreadableSetting(
            "Holiday calendar",
            f"must be a country code such as US, GB or DE, with a region if you like (GB-ENG, DE-BY), "
            f"or none, not {typed!r}",
        )
    entity = holiday_calendars.country_holidays(country)
    canonical_country = str(entity.country)  # UK becomes GB, USA becomes US
    if not dash:
        return canonical_country
    regions = {code.lower(): code for code in entity.subdivisions}
    regions.update({alias.lower(): code for alias, code in entity.subdivisions_aliases.items()})
    region = regions.get(subdivision.lower())
    if region is None:
        raise UnreadableSetting("Holiday calendar", _regions_hint(canonical_country, entity.subdivisions, typed))
    return f"{canonical_country}-{region}"


def _regions_hint(country: str, regions: tuple[str, ...], typed: str) -> str:
    if not regions:
        return f"must be {country} alone ({country} has no regional calendars), not {typed!r}"
    shown = ", ".join(f"{country}-{code}" for code in regions[:12])
    more = f" and {len(regions) - 12} more" if len(regions) > 12 else ""
    return f"must be {country} alone or one of its regions ({shown}{more}), not {typed!r}"


# --- working days --------------------------------------------------------------------------------------------------

_DAY_NAMES: Final = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_SHORT_NAMES: Final = tuple(name[:3].title() for name in _DAY_NAMES)
_DAYS_HINT: Final = "must look like Mon-Fri, Sun-Thu or Mon,Tue,Thu"


def parse_work_days(raw: str) -> frozenset[int]:
    """Working days as typed: `Mon-Fri`, `Sun-Thu` (a range wraps round the week), `Mon,Tue,Thu`, `mon-wed, fri`,
    full names; case-insensitive. As date.weekday() numbers."""
    typed = raw.strip()
    # En dashes and spaces round a dash are what people type; commas or spaces separate the items.
    items = [item for item in re.split(r"[,\s]+", re.sub(r"\s*[-–]\s*", "-", typed)) if item]
    if not items:
        raise UnreadableSetting("Working days", f"{_DAYS_HINT}; name at least one day")
    days: set[int] = set()
    for item in items:
        ends = item.split("-")
        if len(ends) > 2 or "" in ends:
            raise UnreadableSetting("Working days", f"{_DAYS_HINT}, not {typed!r}")
        first, last = (_weekday(end, typed) for end in (ends[0], ends[-1]))
        days.update((first + step) % 7 for step in range((last - first) % 7 + 1))
    return frozenset(days)


def _weekday(name: str, typed: str) -> int:
    word = name.lower()
    # Any unambiguous start of a day's name of three letters or more: mon, tues, thurs, wednesday.
    for number, day in enumerate(_DAY_NAMES):
        if len(word) >= 3 and day.startswith(word):
            return number
    raise UnreadableSetting("Working days", f"{_DAYS_HINT}, not {typed!r} ({name!r} is not a day)")


def format_work_days(days: frozenset[int]) -> str:
    """The canonical short form parse_work_days reads back: `Mon-Fri`, `Sun-Thu`, `Mon,Wed,Fri`, `Mon-Sun`."""
    if len(days) == 7:
        return "Mon-Sun"
    runs: list[tuple[int, int]] = []  # (first day, length) of each run of consecutive days, round the week
    for day in sorted(days):
        if (day - 1) % 7 in days:
            continue  # not the first day of its run
        length = 1
        while (day + length) % 7 in days:
            length += 1
        runs.append((day, length))
    parts: list[str] = []
    for first, length in runs:
        if length >= 3:
            parts.append(f"{_SHORT_NAMES[first]}-{_SHORT_NAMES[(first + length - 1) % 7]}")
        else:
            parts.extend(_SHORT_NAMES[(first + step) % 7] for step in range(length))
    return ",".join(parts)


# --- working hours -------------------------------------------------------------------------------------------------


def parse_working_hours(raw: str) -> tuple[time, time]:
    """Working hours as typed, `09:00-17:00` (24-hour clock, start before end), as (start, end)."""
    match = re.fullmatch(r"\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*", raw)
    problem = f"must look like 09:00-17:00, not {raw!r}"
    if match is None:
        raise UnreadableSetting("Working hours", problem)
    h1, m1, h2, m2 = (int(g) for g in match.groups())
    try:
        start, end = time(h1, m1), time(h2, m2)
    except ValueError:
        raise UnreadableSetting("Working hours", problem) from None
    if start >= end:
        raise UnreadableSetting("Working hours", problem + " (the start must come before the end)")
    return start, end


def format_working_hours(start: time, end: time) -> str:
    """`09:00-17:00`: what parse_working_hours reads back."""
    return f"{start:%H:%M}-{end:%H:%M}"


# --- one person's working time -------------------------------------------------------------------------------------


def working_time(
    tz: str | None,
    *,
    days: str | None,
    hours: str | None,
    holidays: str | None,
    default: WorkingTime,
) -> WorkingTime:
    """A person's working time: their stored choices (None: the workspace's; holidays "none": no calendar) over the
    workspace default. A stored value that no longer reads (a calendar the package dropped) is the default's."""
    chosen_days, (start, end), calendar = default.days, (default.start, default.end), default.holidays
    if days is not None:
        with suppress(ValueError):
            chosen_days = parse_work_days(days)
    if hours is not None:
        with suppress(ValueError):
            start, end = parse_working_hours(hours)
    if holidays is not None:
        with suppress(ValueError):
            calendar = parse_holidays(holidays)
    return WorkingTime(tz=tz, days=chosen_days, start=start, end=end, holidays=calendar)


def is_working_day(day: date, when: WorkingTime) -> bool:
    """Whether the local date `day` is one of the person's working days and not a public holiday of theirs."""
    return day.weekday() in when.days and not is_public_holiday(day, when.holidays)


def is_working(now: datetime, when: WorkingTime) -> bool:
    """Whether `now` (any aware instant) falls inside the person's working time, on their own clock."""
    local = now.astimezone(zone(when.tz))
    return is_working_day(local.date(), when) and when.start <= local.time().replace(tzinfo=None) < when.end


def next_working_start(now: datetime, when: WorkingTime) -> datetime:
    """When the person's next working hours begin after `now`, as a UTC instant, DST and public holidays included."""
    where = zone(when.tz)
    local = now.astimezone(where)
    for offset in range(_SEARCH_DAYS + 1):
        day = local.date() + timedelta(days=offset)
        if not is_working_day(day, when):
            continue
        begins = datetime.combine(day, when.start, tzinfo=where).astimezone(UTC)
        if begins > now:
            return begins
    return now + timedelta(days=1)  # no working day for a month: try again tomorrow


def next_working_moment(at: datetime, when: WorkingTime) -> datetime:
    """The first instant at or after `at` inside the person's working time: `at` itself if it is one."""
    return at.astimezone(UTC) if is_working(at, when) else next_working_start(at, when)


# --- away (Slack status) -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AwayMarkers:
    """What in a Slack status means "away": emoji codes (`:palm_tree:`, matched exactly) and words or phrases
    (`OOO`, `out of office`, matched case-insensitively as whole words)."""

    emoji: frozenset[str] = frozenset()
    words: tuple[str, ...] = ()


DEFAULT_AWAY_MARKERS: Final = AwayMarkers(
    emoji=frozenset(
        {
            ":palm_tree:",  # Slack's own "Vacationing"
            ":face_with_thermometer:",  # Slack's own "Out sick"
            ":airplane:",
            ":airplane_departure:",
            ":beach_with_umbrella:",
            ":desert_island:",
        }
    ),
    words=(
        "OOO",
        "out of office",
        "out-of-office",
        "vacation",
        "vacationing",
        "holiday",
        "holidays",
        "on leave",
        "annual leave",
        "parental leave",
        "PTO",
        "sick",
    ),
)

_EMOJI_CODE: Final = re.compile(r":[a-z0-9_+'-]+:")
_AWAY_HINT: Final = "must be emoji codes such as :palm_tree: and words such as OOO, separated by commas"
# Slack's status_text holds 100 characters; looking further only costs time on junk.
_STATUS_TEXT_LIMIT: Final = 1000


def parse_away_markers(raw: str) -> AwayMarkers:
    """Away markers as typed: `:palm_tree:, :airplane:, OOO, out of office`. Items between colons are emoji;
    the rest words. `none` is no markers at all: statuses never hold a reminder."""
    typed = raw.strip()
    if typed.lower() == "none":
        return AwayMarkers()
    emoji: set[str] = set()
    words: list[str] = []
    for item in (" ".join(part.split()) for part in typed.split(",")):
        if not item:
            continue
        if item.startswith(":") and item.endswith(":") and len(item) > 1:
            if not _EMOJI_CODE.fullmatch(item.lower()):
                raise UnreadableSetting("Away statuses", f"{_AWAY_HINT}, not {typed!r} ({item!r} is not an emoji code)")
            emoji.add(item.lower())
        elif item.lower() not in (word.lower() for word in words):
            words.append(item)
    if not emoji and not words:
        raise UnreadableSetting("Away statuses", f"{_AWAY_HINT} (or none), not {typed!r}")
    return AwayMarkers(emoji=frozenset(emoji), words=tuple(words))


def is_away_status(emoji: object, text: object, markers: AwayMarkers) -> bool:
    """Whether a Slack status (its `status_emoji` and `status_text`, whatever Slack or a client sent) says away."""
    if isinstance(emoji, str) and _base_emoji(emoji) in markers.emoji:
        return True
    if not isinstance(text, str) or not markers.words:
        return False
    return _words_pattern(markers.words).search(text[:_STATUS_TEXT_LIMIT]) is not None


def _base_emoji(emoji: str) -> str:
    # Slack writes a skin tone as a second code: ":airplane::skin-tone-2:" is still ":airplane:".
    code = emoji.strip().lower()
    base, tone, _ = code.partition("::skin-tone-")
    return base + ":" if tone else code


@lru_cache(maxsize=32)
def _words_pattern(words: tuple[str, ...]) -> re.Pattern[str]:
    # Whole words only, so "Hollyday" is not "holiday" and "laptop" holds no "PTO"; any run of spaces or hyphens
    # between the words of a phrase ("out  of-office").
    phrases = sorted(
        (r"[\s-]+".join(re.escape(part) for part in re.split(r"[\s-]+", word) if part) for word in words),
        key=len,
        reverse=True,
    )
    alternatives = "|".join(phrase for phrase in phrases if phrase)
    if not alternatives:
        return re.compile(r"(?!)")  # blank words only: nothing matches, rather than everything
    return re.compile(r"(?<!\w)(?:" + alternatives + r")(?!\w)", re.IGNORECASE)


def away_until(
    now: datetime,
    *,
    emoji: object,
    text: object,
    expiration: object,
    markers: AwayMarkers,
    when: WorkingTime,
) -> datetime | None:
    """Until when a person's Slack status says they are away, or None if it does not (or has expired).

    `expiration` is Slack's `status_expiration`, epoch seconds (an int, or a string of one); 0 or missing means the
    status has no end, so the answer is the start of their next working day after today: look again then.
    """
    if not is_away_status(emoji, text, markers):
        return None
    ends = _expiration(expiration)
    if ends is None:
        local = now.astimezone(zone(when.tz))
        tomorrow = datetime.combine(local.date() + timedelta(days=1), time(0), tzinfo=local.tzinfo)
        return next_working_moment(tomorrow, when)
    return ends if ends > now else None


def _expiration(raw: object) -> datetime | None:
    """Slack's status_expiration as an instant; None for 0, missing or unreadable (no known end)."""
    if isinstance(raw, bool):
        return None
    if isinstance(raw, str):
        raw = raw.strip()
        if not raw.isascii() or not raw.isdigit():
            return None
    if not isinstance(raw, int | str | float):
        return None
    try:
        seconds = int(raw)
        return datetime.fromtimestamp(seconds, UTC) if seconds > 0 else None
    except (ValueError, OverflowError, OSError):  # NaN, or beyond year 9999
        return None


# --- holding a reminder --------------------------------------------------------------------------------------------

HOLD_CAP: Final = timedelta(days=14)


@dataclass(frozen=True)
class SendNow:
    """Send the reminder now. `waited`: it is going out only because it has been held HOLD_CAP while its recipient
    was away or on holiday, so the message can say it waited."""

    waited: bool = False


@dataclass(frozen=True)
class WaitUntil:
    """Do not send before `until`; store `held_since` with the reminder (None: it is not being held for absence)."""

    until: datetime
    held_since: datetime | None


Hold = SendNow | WaitUntil


def hold(now: datetime, when: WorkingTime, *, away_until: datetime | None, held_since: datetime | None) -> Hold:
    """Whether a due reminder goes out now or waits, and until when.

    An absence (a Slack away status until `away_until`, or a public holiday today) holds it until the first working
    moment after, and starts a clock the first time (`held_since`); at HOLD_CAP on that clock it goes out at the first
    moment of working days and hours, absence or not. Evenings, week-ends and days off only defer it: they start no
    clock and leave `held_since` as it was.
    """
    local_day = now.astimezone(zone(when.tz)).date()
    away = away_until is not None and away_until > now
    absent = away or is_public_holiday(local_day, when.holidays)
    if not absent:
        if is_working(now, when):
            return SendNow(waited=False)
        return WaitUntil(next_working_start(now, when), held_since)
    held_since = held_since or now
    capped_at = held_since + HOLD_CAP
    if now >= capped_at:
        # Absences no longer count; only working days and hours still do.
        regardless = replace(when, holidays=None)
        if is_working(now, regardless):
            return SendNow(waited=True)
        return WaitUntil(next_working_start(now, regardless), held_since)
    back = next_working_moment(away_until, when) if away and away_until is not None else next_working_start(now, when)
    return WaitUntil(min(back, capped_at), held_since)
