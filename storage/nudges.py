"""Storage of the nudges the scheduler owes: enqueue, claim, record, snooze, cancel. Domain objects out.

Every state change is a conditional UPDATE whose WHERE names the state it expects, so two sweepers (or a
sweeper and a click) racing on one row can never both win: the loser's update matches no row.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, cast

from sqlalchemy import DateTime, Table, bindparam, func, select, text, true, tuple_, update
from sqlalchemy.orm import Session, aliased

from bot.career.cadence import CLAIM_LEASE, Audience, ExperimentKind, NudgeKind, NudgeStatus, Outcome
from bot.career.conversation import Experiment as ConversationExperiment
from bot.career.lines import LineStatus
from storage.db import as_utc, one_of
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
_MANAGERS = _PEOPLE.alias("manager")
_BATCH = 2000  # rows per statement


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


@dataclass(frozen=True)
class NotYet:
    """Lines to leave out of a pass: those whose next nudge day is `day` (tomorrow in UTC), while their manager's
    zone, checked since `checked_since`, is one of `zones`, where it is not `day` yet. Most of the lines read
    would be these (a pass looks a day ahead for the zones east of UTC), and the pass would skip them anyway."""

    day: date
    zones: tuple[str, ...]
    checked_since: datetime


def due_line_ids(session: Session, through: date, *, not_yet: NotYet | None = None) -> list[int]:
    """The ids of the active lines with `next_nudge_on <= through`, but not those `not_yet` names, in id order: a
    range of the (status, next_nudge_on) index (its entries end with the id), a few bytes a line, so that a pass
    can then read and write the lines in chunks of neighbouring ids (the pages of one chunk are the next chunk's
    only at its edge). With `not_yet`, each line's manager is read too: most lines of an idle pass go here."""
    query = select(_LINES.c.id).where(_LINES.c.status == _ACTIVE, _LINES.c.next_nudge_on <= through)
    if not_yet is not None and not_yet.zones:
        query = query.join(_MANAGERS, _MANAGERS.c.id == _LINES.c.manager_id).where(_not_yet(session, not_yet))
    return sorted(session.scalars(query))


def lines_to_nudge(
    session: Session, through: date, *, ids: Sequence[int] | None = None, not_yet: NotYet | None = None
) -> list[DueLine]:
    """Active lines with `next_nudge_on <= through` (an index range on (status, next_nudge_on)), but none of
    a workspace that uninstalled the app or revoked its token, nor those `not_yet` names; in id order (one lock
    order for every sweeper). `ids`: only these lines (a chunk of `due_line_ids`), looked up by id.
    """
    # Core, on the tables: a pass runs this once per chunk, and the ORM's own work per statement would be most of it.
    query = (
        select(
            _LINES.c.id,
            _LINES.c.manager_id,
            _LINES.c.report_id,
            _MANAGERS.c.slack_user_id,
            _MANAGERS.c.tz,
            _MANAGERS.c.tz_checked_at,
            _LINES.c.started_on,
            _LINES.c.next_due_on,
            _LINES.c.next_nudge_on,
            _LINES.c.last_held_on.is_(None) & _LINES.c.last_skipped_on.is_(None),
        )
        .join(_MANAGERS, _MANAGERS.c.id == _LINES.c.manager_id)
        .where(
            _LINES.c.status == _ACTIVE,
            _LINES.c.next_nudge_on <= through,
            _LINES.c.next_due_on.is_not(None),
            _in_active_workspaces(session, _MANAGERS.c),
        )
        .order_by(_LINES.c.id)
    )
    if ids is not None:
        query = query.where(one_of(session, _LINES.c.id, ids))
    if not_yet is not None and not_yet.zones:
        query = query.where(_not_yet(session, not_yet))
    rows = session.execute(query)
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


def _not_yet(session: Session, not_yet: NotYet) -> Any:
    """The condition "not one of the lines `not_yet` names", on _LINES joined to _MANAGERS."""
    # (No NULL may reach the NOT: a manager without a zone, or never checked, is read.)
    return ~(
        (_LINES.c.next_nudge_on == not_yet.day)
        & _MANAGERS.c.tz.is_not(None)
        & one_of(session, _MANAGERS.c.tz, not_yet.zones)
        & _MANAGERS.c.tz_checked_at.is_not(None)
        & (_MANAGERS.c.tz_checked_at > as_utc(not_yet.checked_since))
    )


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
    # One conditional UPDATE per batch, joined to the batch's rows passed as one parameter (arrays on
    # PostgreSQL, a JSON array on SQLite), in line order for every sweeper. RETURNING names the lines whose
    # (due, old) still matched: the ones this sweeper won. Another sweeper's update of the same line makes this
    # one wait, then not match.
    ordered = sorted(moves, key=lambda move: move.line_id)
    postgres = _is_postgres(session)
    for start in range(0, len(ordered), _BATCH):
        batch = ordered[start : start + _BATCH]
        if postgres:
            params: dict[str, Any] = {
                "ids": [move.line_id for move in batch],
                "dues": [move.due_on for move in batch],
                "olds": [move.old for move in batch],
                "news": [_day(move.new) for move in batch],
            }
            statement = _ADVANCE_POSTGRES
        else:
            rows = [[move.line_id, move.due_on.isoformat(), move.old.isoformat(), _day(move.new)] for move in batch]
            params = {"moves": json.dumps(rows)}
            statement = _ADVANCE_SQLITE
        moved.update(session.execute(statement, params).scalars())
    return moved


# No status test: only an active line has a next_nudge_on (ending a line clears it), so a match on the old day
# says the line is still active; and naming status here leads SQLite's planner down the (status, next_nudge_on)
# index, through every active line.
_ADVANCE_POSTGRES = text(
    """
    UPDATE reporting_lines AS line SET next_nudge_on = move.new
    FROM unnest(CAST(:ids AS INTEGER[]), CAST(:dues AS DATE[]), CAST(:olds AS DATE[]), CAST(:news AS DATE[]))
        AS move(id, due_on, old, new)
    WHERE line.id = move.id AND line.next_due_on = move.due_on AND line.next_nudge_on = move.old
    RETURNING line.id
    """
)
# Days as SQLAlchemy keeps them in SQLite: ISO text.
_ADVANCE_SQLITE = text(
    """
    UPDATE reporting_lines SET next_nudge_on = move.new
    FROM (
        SELECT json_extract(value, '$[0]') AS id, json_extract(value, '$[1]') AS due_on,
               json_extract(value, '$[2]') AS old, json_extract(value, '$[3]') AS new
        FROM json_each(:moves)
    ) AS move
    WHERE reporting_lines.id = move.id AND reporting_lines.next_due_on = move.due_on
      AND reporting_lines.next_nudge_on = move.old
    RETURNING reporting_lines.id
    """
)


def advance_line(session: Session, line_id: int, *, due_on: date, old: date, new: date | None) -> bool:
    return line_id in advance_lines(session, [Move(line_id, due_on, old, new)])


def enqueue(session: Session, nudges: Sequence[NewNudge], now: datetime) -> int:
    """Insert the nudges, ignoring any already there but cancelled (the unique key makes each one at most once).

    Older stage nudges of the same lines still waiting (the manager's and the report's) are superseded:
    after downtime people get the latest stage only, not a burst. Returns how many rows were inserted."""
    now = as_utc(now)
    if not nudges:
        return 0
    postgres = _is_postgres(session)
    staged = sorted({(n.line_id, n.kind.value, n.due_on) for n in nudges if n.kind.value in STAGE_KINDS})
    for start in range(0, len(staged), _BATCH):
        part = staged[start : start + _BATCH]
        if postgres:
            params: dict[str, Any] = {
                "lines": [line_id for line_id, _, _ in part],
                "kinds": [kind for _, kind, _ in part],
                "dues": [due_on for _, _, due_on in part],
            }
        else:
            params = {"staged": json.dumps([[line_id, kind, due_on.isoformat()] for line_id, kind, due_on in part])}
        session.execute(_SUPERSEDE_POSTGRES if postgres else _SUPERSEDE_SQLITE, params)
    inserted = 0
    for start in range(0, len(nudges), _BATCH):
        batch = nudges[start : start + _BATCH]
        if postgres:
            params = {
                "lines": [n.line_id for n in batch],
                "kinds": [n.kind.value for n in batch],
                "dues": [n.due_on for n in batch],
                "audiences": [n.audience.value for n in batch],
                "recipients": [n.recipient_id for n in batch],
                "now": now,
            }
        else:
            rows = [[n.line_id, n.kind.value, n.due_on.isoformat(), n.audience.value, n.recipient_id] for n in batch]
            params = {"nudges": json.dumps(rows), "now": now}
        # RETURNING lists only the rows written (an untouched conflict returns nothing): an exact count.
        inserted += len(session.execute(_INSERT_POSTGRES if postgres else _INSERT_SQLITE, params).all())
    return inserted


_PENDING = NudgeStatus.PENDING.value
_CANCELLED = NudgeStatus.CANCELLED.value
_STAGE_KINDS_SQL = ", ".join(f"'{kind}'" for kind in STAGE_KINDS)  # our own constants, not input
# The lines' pending stage nudges of another (kind, due date) than the one enqueued now.
_SUPERSEDE_POSTGRES = text(
    f"""
    UPDATE nudges SET status = '{_CANCELLED}'
    WHERE nudges.line_id = ANY(CAST(:lines AS INTEGER[])) AND nudges.kind IN ({_STAGE_KINDS_SQL})
      AND nudges.status = '{_PENDING}'
      AND NOT EXISTS (
        SELECT 1 FROM unnest(CAST(:lines AS INTEGER[]), CAST(:kinds AS VARCHAR[]), CAST(:dues AS DATE[]))
            AS staged(line_id, kind, due_on)
        WHERE staged.line_id = nudges.line_id AND staged.kind = nudges.kind AND staged.due_on = nudges.due_on
      )
    """
)
_SUPERSEDE_SQLITE = text(
    f"""
    WITH staged AS (
        SELECT json_extract(value, '$[0]') AS line_id, json_extract(value, '$[1]') AS kind,
               json_extract(value, '$[2]') AS due_on
        FROM json_each(:staged)
    )
    UPDATE nudges SET status = '{_CANCELLED}'
    WHERE nudges.line_id IN (SELECT line_id FROM staged) AND nudges.kind IN ({_STAGE_KINDS_SQL})
      AND nudges.status = '{_PENDING}'
      AND NOT EXISTS (
        SELECT 1 FROM staged
        WHERE staged.line_id = nudges.line_id AND staged.kind = nudges.kind AND staged.due_on = nudges.due_on
      )
    """
)
# A row already there is never sent twice; but one cancelled earlier (say, a conversation logged and then
# corrected back to the same due date) is owed again: only the caller's advance got here. The rows go in in the
# order given, so their ids follow it. (WHERE true: SQLite's parser reads an upsert after a SELECT so.)
_UPSERT = f"""
    ON CONFLICT (line_id, kind, due_on, audience) DO UPDATE SET
        status = excluded.status, recipient_id = excluded.recipient_id, not_before = excluded.not_before,
        lease_until = NULL, last_error = NULL, unconfirmed_since = NULL
    WHERE nudges.status = '{_CANCELLED}'
    RETURNING nudges.id
"""
_INSERT_COLUMNS = "line_id, kind, due_on, audience, recipient_id, status, not_before, attempts, snoozes, created_at"
_INSERT_POSTGRES = text(
    f"""
    INSERT INTO nudges ({_INSERT_COLUMNS})
    SELECT new.line_id, new.kind, new.due_on, new.audience, new.recipient_id, '{_PENDING}', :now, 0, 0, :now
    FROM unnest(
        CAST(:lines AS INTEGER[]), CAST(:kinds AS VARCHAR[]), CAST(:dues AS DATE[]), CAST(:audiences AS VARCHAR[]),
        CAST(:recipients AS INTEGER[])
    ) WITH ORDINALITY AS new(line_id, kind, due_on, audience, recipient_id, position)
    WHERE true
    ORDER BY new.position
    {_UPSERT}
    """
).bindparams(bindparam("now", type_=DateTime(timezone=True)))
_INSERT_SQLITE = text(
    f"""
    INSERT INTO nudges ({_INSERT_COLUMNS})
    SELECT json_extract(value, '$[0]'), json_extract(value, '$[1]'), json_extract(value, '$[2]'),
           json_extract(value, '$[3]'), json_extract(value, '$[4]'), '{_PENDING}', :now, 0, 0, :now
    FROM json_each(:nudges)
    WHERE true
    ORDER BY key
    {_UPSERT}
    """
).bindparams(bindparam("now", type_=DateTime(timezone=True)))


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
            .where(one_of(session, ReportingLine.id, line_ids[start : start + _BATCH]), in_active_workspaces)
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


def mark_asked(session: Session, experiment_ids: Sequence[int], now: datetime) -> set[int]:
    """Record that these experiments' end is being asked about; the ones this call marked (none: another did)."""
    now = as_utc(now)
    if not experiment_ids:
        return set()
    result = session.execute(
        update(_EXPERIMENTS)
        .where(one_of(session, _EXPERIMENTS.c.id, experiment_ids), _EXPERIMENTS.c.asked_at.is_(None))
        .values(asked_at=now)
        .returning(_EXPERIMENTS.c.id)
    )
    return set(result.scalars())


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
    not_before: datetime  # where it stands in the queue (see `deliverable`'s `after`)
    # The recipient's own reminder settings (None: the workspace's) and Slack away status, and since when this
    # nudge has been held back by an absence.
    work_days: str | None = None
    work_hours: str | None = None
    holidays: str | None = None
    away_until: datetime | None = None
    held_since: datetime | None = None

    @property
    def place(self) -> Place:
        return Place(self.not_before, self.id)


@dataclass(frozen=True)
class Place:
    """A nudge's place in the delivery queue, which is in order of `not_before`, then id."""

    not_before: datetime
    id: int


def deliverable(session: Session, now: datetime, limit: int, *, after: Place | None = None) -> list[Deliverable]:
    """Pending nudges with `not_before <= now`, and claimed ones whose lease ran out, oldest first; none of an
    inactive workspace (its token is dead: they are neither sent nor retried until it is active again). `after`:
    only those behind that place in the queue (the next batch of a pass)."""
    now = as_utc(now)
    ready = (Nudge.status == NudgeStatus.PENDING.value) & (Nudge.not_before <= now)
    orphaned = (Nudge.status == NudgeStatus.SENDING.value) & (Nudge.lease_until < now)
    query = (
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
            Nudge.not_before,
        )
        .join(_Recipient, _Recipient.id == Nudge.recipient_id)
        .join(ReportingLine, ReportingLine.id == Nudge.line_id)
        .where(ready | orphaned, _in_active_workspaces(session, _Recipient))
        .order_by(Nudge.not_before, Nudge.id)
        .limit(limit)
    )
    if after is not None:
        query = query.where(tuple_(Nudge.not_before, Nudge.id) > tuple_(as_utc(after.not_before), after.id))
    rows = session.execute(query)
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
            not_before=as_utc(row.not_before),
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


def give_back(session: Session, nudge_id: int, attempt: int, *, not_before: datetime, unconfirmed: bool) -> bool:
    """A claim not used (its turn to be sent was too far off, or the sweep is stopping): pending again from
    `not_before`, as if it had not been claimed; `unconfirmed` as it was before the claim."""
    values: dict[str, Any] = {
        "status": NudgeStatus.PENDING.value,
        "lease_until": None,
        "not_before": as_utc(not_before),
        "attempts": _NUDGES.c.attempts - 1,
    }
    if not unconfirmed:
        values["unconfirmed_since"] = None
    return _count(session.execute(_mine(nudge_id, attempt).values(**values))) == 1


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
        .where(one_of(session, _NUDGES.c.id, nudge_ids), _NUDGES.c.status.in_(OPEN_STATUSES))
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


def _is_postgres(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def _day(day: date | None) -> str | None:
    return None if day is None else day.isoformat()
