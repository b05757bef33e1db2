"""Admins in Slack (issue 16): the people listed in CAREERPLAN_ADMINS see their workspace's headline counts on Home
and may have the full report by DM. Counts only, suppressed as `careerplan report` suppresses them.

Who is an admin is decided here, on every Home and every click, from the settings the bot runs with (never from
what a published Home or a clicked value says): a listed Slack user id, acting in the workspace the bot's token is
for. The same id in another workspace is another person, and gets nothing.
"""

from __future__ import annotations

import threading
from datetime import datetime, timedelta
from typing import Final

from bot.career.home import WorkspaceCounts
from bot.career.report import DEFAULT_MIN_GROUP, Report
from bot.usecases.common import Clock, Refused, Who, utc_now
from bot.usecases.report import ReportError, Reports, default_since_until
from storage.db import Database

# Home's counts are a whole report's reads (seconds at 100k lines), and an admin's Home is published often (opening
# it, their own saves): reuse one for this long. The report by DM is always counted afresh.
HOME_COUNTS_FRESH: Final = timedelta(minutes=10)

NOT_AN_ADMIN: Final = "Only careerplan's admins in this workspace can have its report, so nothing was sent."


class Admins:
    def __init__(self, db: Database, admins: frozenset[str], clock: Clock = utc_now) -> None:
        self.reports = Reports(db)
        self.admins = admins
        self.clock = clock
        self._workspace: str | None = None  # unknown until Slack's first request: nobody is an admin yet
        self._home_counts: dict[str, tuple[datetime, WorkspaceCounts]] = {}  # team id -> (counted at, counts)
        self._lock = threading.Lock()

    def installed_in(self, team_id: str | None) -> None:
        """The workspace the bot's token is for, as Slack's auth.test of it says (Bolt's, on each request)."""
        if team_id:
            self._workspace = team_id

    def is_admin(self, who: Who) -> bool:
        return self._workspace is not None and who.team_id == self._workspace and who.user_id in self.admins

    def home_counts(self, who: Who) -> WorkspaceCounts | None:
        """An admin's Workspace section: the workspace's report of the last 12 months (or why there is none);
        None for everyone else."""
        if not self.is_admin(who):
            return None
        now = self.clock()
        with self._lock:
            kept = self._home_counts.get(who.team_id)
        if kept is not None and now - kept[0] < HOME_COUNTS_FRESH:
            return kept[1]
        report = self._report(who.team_id)
        counts = WorkspaceCounts(None, report.message) if isinstance(report, Refused) else WorkspaceCounts(report)
        with self._lock:
            self._home_counts[who.team_id] = (now, counts)
        return counts

    def report(self, who: Who) -> Report | Refused:
        """The full report for the admin who clicked: always of the workspace the click came from."""
        if not self.is_admin(who):
            return Refused(NOT_AN_ADMIN)
        return self._report(who.team_id)

    def _report(self, team_id: str) -> Report | Refused:
        now = self.clock()
        since, until = default_since_until(now)
        try:
            return self.reports.report(team_id, since=since, until=until, now=now, min_group=DEFAULT_MIN_GROUP)
        except ReportError as exc:
            return Refused(f"No report yet: {exc}.")
