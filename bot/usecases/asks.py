"""Use cases of asking key people for gaps (issue 15): ask, answer or not now, withdraw, add a suggestion to the
plan. Slack-free.

Every use case takes the acting person (`Who`, from Slack's payload) and re-checks on the server what they may do:
an ask's id in a button value is only a hint of what they clicked. The asked person may only answer (or not) an
open ask addressed to them; the asker alone may withdraw it and add its suggestions. What the asked person is
shown is what the ask holds (the step's title, the goal if chosen, the note), never read from the plan again.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.career.asks import (
    Added,
    Ask,
    AskStatus,
    Suggestion,
    check_ask,
    check_suggestions,
    next_step_title,
    too_many_asks,
    with_gap,
)
from bot.career.plan import FieldError, FormInvalid, Plan, SavedPlan, clean_text, focus_date
from bot.usecases.common import SLACK_USER_ID, Clock, Refused, Who, mention, row_id, today_of, utc_now
from storage import asks as store
from storage import people
from storage import plans as plan_store
from storage.db import Database

WRITE_PLAN_FIRST = (
    "Write your plan first (type `/careerplan`): someone you ask sees your next step's title, "
    "so your plan needs a step you have not reached yet."
)
NOT_FOR_YOU = "This ask isn't addressed to you, so nothing changed."
NOT_YOURS = "That isn't one of your asks, so nothing changed."


@dataclass(frozen=True)
class WhatTheySee:
    """What an ask would show, from the plan as it is now: the next step's title, and the goal if chosen."""

    step_title: str
    goal: str


@dataclass(frozen=True)
class Invalid:
    errors: list[FieldError]


@dataclass(frozen=True)
class Closed:
    """An ask just answered, declined or withdrawn, and where the asked person's DM is, to update it."""

    ask: Ask
    message: tuple[str, str] | None
    suggestion: Suggestion | None = None


@dataclass(frozen=True)
class GapAdded:
    outcome: Added
    gap: str
    saved: SavedPlan | None  # the new plan version, when the gap was added


class Asks:
    def __init__(self, db: Database, clock: Clock = utc_now) -> None:
        self.db = db
        self.clock = clock

    def what_they_see(self, who: Who) -> WhatTheySee | Refused:
        """What the ask form offers to show, or why there is nothing to ask about yet."""
        with self.db.session() as session:
            saved = plan_store.latest_plan_of(session, who.team_id, who.user_id)
        shown = _shown(None if saved is None else saved.plan)
        return Refused(WRITE_PLAN_FIRST) if shown is None else shown

    def ask(self, who: Who, asked: str | None, *, show_goal: bool, note: str) -> Ask | Invalid | Refused:
        """Ask `asked` for gaps, showing them the next step's title (and the goal if `show_goal`) and the note."""
        note = clean_text(note).strip()
        if asked is not None and not SLACK_USER_ID.match(asked):
            asked = None
        errors = check_ask(who.user_id, asked, note)
        if errors or asked is None:
            return Invalid(errors)
        now = self.clock()
        try:
            with self.db.session() as session:
                saved = plan_store.latest_plan_of(session, who.team_id, who.user_id)
                shown = _shown(None if saved is None else saved.plan)
                if shown is None:
                    return Refused(WRITE_PLAN_FIRST)
                if people.deactivated_at(session, who.team_id, asked) is not None:
                    return Refused(f"{mention(asked)} has left Slack (their account is deactivated): I asked no one.")
                asker_id = people.ensure_person(session, who.team_id, who.user_id, now)
                asked_id = people.ensure_person(session, who.team_id, asked, now)
                if store.open_ask_between(session, asker_id, asked_id):
                    return Refused(_already_asked(asked))
                too_many = too_many_asks(store.open_asks_made_by(session, asker_id))
                if too_many is not None:
                    return Refused(too_many)
                return store.add_ask(
                    session,
                    asker_id,
                    asked_id,
                    step_title=shown.step_title,
                    goal=shown.goal if show_goal else None,
                    note=note,
                    now=now,
                )
        except IntegrityError:
            # The same ask, sent twice at once: the database kept one.
            return Refused(_already_asked(asked))

    def remember_message(self, ask_id: int, channel: str, ts: str) -> None:
        with self.db.session() as session:
            store.set_message(session, ask_id, channel, ts)

    def withdraw_undelivered(self, ask_id: int) -> None:
        """Slack would not deliver the ask: close it, so it does not count against the asker's open asks."""
        with self.db.session() as session:
            store.close(session, ask_id, AskStatus.WITHDRAWN, self.clock())

    def to_answer(self, who: Who, ask_value: object) -> Ask | Refused:
        """The open ask the asked person clicked Suggest gaps on (to open the answer form)."""
        with self.db.session() as session:
            return self._open_for_asked(session, who, ask_value)

    def answer(self, who: Who, ask_value: object, gaps: list[str], encouragement: str) -> Closed | Invalid | Refused:
        """The asked person's suggestions, saved once, on an ask still open."""
        try:
            kept, words = check_suggestions([clean_text(gap) for gap in gaps], clean_text(encouragement))
        except FormInvalid as exc:
            return Invalid(exc.errors)
        now = self.clock()
        with self.db.session() as session:
            ask = self._open_for_asked(session, who, ask_value)
            if isinstance(ask, Refused):
                return ask
            if not store.answer(session, ask.id, kept, words, now):
                return Refused(_no_longer_open())
            suggestion = store.suggestion_of(session, ask.id)
            return Closed(self._reload(session, ask.id), store.message_of(session, ask.id), suggestion)

    def decline(self, who: Who, ask_value: object) -> Closed | Refused:
        """Not now, from the asked person: the ask closes, and the asker's Home says so gently."""
        with self.db.session() as session:
            ask = self._open_for_asked(session, who, ask_value)
            if isinstance(ask, Refused):
                return ask
            if not store.close(session, ask.id, AskStatus.DECLINED, self.clock()):
                return Refused(_no_longer_open())
            return Closed(self._reload(session, ask.id), store.message_of(session, ask.id))

    def withdraw(self, who: Who, ask_value: object) -> Closed | Refused:
        """The asker takes an open ask back; the asked person can no longer answer it."""
        with self.db.session() as session:
            ask = self._ask(session, ask_value)
            if ask is None or ask.team_id != who.team_id or ask.asker != who.user_id:
                return Refused(NOT_YOURS)
            if not store.close(session, ask.id, AskStatus.WITHDRAWN, self.clock()):
                return Refused("This ask was already answered, declined or withdrawn, so nothing changed.")
            return Closed(self._reload(session, ask.id), store.message_of(session, ask.id))

    def add_gap(self, who: Who, gap_value: object) -> GapAdded | Refused:
        """One suggested gap appended to the asker's plan's gaps, as a new version (a duplicate is skipped)."""
        gap_id = row_id(gap_value)
        now = self.clock()
        try:
            with self.db.session() as session:
                found = None if gap_id is None else store.suggested_gap(session, gap_id)
                if found is None or found[0].team_id != who.team_id or found[0].asker != who.user_id:
                    return Refused("That isn't a suggestion you have (now), so nothing changed.")
                ask, gap = found
                person_id = self._person(session, ask, ask.asker)
                saved = plan_store.latest_plan(session, person_id)
                if saved is None:
                    return Refused("You have no plan to add it to: write your plan first (type `/careerplan`).")
                outcome, gaps = with_gap(saved.plan.gaps, gap.text)
                if outcome is Added.ALREADY_THERE:
                    store.mark_added(session, gap.id, now)  # it is in the plan: the button has done its work
                if outcome is not Added.ADDED:
                    return GapAdded(outcome, gap.text, None)
                # Everything else of the plan stays as it was (closed gaps too): only the open gaps gain one, at the
                # end, which is the focus from today if it is the only one.
                since = focus_date(saved.plan, gaps, today_of(session, person_id, now))
                plan = replace(saved.plan, gaps=gaps, focus_since=since)
                new = plan_store.add_plan_version(session, person_id, plan, now)
                store.mark_added(session, gap.id, now)
                return GapAdded(outcome, gap.text, new)
        except IntegrityError:
            return Refused("Your plan changed at the same moment. Please try again.")

    def suggestions(self, who: Who, limit: int | None = None) -> list[Suggestion]:
        """The suggestions the person received, newest first (for the wizard's gap page)."""
        with self.db.session() as session:
            person_id = people.find_person_id(session, who.team_id, who.user_id)
            return [] if person_id is None else store.suggestions_for(session, person_id, limit=limit)

    def _open_for_asked(self, session: Session, who: Who, ask_value: object) -> Ask | Refused:
        ask = self._ask(session, ask_value)
        if ask is None or ask.team_id != who.team_id or ask.asked != who.user_id:
            return Refused(NOT_FOR_YOU)
        if ask.status is not AskStatus.OPEN:
            return Refused(_no_longer_open(ask.status))
        return ask

    @staticmethod
    def _ask(session: Session, value: object) -> Ask | None:
        ask_id = row_id(value)
        return None if ask_id is None else store.get_ask(session, ask_id)

    @staticmethod
    def _reload(session: Session, ask_id: int) -> Ask:
        ask = store.get_ask(session, ask_id)
        assert ask is not None
        return ask

    @staticmethod
    def _person(session: Session, ask: Ask, user_id: str) -> int:
        person_id = people.find_person_id(session, ask.team_id, user_id)
        assert person_id is not None  # both people of an ask exist
        return person_id


def _shown(plan: Plan | None) -> WhatTheySee | None:
    step = next_step_title(plan)
    return None if plan is None or step is None else WhatTheySee(step_title=step, goal=plan.goal.title)


def _already_asked(asked: str) -> str:
    return f"You have already asked {mention(asked)}; their answer is still to come (or withdraw it on Home)."


def _no_longer_open(status: AskStatus | None = None) -> str:
    if status is AskStatus.WITHDRAWN:
        return "This ask was withdrawn, so nothing was saved."
    if status is AskStatus.DECLINED:
        return "You said not now to this ask, so nothing was saved."
    return "This ask was already answered, declined or withdrawn, so nothing was saved."
