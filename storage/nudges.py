"""Storage of the nudges the scheduler owes: enqueue, claim, record, snooze, cancel. Domain objects out.

Every state change is a conditional UPDATE whose WHERE names the state it expects, so two sweepers (or a
sweeper and a click) racing on one row can never both win: the loser's update matches no row.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session, aliased

from bot.career.cadence import Audience, NudgeKind, NudgeStatus
from storage.models import Nudge, Person, ReportingLine

_Recipient = aliased(Person, name="recipient")


@dataclass(frozen=True)
class NudgeRef:
    """A nudge, as a button click needs it: which line and due date it is about, and for whom."""

    id: int
    line_id: int
    kind: NudgeKind
    due_on: date
    audience: Audience
    recipient: str  # Slack user id
    team_id: str
    status: NudgeStatus
    channel: str | None
    ts: str | None


OPEN_STATUSES = (NudgeStatus.PENDING.value, NudgeStatus.SENDING.value)


def get_nudge(session: Session, nudge_id: int) -> NudgeRef | None:
    found = session.execute(
        select(Nudge, _Recipient.slack_user_id, _Recipient.team_id)
        .join(_Recipient, _Recipient.id == Nudge.recipient_id)
        .where(Nudge.id == nudge_id)
    ).first()
    if found is None:
        return None
    row, recipient, team_id = found
    return NudgeRef(
        id=row.id,
        line_id=row.line_id,
        kind=NudgeKind(row.kind),
        due_on=row.due_on,
        audience=Audience(row.audience),
        recipient=recipient,
        team_id=team_id,
        status=NudgeStatus(row.status),
        channel=row.channel,
        ts=row.ts,
    )


def snooze(session: Session, nudge_id: int, until: datetime, next_nudge_on: date | None) -> bool:
    """Send this (already sent) nudge again at `until`, and look for the line's next stage only from
    `next_nudge_on` on. False if it is not a sent nudge any more (snoozed already, or superseded)."""
    result = session.execute(
        update(Nudge)
        .where(Nudge.id == nudge_id, Nudge.status == NudgeStatus.SENT.value)
        .values(status=NudgeStatus.PENDING.value, not_before=until, lease_until=None, snoozes=Nudge.snoozes + 1)
    )
    if not getattr(result, "rowcount", 0):
        return False
    line_id = select(Nudge.line_id).where(Nudge.id == nudge_id).scalar_subquery()
    session.execute(update(ReportingLine).where(ReportingLine.id == line_id).values(next_nudge_on=next_nudge_on))
    return True


def cancel_open(session: Session, line_id: int, *, kinds: tuple[NudgeKind, ...] | None = None) -> int:
    """Cancel the line's nudges not sent yet (a conversation was logged or skipped, or the line ended)."""
    query = update(Nudge).where(Nudge.line_id == line_id, Nudge.status.in_(OPEN_STATUSES))
    if kinds is not None:
        query = query.where(Nudge.kind.in_([kind.value for kind in kinds]))
    result = session.execute(query.values(status=NudgeStatus.CANCELLED.value, lease_until=None))
    return int(getattr(result, "rowcount", 0) or 0)
