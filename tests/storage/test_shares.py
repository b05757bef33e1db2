"""Plan shares in the database (SQLite, and PostgreSQL when configured): one active share per pair, revoking,
and the cascade when a person goes."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError

from storage import shares as store
from storage.db import Database
from storage.models import Person, PlanShare
from tests import builders
from tests.builders import NOW

TEAM = "T1"


def people(db: Database, *names: str) -> list[int]:
    with db.session() as session:
        return [builders.person(session, name, team=TEAM) for name in names]


def test_a_share_reads_back_with_both_people_and_its_date(db: Database) -> None:
    owner, mentor = people(db, "UOWNER", "UMENTOR")
    with db.session() as session:
        made = store.add_share(session, owner, mentor, NOW)
    with db.session() as session:
        found = store.active_share(session, owner, mentor)
        assert store.active_share(session, mentor, owner) is None  # one way only
    assert found == made
    assert (found.team_id, found.owner, found.viewer, found.shared_at, found.active) == (
        TEAM,
        "UOWNER",
        "UMENTOR",
        NOW,
        True,
    )


def test_one_active_share_per_pair(db: Database) -> None:
    owner, mentor = people(db, "UOWNER", "UMENTOR")
    with db.session() as session:
        store.add_share(session, owner, mentor, NOW)
    with pytest.raises(IntegrityError), db.session() as session:
        store.add_share(session, owner, mentor, NOW)


def test_revoking_ends_access_and_the_pair_may_share_again(db: Database) -> None:
    owner, mentor, coach = people(db, "UOWNER", "UMENTOR", "UCOACH")
    later = NOW + timedelta(days=2)
    with db.session() as session:
        first = store.add_share(session, owner, mentor, NOW)
        store.add_share(session, owner, coach, NOW + timedelta(days=1))
    with db.session() as session:
        revoked = store.revoke(session, owner, mentor, later)
        assert store.revoke(session, owner, mentor, later) is None  # twice: nothing the second time
        assert store.revoke(session, mentor, owner, later) is None  # nobody else's share stops
    assert revoked is not None and revoked.id == first.id and revoked.revoked_at == later and not revoked.active
    with db.session() as session:
        assert store.active_share(session, owner, mentor) is None
        assert [share.viewer for share in store.viewers_of(session, owner)] == ["UCOACH"]
        again = store.add_share(session, owner, mentor, later)
    with db.session() as session:
        assert [share.viewer for share in store.viewers_of(session, owner)] == ["UCOACH", "UMENTOR"]
        assert store.active_share(session, owner, mentor) == again
        assert session.scalar(select(func.count()).select_from(PlanShare)) == 3  # the revoked one is history


def test_a_person_removed_takes_their_shares_with_them(db: Database) -> None:
    owner, mentor = people(db, "UOWNER", "UMENTOR")
    with db.session() as session:
        store.add_share(session, owner, mentor, NOW)
        builders.plan_share(session, "UMENTOR", "UOWNER", team=TEAM)
    with db.session() as session:
        session.execute(delete(Person).where(Person.id == mentor))
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(PlanShare)) == 0
