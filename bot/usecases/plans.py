"""Use cases of the plan wizard (F1) and the employee's Home (F6): one unit of work each, in domain terms.

A wizard's draft is kept under `draft_key`, an opaque string the caller picks (one per open wizard)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.career.asks import AskStatus, recent_not_nows
from bot.career.home import HomeData, TeamMember
from bot.career.plan import (
    FieldError,
    FormInvalid,
    PlanForm,
    SavedPlan,
    WizardMove,
    WizardPage,
    check_gaps,
    check_goal,
    check_plan,
    check_steps,
)
from bot.usecases.common import Clock, Who, today_of, utc_now
from storage import asks as ask_store
from storage import conversations as conversation_store
from storage import lines as line_store
from storage import people
from storage import plans as store
from storage import reflections as reflection_store
from storage.db import Database

FillForm = Callable[[PlanForm], None]

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

    def discard_draft(self, who: Who, draft_key: str) -> None:
        with self.db.session() as session:
            person_id = people.find_person_id(session, who.team_id, who.user_id)
            if person_id is not None:
                store.delete_draft(session, person_id, draft_key)

    def home(self, who: Who) -> HomeData:
        """What the person's Home tab shows: their plan, last reflection, who may see them, and (for a manager)
        their reports, next due first, with the experiments still running."""
        now = self.clock()
        with self.db.session() as session:
            person_id = people.find_person_id(session, who.team_id, who.user_id)
            if person_id is None:
                return HomeData(today=now.astimezone(UTC).date())
            today = today_of(session, person_id, now)
            lines, team_size = conversation_store.team_page(session, person_id, limit=TEAM_PAGE)
            running = conversation_store.running_experiments(session, [line.id for line in lines], today)
            return HomeData(
                today=today,
                saved=store.latest_plan(session, person_id),
                reflection=reflection_store.latest_reflection(session, person_id),
                manager_line=line_store.active_line_of(session, person_id),
                team=[TeamMember(line, running.get(line.id, [])) for line in lines],
                team_size=team_size,
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
