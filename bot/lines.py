"""Use cases of reporting lines (F3), sharing, and a manager opening a report's plan. Slack-free."""

from __future__ import annotations

from bot.plans import Clock, utc_now
from storage.db import Database


class Lines:
    def __init__(self, db: Database, default_cadence_months: int, clock: Clock = utc_now) -> None:
        self.db = db
        self.default_cadence_months = default_cadence_months
        self.clock = clock
