"""Storage of the nudges the scheduler owes: enqueue, claim, record, snooze, cancel. Domain objects out.

Every state change is a conditional UPDATE whose WHERE names the state it expects, so two sweepers (or a
sweeper and a click) racing on one row can never both win: the loser's update matches no row.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, cast

from sqlalchemy import Table, bindparam, func, literal_column, null, select, true, tuple_, update
from sqlalchemy.orm import Session, aliased

from bot.career.cadence import CLAIM_LEASE, Audience, ExperimentKind, NudgeKind, NudgeStatus, Outcome
from bot.career.conversation import Experiment as ConversationExperiment
from bot.career.lines import LineStatus
from storage.db import as_utc, upsert_into
from storage.models import Experiment, Nudge, Person, ReportingLine
from storage.workspaces import inactive_teams

_Recipient = aliased(Person, name="recipient")
_Manager = aliased(Person, name="manager")
_ACTIVE = LineStatus.ACTIVE.value
# The sweep's writes go through the tables (SQLAlchemy Core): no ORM bookkeeping per row, for large sweeps.
_LINES = cast(Table, ReportingLine.__table__)
_NUDGES = cast(Table, Nudge.__table__)
_EXPERIMENTS = cast(Table, Experiment.__table__)
_PEOPLE = cast(Table, Person.__table__)
_BATCH = 500  # rows per multi-row insert


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


# --- the sweep: enqueue ---------------------------------------------------------------------------------

# Manager nudges of a due date; a newer one supersedes an older one not sent yet (no burst after downtime).
STAGE_KINDS = tuple(kind.value for kind in NudgeKind if kind is not NudgeKind.EXPERIMENT_ENDED)


@dataclass(frozen=True)
class DueLine:
    """An active line whose next nudge day has (nearly) come: what `cadence.next_stage` needs."""

    id: int
    manager_id: int
    report_id: int
    manager: str  # Slack user id, to ask users.info for their time zone
    manager_tz: str | None
    manager_tz_checked_at: datetime | None
    started_on: date | None
    next_due_on: date
    next_nudge_on: date
    first_cycle: bool


@dataclass(frozen=True)
class NewNudge:
    line_id: int
    kind: NudgeKind
    due_on: date
    audience: Audience
    recipient_id: int


@dataclass(frozen=True)
class EndedExperiments:
    """Unasked experiments of one active line that end on one day: one pair of nudges asks about them."""

    line_id: int
    ends_on: date
    experiment_ids: tuple[int, ...]
    manager_id: int
    report_id: int
    manager: str
    manager_tz: str | None
    manager_tz_checked_at: datetime | None


def _in_active_workspaces(session: Session, person: Any) -> Any:
    """The condition "`person` belongs to a workspace the app is still installed in". None are usually
    inactive: then there is no condition at all, and each query's plan is what it was."""
    inactive = inactive_teams(session)
    return person.team_id.not_in(inactive) if inactive else true()


def lines_to_nudge(session: Session, through: date) -> list[DueLine]:
    """Active lines with `next_nudge_on <= through` (an index range on (status, next_nudge_on)), but none of
    a workspace that uninstalled the app or revoked its token."""
    rows = session.execute(
        select(
            ReportingLine.id,
            ReportingLine.manager_id,
            ReportingLine.report_id,
            _Manager.slack_user_id,
            _Manager.tz,
            _Manager.tz_checked_at,
            ReportingLine.started_on,
            ReportingLine.next_due_on,
            ReportingLine.next_nudge_on,
            (ReportingLine.last_held_on.is_(None) & ReportingLine.last_skipped_on.is_(None)).label("first_cycle"),
        )
        .join(_Manager, _Manager.id == ReportingLine.manager_id)
        .where(
            ReportingLine.status == _ACTIVE,
            ReportingLine.next_nudge_on <= through,
            ReportingLine.next_due_on.is_not(None),
            _in_active_workspaces(session, _Manager),
        )
        .order_by(ReportingLine.id)  # one lock order for every sweeper: no deadlocks between them
    )
    # Plain tuples into the dataclass: a pass may read thousands of rows, and this is most of its reading.
    return [
        # (The query keeps only lines with both days set.)
        DueLine(
            line,
            manager_id,
            report_id,
            manager,
            tz,
            as_utc(checked),
            started,
            cast(date, due),
            cast(date, nudge_on),
            bool(first),
        )
        for line, manager_id, report_id, manager, tz, checked, started, due, nudge_on, first in rows
    ]


@dataclass(frozen=True)
class Move:
    """Move a line's `next_nudge_on` from `old` to `new`, if its due date is still `due_on`."""

    line_id: int
    due_on: date
    old: date
    new: date | None


def advance_lines(session: Session, moves: Sequence[Move]) -> set[int]:
    """Move each line's schedule on, only if nothing changed the line meanwhile (another sweeper, a
    conversation logged or skipped, a snooze, the line ending). Returns the lines this call moved."""
    moved: set[int] = set()
    by_day: dict[date | None, list[Move]] = {}
    for move in moves:
        by_day.setdefault(move.new, []).append(move)
    # One conditional UPDATE per new day (a pass moves most lines to the same few days), in one order for
    # every sweeper. RETURNING names the lines whose (due, old) still matched: the ones this sweeper won.
    # Another sweeper's update of the same line makes this one wait, then not match.
    for new in sorted(by_day, key=lambda day: (day is None, day or date.min)):
        part = by_day[new]
        for start in range(0, len(part), _BATCH):
            batch = part[start : start + _BATCH]
            result = session.execute(
                update(_LINES)
                .where(
                    # No status test: only an active line has a next_nudge_on (ending a line clears it), so a
                    # match on the old day says the line is still active; and naming status here leads
                    # SQLite's planner down the (status, next_nudge_on) index, through every active line.
                    _LINES.c.id.in_([move.line_id for move in batch]),
                    tuple_(_LINES.c.id, _LINES.c.next_due_on, _LINES.c.next_nudge_on).in_(
                        [(move.line_id, move.due_on, move.old) for move in batch]
                    ),
                )
                .values(next_nudge_on=new)
                .returning(_LINES.c.id)
            )
            moved.update(result.scalars())
    return moved


def advance_line(session: Session, line_id: int, *, due_on: date, old: date, new: date | None) -> bool:
    return line_id in advance_lines(session, [Move(line_id, due_on, old, new)])


def enqueue(session: Session, nudges: Sequence[NewNudge], now: datetime) -> int:
    """Insert the nudges, ignoring any already there but cancelled (the unique key makes each one at most once).

    Older stage nudges of the same lines still waiting (the manager's and the report's) are superseded:
    after downtime people get the latest stage only, not a burst. Returns how many rows were inserted."""
    now = as_utc(now)
    if not nudges:
        return 0
    staged = sorted({(n.line_id, n.kind.value, n.due_on) for n in nudges if n.kind.value in STAGE_KINDS})
    for start in range(0, len(staged), _BATCH):
        part = staged[start : start + _BATCH]
        session.execute(
            update(_NUDGES)
            .where(
                _NUDGES.c.line_id.in_([line_id for line_id, _, _ in part]),
                _NUDGES.c.kind.in_(STAGE_KINDS),
                _NUDGES.c.status == NudgeStatus.PENDING.value,
                tuple_(_NUDGES.c.line_id, _NUDGES.c.kind, _NUDGES.c.due_on).not_in(part),
            )
            .values(status=NudgeStatus.CANCELLED.value)
        )
    rows = [
        {
            "line_id": n.line_id,
            "kind": n.kind.value,
            "due_on": n.due_on,
            "audience": n.audience.value,
            "recipient_id": n.recipient_id,
            "status": NudgeStatus.PENDING.value,
            "not_before": now,
            "attempts": 0,
            "snoozes": 0,
            "created_at": now,
        }
        for n in nudges
    ]
    inserted = 0
    for start in range(0, len(rows), _BATCH):
        statement = _insert(session)
        # A row already there is never sent twice; but one cancelled earlier (say, a conversation logged and
        # then corrected back to the same due date) is owed again: only the caller's advance got here.
        # No bound parameter outside VALUES: SQLAlchemy then sends each batch as one multi-row INSERT rather
        # than a statement per row (an upsert's SET cannot take per-row parameters).
        revive = statement.on_conflict_do_update(
            index_elements=[_NUDGES.c.line_id, _NUDGES.c.kind, _NUDGES.c.due_on, _NUDGES.c.audience],
            set_={
                "status": statement.excluded.status,
                "recipient_id": statement.excluded.recipient_id,
                "not_before": statement.excluded.not_before,
                "lease_until": null(),
                "last_error": null(),
                "unconfirmed_since": null(),
            },
            where=_NUDGES.c.status == literal_column(f"'{NudgeStatus.CANCELLED.value}'"),
        )
        # RETURNING lists only the rows written (an untouched conflict returns nothing): an exact count.
        inserted += len(session.execute(revive.returning(_NUDGES.c.id), rows[start : start + _BATCH]).all())
    return inserted


def experiments_to_ask(session: Session, through: date) -> list[EndedExperiments]:
    """Experiments of active lines not asked about yet that end by `through`, grouped by line and end day (none
    of an inactive workspace: they wait, unasked, until it is active again)."""
    # Two queries, so that the (few) unasked experiments lead, through their partial index, whatever order a
    # planner without statistics would pick for a join with every active line.
    # Sorted here, not by ORDER BY: an order SQLite could read from another index would lead it away from
    # the partial one. Likewise the lines are read by id alone and their status checked here.
    ended = sorted(
        session.execute(
            select(Experiment.id, Experiment.line_id, Experiment.ends_on).where(
                Experiment.asked_at.is_(None), Experiment.ends_on <= through
            )
        ),
        key=lambda row: (row[1], row[2], row[0]),
    )
    if not ended:
        return []
    line_ids = sorted({line_id for _, line_id, _ in ended})
    in_active_workspaces = _in_active_workspaces(session, _Manager)
    lines = {
        row.id: row
        for start in range(0, len(line_ids), _BATCH)
        for row in session.execute(
            select(
                ReportingLine.id,
                ReportingLine.status,
                ReportingLine.manager_id,
                ReportingLine.report_id,
                _Manager.slack_user_id,
                _Manager.tz,
                _Manager.tz_checked_at,
            )
            .join(_Manager, _Manager.id == ReportingLine.manager_id)
            .where(ReportingLine.id.in_(line_ids[start : start + _BATCH]), in_active_workspaces)
        )
        if row.status == _ACTIVE
    }
    groups: dict[tuple[int, date], list[int]] = {}
    for experiment_id, line_id, ends_on in ended:
        if line_id in lines:  # experiments of ended lines are never asked about
            groups.setdefault((line_id, ends_on), []).append(experiment_id)
    return [
        EndedExperiments(
            line_id=line_id,
            ends_on=ends_on,
            experiment_ids=tuple(experiment_ids),
            manager_id=lines[line_id].manager_id,
            report_id=lines[line_id].report_id,
            manager=lines[line_id].slack_user_id,
            manager_tz=lines[line_id].tz,
            manager_tz_checked_at=as_utc(lines[line_id].tz_checked_at),
        )
        for (line_id, ends_on), experiment_ids in groups.items()
    ]


def mark_asked(session: Session, experiment_ids: Sequence[int], now: datetime) -> int:
    """Record that these experiments' end is being asked about; how many this call marked (0: another did)."""
    now = as_utc(now)
    if not experiment_ids:
        return 0
    result = session.execute(
        update(_EXPERIMENTS)
        .where(_EXPERIMENTS.c.id.in_(list(experiment_ids)), _EXPERIMENTS.c.asked_at.is_(None))
        .values(asked_at=now)
    )
    return _count(result)


# --- the sweep: delivery --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Deliverable:
    """A nudge whose time has come (or whose sweeper died), with what deciding to send it needs."""

    id: int
    line_id: int
    kind: NudgeKind
    due_on: date
    audience: Audience
    recipient_id: int
    recipient: str  # Slack user id
    team_id: str  # the recipient's workspace
    tz: str | None
    tz_checked_at: datetime | None
    line_active: bool
    line_due_on: date | None  # the line's current next_due_on: a stage nudge of another date is stale
    # The recipient's own reminder settings (None: the workspace's) and Slack away status, and since when this
    # nudge has been held back by an absence.
    work_days: str | None = None
    work_hours: str | None = None
    holidays: str | None = None
    away_until: datetime | None = None
    held_since: datetime | None = None


def deliverable(session: Session, now: datetime, limit: int) -> list[Deliverable]:
    """Pending nudges with `not_before <= now`, and claimed ones whose lease ran out, oldest first; none of an
    inactive workspace (its token is dead: they are neither sent nor retried until it is active again)."""
    now = as_utc(now)
    ready = (Nudge.status == NudgeStatus.PENDING.value) & (Nudge.not_before <= now)
    orphaned = (Nudge.status == NudgeStatus.SENDING.value) & (Nudge.lease_until < now)
    rows = session.execute(
        select(
            Nudge.id,
            Nudge.line_id,
            Nudge.kind,
            Nudge.due_on,
            Nudge.audience,
            Nudge.recipient_id,
            _Recipient.slack_user_id,
            _Recipient.team_id,
            _Recipient.tz,
            _Recipient.tz_checked_at,
            ReportingLine.status,
            ReportingLine.next_due_on,
            _Recipient.work_days,
            _Recipient.work_hours,
            _Recipient.holidays,
            _Recipient.away_until,
            Nudge.held_since,
        )
        .join(_Recipient, _Recipient.id == Nudge.recipient_id)
        .join(ReportingLine, ReportingLine.id == Nudge.line_id)
        .where(ready | orphaned, _in_active_workspaces(session, _Recipient))
        .order_by(Nudge.not_before, Nudge.id)
        .limit(limit)
    )
    return [
        Deliverable(
            id=row.id,
            line_id=row.line_id,
            kind=NudgeKind(row.kind),
            due_on=row.due_on,
            audience=Audience(row.audience),
            recipient_id=row.recipient_id,
            recipient=row.slack_user_id,
            team_id=row.team_id,
            tz=row.tz,
            tz_checked_at=as_utc(row.tz_checked_at),
            line_active=row.status == _ACTIVE,
            line_due_on=row.next_due_on,
            work_days=row.work_days,
            work_hours=row.work_hours,
            holidays=row.holidays,
            away_until=as_utc(row.away_until),
            held_since=as_utc(row.held_since),
        )
        for row in rows
    ]


_CLAIM = (
    update(_NUDGES)
    .where(
        _NUDGES.c.id == bindparam("nudge"),
        ((_NUDGES.c.status == NudgeStatus.PENDING.value) & (_NUDGES.c.not_before <= bindparam("now")))
        | ((_NUDGES.c.status == NudgeStatus.SENDING.value) & (_NUDGES.c.lease_until < bindparam("now"))),
    )
    .values(
        status=NudgeStatus.SENDING.value,
        lease_until=bindparam("until"),
        attempts=_NUDGES.c.attempts + 1,
        # From now a send may reach Slack unrecorded; an earlier such moment is kept (see Claim).
        unconfirmed_since=func.coalesce(_NUDGES.c.unconfirmed_since, bindparam("now")),
    )
)


@dataclass(frozen=True)
class Claim:
    """A nudge taken for sending. `unconfirmed_since`: set when an earlier attempt may have reached Slack without
    being recorded (its sweeper died, or Slack did not answer), since that moment; None for a first attempt, or
    one after Slack's answer was known."""

    attempt: int  # the token the later `mark_*` calls must show
    unconfirmed_since: datetime | None = None


def claim_to_send(session: Session, nudge_id: int, now: datetime, lease: timedelta = CLAIM_LEASE) -> Claim | None:
    """Take the nudge for sending until `now + lease`; None if it is not claimable (another sweeper has it, or it
    is done)."""
    now = as_utc(now)
    if _count(session.execute(_CLAIM, {"nudge": nudge_id, "now": now, "until": now + lease})) != 1:
        return None
    row = session.execute(select(_NUDGES.c.attempts, _NUDGES.c.unconfirmed_since).where(_NUDGES.c.id == nudge_id)).one()
    since = as_utc(row.unconfirmed_since)
    return Claim(row.attempts, since if since is not None and since < now else None)


def claim(session: Session, nudge_id: int, now: datetime, lease: timedelta = CLAIM_LEASE) -> int | None:
    """Take the nudge for sending until `now + lease`. Returns this attempt's number, the token the
    later `mark_*` calls must show; None if it is not claimable (another sweeper has it, or it is done)."""
    claimed = claim_to_send(session, nudge_id, now, lease)
    return None if claimed is None else claimed.attempt


def _mine(nudge_id: int, attempt: int) -> Any:
    """The claim this sweeper holds: still sending, and not claimed again since (the attempt is the token)."""
    return update(_NUDGES).where(
        _NUDGES.c.id == nudge_id,
        _NUDGES.c.status == NudgeStatus.SENDING.value,
        _NUDGES.c.attempts == attempt,
    )


def mark_sent(session: Session, nudge_id: int, attempt: int, *, channel: str, ts: str, now: datetime) -> bool:
    result = session.execute(
        _mine(nudge_id, attempt).values(
            status=NudgeStatus.SENT.value,
            lease_until=None,
            last_error=None,
            channel=channel[:32],
            ts=ts[:32],
            sent_at=as_utc(now),
            unconfirmed_since=None,
        )
    )
    return _count(result) == 1


def mark_retry(
    session: Session, nudge_id: int, attempt: int, *, error: str, not_before: datetime, unconfirmed: bool = False
) -> bool:
    """A send that may work later: back to pending, with its error code and when to try again. `unconfirmed`:
    Slack did not say whether it took the message (no answer), so the next attempt checks before sending."""
    values: dict[str, Any] = {
        "status": NudgeStatus.PENDING.value,
        "lease_until": None,
        "last_error": error[:100],
        "not_before": as_utc(not_before),
    }
    if not unconfirmed:
        values["unconfirmed_since"] = None  # Slack answered with an error: nothing was posted
    result = session.execute(_mine(nudge_id, attempt).values(**values))
    return _count(result) == 1


def mark_failed(session: Session, nudge_id: int, attempt: int, *, error: str) -> bool:
    """A send no retry can fix (the account is gone, the bot cannot DM them)."""
    result = session.execute(
        _mine(nudge_id, attempt).values(
            status=NudgeStatus.FAILED.value, lease_until=None, last_error=error[:100], unconfirmed_since=None
        )
    )
    return _count(result) == 1


_DEFER = (
    update(_NUDGES)
    .where(
        _NUDGES.c.id == bindparam("nudge"),
        _NUDGES.c.status == NudgeStatus.PENDING.value,
        _NUDGES.c.not_before < bindparam("later"),
    )
    .values(not_before=bindparam("later"), held_since=bindparam("held_since"))
)


@dataclass(frozen=True)
class Later:
    """When a nudge is to be looked at again, and since when an absence has held it (None: none has)."""

    not_before: datetime
    held_since: datetime | None = None


def defer(session: Session, until: Mapping[int, Later]) -> None:
    """Move pending nudges' `not_before` on (to the recipient's next working moment), so later sweeps skip them
    without looking at them again until then."""
    params = [
        {"nudge": nudge_id, "later": as_utc(later.not_before), "held_since": as_utc(later.held_since)}
        for nudge_id, later in sorted(until.items())
    ]
    if params:
        session.execute(_DEFER, params)


def cancel(session: Session, nudge_ids: Sequence[int]) -> int:
    """Cancel these nudges if they are still open (their line ended, or their due date is gone)."""
    if not nudge_ids:
        return 0
    result = session.execute(
        update(_NUDGES)
        .where(_NUDGES.c.id.in_(list(nudge_ids)), _NUDGES.c.status.in_(OPEN_STATUSES))
        .values(status=NudgeStatus.CANCELLED.value, lease_until=None)
    )
    return _count(result)


def count_unsent(session: Session, cap: int) -> int:
    """How many nudges are still to be sent (pending, or being sent), counted up to `cap`: the count reads at most
    `cap` entries of the status index, however long the queue."""
    unsent = select(Nudge.id).where(Nudge.status.in_(OPEN_STATUSES)).limit(cap).subquery()
    return int(session.scalar(select(func.count()).select_from(unsent)) or 0)


def ended_experiments(session: Session, line_id: int, ends_on: date) -> list[ConversationExperiment]:
    """The line's experiments that end on `ends_on`, oldest first, as the ended-experiments DM shows them."""
    rows = session.scalars(
        select(Experiment).where(Experiment.line_id == line_id, Experiment.ends_on == ends_on).order_by(Experiment.id)
    )
    return [
        ConversationExperiment(
            id=row.id,
            kind=ExperimentKind(row.kind),
            what=row.what,
            ends_on=row.ends_on,
            manager_outcome=Outcome(row.manager_outcome) if row.manager_outcome else None,
            report_outcome=Outcome(row.report_outcome) if row.report_outcome else None,
        )
        for row in rows
    ]


# --- helpers ----------------------------------------------------------------------------------------------


def _count(result: Any) -> int:
    return int(getattr(result, "rowcount", 0) or 0)


def _insert(session: Session) -> Any:
    return upsert_into(session, _NUDGES)
