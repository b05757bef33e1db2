"""The handled requests' contract (SQLite, and PostgreSQL when configured): a key is claimed once, by whichever
copy of the bot comes first; keys go once no replay can reuse them; a purged workspace leaves none."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from storage import people, workspaces
from storage import requests as store
from storage.db import Database
from storage.models import HandledRequest

NOW = datetime(2026, 11, 21, 9, 0, tzinfo=UTC)
KEY, OTHER_KEY = "a" * 64, "b" * 64


def keys(db: Database) -> list[tuple[str, str]]:
    with db.session() as session:
        return sorted(
            (row.team_id, row.key) for row in session.execute(select(HandledRequest.team_id, HandledRequest.key))
        )


def test_a_key_is_claimed_once_per_workspace(db: Database) -> None:
    with db.session() as session:
        assert store.claim(session, "T1", KEY, NOW)
    with db.session() as session:
        assert not store.claim(session, "T1", KEY, NOW + timedelta(minutes=4))  # the replay
        assert store.claim(session, "T2", KEY, NOW)  # another workspace's request
        assert store.claim(session, "T1", OTHER_KEY, NOW)
    assert keys(db) == [("T1", KEY), ("T1", OTHER_KEY), ("T2", KEY)]


def test_keys_go_once_older_than_any_replay_can_be(db: Database) -> None:
    with db.session() as session:
        store.claim(session, "T1", KEY, NOW)
        store.claim(session, "T1", OTHER_KEY, NOW + timedelta(minutes=30))
    with db.session() as session:
        assert store.forget_old(session, NOW + store.REMEMBERED_FOR) == 0  # exactly an hour: kept
        assert store.forget_old(session, NOW + store.REMEMBERED_FOR + timedelta(seconds=1)) == 1
    assert keys(db) == [("T1", OTHER_KEY)]
    with db.session() as session:
        assert store.claim(session, "T1", KEY, NOW + timedelta(hours=2))  # forgotten: a new request may reuse it


def test_purging_a_workspace_drops_its_keys_and_no_other(db: Database) -> None:
    with db.session() as session:
        people.ensure_person(session, "T1", "U1", NOW)
        store.claim(session, "T1", KEY, NOW)
        store.claim(session, "T2", KEY, NOW)
    with db.session() as session:
        assert workspaces.purge(session, "T1") is not None
    assert keys(db) == [("T2", KEY)]
