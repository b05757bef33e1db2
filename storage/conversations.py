"""Storage of career conversations (held or skipped), their experiments, and a manager's team page.

Logging or skipping writes the conversation and moves the line's schedule in the caller's one transaction,
and only while the line is still active: the schedule update names the status it expects, so a line ended
a moment before (a manager change) takes no conversation and its old manager's form changes nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from bot.career.cadence import OVERDUE_KINDS, Audience, ConversationKind, ExperimentKind, NudgeKind, Outcome
from bot.career.conversation import Conversation as ConversationView
from bot.career.conversation import Experiment as ExperimentView
from bot.career.lines import Line, LineStatus
from storage import nudges as nudge_store
from storage.lines import get_line, lines_query, to_line  # one query and one mapping of a Line
from storage.models import Conversation, Experiment, Nudge, ReportingLine

# The nudges about a conversation being due (not the experiment-ended ones, which ask about what was agreed).
CONVERSATION_NUDGES: tuple[NudgeKind, ...] = (NudgeKind.FIRST_MONTH, NudgeKind.DUE_SOON, *OVERDUE_KINDS)


@dataclass(frozen=True)
class NewExperiment:
    kind: ExperimentKind
    what: str
    ends_on: date


@dataclass(frozen=True)
class NewConversation:
    """A conversation held (notes, experiments) or a cycle skipped (reason), as checked by the use case."""

    kind: ConversationKind
    held_on: date  # the day held, or the day skipped
    next_in_months: int
    notes: str = ""
    notes_shared: bool = False
    skip_reason: str = ""
    experiments: Sequence[NewExperiment] = ()


@dataclass(frozen=True)
class Schedule:
    """The line's schedule once this conversation is recorded (bot.career.cadence computes it)."""

    next_due_on: date
    next_nudge_on: date | None
    cadence_months: int


@dataclass(frozen=True)
class LineSchedule:
    """What the cadence rules need of a line that the Line object does not carry."""

    started_on: date | None
    next_due_on: date | None
    last_held_on: date | None
    last_skipped_on: date | None

    @property
    def first_cycle(self) -> bool:
        return self.last_held_on is None and self.last_skipped_on is None


def line_schedule(session: Session, line_id: int) -> LineSchedule | None:
    found = session.execute(
        select(
            ReportingLine.started_on,
            ReportingLine.next_due_on,
            ReportingLine.last_held_on,
            ReportingLine.last_skipped_on,
        ).where(ReportingLine.id == line_id)
    ).first()
    return None if found is None else LineSchedule(*found)


def add_conversation(
    session: Session, line_id: int, new: NewConversation, schedule: Schedule, now: datetime
) -> ConversationView | None:
    """Record `new` on the line and move its schedule; None (nothing written) if the line is not active.

    The line's conversation nudges not sent yet are cancelled: they were about the cycle just closed.
    """
    held = new.kind is ConversationKind.HELD
    result = session.execute(
        update(ReportingLine)
        .where(ReportingLine.id == line_id, ReportingLine.status == LineStatus.ACTIVE.value)
        .values(
            next_due_on=schedule.next_due_on,
            next_nudge_on=schedule.next_nudge_on,
            cadence_months=schedule.cadence_months,
            **({"last_held_on": new.held_on} if held else {"last_skipped_on": new.held_on}),
        )
    )
    if not getattr(result, "rowcount", 0):
        return None
    row = Conversation(
        line_id=line_id,
        kind=new.kind.value,
        held_on=new.held_on,
        notes=new.notes,
        notes_shared=new.notes_shared,
        skip_reason=new.skip_reason,
        next_in_months=new.next_in_months,
        created_at=now,
    )
    session.add(row)
    session.flush()
    experiments = [
        Experiment(conversation_id=row.id, line_id=line_id, kind=e.kind.value, what=e.what, ends_on=e.ends_on)
        for e in new.experiments
    ]
    session.add_all(experiments)
    session.flush()
    nudge_store.cancel_open(session, line_id, kinds=CONVERSATION_NUDGES)
    return _conversation(row, [_experiment(e) for e in experiments])


def sent_reminders(session: Session, line_id: int, due_on: date) -> list[tuple[str, str]]:
    """Where the manager's reminders about one due date landed (channel, ts), oldest first: once the
    conversation is logged or skipped, each is updated so its buttons cannot be clicked again."""
    rows = session.execute(
        select(Nudge.channel, Nudge.ts)
        .where(
            Nudge.line_id == line_id,
            Nudge.due_on == due_on,
            Nudge.audience == Audience.MANAGER.value,
            Nudge.kind.in_([kind.value for kind in CONVERSATION_NUDGES]),
            Nudge.channel.is_not(None),
            Nudge.ts.is_not(None),
        )
        .order_by(Nudge.id)
    )
    return [(channel, ts) for channel, ts in rows if channel and ts]


def latest_conversations(session: Session, line_id: int, limit: int = 5) -> list[ConversationView]:
    """The line's conversations, newest first (by day, then by when they were recorded), with experiments."""
    rows = list(
        session.scalars(
            select(Conversation)
            .where(Conversation.line_id == line_id)
            .order_by(Conversation.held_on.desc(), Conversation.id.desc())
            .limit(limit)
        )
    )
    by_conversation: dict[int, list[ExperimentView]] = {row.id: [] for row in rows}
    if rows:
        for experiment in session.scalars(
            select(Experiment).where(Experiment.conversation_id.in_(list(by_conversation))).order_by(Experiment.id)
        ):
            by_conversation[experiment.conversation_id].append(_experiment(experiment))
    return [_conversation(row, by_conversation[row.id]) for row in rows]


def conversations_of_report(session: Session, report_id: int) -> list[ConversationView]:
    """Every conversation on any line where the person is the report, oldest first (for their export)."""
    line_ids = select(ReportingLine.id).where(ReportingLine.report_id == report_id).scalar_subquery()
    rows = list(
        session.scalars(
            select(Conversation)
            .where(Conversation.line_id.in_(line_ids))
            .order_by(Conversation.held_on, Conversation.id)
        )
    )
    by_conversation: dict[int, list[ExperimentView]] = {row.id: [] for row in rows}
    if rows:
        for experiment in session.scalars(
            select(Experiment).where(Experiment.conversation_id.in_(list(by_conversation))).order_by(Experiment.id)
        ):
            by_conversation[experiment.conversation_id].append(_experiment(experiment))
    return [_conversation(row, by_conversation[row.id]) for row in rows]


def running_experiments(session: Session, line_ids: Iterable[int], today: date) -> dict[int, list[ExperimentView]]:
    """Experiments not yet ended (ends_on >= today) of each line, soonest end first; lines without any left out."""
    ids = list(line_ids)
    found: dict[int, list[ExperimentView]] = {}
    if not ids:
        return found
    rows = session.scalars(
        select(Experiment)
        .where(Experiment.line_id.in_(ids), Experiment.ends_on >= today)
        .order_by(Experiment.line_id, Experiment.ends_on, Experiment.id)
    )
    for row in rows:
        found.setdefault(row.line_id, []).append(_experiment(row))
    return found


def get_experiment(session: Session, experiment_id: int) -> tuple[ExperimentView, Line] | None:
    """An experiment with the line it was agreed on (whatever the line's status now)."""
    row = session.get(Experiment, experiment_id)
    if row is None:
        return None
    line = get_line(session, row.line_id)
    return None if line is None else (_experiment(row), line)


def record_outcome(session: Session, experiment_id: int, audience: Audience, outcome: Outcome, now: datetime) -> bool:
    """Record what the experiment taught, as the manager or the report says it (each their own answer; a
    later click changes it). The manager's answer only while the line is active. False if nothing matched."""
    query = update(Experiment).where(Experiment.id == experiment_id)
    if audience is Audience.MANAGER:
        active = (
            select(ReportingLine.id)
            .where(ReportingLine.id == Experiment.line_id, ReportingLine.status == LineStatus.ACTIVE.value)
            .exists()
        )
        query = query.where(active).values(manager_outcome=outcome.value, manager_answered_at=now)
    else:
        query = query.values(report_outcome=outcome.value, report_answered_at=now)
    result = session.execute(query, execution_options={"synchronize_session": False})
    return bool(getattr(result, "rowcount", 0))


def team_page(session: Session, manager_id: int, *, limit: int, offset: int = 0) -> tuple[list[Line], int]:
    """The manager's active lines, next due first (then by id, so pages are stable), and how many there are."""
    active = (ReportingLine.manager_id == manager_id, ReportingLine.status == LineStatus.ACTIVE.value)
    total = session.scalar(select(func.count()).select_from(ReportingLine).where(*active)) or 0
    if total == 0 or limit <= 0:
        return [], total
    rows = session.execute(
        lines_query()
        .where(*active)
        # A line with no due date (none is expected while active) goes last rather than first.
        .order_by(ReportingLine.next_due_on.is_(None), ReportingLine.next_due_on, ReportingLine.id)
        .limit(limit)
        .offset(offset)
    )
    return [to_line(row) for row in rows], total


def _experiment(row: Experiment) -> ExperimentView:
    return ExperimentView(
        id=row.id,
        kind=ExperimentKind(row.kind),
        what=row.what,
        ends_on=row.ends_on,
        manager_outcome=None if row.manager_outcome is None else Outcome(row.manager_outcome),
        report_outcome=None if row.report_outcome is None else Outcome(row.report_outcome),
    )


def _conversation(row: Conversation, experiments: list[ExperimentView]) -> ConversationView:
    return ConversationView(
        id=row.id,
        line_id=row.line_id,
        kind=ConversationKind(row.kind),
        held_on=row.held_on,
        notes=row.notes,
        notes_shared=row.notes_shared,
        skip_reason=row.skip_reason,
        next_in_months=row.next_in_months,
        experiments=experiments,
    )
