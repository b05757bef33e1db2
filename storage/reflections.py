"""Storage of reflections (F2): each set of answers is kept with its date."""

from __future__ import annotations

from collections.abc import Collection
from datetime import UTC, datetime

from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import Session

from bot.career.reflection import Direction, Reflection, SavedReflection, Why
from storage.models import ReflectionEntry


def add_reflection(session: Session, person_id: int, reflection: Reflection, now: datetime) -> SavedReflection:
    session.add(
        ReflectionEntry(
            person_id=person_id,
            created_at=now,
            energy=reflection.energy,
            year_from_now=reflection.year_from_now,
            why=",".join(reason.value for reason in reflection.why),
            why_words=reflection.why_words,
            direction=None if reflection.direction is None else reflection.direction.value,
        )
    )
    session.flush()
    return SavedReflection(reflection=reflection, saved_at=now)


def latest_reflection(session: Session, person_id: int) -> SavedReflection | None:
    row = session.scalar(
        select(ReflectionEntry)
        .where(ReflectionEntry.person_id == person_id)
        .order_by(ReflectionEntry.created_at.desc(), ReflectionEntry.id.desc())
        .limit(1)
    )
    return None if row is None else _saved(row)


def latest_directions(session: Session, person_ids: Collection[int]) -> dict[int, Direction | None]:
    """Which way the latest reflection of each of these people leans (by person id; None: it says not; those who
    never reflected left out), in one read that loads none of their words."""
    if not person_ids:
        return {}
    rows = session.execute(_LATEST_DIRECTIONS, {"people": list(person_ids)})
    return {person_id: _direction(direction) for person_id, direction in rows}


_RANKED = (
    select(
        ReflectionEntry.person_id,
        ReflectionEntry.direction,
        func.row_number()
        .over(
            partition_by=ReflectionEntry.person_id,
            order_by=(ReflectionEntry.created_at.desc(), ReflectionEntry.id.desc()),
        )
        .label("rank"),
    )
    .where(ReflectionEntry.person_id.in_(bindparam("people", expanding=True)))
    .subquery()
)
_LATEST_DIRECTIONS = select(_RANKED.c.person_id, _RANKED.c.direction).where(_RANKED.c.rank == 1)


def reflections_of(session: Session, person_id: int) -> list[SavedReflection]:
    """All of the person's reflections, oldest first."""
    rows = session.scalars(
        select(ReflectionEntry)
        .where(ReflectionEntry.person_id == person_id)
        .order_by(ReflectionEntry.created_at, ReflectionEntry.id)
    )
    return [_saved(row) for row in rows]


def _saved(row: ReflectionEntry) -> SavedReflection:
    why = tuple(Why(value) for value in row.why.split(",") if value in Why.__members__.values())
    reflection = Reflection(
        energy=row.energy,
        year_from_now=row.year_from_now,
        why=why,
        why_words=row.why_words,
        direction=_direction(row.direction),
    )
    moment = row.created_at if row.created_at.tzinfo is not None else row.created_at.replace(tzinfo=UTC)
    return SavedReflection(reflection=reflection, saved_at=moment)


def _direction(value: str | None) -> Direction | None:
    return None if value is None else Direction(value)
