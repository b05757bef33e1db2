"""Conversations, experiments and a manager's team page in the database (SQLite, and PostgreSQL when
configured): logging moves the line's schedule in the same transaction, only while the line is active."""

from __future__ import annotations

import functools
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.career.cadence import Audience, ConversationKind, ExperimentKind, NudgeKind, NudgeStatus, Outcome
from bot.career.lines import EndReason, Line
from storage import conversations as store
from storage import lines as line_store
from storage.db import Database
from storage.models import Conversation, Experiment, Nudge, ReportingLine
from tests import builders
from tests.builders import NOW

TEAM = "T1"
START = date(2026, 6, 1)


def a_line(session: Session, report: str, manager: str = "U0BOSS", started_on: date = START) -> Line:
    return builders.active_line(session, report, manager, started_on=started_on, team=TEAM)


def person(session: Session, user: str) -> int:
    return builders.person(session, user, team=TEAM)


def utc(moment: datetime | None) -> datetime | None:
    """A stored instant as UTC (SQLite gives it back without its zone)."""
    if moment is None or moment.tzinfo is not None:
        return moment
    return moment.replace(tzinfo=UTC)


def held(held_on: date, *experiments: tuple[ExperimentKind, str, date], months: int = 4) -> store.NewConversation:
    return store.NewConversation(
        kind=ConversationKind.HELD,
        held_on=held_on,
        next_in_months=months,
        notes="Wants to try leading the on-call rota",
        notes_shared=True,
        experiments=[store.NewExperiment(*e) for e in experiments],
    )


def schedule(due: date, months: int = 4) -> store.Schedule:
    return store.Schedule(next_due_on=due, next_nudge_on=due - timedelta(days=3), cadence_months=months)


def statuses(session: Session) -> dict[int, str]:
    return {row.id: row.status for row in session.scalars(select(Nudge))}


def test_logging_stores_the_conversation_and_its_experiments_and_moves_the_schedule(db: Database) -> None:
    with db.session() as session:
        line = a_line(session, "U0ANA")
        first_due = line.next_due_on
        assert first_due is not None
        # Sent and sending first: enqueuing a stage supersedes the line's pending ones of other stages.
        nudge = functools.partial(builders.nudge, session, line)
        sent = nudge(NudgeKind.FIRST_MONTH, NudgeStatus.SENT, due_on=first_due, where=("D1", "1.1"))
        claimed = nudge(NudgeKind.OVERDUE_1, NudgeStatus.SENDING, due_on=first_due)
        pending = nudge(NudgeKind.DUE_SOON, NudgeStatus.PENDING, due_on=first_due)
        invite = nudge(NudgeKind.DUE_SOON, NudgeStatus.PENDING, due_on=first_due, audience=Audience.REPORT)
        ended = nudge(NudgeKind.EXPERIMENT_ENDED, NudgeStatus.PENDING, due_on=date(2026, 6, 20))

    with db.session() as session:
        saved = store.add_conversation(
            session,
            line.id,
            held(
                date(2026, 7, 1),
                (ExperimentKind.SHADOWING, "Shadow Dana's design reviews", date(2026, 8, 1)),
                (ExperimentKind.MENTORSHIP, "Monthly with Lee", date(2026, 9, 1)),
            ),
            schedule(date(2026, 11, 1)),
            NOW,
        )
    assert saved is not None
    assert saved.kind is ConversationKind.HELD and saved.held_on == date(2026, 7, 1) and saved.notes_shared
    assert [(e.kind, e.what) for e in saved.experiments] == [
        (ExperimentKind.SHADOWING, "Shadow Dana's design reviews"),
        (ExperimentKind.MENTORSHIP, "Monthly with Lee"),
    ]

    with db.session() as session:
        row = session.get(ReportingLine, line.id)
        assert row is not None
        assert (row.next_due_on, row.next_nudge_on, row.cadence_months) == (date(2026, 11, 1), date(2026, 10, 29), 4)
        assert (row.last_held_on, row.last_skipped_on) == (date(2026, 7, 1), None)
        # The reminders (to both people) of the cycle just closed stop; what was sent stays sent, and the
        # question about an earlier experiment still goes out.
        assert statuses(session) == {
            pending: "cancelled",
            claimed: "cancelled",
            invite: "cancelled",
            sent: "sent",
            ended: "pending",
        }
        assert store.latest_conversations(session, line.id) == [saved]


def test_nothing_is_written_on_a_line_that_has_ended(db: Database) -> None:
    with db.session() as session:
        line = builders.ended_line(session, a_line(session, "U0ANA"))
    with db.session() as session:
        experiment = (ExperimentKind.STRETCH, "Run the next planning", date(2026, 8, 1))
        assert (
            store.add_conversation(
                session, line.id, held(date(2026, 7, 1), experiment), schedule(date(2026, 11, 1)), NOW
            )
            is None
        )
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(Conversation)) == 0
        assert session.scalar(select(func.count()).select_from(Experiment)) == 0
        row = session.get(ReportingLine, line.id)
        assert row is not None and row.last_held_on is None and row.next_due_on == line.next_due_on


def test_skipping_records_the_day_and_reason_and_keeps_the_last_held_day(db: Database) -> None:
    with db.session() as session:
        line = a_line(session, "U0ANA")
        store.add_conversation(session, line.id, held(date(2026, 7, 1)), schedule(date(2026, 10, 1), 3), NOW)
    with db.session() as session:
        skip = store.NewConversation(
            kind=ConversationKind.SKIPPED, held_on=date(2026, 10, 5), next_in_months=3, skip_reason="On leave"
        )
        saved = store.add_conversation(session, line.id, skip, schedule(date(2027, 1, 5), 3), NOW)
    assert saved is not None and saved.skip_reason == "On leave" and saved.experiments == []
    with db.session() as session:
        schedule_now = store.line_schedule(session, line.id)
        assert schedule_now == store.LineSchedule(
            started_on=START,
            next_due_on=date(2027, 1, 5),
            last_held_on=date(2026, 7, 1),
            last_skipped_on=date(2026, 10, 5),
        )
        assert not schedule_now.first_cycle
        assert [c.kind for c in store.latest_conversations(session, line.id)] == [
            ConversationKind.SKIPPED,
            ConversationKind.HELD,
        ]
        assert [c.kind for c in store.latest_conversations(session, line.id, limit=1)] == [ConversationKind.SKIPPED]
        assert store.line_schedule(session, 10**6) is None


def test_a_new_line_is_in_its_first_cycle(db: Database) -> None:
    with db.session() as session:
        line = a_line(session, "U0ANA")
        found = store.line_schedule(session, line.id)
    assert found is not None and found.first_cycle and found.next_due_on == START + timedelta(days=30)


def test_sent_reminders_are_the_managers_dms_about_that_due_date(db: Database) -> None:
    with db.session() as session:
        line, other = a_line(session, "U0ANA"), a_line(session, "U0BO")
        due = date(2026, 7, 1)
        nudge = functools.partial(builders.nudge, session)
        nudge(line, NudgeKind.DUE_SOON, NudgeStatus.SENT, due_on=due, where=("D0BOSS", "1.1"))
        nudge(line, NudgeKind.OVERDUE_1, NudgeStatus.SENT, due_on=due, where=("D0BOSS", "2.2"))
        nudge(line, NudgeKind.DUE_SOON, NudgeStatus.SENT, due_on=due, audience=Audience.REPORT, where=("D0A", "3"))
        nudge(line, NudgeKind.DUE_SOON, NudgeStatus.SENT, due_on=date(2026, 3, 1), where=("D0BOSS", "0.5"))
        # Never sent: nowhere to update. (After the others: enqueuing a stage supersedes a pending one.)
        nudge(line, NudgeKind.OVERDUE_2, NudgeStatus.PENDING, due_on=due)
        nudge(line, NudgeKind.EXPERIMENT_ENDED, NudgeStatus.SENT, due_on=due, where=("D0BOSS", "4.4"))
        nudge(other, NudgeKind.DUE_SOON, NudgeStatus.SENT, due_on=due, where=("D0BOSS", "5.5"))
        assert store.sent_reminders(session, line.id, due) == [("D0BOSS", "1.1"), ("D0BOSS", "2.2")]


def test_running_experiments_are_those_not_ended_by_today(db: Database) -> None:
    with db.session() as session:
        ana, bo, cy = a_line(session, "U0ANA"), a_line(session, "U0BO"), a_line(session, "U0CY")
        store.add_conversation(
            session,
            ana.id,
            held(
                date(2026, 7, 1),
                (ExperimentKind.MENTORSHIP, "ends later", date(2026, 12, 1)),
                (ExperimentKind.SHADOWING, "ends today", date(2026, 11, 21)),
                (ExperimentKind.STRETCH, "ended yesterday", date(2026, 11, 20)),
            ),
            schedule(date(2026, 11, 1)),
            NOW,
        )
        store.add_conversation(
            session,
            bo.id,
            held(date(2026, 7, 1), (ExperimentKind.MEETINGS, "bo's", date(2027, 1, 1))),
            schedule(date(2026, 11, 1)),
            NOW,
        )
        store.add_conversation(
            session,
            cy.id,
            held(date(2026, 7, 1), (ExperimentKind.MEETINGS, "cy's", date(2027, 1, 1))),
            schedule(date(2026, 11, 1)),
            NOW,
        )
        running = store.running_experiments(session, [ana.id, bo.id, 10**6], date(2026, 11, 21))
        assert store.running_experiments(session, [], date(2026, 11, 21)) == {}
    assert {line_id: [e.what for e in found] for line_id, found in running.items()} == {
        ana.id: ["ends today", "ends later"],
        bo.id: ["bo's"],
    }


def test_each_person_records_their_own_outcome_and_the_manager_only_while_the_line_is_active(db: Database) -> None:
    with db.session() as session:
        line = a_line(session, "U0ANA")
        saved = store.add_conversation(
            session,
            line.id,
            held(date(2026, 7, 1), (ExperimentKind.SHADOWING, "Shadow Dana", date(2026, 8, 1))),
            schedule(date(2026, 11, 1)),
            NOW,
        )
        assert saved is not None
        experiment_id = saved.experiments[0].id
    with db.session() as session:
        assert store.record_outcome(session, experiment_id, Audience.MANAGER, Outcome.KEEP_GOING, NOW)
        assert store.record_outcome(session, experiment_id, Audience.REPORT, Outcome.CHANGED_GOAL, NOW)
        assert store.record_outcome(session, experiment_id, Audience.REPORT, Outcome.STOP, NOW)  # changed mind
        assert not store.record_outcome(session, 10**6, Audience.REPORT, Outcome.STOP, NOW)
    with db.session() as session:
        found = store.get_experiment(session, experiment_id)
        assert found is not None
        experiment, found_line = found
        assert (experiment.manager_outcome, experiment.report_outcome) == (Outcome.KEEP_GOING, Outcome.STOP)
        assert found_line.id == line.id and found_line.report == "U0ANA"
        assert store.get_experiment(session, 10**6) is None
        line_store.end_active_line(session, person(session, "U0ANA"), EndReason.REPLACED, NOW)
    with db.session() as session:
        later = NOW + timedelta(days=1)
        assert not store.record_outcome(session, experiment_id, Audience.MANAGER, Outcome.STOP, later)
        assert store.record_outcome(session, experiment_id, Audience.REPORT, Outcome.KEEP_GOING, later)
        row = session.get(Experiment, experiment_id)
        assert row is not None
        assert (row.manager_outcome, utc(row.manager_answered_at)) == ("keep_going", NOW)
        assert (row.report_outcome, utc(row.report_answered_at)) == ("keep_going", later)


def test_the_team_page_lists_active_reports_next_due_first(db: Database) -> None:
    with db.session() as session:
        starts = {
            "U0R1": date(2026, 5, 1),
            "U0R2": date(2026, 3, 1),
            "U0R3": date(2026, 4, 1),
            "U0R4": date(2026, 6, 1),
        }
        lines = {user: a_line(session, user, started_on=day) for user, day in starts.items()}
        a_line(session, "U0OTHER", manager="U0ELSE")  # someone else's report
        person(session, "U0NOBODY")
        store.add_conversation(session, lines["U0R2"].id, held(date(2026, 4, 1)), schedule(date(2026, 8, 1)), NOW)
        line_store.end_active_line(session, person(session, "U0R4"), EndReason.REPLACED, NOW)
        boss = person(session, "U0BOSS")
        first, total = store.team_page(session, boss, limit=2)
        second, _ = store.team_page(session, boss, limit=2, offset=2)
        assert store.team_page(session, person(session, "U0NOBODY"), limit=15) == ([], 0)
    # R3 due 1 May (30 days after its start), R1 due 31 May, R2 due 1 Aug (after its conversation); R4 ended.
    assert total == 3
    assert [line.report for line in first] == ["U0R3", "U0R1"]
    assert [line.report for line in second] == ["U0R2"]
    assert second[0].next_due_on == date(2026, 8, 1) and second[0].last_held_on == date(2026, 4, 1)


def test_a_reports_conversations_span_their_managers_and_leave_out_those_they_held_as_manager(db: Database) -> None:
    with db.session() as session:
        first = a_line(session, "U0ANA", manager="U0FORMER")
        store.add_conversation(session, first.id, held(date(2026, 7, 1)), schedule(date(2026, 11, 1)), NOW)
        line_store.end_active_line(session, person(session, "U0ANA"), EndReason.REPLACED, NOW)
        second = a_line(session, "U0ANA", manager="U0BOSS")
        experiment = (ExperimentKind.MEETINGS, "Join the staff meeting", date(2026, 10, 1))
        store.add_conversation(session, second.id, held(date(2026, 9, 1), experiment), schedule(date(2027, 1, 1)), NOW)
        as_manager = a_line(session, "U0BO", manager="U0ANA")
        store.add_conversation(session, as_manager.id, held(date(2026, 8, 1)), schedule(date(2026, 12, 1)), NOW)
        found = store.conversations_of_report(session, person(session, "U0ANA"))
    assert [(c.line_id, c.held_on) for c in found] == [(first.id, date(2026, 7, 1)), (second.id, date(2026, 9, 1))]
    assert [e.what for e in found[1].experiments] == ["Join the staff meeting"]
