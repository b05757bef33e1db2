"""Use cases of the curiosity/why reflection (F2): Slack-free, one unit of work each."""

from __future__ import annotations

from bot.plans import Clock, utc_now
from storage.db import Database


class Reflections:
    def __init__(self, db: Database, clock: Clock = utc_now) -> None:
        self.db = db
        self.clock = clock
