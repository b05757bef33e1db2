"""Use cases of career conversations (F5): log one, skip a cycle, snooze a reminder, and answer what an
experiment taught. Slack-free.

Every use case takes the acting person (`Who`, from Slack's payload) and re-checks on the server what they
may do: only a line's *current* manager logs, skips or snoozes for it; only the line's manager or report
answers an experiment's outcome, each their own. Ids in button values and modal metadata are hints of what
was clicked, never proof of who clicked. "Today" is the manager's local day (their Slack time zone).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date

from sqlalchemy.orm import Session

from bot.career.cadence import (
    SNOOZE,
    Audience,
    ConversationKind,
    Cycle,
    Outcome,
    after_snooze,
    due_after,
    first_nudge_on,
    local_day,
)
from bot.career.conversation import (
    Conversation,
    ConversationForm,
    Experiment,
    LogError,
    check_conversation,
    check_skip_reason,
)
from bot.career.lines import Line, LineStatus
from bot.usecases.common import SLACK_USER_ID, Clock, Refused, Who, mention, row_id, today_of, utc_now
from storage import conversations as store
from storage import lines as line_store
from storage import nudges as nudge_store
from storage import people
from storage.db import Database

NOT_YOURS = "Only the person's current manager can do this, so nothing changed."
NO_LONGER = "{report} no longer reports to you in careerplan, so nothing changed."
ALREADY_SNOOZED = "This reminder is already snoozed: I'll bring it back when the week is up."
REMINDER_DONE = "This reminder is no longer current: the conversation was logged or skipped since. Nothing changed."
NOT_AN_EXPERIMENT = "This experiment isn't one of yours, so nothing changed."


@dataclass(frozen=True)
class LogStart:
    """What the log modal opens with."""

    line_id: int
    report: str
    today: date  # the manager's local day
    form: ConversationForm  # held today, next in the line's cadence
    default_months: int


@dataclass(frozen=True)
class SkipStart:
    line_id: int
    report: str
    due_on: date | None


@dataclass(frozen=True)
class Invalid:
    """The form's values did not pass the checks; nothing was stored."""

    errors: list[LogError]


@dataclass(frozen=True)
class Logged:
    line_id: int
    report: str
    manager: str
    conversation: Conversation  # as the manager logged it
    for_report: Conversation  # what the report is told: the notes only if the manager shared them
    next_due_on: date
    reminders: list[tuple[str, str]] = field(default_factory=list)  # (channel, ts) of the cycle's reminder DMs


@dataclass(frozen=True)
class Skipped:
    line_id: int
    report: str
    next_due_on: date
    reminders: list[tuple[str, str]] = field(default_factory=list)


@dataclass(frozen=True)
class Snoozed:
    report: str
    until: date  # the manager's local day the reminder comes back


@dataclass(frozen=True)
class OutcomeRecorded:
    experiment: Experiment
    outcome: Outcome
    by: Audience


class Conversations:
    def __init__(self, db: Database, cadence_months: int, lead_days: int, clock: Clock = utc_now) -> None:
        self.db = db
        self.cadence_months = cadence_months  # for lines whose own cadence is somehow unset
        self.lead_days = lead_days
        self.clock = clock

    # --- the log modal -------------------------------------------------------------------------------

    def open_log(self, who: Who, line_value: object) -> LogStart | Refused:
        """Log conversation, clicked in a reminder DM or on Home: the modal's starting values."""
        with self.db.session() as session:
            line = self._managed(session, who, line_value)
            return line if isinstance(line, Refused) else self._log_start(session, who, line)

    def open_log_for_report(self, who: Who, report_user_id: str) -> LogStart | Refused:
        """`/careerplan log @report`: the same modal, for the caller's report named by the mention."""
        if not SLACK_USER_ID.match(report_user_id):
            return Refused("That doesn't look like a person in this workspace.")
        if report_user_id == who.user_id:
            return Refused("A career conversation is with someone who reports to you: name them.")
        with self.db.session() as session:
            report_id = people.find_person_id(session, who.team_id, report_user_id)
            line = None if report_id is None else line_store.active_line_of(session, report_id)
            if line is None or line.manager != who.user_id:
                return Refused(
                    f"{mention(report_user_id)} doesn't report to you in careerplan, so there is nothing to log. "
                    "If they should, ask them to confirm you as their manager."
                )
            return self._log_start(session, who, line)

    def log(self, who: Who, line_value: object, form: ConversationForm) -> Logged | Invalid | Refused:
        """Record a conversation held: the next one is due `months` after the day held, from now on the
        line's cadence; the reminders of the cycle just closed stop."""
        now = self.clock()
        with self.db.session() as session:
            line = self._managed(session, who, line_value)
            if isinstance(line, Refused):
                return line
            checked = check_conversation(
                form,
                today=self._today(session, who),
                started_on=line.started_on,
                default_months=line.cadence_months or self.cadence_months,
            )
            if isinstance(checked, list):
                return Invalid(checked)
            next_due = due_after(checked.held_on, checked.next_in_months)
            new = store.NewConversation(
                kind=ConversationKind.HELD,
                held_on=checked.held_on,
                next_in_months=checked.next_in_months,
                notes=checked.notes,
                notes_shared=checked.notes_shared,
                experiments=[store.NewExperiment(e.kind, e.what, e.ends_on) for e in checked.experiments],
            )
            saved = store.add_conversation(
                session,
                line.id,
                new,
                self._schedule(line, next_due, checked.next_in_months),
                now,
            )
            if saved is None:
                return Refused(NO_LONGER.format(report=mention(line.report)))
            return Logged(
                line_id=line.id,
                report=line.report,
                manager=line.manager,
                conversation=saved,
                for_report=saved if saved.notes_shared else replace(saved, notes=""),
                next_due_on=next_due,
                reminders=self._reminders(session, line.id, line.next_due_on),
            )

    # --- skipping a cycle ----------------------------------------------------------------------------

    def open_skip(self, who: Who, line_value: object) -> SkipStart | Refused:
        with self.db.session() as session:
            line = self._managed(session, who, line_value)
            if isinstance(line, Refused):
                return line
            return SkipStart(line_id=line.id, report=line.report, due_on=line.next_due_on)

    def skip(self, who: Who, line_value: object, reason_text: str) -> Skipped | Invalid | Refused:
        """Skip this cycle (a reason is required): the next conversation is due one cadence from today."""
        now = self.clock()
        with self.db.session() as session:
            line = self._managed(session, who, line_value)
            if isinstance(line, Refused):
                return line
            reason = check_skip_reason(reason_text)
            if isinstance(reason, LogError):
                return Invalid([reason])
            today = self._today(session, who)
            months = line.cadence_months or self.cadence_months
            next_due = due_after(today, months)
            new = store.NewConversation(
                kind=ConversationKind.SKIPPED, held_on=today, next_in_months=months, skip_reason=reason
            )
            if store.add_conversation(session, line.id, new, self._schedule(line, next_due, months), now) is None:
                return Refused(NO_LONGER.format(report=mention(line.report)))
            return Skipped(
                line_id=line.id,
                report=line.report,
                next_due_on=next_due,
                reminders=self._reminders(session, line.id, line.next_due_on),
            )

    # --- snoozing a reminder -------------------------------------------------------------------------

    def snooze(self, who: Who, nudge_value: object) -> Snoozed | Refused:
        """Snooze a week: the same reminder comes back in 7 days; reminders due inside the week are not sent."""
        nudge_id = row_id(nudge_value)
        now = self.clock()
        with self.db.session() as session:
            nudge = None if nudge_id is None else nudge_store.get_nudge(session, nudge_id)
            if (
                nudge is None
                or nudge.team_id != who.team_id
                or nudge.recipient != who.user_id
                or nudge.audience is not Audience.MANAGER
                or nudge.kind not in store.CONVERSATION_NUDGES
            ):
                return Refused("This reminder isn't yours to snooze, so nothing changed.")
            line = line_store.get_line(session, nudge.line_id)
            if line is None or line.status is not LineStatus.ACTIVE or line.manager != who.user_id:
                report = mention(line.report) if line is not None else "They"
                return Refused(NO_LONGER.format(report=report))
            schedule = store.line_schedule(session, line.id)
            if schedule is None or schedule.next_due_on != nudge.due_on:
                return Refused(REMINDER_DONE)
            until = now + SNOOZE
            until_day = local_day(until, self._tz(session, who))
            cycle = Cycle(
                due_on=nudge.due_on,
                started_on=schedule.started_on,
                first_cycle=schedule.first_cycle,
                lead_days=self.lead_days,
            )
            if not nudge_store.snooze(session, nudge.id, until, after_snooze(cycle, until_day)):
                # Not a sent reminder any more: snoozed by an earlier click, or cancelled since.
                current = nudge_store.get_nudge(session, nudge.id)
                if current is not None and current.status.value in nudge_store.OPEN_STATUSES:
                    return Refused(ALREADY_SNOOZED)
                return Refused(REMINDER_DONE)
            return Snoozed(report=line.report, until=until_day)

    # --- experiment outcomes -------------------------------------------------------------------------

    def answer_outcome(self, who: Who, experiment_value: object, outcome_value: object) -> OutcomeRecorded | Refused:
        """What an ended experiment taught, as the manager or the report answers it (each their own)."""
        try:
            outcome = Outcome(outcome_value) if isinstance(outcome_value, str) else None
        except ValueError:
            outcome = None
        experiment_id = row_id(experiment_value)
        now = self.clock()
        with self.db.session() as session:
            found = None if experiment_id is None or outcome is None else store.get_experiment(session, experiment_id)
            if found is None:
                return Refused(NOT_AN_EXPERIMENT)
            experiment, line = found
            if line.team_id != who.team_id or who.user_id not in (line.report, line.manager):
                return Refused(NOT_AN_EXPERIMENT)
            by = Audience.REPORT if who.user_id == line.report else Audience.MANAGER
            assert outcome is not None
            if not store.record_outcome(session, experiment.id, by, outcome, now):
                return Refused(NO_LONGER.format(report=mention(line.report)))
            if by is Audience.MANAGER:
                experiment = replace(experiment, manager_outcome=outcome)
            else:
                experiment = replace(experiment, report_outcome=outcome)
            return OutcomeRecorded(experiment=experiment, outcome=outcome, by=by)

    # --- helpers -------------------------------------------------------------------------------------

    def _managed(self, session: Session, who: Who, line_value: object) -> Line | Refused:
        """The line named by a button or modal, if `who` is its current manager."""
        line_id = row_id(line_value)
        line = None if line_id is None else line_store.get_line(session, line_id)
        if line is None or line.team_id != who.team_id or line.manager != who.user_id:
            # Naming no one: a tampered value learns nothing about whose line it is.
            return Refused(NOT_YOURS)
        if line.status is not LineStatus.ACTIVE:
            return Refused(NO_LONGER.format(report=mention(line.report)))
        return line

    def _log_start(self, session: Session, who: Who, line: Line) -> LogStart:
        today = self._today(session, who)
        months = line.cadence_months or self.cadence_months
        form = ConversationForm(held_on=today, next_in_months=months)
        return LogStart(line_id=line.id, report=line.report, today=today, form=form, default_months=months)

    def _schedule(self, line: Line, next_due: date, months: int) -> store.Schedule:
        # After a conversation held or skipped, a cycle is never a first one: no first-month nudge.
        cycle = Cycle(due_on=next_due, started_on=line.started_on, first_cycle=False, lead_days=self.lead_days)
        return store.Schedule(next_due_on=next_due, next_nudge_on=first_nudge_on(cycle), cadence_months=months)

    @staticmethod
    def _reminders(session: Session, line_id: int, closed_due_on: date | None) -> list[tuple[str, str]]:
        return [] if closed_due_on is None else store.sent_reminders(session, line_id, closed_due_on)

    def _today(self, session: Session, who: Who) -> date:
        person_id = people.find_person_id(session, who.team_id, who.user_id)
        now = self.clock()
        return local_day(now, None) if person_id is None else today_of(session, person_id, now)

    @staticmethod
    def _tz(session: Session, who: Who) -> str | None:
        person_id = people.find_person_id(session, who.team_id, who.user_id)
        return None if person_id is None else people.person_tz(session, person_id)
