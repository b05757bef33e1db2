"""Storage of reporting lines, behind small functions that return bot.career.lines.Line."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Row, Select, bindparam, func, select, update
from sqlalchemy.orm import Session, aliased

from bot.career.cadence import first_due
from bot.career.lines import EndReason, Line, LineStatus, RequestedBy
from storage.db import as_utc
from storage.models import Person, ReportingLine
from storage.nudges import cancel_open

_Report = aliased(Person, name="report")
_Manager = aliased(Person, name="manager")


def lines_query() -> Select[ReportingLine, str, str, str]:
    """Lines with their team and both people's Slack ids; map each row with `to_line`."""
    return (
        select(ReportingLine, _Report.team_id, _Report.slack_user_id, _Manager.slack_user_id)
        .join(_Report, _Report.id == ReportingLine.report_id)
        .join(_Manager, _Manager.id == ReportingLine.manager_id)
    )


def to_line(found: Row[ReportingLine, str, str, str]) -> Line:
    row, team_id, report, manager = found
    return Line(
        id=row.id,
        team_id=team_id,
        report=report,
        manager=manager,
        status=LineStatus(row.status),
        requested_by=RequestedBy(row.requested_by),
        started_on=row.started_on,
        cadence_months=row.cadence_months,
        shared=row.shared_at is not None,
        next_due_on=row.next_due_on,
        last_held_on=row.last_held_on,
    )


def _one(session: Session, query: Select[ReportingLine, str, str, str]) -> Line | None:
    found = session.execute(query.limit(1)).first()
    return None if found is None else to_line(found)


def get_line(session: Session, line_id: int) -> Line | None:
    return _one(session, lines_query().where(ReportingLine.id == line_id))


def active_line_of(session: Session, report_id: int) -> Line | None:
    """The report's current manager, if any."""
    return _one(
        session,
        lines_query().where(ReportingLine.report_id == report_id, ReportingLine.status == LineStatus.ACTIVE.value),
    )


def line_between(session: Session, report_id: int, manager_id: int, status: LineStatus) -> Line | None:
    return _one(
        session,
        lines_query().where(
            ReportingLine.report_id == report_id,
            ReportingLine.manager_id == manager_id,
            ReportingLine.status == status.value,
        ),
    )


def last_declined_at(session: Session, report_id: int, manager_id: int, asked_by: RequestedBy) -> datetime | None:
    """When the invited person last declined this request (the same pair, asked the same way), if ever."""
    return as_utc(
        session.scalar(
            select(func.max(ReportingLine.ended_at)).where(
                ReportingLine.report_id == report_id,
                ReportingLine.manager_id == manager_id,
                ReportingLine.requested_by == asked_by.value,
                ReportingLine.status == LineStatus.DECLINED.value,
                ReportingLine.end_reason == EndReason.DECLINED.value,
            )
        )
    )


def open_requests_made_by(session: Session, person_id: int) -> int:
    """How many of the person's own requests (to be someone's report, or their manager) await an answer."""
    return int(
        session.scalar(
            select(func.count())
            .select_from(ReportingLine)
            .where(
                ReportingLine.status == LineStatus.PENDING.value,
                ((ReportingLine.requested_by == RequestedBy.REPORT.value) & (ReportingLine.report_id == person_id))
                | ((ReportingLine.requested_by == RequestedBy.MANAGER.value) & (ReportingLine.manager_id == person_id)),
            )
        )
        or 0
    )


def reports_of(session: Session, manager_id: int) -> list[Line]:
    """The manager's active lines, oldest first."""
    rows = session.execute(
        lines_query()
        .where(ReportingLine.manager_id == manager_id, ReportingLine.status == LineStatus.ACTIVE.value)
        .order_by(ReportingLine.started_on, ReportingLine.id)
    )
    return [to_line(row) for row in rows]


def reports_with_ids(session: Session, manager_id: int) -> list[tuple[int, Line]]:
    """The manager's active lines, each with its report's person id (to read what the report shares). Plain
    columns: a manager's Home reads every line, and hundreds of ORM objects would show."""
    rows = session.execute(_REPORTS_WITH_IDS, {"manager": manager_id})
    return [
        (
            row.report_id,
            Line(
                id=row.id,
                team_id=row.team_id,
                report=row.report,
                manager=row.manager,
                status=LineStatus(row.status),
                requested_by=RequestedBy(row.requested_by),
                started_on=row.started_on,
                cadence_months=row.cadence_months,
                shared=row.shared_at is not None,
                next_due_on=row.next_due_on,
                last_held_on=row.last_held_on,
            ),
        )
        for row in rows
    ]


_REPORTS_WITH_IDS = (
    select(
        ReportingLine.id,
        ReportingLine.report_id,
        _Report.team_id,
        _Report.slack_user_id.label("report"),
        _Manager.slack_user_id.label("manager"),
        ReportingLine.status,
        ReportingLine.requested_by,
        ReportingLine.started_on,
        ReportingLine.cadence_months,
        ReportingLine.shared_at,
        ReportingLine.next_due_on,
        ReportingLine.last_held_on,
    )
    .join(_Report, _Report.id == ReportingLine.report_id)
    .join(_Manager, _Manager.id == ReportingLine.manager_id)
    .where(ReportingLine.manager_id == bindparam("manager"), ReportingLine.status == LineStatus.ACTIVE.value)
    .order_by(ReportingLine.id)
)


def pending_lines_of(session: Session, person_id: int) -> list[Line]:
    """Open requests the person made or is asked to answer, oldest first."""
    rows = session.execute(
        lines_query()
        .where(
            (ReportingLine.report_id == person_id) | (ReportingLine.manager_id == person_id),
            ReportingLine.status == LineStatus.PENDING.value,
        )
        .order_by(ReportingLine.requested_at, ReportingLine.id)
    )
    return [to_line(row) for row in rows]


def manager_user_of(session: Session, team_id: str, user_id: str) -> str | None:
    """The Slack user id of the person's active manager (for walking a management chain)."""
    return session.scalar(
        select(_Manager.slack_user_id)
        .select_from(ReportingLine)
        .join(_Report, _Report.id == ReportingLine.report_id)
        .join(_Manager, _Manager.id == ReportingLine.manager_id)
        .where(
            _Report.team_id == team_id,
            _Report.slack_user_id == user_id,
            ReportingLine.status == LineStatus.ACTIVE.value,
        )
    )


def add_line(
    session: Session,
    report_id: int,
    manager_id: int,
    *,
    requested_by: RequestedBy,
    cadence_months: int,
    now: datetime,
    started_on: date | None = None,
) -> Line:
    """A new pending request, or (with `started_on`, for an admin import) an active line.

    An active line ends the report's current one; call `end_active_line` first.
    """
    row = ReportingLine(
        report_id=report_id,
        manager_id=manager_id,
        status=(LineStatus.ACTIVE if started_on is not None else LineStatus.PENDING).value,
        requested_by=requested_by.value,
        requested_at=now,
        started_on=started_on,
        cadence_months=cadence_months,
        **(_new_schedule(started_on) if started_on is not None else {}),
    )
    session.add(row)
    session.flush()
    if started_on is not None:
        _supersede_pending(session, report_id, manager_id, now)
    line = get_line(session, row.id)
    assert line is not None
    return line


def set_request_message(session: Session, line_id: int, channel: str, ts: str) -> None:
    session.execute(
        update(ReportingLine).where(ReportingLine.id == line_id).values(request_channel=channel, request_ts=ts)
    )


def request_message(session: Session, line_id: int) -> tuple[str, str] | None:
    found = session.execute(
        select(ReportingLine.request_channel, ReportingLine.request_ts).where(ReportingLine.id == line_id)
    ).first()
    if found is None or found[0] is None or found[1] is None:
        return None
    return found[0], found[1]


def end_active_line(session: Session, report_id: int, reason: EndReason, now: datetime) -> Line | None:
    """End the report's active line, if any; its manager loses access at once. Returns the ended line."""
    line = active_line_of(session, report_id)
    if line is None:
        return None
    session.execute(
        update(ReportingLine)
        .where(ReportingLine.id == line.id, ReportingLine.status == LineStatus.ACTIVE.value)
        .values(status=LineStatus.ENDED.value, ended_at=now, end_reason=reason.value, next_nudge_on=None)
    )
    # Nudges about this line would now reach a manager who has lost access: they never go.
    cancel_open(session, line.id)
    return line


def end_lines_of(session: Session, person_id: int, reason: EndReason, now: datetime) -> list[Line]:
    """End every active line and close every open request where the person is the report or the manager, and
    cancel the reminders those lines still owe. Returns the lines as they were (active or pending), oldest
    first; none when there was nothing left to end, so doing it twice changes nothing the second time."""
    rows = session.execute(
        lines_query()
        .where(
            (ReportingLine.report_id == person_id) | (ReportingLine.manager_id == person_id),
            ReportingLine.status.in_([LineStatus.ACTIVE.value, LineStatus.PENDING.value]),
        )
        .order_by(ReportingLine.id)
    )
    ended: list[Line] = []
    for line in (to_line(row) for row in rows):
        closed = LineStatus.ENDED if line.status is LineStatus.ACTIVE else LineStatus.DECLINED
        result = session.execute(
            update(ReportingLine)
            .where(ReportingLine.id == line.id, ReportingLine.status == line.status.value)
            .values(status=closed.value, ended_at=now, end_reason=reason.value, next_nudge_on=None)
        )
        if getattr(result, "rowcount", 0):  # not ended meanwhile by another copy handling the same event
            cancel_open(session, line.id)
            ended.append(line)
    return ended


def activate(session: Session, line_id: int, started_on: date, now: datetime) -> bool:
    """Make a pending line active (the caller has ended the report's old line). False if no longer pending."""
    result = session.execute(
        update(ReportingLine)
        .where(ReportingLine.id == line_id, ReportingLine.status == LineStatus.PENDING.value)
        .values(status=LineStatus.ACTIVE.value, started_on=started_on, **_new_schedule(started_on))
    )
    return bool(getattr(result, "rowcount", 0))


def decline(session: Session, line_id: int, now: datetime, reason: EndReason = EndReason.DECLINED) -> bool:
    """Close a pending request. False if it was no longer pending."""
    result = session.execute(
        update(ReportingLine)
        .where(ReportingLine.id == line_id, ReportingLine.status == LineStatus.PENDING.value)
        .values(status=LineStatus.DECLINED.value, ended_at=now, end_reason=reason.value)
    )
    return bool(getattr(result, "rowcount", 0))


def set_shared(session: Session, line_id: int, shared: bool, now: datetime) -> bool:
    """Share (or stop sharing) the report's answers with this active line's manager. False if not active."""
    result = session.execute(
        update(ReportingLine)
        .where(ReportingLine.id == line_id, ReportingLine.status == LineStatus.ACTIVE.value)
        .values(shared_at=now if shared else None)
    )
    return bool(getattr(result, "rowcount", 0))


def update_terms(session: Session, line_id: int, *, started_on: date, cadence_months: int) -> None:
    """A corrected start date or cadence (admin import). Before any conversation, the first-month clock
    restarts from the new start; after one, the next due date stays where that conversation put it."""
    session.execute(
        update(ReportingLine)
        .where(ReportingLine.id == line_id)
        .values(started_on=started_on, cadence_months=cadence_months)
    )
    session.execute(
        update(ReportingLine)
        .where(
            ReportingLine.id == line_id,
            ReportingLine.status == LineStatus.ACTIVE.value,
            ReportingLine.last_held_on.is_(None),
            ReportingLine.last_skipped_on.is_(None),
            ReportingLine.next_due_on != first_due(started_on),
        )
        .values(**_new_schedule(started_on))
    )


def _new_schedule(started_on: date) -> dict[str, date]:
    """A line's schedule on the day it starts: first conversation due in 30 days, first nudge that day."""
    return {"next_due_on": first_due(started_on), "next_nudge_on": started_on}


def _supersede_pending(session: Session, report_id: int, manager_id: int, now: datetime) -> None:
    session.execute(
        update(ReportingLine)
        .where(
            ReportingLine.report_id == report_id,
            ReportingLine.manager_id == manager_id,
            ReportingLine.status == LineStatus.PENDING.value,
        )
        .values(status=LineStatus.ENDED.value, ended_at=now, end_reason=EndReason.SUPERSEDED.value)
    )
