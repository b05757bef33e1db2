"""Add to calendar: a suggested half hour for the career conversation, and the links that open it prefilled in
Google Calendar or Outlook on the web. Pure: no Slack, no SQL, no network.

The slot is the earliest half hour inside both people's working time, each on their own clock:

- From the manager's next local day, if that still leaves one before the due date ends (the manager's day):
  the same reminder invites the report to revise their plan before the talk, so neither is asked to meet
  within the hour when there is time to spare.
- Otherwise (the due date is today or has passed, or no shared half hour is left before it), the soonest one
  from an hour after now: time to read the reminder and send the invitation.
- None when the two working times never overlap in the next two weeks (say, Berlin and Auckland).

The links carry only a title ("Career conversation with <name>"), the slot as UTC instants, and the opening
questions of the reminder: never anything anyone wrote in a plan, a reflection or a note. Neither provider
documents these URLs officially; the formats followed are those collected in InteractionDesignFoundation's
add-event-to-calendar-docs (services/google.md, services/outlook-web.md) and used by add2cal's
add-to-calendar-button (src/generators/google.ts, outlook.ts).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import Final
from urllib.parse import quote, urlencode

from bot.career.availability import WorkingTime, is_working, next_working_start
from bot.career.cadence import OVERDUE_KINDS, NudgeKind, zone

# The reminders that carry the links: the talk is near or late (not a new line's welcome, not experiments).
CALENDAR_KINDS: Final = frozenset({NudgeKind.DUE_SOON, *OVERDUE_KINDS})

SLOT_MINUTES: Final = 30
HALF_HOUR: Final = timedelta(minutes=30)
NOTICE: Final = timedelta(hours=1)  # the least notice when the slot cannot wait for the next day
SEARCH_DAYS: Final = 14
# Working time is checked at the slot's ends and every few minutes in between (an away period, a day off).
SAMPLE: Final = timedelta(minutes=5)

NAME_MAX: Final = 60  # characters of a person's name in the title
FALLBACK_NAME: Final = "your report"
TITLE: Final = "Career conversation with {}"
DESCRIPTION_MAX: Final = 1000  # characters, before encoding
# Slack refuses a button url over 3,000 characters; a non-ASCII name encodes to 9 characters a letter.
URL_MAX: Final = 2000
URL_SAFE: Final = ":/"
ELLIPSIS: Final = "…"
FROM_CAREERPLAN: Final = "From your careerplan reminder in Slack."
NO_SHARED_TIME: Final = (
    "No half hour inside both your working hours was found in the next two weeks: "
    "this time is inside yours only, so move it to one that suits you both."
)

GOOGLE_BASE: Final = "https://calendar.google.com/calendar/render"
OUTLOOK_BASE: Final = "https://outlook.office.com/calendar/0/deeplink/compose"


@dataclass(frozen=True)
class CalendarEvent:
    """What the links open: a title, aware start and end instants, and a plain-text description."""

    title: str
    start: datetime
    end: datetime
    description: str


# --- the slot -------------------------------------------------------------------------------------------


def suggested_slot(
    now: datetime, due_on: date, manager: WorkingTime, report: WorkingTime, minutes: int = SLOT_MINUTES
) -> datetime | None:
    """The start (UTC) of the earliest `minutes` inside both working times, on a half hour of the manager's
    clock: from the manager's next day if one is left before `due_on` ends there, else the soonest from an
    hour after `now`; None if there is none in the next two weeks."""
    now = now.astimezone(UTC)
    length = timedelta(minutes=minutes)
    where = zone(manager.tz)
    horizon = now + timedelta(days=SEARCH_DAYS)
    tomorrow = _start_of(now.astimezone(where).date() + timedelta(days=1), where)
    due_ends = _start_of(due_on + timedelta(days=1), where)
    if tomorrow < due_ends:
        found = _earliest(max(tomorrow, now + NOTICE), min(due_ends, horizon), length, manager, report)
        if found is not None:
            return found
    return _earliest(now + NOTICE, horizon, length, manager, report)


def _start_of(day: date, where: tzinfo) -> datetime:
    return datetime.combine(day, time(0), tzinfo=where).astimezone(UTC)


def _on_half_hour(moment: datetime, where: tzinfo) -> datetime:
    """`moment` (UTC), or the next :00 or :30 after it on the clock of `where`."""
    local = moment.astimezone(where)
    past = timedelta(minutes=local.minute % 30, seconds=local.second, microseconds=local.microsecond)
    return moment if not past else moment + (HALF_HOUR - past)


def _earliest(
    start: datetime, until: datetime, length: timedelta, manager: WorkingTime, report: WorkingTime
) -> datetime | None:
    """The first half-hour start from `start` whose slot ends by `until` inside both working times."""
    where = zone(manager.tz)
    candidate = _on_half_hour(start, where)
    while candidate + length <= until:
        if _inside(candidate, length, manager) and _inside(candidate, length, report):
            return candidate
        candidate = _on_half_hour(candidate + HALF_HOUR, where)
    return None


def _inside(start: datetime, length: timedelta, when: WorkingTime) -> bool:
    """Whether [start, start + length) lies wholly in the person's working time, on one day of their clock."""
    last = start + length - timedelta(microseconds=1)
    where = zone(when.tz)
    if start.astimezone(where).date() != last.astimezone(where).date():
        return False
    points = [start + SAMPLE * step for step in range(int(length / SAMPLE))] + [last]
    return all(is_working(point, when) for point in points)


# --- the event ------------------------------------------------------------------------------------------


def clean_name(raw: object) -> str | None:
    """A person's name as Slack gave it, fit for a calendar title: no control or format characters (no
    newline, no bidi override), spaces collapsed, at most NAME_MAX characters; None if nothing is left."""
    if not isinstance(raw, str):
        return None
    spaced = "".join(" " if char.isspace() else char for char in raw)  # newlines and tabs too
    kept = "".join(char for char in spaced if not unicodedata.category(char).startswith("C"))
    words = " ".join(kept.split())
    if not words:
        return None
    return words if len(words) <= NAME_MAX else words[: NAME_MAX - len(ELLIPSIS)].rstrip() + ELLIPSIS


def title_for(name: str | None) -> str:
    return TITLE.format(clean_name(name) or FALLBACK_NAME)


def description_for(questions: Sequence[str], *, shared_time: bool = True) -> str:
    """The opening questions of the reminder, and where the event came from. Nothing else."""
    lines = ["Questions to start with:", *(f"• {question}" for question in questions), ""]
    if not shared_time:
        lines += [NO_SHARED_TIME, ""]
    lines.append(FROM_CAREERPLAN)
    text = "\n".join(lines)
    return text if len(text) <= DESCRIPTION_MAX else text[: DESCRIPTION_MAX - len(ELLIPSIS)] + ELLIPSIS


def conversation_event(
    now: datetime,
    due_on: date,
    manager: WorkingTime,
    report: WorkingTime,
    *,
    name: str | None,
    questions: Sequence[str],
) -> CalendarEvent:
    """The event the reminder's links open. Only the report's name and the opening questions go in.

    Without a shared half hour the links still open, at the manager's own next working half hour, saying so.
    """
    start = suggested_slot(now, due_on, manager, report)
    shared = start is not None
    if start is None:
        soonest = now.astimezone(UTC) + NOTICE
        start = _on_half_hour(
            soonest if is_working(soonest, manager) else next_working_start(soonest, manager), zone(manager.tz)
        )
    return CalendarEvent(
        title=title_for(name),
        start=start,
        end=start + timedelta(minutes=SLOT_MINUTES),
        description=description_for(questions, shared_time=shared),
    )


# --- the links ------------------------------------------------------------------------------------------


def google_calendar_url(event: CalendarEvent) -> str:
    """Google Calendar's event template: action=TEMPLATE, text, dates=START/END as YYYYMMDDTHHMMSSZ, details."""
    dates = f"{_compact_utc(event.start)}/{_compact_utc(event.end)}"

    def build(details: str) -> str:
        return _url(
            GOOGLE_BASE, [("action", "TEMPLATE"), ("text", event.title), ("dates", dates), ("details", details)]
        )

    return _fitted(build, event.description)


def outlook_calendar_url(event: CalendarEvent) -> str:
    """Outlook on the web's compose deep link: path, rru=addevent, subject, startdt/enddt as
    YYYY-MM-DDTHH:MM:SSZ, body. Works on desktop and mobile browsers (outlook.office.com: work accounts)."""
    fixed = [
        ("path", "/calendar/action/compose"),
        ("rru", "addevent"),
        ("subject", event.title),
        ("startdt", _iso_utc(event.start)),
        ("enddt", _iso_utc(event.end)),
    ]

    def build(body: str) -> str:
        return _url(OUTLOOK_BASE, [*fixed, ("body", body)])

    return _fitted(build, event.description)


def _compact_utc(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def _iso_utc(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _url(base: str, params: list[tuple[str, str]]) -> str:
    # Everything percent-encoded but ":" and "/", which a query may hold as they are (RFC 3986), so the dates and
    # Outlook's path read as in the documented examples. %20 for a space, not "+": Outlook shows a "+" literally
    # when it re-encodes the link at sign-in.
    return f"{base}?{urlencode(params, quote_via=quote, safe=URL_SAFE)}"


def _fitted(build: Callable[[str], str], description: str) -> str:
    """The url with as much of the description as keeps it within URL_MAX characters."""
    url = build(description)
    if len(url) <= URL_MAX:
        return url
    budget = URL_MAX - len(build(""))
    kept: list[str] = []
    used = len(quote(ELLIPSIS, safe=URL_SAFE))
    for char in description:
        cost = len(quote(char, safe=URL_SAFE))
        if used + cost > budget:
            break
        kept.append(char)
        used += cost
    return build("".join(kept) + ELLIPSIS)
