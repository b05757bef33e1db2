"""Storage of plans shared read-only with named people, behind small functions that return
bot.career.sharing.Share."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Row, Select, select, update
from sqlalchemy.orm import Session, aliased

from bot.career.sharing import Share
from storage.db import as_utc
from storage.models import Person, PlanShare

_Owner = aliased(Person, name="owner")
_Viewer = aliased(Person, name="viewer")


def _shares_query() -> Select[PlanShare, str, str, str]:
    return (
        select(PlanShare, _Owner.team_id, _Owner.slack_user_id, _Viewer.slack_user_id)
        .join(_Owner, _Owner.id == PlanShare.owner_id)
        .join(_Viewer, _Viewer.id == PlanShare.viewer_id)
    )


def _to_share(found: Row[PlanShare, str, str, str]) -> Share:
    row, team_id, owner, viewer = found
    shared_at = as_utc(row.shared_at)
    assert shared_at is not None
    return Share(
        id=row.id,
        team_id=team_id,
        owner=owner,
        viewer=viewer,
        shared_at=shared_at,
        revoked_at=as_utc(row.revoked_at),
    )


def add_share(session: Session, owner_id: int, viewer_id: int, now: datetime) -> Share:
    """A new active share. A second active one for the same pair breaks the unique index (IntegrityError)."""
    row = PlanShare(owner_id=owner_id, viewer_id=viewer_id, shared_at=now)
    session.add(row)
    session.flush()
    found = session.execute(_shares_query().where(PlanShare.id == row.id)).one()
    return _to_share(found)


def active_share(session: Session, owner_id: int, viewer_id: int) -> Share | None:
    """The owner's share with the viewer, while it is not revoked."""
    found = session.execute(
        _shares_query().where(
            PlanShare.owner_id == owner_id, PlanShare.viewer_id == viewer_id, PlanShare.revoked_at.is_(None)
        )
    ).first()
    return None if found is None else _to_share(found)


def viewers_of(session: Session, owner_id: int) -> list[Share]:
    """The owner's active shares, oldest first."""
    rows = session.execute(
        _shares_query()
        .where(PlanShare.owner_id == owner_id, PlanShare.revoked_at.is_(None))
        .order_by(PlanShare.shared_at, PlanShare.id)
    )
    return [_to_share(row) for row in rows]


def revoke(session: Session, owner_id: int, viewer_id: int, now: datetime) -> Share | None:
    """Stop the owner's active share with the viewer: they lose access at once. The share as revoked, or None
    if there was none (never shared, or revoked already)."""
    share = active_share(session, owner_id, viewer_id)
    if share is None:
        return None
    result = session.execute(
        update(PlanShare).where(PlanShare.id == share.id, PlanShare.revoked_at.is_(None)).values(revoked_at=now)
    )
    if not getattr(result, "rowcount", 0):  # revoked meanwhile by the same click handled twice at once
        return None
    return Share(share.id, share.team_id, share.owner, share.viewer, share.shared_at, as_utc(now))
