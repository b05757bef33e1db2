"""Storage of reflections (F2): each set of answers is kept with its date."""

from __future__ import annotations

from collections.abc import Collection
from datetime import UTC, datetime

from sqlalchemy import func, select
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


def latest_reflections(session: Session, person_ids: Collection[int]) -> dict[int, SavedReflection]:
    """The latest reflection of each of these people (by person id; those without one left out), in one read."""
    if not person_ids:
        return {}
    ranked = (
        select(
            ReflectionEntry.id,
            func.row_number()
            .over(
                partition_by=ReflectionEntry.person_id,
                order_by=(ReflectionEntry.created_at.desc(), ReflectionEntry.id.desc()),
            )
            .label("rank"),
        )
        .where(ReflectionEntry.person_id.in_(list(person_ids)))
        .subquery()
    )
    rows = session.scalars(
        select(ReflectionEntry).join(ranked, ranked.c.id == ReflectionEntry.id).where(ranked.c.rank == 1)
    )
    return {row.person_id: _saved(row) for row in rows}


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
        direction=None if row.direction is None else Direction(row.direction),
    )
    moment = row.created_at if row.created_at.tzinfo is not None else row.created_at.replace(tzinfo=UTC)
    return SavedReflection(reflection=reflection, saved_at=moment)
