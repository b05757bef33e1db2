"""The admin's report of counts (`careerplan report`, and the admin view on Home): reads every team's tallies in
a few grouped queries and builds the suppressed figures (bot.career.report)."""

from __future__ import annotations

from datetime import UTC, date, datetime

from bot.career.report import DEFAULT_MAX_TEAMS, DEFAULT_MIN_GROUP, MIN_MIN_GROUP, Report, build_report, default_period
from bot.usecases.common import SLACK_USER_ID
from storage import report as store
from storage.db import Database


class ReportError(ValueError):
    """The report cannot be made as asked; str(exc) says why and is safe to show."""


def default_since_until(now: datetime) -> tuple[date, date]:
    """The last 12 months ending today (UTC)."""
    return default_period(now.astimezone(UTC).date())


class Reports:
    def __init__(self, db: Database) -> None:
        self.db = db

    def workspaces(self) -> list[str]:
        with self.db.session() as session:
            return store.workspace_ids(session)

    def report(
        self,
        team_id: str,
        *,
        since: date,
        until: date,
        now: datetime,
        min_group: int = DEFAULT_MIN_GROUP,
        under_user: str | None = None,
        max_teams: int = DEFAULT_MAX_TEAMS,
    ) -> Report:
        """The report of workspace `team_id` (or of the organisation under the manager `under_user`, a Slack user
        id) from `since` to `until`, both days included. Raises ReportError for what cannot be reported."""
        if since > until:
            raise ReportError(f"the period starts ({since}) after it ends ({until})")
        if min_group < MIN_MIN_GROUP:
            raise ReportError(f"the minimum group must be at least {MIN_MIN_GROUP}, not {min_group}")
        if under_user is not None and not SLACK_USER_ID.fullmatch(under_user):
            raise ReportError("a manager is named by a Slack user id such as U0123ABCD")
        with self.db.session() as session:
            if not store.workspace_exists(session, team_id):
                raise ReportError(f"there is no workspace {team_id!r} in the database")
            under: int | None = None
            if under_user is not None:
                under = store.person_id_of(session, team_id, under_user)
                if under is None:
                    raise ReportError(f"nobody with the Slack id {under_user} is known in workspace {team_id}")
            tallies = store.team_tallies(session, team_id, store.Period(since, until, now))
        if under is not None and not any(tally.manager == under for tally in tallies):
            raise ReportError(f"{under_user} has no reporting lines in workspace {team_id}: no organisation to report")
        return build_report(
            team_id,
            tallies,
            since=since,
            until=until,
            generated_at=now,
            min_group=min_group,
            under=under,
            max_teams=max_teams,
        )
