"""F7: erasing a person's answers. Reporting lines and conversation dates stay for the cadence."""

from __future__ import annotations

from sqlalchemy import Delete, Update, delete, func, select, update
from sqlalchemy.orm import Session

from storage.models import (
    Conversation,
    Experiment,
    GapAsk,
    GapSuggestion,
    PlanDraft,
    PlanFeedback,
    PlanGap,
    PlanShare,
    PlanStep,
    PlanVersion,
    ReflectionEntry,
    ReportingLine,
)

# Keys of erase_answers' result, in the order people read them.
ERASED_KEYS = (
    "plan_versions",
    "plan_steps",
    "plan_gaps",
    "plan_drafts",
    "reflections",
    "feedback_received",
    "feedback_written",
    "conversation_notes",
    "experiment_descriptions",
    "shares_stopped",
    "plan_shares",
    "gap_suggestions_written",
    "gap_asks",
    "gap_suggestions_received",
)
# The keys that count choices about sharing, not answers the person gave.
SHARING_KEYS = ("shares_stopped", "plan_shares")


def erase_answers(session: Session, person_id: int) -> dict[str, int]:
    """Delete every answer the person gave; return how many rows went, per table.

    THE one place to extend when a table gains the person's words: every such table must be
    cleared here.

    Removed: plan_versions with their plan_steps and plan_gaps (by ON DELETE CASCADE, which SQLite
    enforces because storage.db turns foreign keys on), the feedback others sent on those versions (by the same
    cascade, "feedback_received"), plan_drafts, reflections, and the feedback the person wrote on others' plans
    ("feedback_written": their words, wherever they went). Emptied, on every
    line where the person is the report *or* the manager (a conversation's words are about both):
    conversations' notes and skip reasons ("conversation_notes"), experiments' descriptions
    ("experiment_descriptions"); their dates, kinds and outcomes stay, so the cadence and the
    experiment reminders go on. Kept: the person, their reporting lines with sharing switched off, so a
    plan written later is not shown to a manager without a fresh choice ("shares_stopped" counts those).
    Removed too: every plan share where the person is the owner or the viewer ("plan_shares"), revoked or not,
    so nobody keeps reading a plan written later, and no one's list of viewers still names them.

    Asks for gaps: the person's own asks go ("gap_asks": what they chose to show and their notes), with the
    suggestions they received ("gap_suggestions_received", by cascade); so do the gaps they suggested to others
    ("gap_suggestions_written") and their words of encouragement, while those asks stay their askers'.
    """
    versions = select(PlanVersion.id).where(PlanVersion.person_id == person_id).scalar_subquery()
    # Counted before the cascade removes them, so the person is told exactly what went.
    steps = session.scalar(select(func.count()).select_from(PlanStep).where(PlanStep.plan_version_id.in_(versions)))
    gaps = session.scalar(select(func.count()).select_from(PlanGap).where(PlanGap.plan_version_id.in_(versions)))
    feedback_received = session.scalar(
        select(func.count()).select_from(PlanFeedback).where(PlanFeedback.plan_version_id.in_(versions))
    )
    # Not on their own versions, so no note is counted twice (feedback on one's own plan is refused anyway).
    feedback_written = _rows(
        session,
        delete(PlanFeedback).where(PlanFeedback.author_id == person_id, PlanFeedback.plan_version_id.not_in(versions)),
    )
    lines = (
        select(ReportingLine.id)
        .where((ReportingLine.report_id == person_id) | (ReportingLine.manager_id == person_id))
        .scalar_subquery()
    )
    own_asks = select(GapAsk.id).where(GapAsk.asker_id == person_id).scalar_subquery()
    answered = select(GapAsk.id).where(GapAsk.asked_id == person_id).scalar_subquery()
    received = session.scalar(select(func.count()).select_from(GapSuggestion).where(GapSuggestion.ask_id.in_(own_asks)))
    _rows(
        session, update(GapAsk).where(GapAsk.asked_id == person_id, GapAsk.encouragement != "").values(encouragement="")
    )
    return {
        "plan_versions": _rows(session, delete(PlanVersion).where(PlanVersion.person_id == person_id)),
        "plan_steps": steps or 0,
        "plan_gaps": gaps or 0,
        "plan_drafts": _rows(session, delete(PlanDraft).where(PlanDraft.person_id == person_id)),
        "reflections": _rows(session, delete(ReflectionEntry).where(ReflectionEntry.person_id == person_id)),
        "feedback_received": feedback_received or 0,
        "feedback_written": feedback_written,
        "conversation_notes": _rows(
            session,
            update(Conversation)
            .where(Conversation.line_id.in_(lines), (Conversation.notes != "") | (Conversation.skip_reason != ""))
            .values(notes="", skip_reason=""),
        ),
        "experiment_descriptions": _rows(
            session,
            update(Experiment).where(Experiment.line_id.in_(lines), Experiment.what != "").values(what=""),
        ),
        "shares_stopped": _rows(
            session,
            update(ReportingLine)
            .where(ReportingLine.report_id == person_id, ReportingLine.shared_at.is_not(None))
            .values(shared_at=None),
        ),
        "plan_shares": _rows(
            session, delete(PlanShare).where((PlanShare.owner_id == person_id) | (PlanShare.viewer_id == person_id))
        ),
        "gap_suggestions_written": _rows(session, delete(GapSuggestion).where(GapSuggestion.ask_id.in_(answered))),
        "gap_asks": _rows(session, delete(GapAsk).where(GapAsk.asker_id == person_id)),
        "gap_suggestions_received": received or 0,
    }


def _rows(session: Session, statement: Delete | Update) -> int:
    # synchronize_session=False: the rows go by id only; nothing loaded in this session refers to them.
    result = session.execute(statement, execution_options={"synchronize_session": False})
    return int(getattr(result, "rowcount", 0) or 0)
