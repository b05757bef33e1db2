"""Storage of the send pace: how far ahead each workspace's (and each conversation's) messages are booked.

Every sweeper books its next message here before sending it, so that sweepers in several processes share one
pace (bot.jobs.pace). A booking is one upsert that returns the new mark: concurrent bookings of a key queue up
on its row, and each gets its own moment. Moments are seconds since the epoch (real time, whatever clock the
sweep's decisions read).
"""

from __future__ import annotations

from typing import cast

from sqlalchemy import Table, case, delete
from sqlalchemy.orm import Session

from storage.db import upsert_into
from storage.models import SendPace

_PACE = cast(Table, SendPace.__table__)


def book(session: Session, key: str, now: float, interval: float, tolerance: float) -> float:
    """Book one message under `key`, `interval` seconds after the one booked before it; `tolerance` seconds of
    bookings may be sent ahead of that mark (a burst). Returns the moment this message may be sent, `now` or
    later. (The generic cell rate algorithm: the row keeps the theoretical moment of the next message.)"""
    booked = _PACE.c.booked_to
    statement = (
        upsert_into(session, _PACE)
        .values(key=key, booked_to=now + interval)
        .on_conflict_do_update(
            index_elements=[_PACE.c.key],
            set_={"booked_to": case((booked > now, booked), else_=now) + interval},
        )
        .returning(_PACE.c.booked_to)
    )
    booked_to = float(session.execute(statement).scalar_one())
    return max(now, booked_to - interval - tolerance)


def hold_until(session: Session, key: str, until: float, tolerance: float) -> None:
    """No message under `key` before `until` (Slack said to retry after then), and no burst right after it."""
    booked = _PACE.c.booked_to
    mark = until + tolerance
    session.execute(
        upsert_into(session, _PACE)
        .values(key=key, booked_to=mark)
        .on_conflict_do_update(
            index_elements=[_PACE.c.key], set_={"booked_to": case((booked > mark, booked), else_=mark)}
        )
    )


def forget_before(session: Session, moment: float) -> int:
    """Drop the marks that are behind `moment`: a key with no mark is as free as one whose mark has passed."""
    return int(getattr(session.execute(delete(_PACE).where(_PACE.c.booked_to < moment)), "rowcount", 0) or 0)
