"""Storage of people: the workspace and person rows the rest hang from, and each person's time zone.

Every function takes the caller's Session and returns plain values, never ORM rows.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import cast

from sqlalchemy import Table, bindparam, exists, select, update
from sqlalchemy.orm import Session

from storage.db import as_utc, one_of, upsert_into
from storage.models import Person, PlanVersion, Workspace

_PEOPLE = cast(Table, Person.__table__)


def find_person_id(session: Session, team_id: str, user_id: str) -> int | None:
    return session.scalar(select(Person.id).where(Person.team_id == team_id, Person.slack_user_id == user_id))


def ensure_person(session: Session, team_id: str, user_id: str, now: datetime) -> int:
    """The person's id, creating the workspace and person rows if needed (safe under concurrency)."""
    _insert_ignoring_conflict(session, Workspace, {"team_id": team_id, "created_at": now})
    _insert_ignoring_conflict(session, Person, {"team_id": team_id, "slack_user_id": user_id, "created_at": now})
    person_id = find_person_id(session, team_id, user_id)
    assert person_id is not None
    return person_id


def person_tz(session: Session, person_id: int) -> str | None:
    return session.scalar(select(Person.tz).where(Person.id == person_id))


@dataclass(frozen=True)
class CachedTz:
    tz: str | None
    checked_at: datetime | None


def get_tz(session: Session, person_id: int) -> CachedTz | None:
    found = session.execute(select(Person.tz, Person.tz_checked_at).where(Person.id == person_id)).first()
    return None if found is None else CachedTz(found[0], as_utc(found[1]))


def set_tz(session: Session, person_id: int, tz: str | None, now: datetime) -> None:
    """Remember the person's Slack time zone (None: unknown, taken as UTC) as checked at `now`."""
    session.execute(update(_PEOPLE).where(_PEOPLE.c.id == person_id).values(tz=tz, tz_checked_at=as_utc(now)))


def set_zones(session: Session, zones: Mapping[int, str | None], now: datetime) -> None:
    """`set_tz` for many people at once (a sweep's lookups): one statement, run for each of them."""
    params = [{"person": person_id, "zone": tz, "checked": as_utc(now)} for person_id, tz in sorted(zones.items())]
    if params:
        session.execute(_SET_ZONE, params)


_SET_ZONE = (
    update(_PEOPLE)
    .where(_PEOPLE.c.id == bindparam("person"))
    .values(tz=bindparam("zone"), tz_checked_at=bindparam("checked"))
)


def claim_welcome(session: Session, person_id: int, now: datetime, *, unless_planned: bool = False) -> bool:
    """Take the person's one welcome (a conditional update: of two events racing, or an event and its replay,
    one wins). `unless_planned`: not for someone who has saved a plan already (they know the bot)."""
    query = update(_PEOPLE).where(_PEOPLE.c.id == person_id, _PEOPLE.c.welcomed_at.is_(None))
    if unless_planned:
        query = query.where(~exists().where(PlanVersion.person_id == _PEOPLE.c.id))
    result = session.execute(query.values(welcomed_at=as_utc(now)))
    return int(getattr(result, "rowcount", 0) or 0) == 1


def release_welcome(session: Session, person_id: int, claimed_at: datetime) -> None:
    """The welcome claimed at `claimed_at` could not be delivered: it is owed again (unless claimed since)."""
    session.execute(
        update(_PEOPLE)
        .where(_PEOPLE.c.id == person_id, _PEOPLE.c.welcomed_at == as_utc(claimed_at))
        .values(welcomed_at=None)
    )


def welcomed_at(session: Session, person_id: int) -> datetime | None:
    return as_utc(session.scalar(select(Person.welcomed_at).where(Person.id == person_id)))


def _insert_ignoring_conflict(
    session: Session, model: type[Workspace] | type[Person], values: dict[str, object]
) -> None:
    session.execute(upsert_into(session, model).values(**values).on_conflict_do_nothing())


def mark_deactivated(session: Session, person_id: int, now: datetime) -> bool:
    """Note that Slack deactivated the person's account (they left). False if it was noted already."""
    result = session.execute(
        update(_PEOPLE)
        .where(_PEOPLE.c.id == person_id, _PEOPLE.c.deactivated_at.is_(None))
        .values(deactivated_at=as_utc(now))
    )
    return bool(getattr(result, "rowcount", 0))


def mark_reactivated(session: Session, person_id: int) -> bool:
    """The account is active again. False if it was not known as deactivated."""
    result = session.execute(
        update(_PEOPLE)
        .where(_PEOPLE.c.id == person_id, _PEOPLE.c.deactivated_at.is_not(None))
        .values(deactivated_at=None)
    )
    return bool(getattr(result, "rowcount", 0))


def deactivated_at(session: Session, team_id: str, user_id: str) -> datetime | None:
    """When the person's account was deactivated, if careerplan knows them and it was."""
    return as_utc(
        session.scalar(select(Person.deactivated_at).where(Person.team_id == team_id, Person.slack_user_id == user_id))
    )


def deactivated_user_ids(session: Session, team_id: str) -> set[str]:
    """The Slack user ids of the workspace's people whose accounts are deactivated (few: one query for all)."""
    return set(
        session.scalars(
            select(Person.slack_user_id).where(Person.team_id == team_id, Person.deactivated_at.is_not(None))
        )
    )


@dataclass(frozen=True)
class Departed:
    person_id: int
    team_id: str
    user_id: str
    deactivated_at: datetime


def departed_before(session: Session, cutoff: datetime) -> list[Departed]:
    """People whose accounts were deactivated before `cutoff`, oldest first."""
    rows = session.execute(
        select(Person.id, Person.team_id, Person.slack_user_id, Person.deactivated_at)
        .where(Person.deactivated_at.is_not(None), Person.deactivated_at < as_utc(cutoff))
        .order_by(Person.deactivated_at, Person.id)
    )
    return [Departed(row[0], row[1], row[2], as_utc(cast(datetime, row[3]))) for row in rows]  # not null, by the where


@dataclass(frozen=True)
class ReminderSettings:
    """A person's own choices for when reminders reach them, as stored; None: the workspace's setting."""

    work_days: str | None = None
    work_hours: str | None = None
    holidays: str | None = None


def reminder_settings(session: Session, person_id: int) -> ReminderSettings:
    found = session.execute(
        select(Person.work_days, Person.work_hours, Person.holidays).where(Person.id == person_id)
    ).first()
    return ReminderSettings() if found is None else ReminderSettings(found[0], found[1], found[2])


def set_reminder_settings(session: Session, person_id: int, settings: ReminderSettings) -> None:
    session.execute(
        update(_PEOPLE)
        .where(_PEOPLE.c.id == person_id)
        .values(work_days=settings.work_days, work_hours=settings.work_hours, holidays=settings.holidays)
    )


def set_away_until(session: Session, person_id: int, until: datetime | None) -> None:
    """Their Slack status says they are away until `until` (then it is read again); None: not away."""
    session.execute(update(_PEOPLE).where(_PEOPLE.c.id == person_id).values(away_until=as_utc(until)))


def set_away(session: Session, away: Mapping[int, datetime | None]) -> None:
    """`set_away_until` for many people at once: one statement, run for each of them."""
    params = [{"person": person_id, "until": as_utc(until)} for person_id, until in sorted(away.items())]
    if params:
        session.execute(_SET_AWAY, params)


_SET_AWAY = update(_PEOPLE).where(_PEOPLE.c.id == bindparam("person")).values(away_until=bindparam("until"))


def claim_zone_lookups(
    session: Session, person_ids: Sequence[int], now: datetime, until: datetime, stale_before: datetime
) -> set[int]:
    """Take the asking of Slack for these people's zones until `until`, for those still to be asked: their zone
    was never learnt or learnt before `stale_before`, or their away status has run out. Returns those taken; the
    others another sweeper is asking now, or has just stored the answer for (for everyone)."""
    if not person_ids:
        return set()
    taken = session.execute(
        update(_PEOPLE)
        .where(
            one_of(session, _PEOPLE.c.id, person_ids),
            _PEOPLE.c.tz_asked_until.is_(None) | (_PEOPLE.c.tz_asked_until <= as_utc(now)),
            _PEOPLE.c.tz_checked_at.is_(None)
            | (_PEOPLE.c.tz_checked_at < as_utc(stale_before))
            | (_PEOPLE.c.away_until <= as_utc(now)),
        )
        .values(tz_asked_until=as_utc(until))
        .returning(_PEOPLE.c.id)
    )
    return set(taken.scalars())


def release_zone_lookups(session: Session, person_ids: Collection[int]) -> None:
    """The lookups this sweeper took are over (answered and stored, or failed): another may ask again when due."""
    if person_ids:
        session.execute(
            update(_PEOPLE).where(one_of(session, _PEOPLE.c.id, sorted(person_ids))).values(tz_asked_until=None)
        )
