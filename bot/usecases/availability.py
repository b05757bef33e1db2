"""Use cases of when reminders may reach a person: their Slack away status, and their own reminder settings.

The rules themselves (working days and hours, public holidays, away statuses) are bot.career.availability's;
these read and keep what they need, one unit of work each.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from bot.career.availability import (
    NO_CALENDAR,
    UnreadableSetting,
    WorkingTime,
    away_until,
    format_work_days,
    format_working_hours,
    parse_holidays,
    parse_working_hours,
)
from bot.settings import Settings
from bot.usecases.common import Clock, Who, utc_now
from storage import people
from storage.db import Database
from storage.people import ReminderSettings


@dataclass(frozen=True)
class ReminderChoices:
    """What the Reminder settings modal shows: the person's working time as it applies now, and whether each
    part is their own choice or the workspace's."""

    working: WorkingTime
    workspace: WorkingTime
    own: ReminderSettings


@dataclass(frozen=True)
class ReminderForm:
    """The Reminder settings modal as submitted: working days (weekday numbers), hours and a calendar code, as
    typed."""

    days: frozenset[int]
    hours: str
    holidays: str


class Availability:
    def __init__(self, db: Database, settings: Settings, clock: Clock = utc_now) -> None:
        self.db = db
        self.settings = settings
        self.clock = clock

    def status_changed(self, who: Who, *, emoji: object, text: object, expiration: object) -> bool:
        """Slack says the person's status is now this (user_status_changed, user_change): keep until when it says
        they are away, so reminders to them wait. Only for someone careerplan knows. Whether it was kept."""
        now = self.clock()
        with self.db.session() as session:
            person_id = people.find_person_id(session, who.team_id, who.user_id)
            if person_id is None:
                return False
            until = away_until(
                now,
                emoji=emoji,
                text=text,
                expiration=expiration,
                markers=self.settings.away_markers,
                when=self._working_time(session, person_id),
            )
            people.set_away_until(session, person_id, until)
        return True

    def choices(self, who: Who) -> ReminderChoices:
        with self.db.session() as session:
            person_id = people.find_person_id(session, who.team_id, who.user_id)
            if person_id is None:
                return ReminderChoices(
                    self.settings.working_time(None), self.settings.working_time(None), ReminderSettings()
                )
            working = self._working_time(session, person_id)
            own = people.reminder_settings(session, person_id)
        return ReminderChoices(working, self.settings.working_time(working.tz), own)

    def save(self, who: Who, form: ReminderForm) -> ReminderSettings | dict[str, str]:
        """Keep the person's choices; a part equal to the workspace's is stored as "the workspace's", so a later
        change of the workspace setting reaches them. Errors by field ("days", "hours", "holidays") otherwise."""
        errors: dict[str, str] = {}
        if not form.days:
            errors["days"] = "Choose at least one working day."
        try:
            start, end = parse_working_hours(form.hours)
        except UnreadableSetting as exc:
            errors["hours"] = str(exc)
        try:
            calendar = parse_holidays(form.holidays)
        except UnreadableSetting as exc:
            errors["holidays"] = str(exc)
        if errors:
            return errors
        workspace = self.settings.working_time(None)
        own = ReminderSettings(
            work_days=None if form.days == workspace.days else format_work_days(form.days),
            work_hours=None if (start, end) == (workspace.start, workspace.end) else format_working_hours(start, end),
            holidays=None if calendar == workspace.holidays else (calendar or NO_CALENDAR),
        )
        with self.db.session() as session:
            person_id = people.ensure_person(session, who.team_id, who.user_id, self.clock())
            people.set_reminder_settings(session, person_id, own)
        return own

    def _working_time(self, session: Session, person_id: int) -> WorkingTime:
        own = people.reminder_settings(session, person_id)
        tz = people.person_tz(session, person_id)
        return self.settings.working_time(tz, days=own.work_days, hours=own.work_hours, holidays=own.holidays)
