"""The send pace's contract (SQLite, and PostgreSQL when configured): bookings of one key come `interval` apart
after a burst, whoever books them; a hold pushes every later booking past it; marks left behind are dropped."""

from __future__ import annotations

from sqlalchemy import select

from storage import pace as store
from storage.db import Database
from storage.models import SendPace

NOW = 1_800_000_000.0


def book(db: Database, key: str, now: float, interval: float = 1.0, tolerance: float = 0.0) -> float:
    with db.session() as session:
        return store.book(session, key, now, interval, tolerance)


def test_bookings_of_one_key_come_an_interval_apart_and_other_keys_are_free(db: Database) -> None:
    assert [book(db, "T1/U1", NOW) for _ in range(3)] == [NOW, NOW + 1, NOW + 2]
    assert book(db, "T1/U2", NOW) == NOW  # another conversation
    assert book(db, "T1/U1", NOW + 10) == NOW + 10  # a mark passed is no wait


def test_a_burst_goes_at_once_then_the_pace_applies(db: Database) -> None:
    moments = [book(db, "T1", NOW, interval=0.5, tolerance=1.0) for _ in range(5)]
    assert moments == [NOW, NOW, NOW, NOW + 0.5, NOW + 1.0]  # three at once (1 s of tolerance), then 2 a second


def test_a_hold_pushes_every_later_booking_past_it_without_a_burst(db: Database) -> None:
    with db.session() as session:
        store.hold_until(session, "T1", NOW + 30, tolerance=1.0)
    assert [book(db, "T1", NOW, interval=0.5, tolerance=1.0) for _ in range(2)] == [NOW + 30, NOW + 30.5]
    with db.session() as session:
        store.hold_until(session, "T1", NOW + 5, tolerance=1.0)  # a shorter hold shortens nothing
    assert book(db, "T1", NOW, interval=0.5, tolerance=1.0) == NOW + 31


def test_marks_behind_a_moment_are_dropped(db: Database) -> None:
    book(db, "T1/U1", NOW)
    book(db, "T1/U2", NOW + 100)
    with db.session() as session:
        assert store.forget_before(session, NOW + 50) == 1
    with db.session() as session:
        assert session.scalars(select(SendPace.key)).all() == ["T1/U2"]
