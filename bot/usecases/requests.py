"""Doing each request from Slack once: a replay or a retry of one already handled changes nothing. Slack-free."""

from __future__ import annotations

from bot.usecases.common import Clock, utc_now
from storage import requests as store
from storage.db import Database


class Requests:
    def __init__(self, db: Database, clock: Clock = utc_now) -> None:
        self.db = db
        self.clock = clock

    def first_time(self, team_id: str, key: str) -> bool:
        """Whether the request known by `key` is new, noting it as handled (in its own short transaction, so a
        second copy arriving meanwhile, here or in another process, is told no)."""
        with self.db.session() as session:
            return store.claim(session, team_id[:32], key, self.clock())
