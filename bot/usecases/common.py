"""What every use case shares: who is acting, the clock, a refusal, row ids from clicked values, and the
acting person's today."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy.orm import Session

from bot.career.cadence import local_day
from storage import people

Clock = Callable[[], datetime]

SLACK_USER_ID = re.compile(r"^[UW][A-Z0-9]{2,20}$")
ROW_ID = re.compile(r"[0-9]{1,10}")
# Ids are INTEGER columns: PostgreSQL refuses (with an error, not "no row") a bigger number in a WHERE.
MAX_ROW_ID = 2**31 - 1


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class Who:
    """The person acting and their workspace, as the platform's payload says (never from a button value)."""

    team_id: str
    user_id: str


@dataclass(frozen=True)
class Refused:
    """The action is not allowed or no longer makes sense; nothing changed. `message` is safe to show."""

    message: str


def row_id(value: object) -> int | None:
    """A row id from a button value or modal metadata: digits only, never more than a database holds."""
    text = value.strip() if isinstance(value, str) else ""
    if not ROW_ID.fullmatch(text):
        return None
    number = int(text)
    return number if 0 < number <= MAX_ROW_ID else None


def mention(user_id: str) -> str:
    """How a refusal or note names a person (Slack shows it as their name)."""
    return f"<@{user_id}>"


def today_of(session: Session, person_id: int, now: datetime) -> date:
    """Today where the person is (their Slack time zone when known), else in UTC."""
    return local_day(now, people.person_tz(session, person_id))
