"""Use cases of F7, owning one's data: export everything, or erase every answer. Slack-free.

Both act only on the person named by `Who` (taken from Slack's payload, never from a value a client sent).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date

from bot.career.asks import AskStatus
from bot.career.export import export_markdown
from bot.usecases.common import Clock, Who, today_of, utc_now
from storage import asks as ask_store
from storage import conversations as conversation_store
from storage import feedback as feedback_store
from storage import own_data as store
from storage import people
from storage import plans as plan_store
from storage import reflections as reflection_store
from storage import shares as share_store
from storage.db import Database


@dataclass(frozen=True)
class Export:
    markdown: str
    exported_on: date  # the person's today, as written in the document

    @property
    def filename(self) -> str:
        return f"careerplan-export-{self.exported_on.isoformat()}.md"


class OwnData:
    def __init__(self, db: Database, clock: Clock = utc_now) -> None:
        self.db = db
        self.clock = clock

    def export(self, who: Who) -> Export:
        """The person's plan, its history, their reflections and whom they share the plan with, as Markdown (an
        empty state if none)."""
        now = self.clock()
        with self.db.session() as session:
            person_id = people.find_person_id(session, who.team_id, who.user_id)
            if person_id is None:
                return Export(export_markdown([], [], now.astimezone(UTC).date()), now.astimezone(UTC).date())
            today = today_of(session, person_id, now)
            history = plan_store.plan_history(session, person_id)
            reflections = reflection_store.reflections_of(session, person_id)
            conversations = conversation_store.conversations_of_report(session, person_id)
            received = feedback_store.received(session, person_id)
            written = feedback_store.written_by(session, person_id)
            shares = share_store.viewers_of(session, person_id)
            asks = ask_store.asks_made_by(session, person_id, list(AskStatus))
            suggestions_received = ask_store.suggestions_for(session, person_id)
            suggestions_written = ask_store.suggestions_by(session, person_id)
        return Export(
            export_markdown(
                history,
                reflections,
                today,
                conversations,
                feedback_received=received,
                feedback_written=written,
                shares=shares,
                asks=asks,
                suggestions_received=suggestions_received,
                suggestions_written=suggestions_written,
            ),
            today,
        )

    def erase(self, who: Who) -> dict[str, int]:
        """Erase every answer of the person, in one transaction; rows removed per table (all 0 if none)."""
        with self.db.session() as session:
            person_id = people.find_person_id(session, who.team_id, who.user_id)
            if person_id is None:
                return dict.fromkeys(store.ERASED_KEYS, 0)
            erased = store.erase_answers(session, person_id)
        self.db.forget_erased()  # after the commit: the words leave the write-ahead log too
        return erased
