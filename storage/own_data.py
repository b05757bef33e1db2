"""F7: erasing a person's answers. Reporting lines (and, later, conversation dates) stay for the cadence."""

from __future__ import annotations

from sqlalchemy import Delete, Update, delete, func, select, update
from sqlalchemy.orm import Session

from storage.models import PlanDraft, PlanGap, PlanStep, PlanVersion, ReflectionEntry, ReportingLine

# Keys of erase_answers' result, in the order people read them.
ERASED_KEYS = ("plan_versions", "plan_steps", "plan_gaps", "plan_drafts", "reflections", "shares_stopped")


def erase_answers(session: Session, person_id: int) -> dict[str, int]:
    """Delete every answer the person gave; return how many rows went, per table.

    THE one place to extend when a table gains the person's words: every such table must be
    cleared here (the scheduler's conversations table will keep its dates and lose its notes).

    Removed: plan_versions with their plan_steps and plan_gaps (by ON DELETE CASCADE, which SQLite
    enforces because storage.db turns foreign keys on), plan_drafts and reflections. Kept: the
    person, their reporting lines (so the cadence goes on) with sharing switched off, so a plan
    written later is not shown to a manager without a fresh choice ("shares_stopped" counts those).
    """
    versions = select(PlanVersion.id).where(PlanVersion.person_id == person_id).scalar_subquery()
    # Counted before the cascade removes them, so the person is told exactly what went.
    steps = session.scalar(select(func.count()).select_from(PlanStep).where(PlanStep.plan_version_id.in_(versions)))
    gaps = session.scalar(select(func.count()).select_from(PlanGap).where(PlanGap.plan_version_id.in_(versions)))
    return {
        "plan_versions": _rows(session, delete(PlanVersion).where(PlanVersion.person_id == person_id)),
        "plan_steps": steps or 0,
        "plan_gaps": gaps or 0,
        "plan_drafts": _rows(session, delete(PlanDraft).where(PlanDraft.person_id == person_id)),
        "reflections": _rows(session, delete(ReflectionEntry).where(ReflectionEntry.person_id == person_id)),
        "shares_stopped": _rows(
            session,
            update(ReportingLine)
            .where(ReportingLine.report_id == person_id, ReportingLine.shared_at.is_not(None))
            .values(shared_at=None),
        ),
    }


def _rows(session: Session, statement: Delete | Update) -> int:
    # synchronize_session=False: the rows go by id only; nothing loaded in this session refers to them.
    result = session.execute(statement, execution_options={"synchronize_session": False})
    return int(getattr(result, "rowcount", 0) or 0)
