"""Requests from Slack already handled, so that a replay (the same signed request sent again inside Slack's
5-minute window) or a retry (Slack re-sending an event it thinks was lost) changes nothing the second time.

A request is known by a key its sender cannot vary without breaking Slack's signature (see
`bot.slack.listeners.context.request_key`); the key is a hash, so the table says nothing of what was sent.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import cast

from sqlalchemy import Table, delete
from sqlalchemy.orm import Session

from storage.db import upsert_into
from storage.models import HandledRequest

# Bolt refuses a signature more than 5 minutes old, so a key older than this can never come back: an hour leaves
# room for clocks that disagree.
REMEMBERED_FOR = timedelta(hours=1)

_HANDLED = cast(Table, HandledRequest.__table__)


def claim(session: Session, team_id: str, key: str, now: datetime) -> bool:
    """Note the request as handled; False if it was already (by this process or another copy of the bot)."""
    inserted = session.execute(
        upsert_into(session, _HANDLED)
        .values(team_id=team_id, key=key, handled_at=now)
        .on_conflict_do_nothing()
        .returning(_HANDLED.c.key)  # psycopg's rowcount says -1 here: the returned row is what tells
    )
    return inserted.first() is not None


def forget_old(session: Session, now: datetime) -> int:
    """Drop the keys no replay can reuse any more; how many went."""
    result = session.execute(delete(_HANDLED).where(_HANDLED.c.handled_at < now - REMEMBERED_FOR))
    return int(getattr(result, "rowcount", 0) or 0)


def forget_workspace(session: Session, team_id: str) -> None:
    session.execute(delete(_HANDLED).where(_HANDLED.c.team_id == team_id))
