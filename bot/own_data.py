"""Use cases of F7, owning one's data: export everything, or erase every answer. Slack-free."""

from __future__ import annotations

from bot.plans import Clock, utc_now
from storage.db import Database


class OwnData:
    def __init__(self, db: Database, clock: Clock = utc_now) -> None:
        self.db = db
        self.clock = clock
