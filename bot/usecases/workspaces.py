"""Use cases of whole workspaces: the app uninstalled or its token revoked, a reinstall, and an admin's purge."""

from __future__ import annotations

import logging

from sqlalchemy.exc import SQLAlchemyError

from bot.career.people import InactiveReason
from bot.usecases.common import Clock, utc_now
from storage import workspaces as store
from storage.db import Database
from storage.workspaces import Contents, Inactive

__all__ = ["Contents", "Inactive", "Workspaces"]

log = logging.getLogger("careerplan")


class Workspaces:
    def __init__(self, db: Database, clock: Clock = utc_now) -> None:
        self.db = db
        self.clock = clock

    def stopped(self, team_id: str, reason: InactiveReason) -> bool:
        """The app's bot token for the workspace is dead (uninstalled, or revoked): nothing is sent there until it
        comes back, and its data is kept. Whether this call stopped it (not a replay, not a stranger)."""
        with self.db.session() as session:
            return store.mark_inactive(session, team_id, reason, self.clock())

    def reactivate(self, team_id: str) -> Inactive | None:
        """Slack sent a request from the workspace, or its token passed auth.test: the app is installed there.
        What it had been, if it was inactive until now. A read only, in the usual case of an active workspace;
        a database that does not answer only puts it off to the next request."""
        try:
            with self.db.session() as session:
                was = store.inactive(session, team_id)
                if was is None or not store.reactivate(session, team_id):
                    return None
                return was
        except SQLAlchemyError as exc:
            log.warning("could not check whether workspace %s is active: %s", team_id, type(exc).__name__)
            return None

    def is_inactive(self, team_id: str) -> bool:
        with self.db.session() as session:
            return store.inactive(session, team_id) is not None

    def contents(self, team_id: str) -> Contents | None:
        """What purging the workspace would erase; None if careerplan has no such workspace."""
        with self.db.session() as session:
            return store.contents(session, team_id)

    def purge(self, team_id: str) -> Contents | None:
        """Erase the workspace and everything careerplan holds of it, in one transaction. What it held."""
        with self.db.session() as session:
            return store.purge(session, team_id)
