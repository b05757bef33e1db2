"""Use cases of the curiosity/why reflection (F2): Slack-free, one unit of work each."""

from __future__ import annotations

from bot.career.plan import FieldError, FormInvalid
from bot.career.reflection import Reflection, SavedReflection, check_reflection, tidied
from bot.usecases.common import Clock, Who, utc_now
from storage import people
from storage import reflections as store
from storage.db import Database


class Reflections:
    def __init__(self, db: Database, clock: Clock = utc_now) -> None:
        self.db = db
        self.clock = clock

    def start(self, who: Who) -> Reflection | None:
        """The person's latest answers, to open the prompts with (None when they never reflected)."""
        with self.db.session() as session:
            person_id = people.find_person_id(session, who.team_id, who.user_id)
            saved = None if person_id is None else store.latest_reflection(session, person_id)
        return None if saved is None else saved.reflection

    def save(self, who: Who, reflection: Reflection) -> SavedReflection | list[FieldError]:
        """Check the answers and keep them, dated now, next to the earlier ones; or say what is wrong."""
        answers = tidied(reflection)
        try:
            check_reflection(answers)
        except FormInvalid as exc:
            return exc.errors
        now = self.clock()
        with self.db.session() as session:
            person_id = people.ensure_person(session, who.team_id, who.user_id, now)
            return store.add_reflection(session, person_id, answers, now)
