"""Use cases of the plan wizard (F1) and the employee's Home (F6): one unit of work each, in domain terms.

A wizard's draft is kept under `draft_key`, an opaque string the caller picks (one per open wizard)."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.career.asks import AskStatus, recent_not_nows
from bot.career.feedback import FEEDBACK_ON_HOME
from bot.career.home import HomeData, TeamMember
from bot.career.plan import (
    CLOSED_NOTE_MAX,
    FieldError,
    FormInvalid,
    GapsUnchanged,
    Plan,
    PlanForm,
    SavedPlan,
    WizardMove,
    WizardPage,
    check_gaps,
    check_goal,
    check_plan,
    check_steps,
    clean_text,
    close_focus,
    reopen,
    revision,
)
from bot.usecases.bench import bench_of
from bot.usecases.common import Clock, Refused, Who, row_id, today_of, utc_now
from storage import asks as ask_store
from storage import conversations as conversation_store
from storage import feedback as feedback_store
from storage import lines as line_store
from storage import people
from storage import plans as store
from storage import reflections as reflection_store
from storage import shares as share_store
from storage.db import Database

FillForm = Callable[[PlanForm], None]
GapChange = Callable[[Plan, date], Plan]  # raises GapsUnchanged when it would not do

# Reports shown on a manager's Home, next due first; /careerplan team lists them all.
TEAM_PAGE = 15
# Asks answered "not now", and suggestions received, shown on Home (newest first; the export has them all).
ASKS_SHOWN = 3


@dataclass(frozen=True)
class Invalid:
    errors: list[FieldError]
    form: PlanForm


@dataclass(frozen=True)
class ShowPage:
    page: WizardPage
    form: PlanForm


@dataclass(frozen=True)
class Saved:
    saved: SavedPlan
    today: date  # the person's, for what the plan's targets suggest


@dataclass(frozen=True)
class Closing:
    """The focus gap about to be closed, for the "Closed it" modal; `version_id` is re-checked on submission."""

    gap: str
    version_id: int


@dataclass(frozen=True)
class NoteTooLong:
    message: str


# Home's gap buttons name the plan version they were shown with; a click is acted on only while that version is
# still the clicker's own latest (a stale Home, a forwarded or tampered value change nothing).
STALE = (
    "Your plan has changed since this was shown, so nothing changed. "
    "Your Home tab shows your plan as it is now: try again there."
)
CLOSED_GAP_INDEX = re.compile("[0-9]{1,4}")
NO_PLAN = "You have no career plan yet, so there is no gap to close or reopen. Nothing changed."


class Plans:
    def __init__(self, db: Database, clock: Clock = utc_now) -> None:
        self.db = db
        self.clock = clock

    def new_wizard(self, who: Who) -> PlanForm:
        """The form a fresh wizard opens with: the latest saved plan, or blank."""
        with self.db.session() as session:
            saved = store.latest_plan_of(session, who.team_id, who.user_id)
        return PlanForm.from_plan(None if saved is None else saved.plan)

    def submit(self, who: Who, draft_key: str, page: WizardPage, fill: FillForm) -> Invalid | ShowPage | Saved:
        """Check the page just submitted; go on to the next page, or save the plan after the last."""
        for attempt in range(2):
            try:
                return self._submit(who, draft_key, page, fill)
            except IntegrityError:
                # Two saves of one person's plan raced for the same version number: take the next.
                if attempt:
                    raise
        raise AssertionError("unreachable")

    def _submit(self, who: Who, draft_key: str, page: WizardPage, fill: FillForm) -> Invalid | ShowPage | Saved:
        now = self.clock()
        with self.db.session() as session:
            person_id, form = self._draft(session, who, draft_key, now)
            fill(form)
            today = today_of(session, person_id, now)
            try:
                if page is WizardPage.GOAL:
                    form.pick_default_goal()
                    check_goal(form, today)
                elif page is WizardPage.STEPS:
                    check_steps(form, today)
                else:
                    check_gaps(form)
            except FormInvalid as exc:
                store.put_draft(session, person_id, draft_key, form, now)
                return Invalid(exc.errors, form)
            following = page.after()
            if following is not None:
                store.put_draft(session, person_id, draft_key, form, now)
                return ShowPage(following, form)
            try:
                plan = check_plan(form, today)
            except FormInvalid as exc:
                # An earlier page no longer holds (a target passed since it was checked): go back there.
                store.put_draft(session, person_id, draft_key, form, now)
                return Invalid(exc.errors, form)
            latest = store.latest_plan(session, person_id)
            # The wizard edits the open gaps only: the closed ones carry over, and the focus keeps its date.
            plan = revision(None if latest is None else latest.plan, plan, today)
            saved = store.add_plan_version(session, person_id, plan, now)
            store.delete_draft(session, person_id, draft_key)
            return Saved(saved, today)

    def move(self, who: Who, draft_key: str, page: WizardPage, fill: FillForm, move: WizardMove) -> ShowPage:
        """Back, or one more step/gap row: keep what was typed, show the page asked for."""
        now = self.clock()
        with self.db.session() as session:
            person_id, form = self._draft(session, who, draft_key, now)
            fill(form)
            target = page
            if move is WizardMove.BACK:
                target = page.before()
            elif move is WizardMove.ADD_STEP:
                form.add_step_row()
            elif move is WizardMove.ADD_GAP:
                form.add_gap_row()
            store.put_draft(session, person_id, draft_key, form, now)
            return ShowPage(target, form)

    def closing(self, who: Who, version_value: object) -> Closing | Refused:
        """What "Closed it" on Home is about: the focus gap of the clicker's own latest plan, while it is the
        version the button was shown with."""
        with self.db.session() as session:
            current = _current(store.latest_plan_of(session, who.team_id, who.user_id), row_id(version_value))
        if isinstance(current, Refused):
            return current
        if current.plan.focus_gap is None:
            return Refused("Your plan has no open gap to close. Nothing changed.")
        return Closing(current.plan.focus_gap, current.id)

    def close_gap(self, who: Who, version_value: object, note: str) -> Saved | NoteTooLong | Refused:
        """The focus gap is closed today, with the person's word on how: a new version, the next gap the focus."""
        word = clean_text(note).strip()
        if len(word) > CLOSED_NOTE_MAX:
            return NoteTooLong(f"Keep this to {CLOSED_NOTE_MAX} characters (it has {len(word)}).")
        return self._change_gaps(who, version_value, lambda plan, today: close_focus(plan, today, word))

    def reopen_gap(self, who: Who, value: object) -> Saved | Refused:
        """A closed gap (value "VERSION_ID:INDEX", as Home showed it) becomes the focus again: a new version."""
        text = value if isinstance(value, str) else ""
        version_text, _, index_text = text.partition(":")
        if not CLOSED_GAP_INDEX.fullmatch(index_text):
            return Refused(STALE)
        index = int(index_text)
        return self._change_gaps(who, version_text, lambda plan, today: reopen(plan, index, today))

    def _change_gaps(self, who: Who, version_value: object, change: GapChange) -> Saved | Refused:
        for attempt in range(2):
            try:
                return self._changed_gaps(who, row_id(version_value), change)
            except IntegrityError:
                # A save of the same plan raced for the version number: the retry finds the version stale.
                if attempt:
                    raise
        raise AssertionError("unreachable")

    def _changed_gaps(self, who: Who, version_id: int | None, change: GapChange) -> Saved | Refused:
        now = self.clock()
        with self.db.session() as session:
            person_id = people.find_person_id(session, who.team_id, who.user_id)
            if person_id is None:
                return Refused(NO_PLAN)
            current = _current(store.latest_plan(session, person_id), version_id)
            if isinstance(current, Refused):
                return current
            today = today_of(session, person_id, now)
            try:
                plan = change(current.plan, today)
            except GapsUnchanged as exc:
                return Refused(f"{exc} Nothing changed.")
            return Saved(store.add_plan_version(session, person_id, plan, now), today)

    def discard_draft(self, who: Who, draft_key: str) -> None:
        with self.db.session() as session:
            person_id = people.find_person_id(session, who.team_id, who.user_id)
            if person_id is not None:
                store.delete_draft(session, person_id, draft_key)

    def home(self, who: Who) -> HomeData:
        """What the person's Home tab shows: their plan, last reflection, who may see them, and (for a manager)
        their reports, next due first, with the experiments still running, and the bench of those who share."""
        now = self.clock()
        with self.db.session() as session:
            person_id = people.find_person_id(session, who.team_id, who.user_id)
            if person_id is None:
                return HomeData(today=now.astimezone(UTC).date())
            today = today_of(session, person_id, now)
            lines, team_size = conversation_store.team_page(session, person_id, limit=TEAM_PAGE)
            running = conversation_store.running_experiments(session, [line.id for line in lines], today)
            saved = store.latest_plan(session, person_id)
            feedback = (
                []
                if saved is None
                else feedback_store.received(session, person_id, version=saved.version, limit=FEEDBACK_ON_HOME)
            )
            return HomeData(
                today=today,
                saved=saved,
                reflection=reflection_store.latest_reflection(session, person_id),
                manager_line=line_store.active_line_of(session, person_id),
                team=[TeamMember(line, running.get(line.id, [])) for line in lines],
                team_size=team_size,
                bench=bench_of(session, person_id, who.user_id) if team_size else None,
                feedback=feedback,
                viewers=share_store.viewers_of(session, person_id),
                open_asks=ask_store.asks_made_by(session, person_id, [AskStatus.OPEN]),
                declined_asks=recent_not_nows(
                    ask_store.asks_made_by(session, person_id, [AskStatus.DECLINED], limit=ASKS_SHOWN), now
                ),
                suggestions=ask_store.suggestions_for(session, person_id, limit=ASKS_SHOWN),
            )

    def _draft(self, session: Session, who: Who, draft_key: str, now: datetime) -> tuple[int, PlanForm]:
        person_id = people.ensure_person(session, who.team_id, who.user_id, now)
        form = store.get_draft(session, person_id, draft_key)
        if form is None:
            saved = store.latest_plan(session, person_id)
            form = PlanForm.from_plan(None if saved is None else saved.plan)
        return person_id, form


def _current(latest: SavedPlan | None, version_id: int | None) -> SavedPlan | Refused:
    """The clicker's latest plan if it is the version a gap button was shown with; else why it may not act."""
    if latest is None:
        return Refused(NO_PLAN)
    if version_id is None or version_id != latest.id:
        return Refused(STALE)
    return latest
