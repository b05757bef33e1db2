"""Feedback on a shared plan (issue 15, item 5): open the form, send a note. Slack-free.

Whoever may read a person's plan now may send them feedback on it: the one rule is
`bot.usecases.lines.plan_reader`, checked when the form opens and again when it is sent (the line may
have ended, or sharing stopped, in between). The note is kept with the plan version the author read: if the
plan was revised meanwhile it is still accepted, and says which version it is about.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from bot.career.feedback import FeedbackNote, check_feedback, read_plan_ref
from bot.usecases.common import Clock, Refused, Who, mention, utc_now
from bot.usecases.lines import plan_reader
from storage import feedback as store
from storage import people
from storage.db import Database

NOT_SHARED = "This plan isn't shared with you (any more), so you can't send feedback on it. Nothing was sent."


@dataclass(frozen=True)
class FeedbackStart:
    """The form may open: feedback on `report`'s plan, version `version` (the one the viewer was shown)."""

    report: str
    version: int


@dataclass(frozen=True)
class _Target:
    """The plan version a note is about, checked: `who` may send feedback on it now."""

    report: str
    version: int
    version_id: int
    current_version: int


@dataclass(frozen=True)
class Invalid:
    """The note itself is not right (missing, too long); `message` says what would be."""

    message: str


@dataclass(frozen=True)
class Sent:
    note: FeedbackNote
    current_version: int  # the report's plan version now: above note.version if they revised it meanwhile


class Feedback:
    def __init__(self, db: Database, clock: Clock = utc_now) -> None:
        self.db = db
        self.clock = clock

    def start(self, who: Who, plan_value: object) -> FeedbackStart | Refused:
        """Feedback clicked on a plan shown to `who`: the form opens only if they may read that plan now."""
        with self.db.session() as session:
            checked = self._check(session, who, plan_value)
        return checked if isinstance(checked, Refused) else FeedbackStart(checked.report, checked.version)

    def send(self, who: Who, plan_value: object, typed: str) -> Sent | Invalid | Refused:
        """Keep the note with the version it is about, after checking everything again; the caller DMs it."""
        now = self.clock()
        with self.db.session() as session:
            target = self._check(session, who, plan_value)
            if isinstance(target, Refused):
                return target
            try:
                text = check_feedback(typed)
            except ValueError as exc:
                return Invalid(str(exc))
            author_id = people.ensure_person(session, who.team_id, who.user_id, now)
            note = store.add_feedback(session, target.version_id, author_id, text, now)
        return Sent(note, target.current_version)

    def remember_dm(self, feedback_id: int, channel: str, ts: str) -> None:
        with self.db.session() as session:
            store.set_dm(session, feedback_id, channel, ts)

    @staticmethod
    def _check(session: Session, who: Who, plan_value: object) -> _Target | Refused:
        """The version `plan_value` names, if `who` may send feedback on it now; else why not. The same answer
        for every plan `who` may not read, so a forged value learns nothing about whose plans exist."""
        ref = read_plan_ref(plan_value)
        if ref is None:
            return Refused(NOT_SHARED)
        report, version = ref
        if report == who.user_id:
            return Refused("This is your own plan: feedback comes from the people you share it with.")
        found = plan_reader(session, who, report)
        if found is None:
            return Refused(NOT_SHARED)
        report_id, _ = found
        current = store.current_version(session, report_id)
        version_id = store.version_id(session, report_id, version)
        if current is None or version_id is None:
            return Refused(f"That version of {mention(report)}'s plan no longer exists, so nothing was sent.")
        return _Target(report, version, version_id, current)
