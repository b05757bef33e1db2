"""When a person can be sent a reminder: their working days and hours, on their own clock. Pure: no Slack, no SQL.

A reminder goes out only inside its recipient's working time: a working day (Monday to Friday unless they or
the workspace chose otherwise, e.g. Sunday to Thursday), between the start and end of their working hours,
in their Slack time zone. Checked on the instant itself, so daylight-saving changes neither shift nor double one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from typing import Final

from bot.career.cadence import zone

MONDAY_TO_FRIDAY: Final = frozenset(range(5))  # date.weekday() numbers
NINE: Final = time(9, 0)
FIVE: Final = time(17, 0)


@dataclass(frozen=True)
class WorkingTime:
    """One person's working time, resolved: their own settings where they chose, else the workspace's."""

    tz: str | None = None  # IANA zone; None or unknown: UTC
    days: frozenset[int] = MONDAY_TO_FRIDAY
    start: time = NINE
    end: time = FIVE


def is_working(now: datetime, when: WorkingTime) -> bool:
    """Whether `now` (any aware instant) falls inside the person's working time, on their own clock."""
    local = now.astimezone(zone(when.tz))
    return local.weekday() in when.days and when.start <= local.time().replace(tzinfo=None) < when.end


def next_working_start(now: datetime, when: WorkingTime) -> datetime:
    """When the person's next working hours begin after `now`, as a UTC instant, DST included."""
    where = zone(when.tz)
    local = now.astimezone(where)
    for offset in range(8):
        day = local.date() + timedelta(days=offset)
        if day.weekday() not in when.days:
            continue
        begins = datetime.combine(day, when.start, tzinfo=where).astimezone(UTC)
        if begins > now:
            return begins
    return now + timedelta(days=1)  # no working day at all: try again tomorrow
