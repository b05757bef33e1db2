"""Storage of feedback on plans, behind small functions that return bot.career.feedback.FeedbackNote."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Row, Select, func, select, update
from sqlalchemy.orm import Session, aliased

from bot.career.feedback import FeedbackNote
from storage.db import as_utc
from storage.models import Person, PlanFeedback, PlanVersion

_Report = aliased(Person, name="report")
_Author = aliased(Person, name="author")


def _notes_query() -> Select[int, str, str, int, str, datetime]:
    return (
        select(
            PlanFeedback.id,
            _Report.slack_user_id,
            _Author.slack_user_id,
            PlanVersion.version,
            PlanFeedback.text,
            PlanFeedback.sent_at,
        )
        .join(PlanVersion, PlanVersion.id == PlanFeedback.plan_version_id)
        .join(_Report, _Report.id == PlanVersion.person_id)
        .join(_Author, _Author.id == PlanFeedback.author_id)
    )


def _note(row: Row[int, str, str, int, str, datetime]) -> FeedbackNote:
    note_id, report, author, version, text, sent_at = row
    return FeedbackNote(id=note_id, report=report, author=author, version=version, text=text, sent_at=as_utc(sent_at))


def version_id(session: Session, person_id: int, version: int) -> int | None:
    """The row id of the person's plan version numbered `version`, if they have it."""
    return session.scalar(
        select(PlanVersion.id).where(PlanVersion.person_id == person_id, PlanVersion.version == version)
    )


def current_version(session: Session, person_id: int) -> int | None:
    """The number of the person's current (latest) plan version; None without a plan."""
    return session.scalar(select(func.max(PlanVersion.version)).where(PlanVersion.person_id == person_id))


def add_feedback(session: Session, plan_version_id: int, author_id: int, text: str, now: datetime) -> FeedbackNote:
    row = PlanFeedback(plan_version_id=plan_version_id, author_id=author_id, text=text, sent_at=now)
    session.add(row)
    session.flush()
    found = session.execute(_notes_query().where(PlanFeedback.id == row.id)).one()
    return _note(found)


def set_dm(session: Session, feedback_id: int, channel: str, ts: str) -> None:
    session.execute(update(PlanFeedback).where(PlanFeedback.id == feedback_id).values(dm_channel=channel, dm_ts=ts))


def received(
    session: Session, person_id: int, *, version: int | None = None, limit: int | None = None
) -> list[FeedbackNote]:
    """Feedback on the person's plan (on one version, if given), newest first."""
    query = _notes_query().where(PlanVersion.person_id == person_id)
    if version is not None:
        query = query.where(PlanVersion.version == version)
    query = query.order_by(PlanFeedback.sent_at.desc(), PlanFeedback.id.desc())
    if limit is not None:
        query = query.limit(limit)
    return [_note(row) for row in session.execute(query)]


def written_by(session: Session, author_id: int) -> list[FeedbackNote]:
    """Feedback the person wrote on others' plans, oldest first."""
    query = _notes_query().where(PlanFeedback.author_id == author_id).order_by(PlanFeedback.sent_at, PlanFeedback.id)
    return [_note(row) for row in session.execute(query)]
