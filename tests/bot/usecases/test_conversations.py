"""Use cases of career conversations (F5), on a real database: who may log, skip, snooze and answer, and
what each does to the line's schedule. Time is the injected clock; "today" is the manager's own day."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select, update

from bot.career.cadence import (
    Audience,
    ConversationKind,
    ExperimentKind,
    NudgeKind,
    NudgeStatus,
    Outcome,
    local_day,
)
from bot.career.conversation import ConversationForm, ExperimentForm, LogField
from bot.career.lines import Line, LineStatus
from bot.usecases.common import Refused, Who
from bot.usecases.conversations import (
    Conversations,
    Invalid,
    Logged,
    LogStart,
    OutcomeRecorded,
    Skipped,
    SkipStart,
    Snoozed,
)
from bot.usecases.plans import Plans
from storage import conversations as conversation_store
from storage import lines as line_store
from storage.db import Database
from storage.models import Conversation, Experiment, Nudge, Person, ReportingLine
from tests import builders
from tests.builders import TEAM
from tests.clock import Clock

BOSS, ANA, STRANGER, FORMER = "U0BOSS", "U0ANA", "U0STRANGER", "U0FORMER"
# UTC+14: at 10:00 UTC on 21 Nov it is already 22 Nov for the manager.
BOSS_TZ = "Pacific/Kiritimati"
STARTED = date(2026, 10, 1)
LEAD_DAYS = 3
BOSS_DM = ("D0BOSS", "1700000000.000100")  # where the boss's reminders landed


@dataclass
class World:
    db: Database
    clock: Clock
    uses: Conversations
    line: Line

    def who(self, user: str, team: str = TEAM) -> Who:
        return Who(team_id=team, user_id=user)

    @property
    def boss(self) -> Who:
        return self.who(BOSS)

    def row(self) -> ReportingLine:
        with self.db.session() as session:
            row = session.get(ReportingLine, self.line.id)
            assert row is not None
            return row

    def count(self, model: type[Conversation] | type[Experiment]) -> int:
        with self.db.session() as session:
            return session.scalar(select(func.count()).select_from(model)) or 0

    def nudge(
        self,
        kind: NudgeKind = NudgeKind.DUE_SOON,
        status: NudgeStatus = NudgeStatus.SENT,
        *,
        audience: Audience = Audience.MANAGER,
    ) -> int:
        with self.db.session() as session:
            return builders.nudge(session, self.line, kind, status, audience=audience, where=BOSS_DM)

    def nudge_row(self, nudge_id: int) -> Nudge:
        with self.db.session() as session:
            row = session.get(Nudge, nudge_id)
            assert row is not None
            return row


def make_line(db: Database, report: str = ANA, manager: str = BOSS) -> Line:
    with db.session() as session:
        builders.person(session, manager, tz=BOSS_TZ)
        return builders.active_line(session, report, manager, started_on=STARTED)


def replace_manager(world: World, new_manager: str) -> Line:
    """The report's line moves to another manager: the old one loses the line at once."""
    with world.db.session() as session:
        builders.person(session, new_manager, tz=BOSS_TZ)
        return builders.new_manager(session, world.line.report, new_manager, started_on=STARTED)


@pytest.fixture
def world(db: Database, clock: Clock) -> World:
    line = make_line(db, manager=FORMER)  # Ana's first manager, replaced by the boss
    world = World(db, clock, Conversations(db, cadence_months=3, lead_days=LEAD_DAYS, clock=clock), line)
    world.line = replace_manager(world, BOSS)
    return world


def a_form(**changes: object) -> ConversationForm:
    base: dict[str, object] = {
        "held_on": date(2026, 11, 20),
        "notes": "Wants to lead <!channel> the on-call rota",
        "notes_shared": False,
        "next_in_months": 4,
        "experiments": [
            ExperimentForm(ExperimentKind.SHADOWING, "Shadow Dana's design reviews", date(2027, 1, 15)),
            ExperimentForm(),  # an empty row is left out
        ],
    }
    return ConversationForm(**{**base, **changes})  # type: ignore[arg-type]


# --- opening the log modal ----------------------------------------------------------------------


def test_the_log_modal_opens_on_the_managers_own_today_and_the_lines_cadence(world: World) -> None:
    start = world.uses.open_log(world.boss, str(world.line.id))
    assert start == LogStart(
        line_id=world.line.id,
        report=ANA,
        today=date(2026, 11, 22),  # already tomorrow in Kiritimati
        form=ConversationForm(held_on=date(2026, 11, 22), next_in_months=3),
        default_months=3,
    )
    assert world.uses.open_log_for_report(world.boss, ANA) == start


def test_log_for_report_names_only_the_callers_own_reports(world: World) -> None:
    make_line(world.db, report="U0BO", manager=STRANGER)
    cases = {
        ANA: world.who(STRANGER),  # not their report
        "U0BO": world.boss,  # someone else's report
        "U0NOBODY": world.boss,  # not known at all
    }
    for report, who in cases.items():
        refused = world.uses.open_log_for_report(who, report)
        assert isinstance(refused, Refused)
        assert f"<@{report}> doesn't report to you" in refused.message
    assert isinstance(world.uses.open_log_for_report(world.who(FORMER), ANA), Refused)
    assert isinstance(world.uses.open_log_for_report(world.boss, BOSS), Refused)
    assert isinstance(world.uses.open_log_for_report(world.boss, "<!channel>"), Refused)


# --- logging -------------------------------------------------------------------------------------


def test_logging_resets_the_cadence_from_the_day_held_and_stops_the_cycles_reminders(world: World) -> None:
    due = world.line.next_due_on
    sent = world.nudge(NudgeKind.DUE_SOON, NudgeStatus.SENT)
    pending = world.nudge(NudgeKind.OVERDUE_1, NudgeStatus.PENDING)
    outcome = world.uses.log(world.boss, str(world.line.id), a_form())

    assert isinstance(outcome, Logged)
    assert outcome.report == ANA and outcome.manager == BOSS
    assert outcome.next_due_on == date(2027, 3, 20)  # 20 Nov + 4 months
    assert [(e.kind, e.what) for e in outcome.conversation.experiments] == [
        (ExperimentKind.SHADOWING, "Shadow Dana's design reviews")
    ]
    assert outcome.reminders == [("D0BOSS", "1700000000.000100")]  # the DM whose buttons must go
    row = world.row()
    assert (row.next_due_on, row.cadence_months, row.last_held_on) == (date(2027, 3, 20), 4, date(2026, 11, 20))
    assert row.next_nudge_on == date(2027, 3, 20) - timedelta(days=LEAD_DAYS)  # no first-month nudge again
    assert world.nudge_row(pending).status == "cancelled"
    assert world.nudge_row(sent).status == "sent"
    assert due is not None and due != row.next_due_on


def test_the_report_is_told_the_notes_only_when_the_manager_shares_them(world: World) -> None:
    private = world.uses.log(world.boss, str(world.line.id), a_form())
    assert isinstance(private, Logged)
    assert private.conversation.notes == "Wants to lead <!channel> the on-call rota"
    assert private.for_report.notes == "" and private.for_report.experiments == private.conversation.experiments

    shared = world.uses.log(world.boss, str(world.line.id), a_form(notes_shared=True))
    assert isinstance(shared, Logged)
    assert shared.for_report.notes == "Wants to lead <!channel> the on-call rota"


def test_invalid_values_are_said_per_field_and_nothing_is_stored(world: World) -> None:
    before = world.row().next_due_on
    form = a_form(
        held_on=date(2026, 11, 23),  # tomorrow, even in Kiritimati
        next_in_months=9,
        experiments=[ExperimentForm(ExperimentKind.STRETCH, "", date(2026, 11, 1))],
    )
    outcome = world.uses.log(world.boss, str(world.line.id), form)
    assert isinstance(outcome, Invalid)
    assert {(e.field, e.row) for e in outcome.errors} == {
        (LogField.HELD_ON, None),
        (LogField.NEXT_IN, None),
        (LogField.EXPERIMENT_WHAT, 0),
        (LogField.EXPERIMENT_ENDS, 0),
    }
    assert world.count(Conversation) == 0 and world.row().next_due_on == before


# --- skipping ------------------------------------------------------------------------------------


def test_skipping_needs_a_reason_and_moves_the_due_date_one_cadence_from_today(world: World) -> None:
    assert world.uses.open_skip(world.boss, str(world.line.id)) == SkipStart(world.line.id, ANA, world.line.next_due_on)
    pending = world.nudge(NudgeKind.DUE_SOON, NudgeStatus.PENDING)

    missing = world.uses.skip(world.boss, str(world.line.id), "   ")
    assert isinstance(missing, Invalid) and [e.field for e in missing.errors] == [LogField.SKIP_REASON]
    assert world.count(Conversation) == 0

    outcome = world.uses.skip(world.boss, str(world.line.id), "  On leave until March ")
    assert isinstance(outcome, Skipped)
    assert outcome.next_due_on == date(2027, 2, 22)  # the manager's today (22 Nov) + 3 months
    row = world.row()
    assert (row.next_due_on, row.last_skipped_on, row.last_held_on) == (date(2027, 2, 22), date(2026, 11, 22), None)
    assert row.next_nudge_on == date(2027, 2, 19)
    assert world.nudge_row(pending).status == "cancelled"
    with world.db.session() as session:
        [skipped] = conversation_store.latest_conversations(session, world.line.id)
    assert (skipped.kind, skipped.skip_reason, skipped.notes) == (ConversationKind.SKIPPED, "On leave until March", "")


# --- snoozing ------------------------------------------------------------------------------------


def test_snoozing_brings_the_same_reminder_back_in_a_week_and_skips_stages_inside_it(world: World) -> None:
    due = world.line.next_due_on  # 31 Oct: 30 days after the start; overdue reminders on 7, 14, 21 Nov
    assert due == date(2026, 10, 31)
    nudge = world.nudge(NudgeKind.OVERDUE_3, NudgeStatus.SENT)
    outcome = world.uses.snooze(world.boss, str(nudge))
    assert outcome == Snoozed(report=ANA, until=date(2026, 11, 29))  # a week from the manager's 22 Nov
    row = world.nudge_row(nudge)
    assert row.status == "pending" and row.snoozes == 1
    assert row.not_before.replace(tzinfo=UTC) == world.clock.now + timedelta(days=7)
    assert world.row().next_nudge_on is None  # no stage left after the last reminder

    again = world.uses.snooze(world.boss, str(nudge))
    assert isinstance(again, Refused) and "already snoozed" in again.message
    assert world.nudge_row(nudge).snoozes == 1


def test_a_snooze_keeps_the_stages_after_the_week(world: World) -> None:
    world.clock.now = datetime(2026, 10, 27, 10, 0, tzinfo=UTC)  # due soon: 28 Oct in Kiritimati
    nudge = world.nudge(NudgeKind.DUE_SOON, NudgeStatus.SENT)
    outcome = world.uses.snooze(world.boss, str(nudge))
    assert outcome == Snoozed(report=ANA, until=date(2026, 11, 4))
    assert world.row().next_nudge_on == date(2026, 11, 7)  # the first overdue reminder still goes


def test_a_reminder_of_a_cycle_already_logged_cannot_be_snoozed(world: World) -> None:
    nudge = world.nudge(NudgeKind.DUE_SOON, NudgeStatus.SENT)
    assert isinstance(world.uses.log(world.boss, str(world.line.id), a_form()), Logged)
    schedule = world.row().next_nudge_on
    outcome = world.uses.snooze(world.boss, str(nudge))
    assert isinstance(outcome, Refused) and "no longer current" in outcome.message
    assert world.nudge_row(nudge).status == "sent" and world.row().next_nudge_on == schedule


def test_only_the_reminders_recipient_may_snooze_it(world: World) -> None:
    invite = world.nudge(NudgeKind.DUE_SOON, NudgeStatus.SENT, audience=Audience.REPORT)
    mine = world.nudge(NudgeKind.OVERDUE_1, NudgeStatus.SENT)
    cases = [
        (world.who(ANA), str(invite)),  # the report's own invitation has no snooze
        (world.who(ANA), str(mine)),
        (world.who(STRANGER), str(mine)),
        (world.who(BOSS, "T0OTHER"), str(mine)),
        (world.boss, str(invite)),
        (world.boss, "1 OR 1=1"),
        (world.boss, ""),
        (world.boss, str(2**70)),
        (world.boss, "999999999999999999"),
    ]
    for who, value in cases:
        assert isinstance(world.uses.snooze(who, value), Refused), (who, value)
    assert world.nudge_row(mine).status == "sent" and world.nudge_row(invite).status == "sent"


def test_a_former_manager_cannot_snooze_an_old_reminder(world: World) -> None:
    with world.db.session() as session:
        old_line = line_store.get_line(session, world.line.id - 1)
        assert old_line is not None and old_line.manager == FORMER and old_line.status is LineStatus.ENDED
        nudge = builders.nudge(session, old_line, NudgeKind.DUE_SOON, NudgeStatus.SENT, due_on=date(2026, 10, 31))
    outcome = world.uses.snooze(world.who(FORMER), str(nudge))
    assert isinstance(outcome, Refused) and f"<@{ANA}> no longer reports to you" in outcome.message
    assert world.nudge_row(nudge).status == "sent"


# --- who may log, skip and open the modals ------------------------------------------------------


@pytest.mark.parametrize(
    ("user", "team", "value"),
    [
        (ANA, TEAM, None),  # the report
        (STRANGER, TEAM, None),
        (FORMER, TEAM, "old"),  # the former manager, on their old line
        (FORMER, TEAM, None),  # ...or on the new one
        (BOSS, "T0OTHER", None),  # the same user id in another workspace
        (BOSS, TEAM, "1 OR 1=1"),
        (BOSS, TEAM, ""),
        (BOSS, TEAM, str(2**70)),
        (BOSS, TEAM, str(2**31)),  # one past what an INTEGER id holds (PostgreSQL would raise, not miss)
        (BOSS, TEAM, "0"),
        (BOSS, TEAM, "-1"),
        (BOSS, TEAM, "²"),
        (BOSS, TEAM, "other"),  # someone else's line
    ],
)
def test_only_the_current_manager_may_log_or_skip(world: World, user: str, team: str, value: str | None) -> None:
    other = make_line(world.db, report="U0BO", manager=STRANGER)
    line_value = {None: str(world.line.id), "old": str(world.line.id - 1), "other": str(other.id)}.get(value, value)
    who = world.who(user, team)
    before = (world.row().next_due_on, world.row().cadence_months)
    outcomes = [
        world.uses.open_log(who, line_value),
        world.uses.log(who, line_value, a_form()),
        world.uses.open_skip(who, line_value),
        world.uses.skip(who, line_value, "On leave"),
    ]
    assert all(isinstance(o, Refused) for o in outcomes), outcomes
    assert world.count(Conversation) == 0 and world.count(Experiment) == 0
    assert (world.row().next_due_on, world.row().cadence_months) == before
    # A refusal names someone only to the former manager, who knew them: a stranger learns nothing.
    if user != FORMER:
        assert all(ANA not in o.message for o in outcomes if isinstance(o, Refused))


def test_a_log_racing_the_end_of_the_line_stores_nothing(world: World) -> None:
    """The manager opened the modal; the report confirmed a new manager before they submitted."""
    assert isinstance(world.uses.open_log(world.boss, str(world.line.id)), LogStart)
    replace_manager(world, STRANGER)
    outcome = world.uses.log(world.boss, str(world.line.id), a_form())
    assert isinstance(outcome, Refused) and f"<@{ANA}> no longer reports to you" in outcome.message
    assert world.count(Conversation) == 0


# --- experiment outcomes ------------------------------------------------------------------------


def logged_experiment(world: World) -> int:
    outcome = world.uses.log(world.boss, str(world.line.id), a_form())
    assert isinstance(outcome, Logged)
    return outcome.conversation.experiments[0].id


def test_the_manager_and_the_report_each_record_their_own_outcome(world: World) -> None:
    experiment = logged_experiment(world)
    by_boss = world.uses.answer_outcome(world.boss, str(experiment), "keep_going")
    by_ana = world.uses.answer_outcome(world.who(ANA), str(experiment), "changed_goal")
    assert isinstance(by_boss, OutcomeRecorded) and by_boss.by is Audience.MANAGER
    assert by_boss.experiment.manager_outcome is Outcome.KEEP_GOING
    assert isinstance(by_ana, OutcomeRecorded) and by_ana.by is Audience.REPORT
    assert by_ana.outcome is Outcome.CHANGED_GOAL
    with world.db.session() as session:
        found = conversation_store.get_experiment(session, experiment)
    assert found is not None
    assert (found[0].manager_outcome, found[0].report_outcome) == (Outcome.KEEP_GOING, Outcome.CHANGED_GOAL)


def test_after_the_line_ends_only_the_report_may_still_answer(world: World) -> None:
    experiment = logged_experiment(world)
    replace_manager(world, STRANGER)
    refused = world.uses.answer_outcome(world.boss, str(experiment), "stop")
    assert isinstance(refused, Refused)
    assert isinstance(world.uses.answer_outcome(world.who(ANA), str(experiment), "stop"), OutcomeRecorded)
    # The new manager was not part of that conversation.
    assert isinstance(world.uses.answer_outcome(world.who(STRANGER), str(experiment), "stop"), Refused)


@pytest.mark.parametrize(
    ("user", "team", "value", "choice"),
    [
        (STRANGER, TEAM, "mine", "stop"),
        (FORMER, TEAM, "mine", "stop"),
        (ANA, "T0OTHER", "mine", "stop"),
        (ANA, TEAM, "mine", "maybe"),
        (ANA, TEAM, "mine", None),
        (ANA, TEAM, "1 OR 1=1", "stop"),
        (ANA, TEAM, "", "stop"),
        (ANA, TEAM, str(2**70), "stop"),
        (ANA, TEAM, "999999999999999999", "stop"),
    ],
)
def test_outcome_answers_from_anyone_else_or_tampered_are_refused(
    world: World, user: str, team: str, value: str, choice: str | None
) -> None:
    experiment = logged_experiment(world)
    outcome = world.uses.answer_outcome(world.who(user, team), str(experiment) if value == "mine" else value, choice)
    assert isinstance(outcome, Refused)
    with world.db.session() as session:
        row = session.get(Experiment, experiment)
        assert row is not None and row.manager_outcome is None and row.report_outcome is None


# --- the manager's Home ---------------------------------------------------------------------------


def test_home_shows_the_managers_team_next_due_first_with_running_experiments(world: World) -> None:
    make_line(world.db, report="U0BO", manager=BOSS)  # due 31 Oct too, created later
    assert isinstance(world.uses.log(world.boss, str(world.line.id), a_form()), Logged)
    home = Plans(world.db, world.clock).home(world.boss)
    assert home.team_size == 2
    assert [member.line.report for member in home.team] == ["U0BO", ANA]  # 31 Oct before 20 Mar
    assert [e.what for e in home.team[1].running] == ["Shadow Dana's design reviews"]
    assert home.team[0].running == []
    assert Plans(world.db, world.clock).home(world.who(ANA)).team == []


def test_local_today_is_used_for_a_manager_without_a_known_zone(world: World) -> None:
    make_line(world.db, report="U0BO", manager="U0NOTZ")
    with world.db.session() as session:
        session.execute(update(Person).where(Person.slack_user_id == "U0NOTZ").values(tz=None))
    start = world.uses.open_log_for_report(world.who("U0NOTZ"), "U0BO")
    assert isinstance(start, LogStart) and start.today == local_day(world.clock.now, None) == date(2026, 11, 21)
