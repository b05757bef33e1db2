"""Storage of plan versions and wizard drafts, behind small functions.

Every function takes the caller's Session (one unit of work per listener call) and returns
domain objects from bot.career, never ORM rows, so nothing outside storage touches SQLAlchemy.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import bindparam, delete, func, select
from sqlalchemy.orm import Session, selectinload

from bot.career.bench import PlanGlance
from bot.career.plan import ClosedGap, Goal, GoalKind, Plan, PlanForm, SavedPlan, Step
from storage.db import as_utc
from storage.models import Person, PlanDraft, PlanGap, PlanStep, PlanVersion

DRAFT_LIFETIME = timedelta(days=2)


# Built once: these run between a slash command's ack and its views.open, where even building a statement
# shows. Plain column reads, no ORM objects.
_VERSION_COLUMNS = (
    PlanVersion.id,
    PlanVersion.version,
    PlanVersion.created_at,
    PlanVersion.goal_kind,
    PlanVersion.goal_text,
    PlanVersion.goal_target,
    PlanVersion.goal_target_text,
    PlanVersion.goal_is_own_want,
    PlanVersion.goal_fits_values,
    PlanVersion.year_from_now,
    PlanVersion.focus_since,
)
_LATEST_VERSION = (
    select(*_VERSION_COLUMNS)
    .where(PlanVersion.person_id == bindparam("person"))
    .order_by(PlanVersion.version.desc())
    .limit(1)
)
_LATEST_VERSION_OF_USER = (
    select(*_VERSION_COLUMNS)
    .where(
        PlanVersion.person_id
        == select(Person.id)
        .where(Person.team_id == bindparam("team"), Person.slack_user_id == bindparam("user"))
        .scalar_subquery()
    )
    .order_by(PlanVersion.version.desc())
    .limit(1)
)
_STEPS = (
    select(PlanStep.title, PlanStep.target, PlanStep.target_text, PlanStep.done)
    .where(PlanStep.plan_version_id == bindparam("version"))
    .order_by(PlanStep.position)
)
_GAPS = (
    select(PlanGap.description, PlanGap.closed_on, PlanGap.note)
    .where(PlanGap.plan_version_id == bindparam("version"))
    .order_by(PlanGap.position)
)


def latest_plan(session: Session, person_id: int) -> SavedPlan | None:
    return _latest_plan(session, session.execute(_LATEST_VERSION, {"person": person_id}).first())


def latest_plan_of(session: Session, team_id: str, user_id: str) -> SavedPlan | None:
    """The latest plan of a Slack user, in one read less than finding their person id first."""
    return _latest_plan(session, session.execute(_LATEST_VERSION_OF_USER, {"team": team_id, "user": user_id}).first())


def _latest_plan(session: Session, version: Any) -> SavedPlan | None:
    if version is None:
        return None
    steps = session.execute(_STEPS, {"version": version.id})
    gaps = session.execute(_GAPS, {"version": version.id})
    return _saved_plan(version, steps, gaps)


def plan_glances(session: Session, person_ids: Collection[int]) -> dict[int, PlanGlance]:
    """A glance at the latest plan of each of these people (by person id; those without a plan left out): its
    next step and its focus gap with since when, and nothing else of it. Three reads whatever their number."""
    if not person_ids:
        return {}
    versions = session.execute(_GLANCE_VERSIONS, {"people": list(person_ids)}).all()
    if not versions:
        return {}
    version_ids = [version.id for version in versions]
    next_steps: dict[int, Step] = {}
    for step in session.execute(_GLANCE_STEPS, {"versions": version_ids}):
        next_steps.setdefault(step.plan_version_id, Step(step.title, step.target, step.target_text))
    focus = dict(session.execute(_GLANCE_FOCUS, {"versions": version_ids}).all())
    return {
        version.person_id: PlanGlance(
            next_steps.get(version.id),
            focus.get(version.id),
            _focus_since(version.focus_since, as_utc(version.created_at)) if version.id in focus else None,
        )
        for version in versions
    }


_NEWEST_VERSIONS = (
    select(PlanVersion.person_id, func.max(PlanVersion.version).label("version"))
    .where(PlanVersion.person_id.in_(bindparam("people", expanding=True)))
    .group_by(PlanVersion.person_id)
    .subquery()
)
_GLANCE_VERSIONS = select(PlanVersion.id, PlanVersion.person_id, PlanVersion.focus_since, PlanVersion.created_at).join(
    _NEWEST_VERSIONS,
    (PlanVersion.person_id == _NEWEST_VERSIONS.c.person_id) & (PlanVersion.version == _NEWEST_VERSIONS.c.version),
)
_GLANCE_STEPS = (
    select(PlanStep.plan_version_id, PlanStep.title, PlanStep.target, PlanStep.target_text)
    .where(PlanStep.plan_version_id.in_(bindparam("versions", expanding=True)), PlanStep.done.is_(False))
    .order_by(PlanStep.plan_version_id, PlanStep.position)
)
# The open gaps come first, so the focus, if any gap is open, is at position 0.
_GLANCE_FOCUS = select(PlanGap.plan_version_id, PlanGap.description).where(
    PlanGap.plan_version_id.in_(bindparam("versions", expanding=True)),
    PlanGap.position == 0,
    PlanGap.closed_on.is_(None),
)


def plan_history(session: Session, person_id: int) -> list[SavedPlan]:
    rows = session.scalars(
        select(PlanVersion)
        .where(PlanVersion.person_id == person_id)
        .order_by(PlanVersion.version)
        .options(selectinload(PlanVersion.steps), selectinload(PlanVersion.gaps))
    )
    return [_saved_plan(row, row.steps, row.gaps) for row in rows]


def add_plan_version(session: Session, person_id: int, plan: Plan, now: datetime) -> SavedPlan:
    """Save `plan` as the person's next version; earlier versions are kept as history."""
    latest = session.scalar(select(func.max(PlanVersion.version)).where(PlanVersion.person_id == person_id))
    goal = plan.goal
    row = PlanVersion(
        person_id=person_id,
        version=(latest or 0) + 1,
        created_at=now,
        goal_kind=goal.kind.value,
        goal_text=goal.text,
        goal_target=goal.target,
        goal_target_text=goal.target_text,
        goal_is_own_want=goal.is_own_want,
        goal_fits_values=goal.fits_values,
        year_from_now=goal.year_from_now,
        focus_since=plan.focus_since,
        steps=[
            PlanStep(position=i, title=s.title, target=s.target, target_text=s.target_text, done=s.done)
            for i, s in enumerate(plan.steps)
        ],
        gaps=[
            *(PlanGap(position=i, description=text) for i, text in enumerate(plan.gaps)),
            *(
                PlanGap(position=i, description=gap.description, closed_on=gap.closed_on, note=gap.note)
                for i, gap in enumerate(plan.closed_gaps, start=len(plan.gaps))
            ),
        ],
    )
    session.add(row)
    session.flush()
    return SavedPlan(plan=plan, version=row.version, saved_at=now, id=row.id)


def get_draft(session: Session, person_id: int, root_view_id: str) -> PlanForm | None:
    text = session.scalar(
        select(PlanDraft.form).where(PlanDraft.person_id == person_id, PlanDraft.root_view_id == root_view_id)
    )
    if text is None:
        return None
    try:
        return PlanForm.from_json(text)
    except (ValueError, TypeError, KeyError):
        return None  # a draft from an older release: start again from the saved plan


def put_draft(session: Session, person_id: int, root_view_id: str, form: PlanForm, now: datetime) -> None:
    row = session.scalar(
        select(PlanDraft).where(PlanDraft.person_id == person_id, PlanDraft.root_view_id == root_view_id)
    )
    if row is None:
        session.add(PlanDraft(person_id=person_id, root_view_id=root_view_id, form=form.to_json(), updated_at=now))
    else:
        row.form = form.to_json()
        row.updated_at = now
    purge_old_drafts(session, now)


def purge_old_drafts(session: Session, now: datetime) -> int:
    """Drafts hold answers; those of wizards closed without a word from Slack go after DRAFT_LIFETIME. One
    statement, by the index on updated_at; how many went."""
    result = session.execute(
        delete(PlanDraft).where(PlanDraft.updated_at < now - DRAFT_LIFETIME),
        execution_options={"synchronize_session": False},
    )
    return int(getattr(result, "rowcount", 0) or 0)


def delete_draft(session: Session, person_id: int, root_view_id: str) -> None:
    session.execute(delete(PlanDraft).where(PlanDraft.person_id == person_id, PlanDraft.root_view_id == root_view_id))


def _saved_plan(version: Any, steps: Iterable[Any], gaps: Iterable[Any]) -> SavedPlan:
    """From a plan_versions row (ORM object or plain row) and its steps' and gaps' rows, in order."""
    goal = Goal(
        kind=GoalKind(version.goal_kind),
        text=version.goal_text,
        target=version.goal_target,
        target_text=version.goal_target_text,
        is_own_want=version.goal_is_own_want,
        fits_values=version.goal_fits_values,
        year_from_now=version.year_from_now,
    )
    saved_at = as_utc(version.created_at)
    gap_rows = list(gaps)
    open_gaps = tuple(gap.description for gap in gap_rows if gap.closed_on is None)
    plan = Plan(
        goal=goal,
        steps=tuple(Step(title=s.title, target=s.target, target_text=s.target_text, done=s.done) for s in steps),
        gaps=open_gaps,
        closed_gaps=tuple(
            ClosedGap(gap.description, gap.closed_on, gap.note or "") for gap in gap_rows if gap.closed_on is not None
        ),
        focus_since=_focus_since(version.focus_since, saved_at) if open_gaps else None,
    )
    return SavedPlan(plan=plan, version=version.version, saved_at=saved_at, id=version.id)


def _focus_since(focus_since: date | None, saved_at: datetime) -> date:
    """Since when a version's focus gap is the focus. A version saved before focus dates were kept: its focus
    counts from the day it was saved."""
    return focus_since or saved_at.date()
