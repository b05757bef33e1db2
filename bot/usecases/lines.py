"""Use cases of reporting lines (F3), sharing (with the manager, and with named people), and someone allowed
to read a person's plan opening it. Slack-free.

Every use case takes the acting person (`Who`, from Slack's payload) and re-checks on the server what
they may do: ids in button values are only hints of what they clicked, never proof of who they are.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.career.lines import (
    DECLINE_COOLDOWN,
    MAX_OPEN_REQUESTS,
    EndReason,
    Line,
    LineStatus,
    RequestedBy,
    makes_cycle,
)
from bot.career.plan import SavedPlan, human_date
from bot.career.reflection import SavedReflection
from bot.career.sharing import Reader, Share, reader_of, why_not_share
from bot.usecases.common import SLACK_USER_ID, Clock, Refused, Who, mention, row_id, today_of, utc_now
from storage import lines as store
from storage import people
from storage import plans as plan_store
from storage import reflections as reflection_store
from storage import shares as share_store
from storage.db import Database


@dataclass(frozen=True)
class Answered:
    line: Line  # as it is now: active if confirmed, declined otherwise
    confirmed: bool
    ended: Line | None = None  # the report's previous line, ended by this confirmation


@dataclass(frozen=True)
class Team:
    reports: list[Line]  # active lines where the person is the manager
    pending: list[Line]  # open requests the person made or must answer
    manager: Line | None  # the person's own active line as a report


@dataclass(frozen=True)
class ReportPlan:
    """A person's answers, for someone allowed to read them: `reader` says who they are to the person, and so
    what they see (a viewer the owner named gets the current plan only: `reflection` is then always None)."""

    report: str
    reader: Reader
    today: date
    saved: SavedPlan | None
    reflection: SavedReflection | None


@dataclass(frozen=True)
class NotShared:
    """The viewer may not see the answers; they learn that much and nothing more."""

    report: str


def plan_reader(session: Session, who: Who, report: str) -> tuple[int, Reader] | None:
    """The person id of `report` (a Slack user id of `who`'s workspace) and how `who` may read their plan now,
    or None if not at all.

    THE check of who may read a person's plan (bot.career.sharing.reader_of), for *View plan* and for feedback
    on the plan it shows: whoever is allowed one is allowed the other, at the same moment."""
    report_id = people.find_person_id(session, who.team_id, report) if SLACK_USER_ID.match(report) else None
    if report_id is None:
        return None
    line = store.active_line_of(session, report_id)
    viewers = [share.viewer for share in share_store.viewers_of(session, report_id)]
    reader = reader_of(who.user_id, report, line, viewers)
    return None if reader is None else (report_id, reader)


class Lines:
    def __init__(self, db: Database, default_cadence_months: int, clock: Clock = utc_now) -> None:
        self.db = db
        self.default_cadence_months = default_cadence_months
        self.clock = clock

    def request(self, who: Who, other: str, asked_by: RequestedBy) -> Line | Refused:
        """`/careerplan manager @other` (asked_by REPORT) or `/careerplan add @other` (asked_by MANAGER)."""
        if not SLACK_USER_ID.match(other):
            return Refused("That doesn't look like a person in this workspace.")
        if other == who.user_id:
            return Refused("You can't be your own manager.")
        report, manager = (who.user_id, other) if asked_by is RequestedBy.REPORT else (other, who.user_id)
        now = self.clock()
        try:
            with self.db.session() as session:
                if people.deactivated_at(session, who.team_id, other) is not None:
                    role = "be your manager" if asked_by is RequestedBy.REPORT else "report to you"
                    return Refused(
                        f"{mention(other)} has left Slack (their account is deactivated), so they can't {role}."
                    )
                report_id = people.ensure_person(session, who.team_id, report, now)
                manager_id = people.ensure_person(session, who.team_id, manager, now)
                asker_id = report_id if asked_by is RequestedBy.REPORT else manager_id
                declined_at = store.last_declined_at(session, report_id, manager_id, asked_by)
                if declined_at is not None and now - declined_at < DECLINE_COOLDOWN:
                    again = (declined_at + DECLINE_COOLDOWN).date()
                    return Refused(
                        f"{mention(other)} declined this request on {human_date(declined_at.date())}. "
                        f"You can ask them again from {human_date(again)}; talking to them first may help."
                    )
                if store.open_requests_made_by(session, asker_id) >= MAX_OPEN_REQUESTS:
                    return Refused(
                        f"You already have {MAX_OPEN_REQUESTS} requests waiting for an answer: "
                        "wait for those to be answered before asking someone else."
                    )
                if store.line_between(session, report_id, manager_id, LineStatus.ACTIVE) is not None:
                    return Refused(
                        f"{mention(manager)} is already your manager."
                        if asked_by is RequestedBy.REPORT
                        else f"{mention(report)} already reports to you."
                    )
                if store.line_between(session, report_id, manager_id, LineStatus.PENDING) is not None:
                    return Refused(self._already_asked(other))
                if self._makes_cycle(session, who.team_id, report, manager):
                    return Refused(
                        f"{mention(manager)} reports to {mention(report)}, directly or through others, "
                        "so they can't also be their manager."
                    )
                return store.add_line(
                    session,
                    report_id,
                    manager_id,
                    requested_by=asked_by,
                    cadence_months=self.default_cadence_months,
                    now=now,
                )
        except IntegrityError:
            # The same request, sent twice at once: the database kept one.
            return Refused(self._already_asked(other))

    def remember_request_message(self, line_id: int, channel: str, ts: str) -> None:
        with self.db.session() as session:
            store.set_request_message(session, line_id, channel, ts)

    def request_message(self, line_id: int) -> tuple[str, str] | None:
        with self.db.session() as session:
            return store.request_message(session, line_id)

    def withdraw_undelivered(self, line_id: int) -> None:
        """The request could not be delivered: close it, so it does not wait for an answer forever."""
        with self.db.session() as session:
            store.decline(session, line_id, self.clock(), EndReason.UNDELIVERED)

    def answer(self, who: Who, line_value: object, *, confirm: bool) -> Answered | Refused:
        """Confirm or Decline, clicked by the invited party (anyone else is refused)."""
        now = self.clock()
        try:
            with self.db.session() as session:
                line = self._line(session, line_value)
                if line is None or line.team_id != who.team_id or who.user_id not in (line.report, line.manager):
                    return Refused("This request isn't addressed to you, so nothing changed.")
                if who.user_id != line.invited:
                    return Refused(f"This request is waiting for {mention(line.invited)} to answer it.")
                if line.status is not LineStatus.PENDING:
                    return Refused("This request has already been answered.")
                if not confirm:
                    store.decline(session, line.id, now)
                    return Answered(self._reload(session, line.id), confirmed=False)
                if self._makes_cycle(session, line.team_id, line.report, line.manager):
                    return Refused(
                        f"{mention(line.manager)} now reports to {mention(line.report)}, directly or through "
                        "others, so this can't be confirmed."
                    )
                report_id = self._person(session, line.team_id, line.report)
                ended = store.end_active_line(session, report_id, EndReason.REPLACED, now)
                if not store.activate(session, line.id, today_of(session, report_id, now), now):
                    return Refused("This request has already been answered.")
                return Answered(self._reload(session, line.id), confirmed=True, ended=ended)
        except IntegrityError:
            return Refused("Something else changed this reporting line at the same moment. Please try again.")

    def share(self, who: Who, line_value: object, *, shared: bool) -> Line | Refused:
        """The report shares (or stops sharing) their answers with the manager of this active line."""
        now = self.clock()
        with self.db.session() as session:
            line = self._line(session, line_value)
            if line is None or line.team_id != who.team_id or line.report != who.user_id:
                return Refused("You can only choose who sees your own plan. Nothing changed.")
            if line.status is not LineStatus.ACTIVE or not store.set_shared(session, line.id, shared, now):
                return Refused(
                    f"{mention(line.manager)} is no longer your manager here, so nothing changed. "
                    "Your Home tab shows who can see your plan now."
                )
            return self._reload(session, line.id)

    def team(self, who: Who) -> Team:
        with self.db.session() as session:
            person_id = people.find_person_id(session, who.team_id, who.user_id)
            if person_id is None:
                return Team(reports=[], pending=[], manager=None)
            return Team(
                reports=store.reports_of(session, person_id),
                pending=store.pending_lines_of(session, person_id),
                manager=store.active_line_of(session, person_id),
            )

    def manager_line(self, who: Who) -> Line | None:
        """The person's active line as a report (whose manager may be shown their answers)."""
        with self.db.session() as session:
            person_id = people.find_person_id(session, who.team_id, who.user_id)
            return None if person_id is None else store.active_line_of(session, person_id)

    def report_plan(self, who: Who, report_value: object) -> ReportPlan | NotShared:
        """A person's plan, for whoever `reader_of` allows, checked at every click: the person themself; their
        active manager while they share with that line (plan and last reflection); someone they share their plan
        with now, in the same workspace (the current plan only)."""
        report = report_value if isinstance(report_value, str) and SLACK_USER_ID.match(report_value) else ""
        now = self.clock()
        with self.db.session() as session:
            found = plan_reader(session, who, report)
            if found is None:
                return NotShared(report or "?")
            report_id, reader = found
            return ReportPlan(
                report=report,
                reader=reader,
                today=today_of(session, report_id, now),
                saved=plan_store.latest_plan(session, report_id),
                reflection=reflection_store.latest_reflection(session, report_id) if reader.sees_reflection else None,
            )

    def share_with(self, who: Who, viewer: str) -> Share | Refused:
        """`/careerplan share @viewer`, or the Home modal: the person shares their current plan, read-only, with
        `viewer` (whom Slack has said is a person of the workspace)."""
        if not SLACK_USER_ID.match(viewer):
            return Refused("That doesn't look like a person in this workspace.")
        now = self.clock()
        try:
            with self.db.session() as session:
                if people.deactivated_at(session, who.team_id, viewer) is not None:
                    return Refused(f"{mention(viewer)} has left Slack (their account is deactivated).")
                owner_id = people.ensure_person(session, who.team_id, who.user_id, now)
                viewers = [share.viewer for share in share_store.viewers_of(session, owner_id)]
                refusal = why_not_share(who.user_id, viewer, store.active_line_of(session, owner_id), viewers)
                if refusal is not None:
                    return Refused(refusal)
                viewer_id = people.ensure_person(session, who.team_id, viewer, now)
                return share_store.add_share(session, owner_id, viewer_id, now)
        except IntegrityError:
            # The same share, asked twice at once: the database kept one.
            return Refused(f"Your plan is already shared with {mention(viewer)}: nothing to do.")

    def stop_sharing_with(self, who: Who, viewer_value: object) -> Share | Refused:
        """`/careerplan unshare @viewer`, or Stop sharing on Home: only the person's own share can stop (the
        value names the viewer; the owner is always the one acting). The viewer loses access at once."""
        viewer = viewer_value if isinstance(viewer_value, str) and SLACK_USER_ID.match(viewer_value) else ""
        now = self.clock()
        with self.db.session() as session:
            owner_id = people.find_person_id(session, who.team_id, who.user_id)
            viewer_id = people.find_person_id(session, who.team_id, viewer) if viewer else None
            stopped = None
            if owner_id is not None and viewer_id is not None:
                stopped = share_store.revoke(session, owner_id, viewer_id, now)
            if stopped is None:
                named = mention(viewer) if viewer else "that person"
                return Refused(f"Your plan isn't shared with {named}, so nothing changed.")
            return stopped

    def viewers(self, who: Who) -> list[Share]:
        """Whom the person shares their plan with now, oldest first (besides their manager)."""
        with self.db.session() as session:
            person_id = people.find_person_id(session, who.team_id, who.user_id)
            return [] if person_id is None else share_store.viewers_of(session, person_id)

    @staticmethod
    def _already_asked(other: str) -> str:
        return f"A request between you and {mention(other)} is already waiting for an answer."

    def _makes_cycle(self, session: Session, team_id: str, report: str, manager: str) -> bool:
        return makes_cycle(report, manager, lambda user: store.manager_user_of(session, team_id, user))

    @staticmethod
    def _line(session: Session, value: object) -> Line | None:
        line_id = row_id(value)
        return None if line_id is None else store.get_line(session, line_id)

    @staticmethod
    def _reload(session: Session, line_id: int) -> Line:
        line = store.get_line(session, line_id)
        assert line is not None
        return line

    @staticmethod
    def _person(session: Session, team_id: str, user_id: str) -> int:
        person_id = people.find_person_id(session, team_id, user_id)
        assert person_id is not None  # both people of a line exist
        return person_id
