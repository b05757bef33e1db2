"""Storage of workspaces: inactive while the app is uninstalled or its token revoked, and erased on request.

An inactive workspace keeps every row; the sweep's queries (storage/nudges.py) leave it out. Every function
takes the caller's Session and returns plain values.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, delete, func, select, update
from sqlalchemy.orm import Session

from bot.career.people import InactiveReason
from storage import requests
from storage.db import as_utc
from storage.models import Conversation, Nudge, Person, PlanVersion, ReflectionEntry, ReportingLine, Workspace

_WORKSPACES = cast(Table, Workspace.__table__)


@dataclass(frozen=True)
class Inactive:
    since: datetime
    reason: InactiveReason


def mark_inactive(session: Session, team_id: str, reason: InactiveReason, now: datetime) -> bool:
    """The workspace's bot token is dead: the sweep leaves it alone from now on. False if it was inactive
    already (a replayed event keeps the first moment and reason) or careerplan never met the workspace."""
    result = session.execute(
        update(_WORKSPACES)
        .where(_WORKSPACES.c.team_id == team_id, _WORKSPACES.c.inactive_since.is_(None))
        .values(inactive_since=as_utc(now), inactive_reason=reason.value)
    )
    return _count(result) == 1


def reactivate(session: Session, team_id: str) -> bool:
    """The app works in the workspace again (a reinstall): whether it was inactive until now."""
    result = session.execute(
        update(_WORKSPACES)
        .where(_WORKSPACES.c.team_id == team_id, _WORKSPACES.c.inactive_since.is_not(None))
        .values(inactive_since=None, inactive_reason=None)
    )
    return _count(result) == 1


def inactive(session: Session, team_id: str) -> Inactive | None:
    """Since when and why the workspace is inactive; None if it is active (or unknown)."""
    found = session.execute(
        select(Workspace.inactive_since, Workspace.inactive_reason).where(Workspace.team_id == team_id)
    ).first()
    since, reason = found if found is not None else (None, None)
    if since is None:
        return None
    return Inactive(as_utc(since), InactiveReason(reason or InactiveReason.UNINSTALLED))


def inactive_teams(session: Session) -> list[str]:
    """Every inactive workspace's team id (few, usually none): what the sweep's queries leave out."""
    return list(session.scalars(select(Workspace.team_id).where(Workspace.inactive_since.is_not(None))))


@dataclass(frozen=True)
class Contents:
    """How many rows of each kind a workspace holds (what purging it erases)."""

    people: int
    plans: int  # plan versions
    reflections: int
    lines: int  # reporting lines, pending, active and ended
    conversations: int  # held or skipped
    nudges: int


def contents(session: Session, team_id: str) -> Contents | None:
    """What the workspace holds; None if careerplan has no such workspace."""
    if session.get(Workspace, team_id) is None:
        return None
    people = select(Person.id).where(Person.team_id == team_id).scalar_subquery()
    lines = select(ReportingLine.id).where(ReportingLine.report_id.in_(people)).scalar_subquery()

    def count(query: Any) -> int:
        return int(session.scalar(query) or 0)

    return Contents(
        people=count(select(func.count()).select_from(Person).where(Person.team_id == team_id)),
        plans=count(select(func.count()).select_from(PlanVersion).where(PlanVersion.person_id.in_(people))),
        reflections=count(
            select(func.count()).select_from(ReflectionEntry).where(ReflectionEntry.person_id.in_(people))
        ),
        lines=count(select(func.count()).select_from(ReportingLine).where(ReportingLine.report_id.in_(people))),
        conversations=count(select(func.count()).select_from(Conversation).where(Conversation.line_id.in_(lines))),
        nudges=count(select(func.count()).select_from(Nudge).where(Nudge.line_id.in_(lines))),
    )


def purge(session: Session, team_id: str) -> Contents | None:
    """Erase the workspace and everything under it (the foreign keys cascade: people, their plans, drafts and
    reflections, their lines with the conversations, experiments and nudges). What it held; None if unknown."""
    held = contents(session, team_id)
    if held is None:
        return None
    session.execute(delete(_WORKSPACES).where(_WORKSPACES.c.team_id == team_id))
    requests.forget_workspace(session, team_id)  # no foreign key: a request may come before its workspace row
    return held


def _count(result: Any) -> int:
    return int(getattr(result, "rowcount", 0) or 0)
