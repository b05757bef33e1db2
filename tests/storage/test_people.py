"""People's zone lookups shared between sweepers (SQLite, and PostgreSQL when configured): a lookup is taken
by one sweeper at a time, only while the zone is still to be asked, and let go when it is over."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from storage import people
from storage.db import Database

NOW = datetime(2026, 11, 23, 15, 0, tzinfo=UTC)
LEASE = timedelta(minutes=2)
WEEK_AGO = NOW - timedelta(days=7)


def person(db: Database, user_id: str) -> int:
    with db.session() as session:
        return people.ensure_person(session, "T1", user_id, NOW)


def take(db: Database, ids: list[int], now: datetime = NOW) -> set[int]:
    with db.session() as session:
        return people.claim_zone_lookups(session, ids, now, now + LEASE, stale_before=WEEK_AGO)


def test_a_lookup_is_taken_by_one_sweeper_until_its_lease_ends_or_it_lets_go(db: Database) -> None:
    ann, bob = person(db, "U1"), person(db, "U2")
    assert take(db, [ann, bob]) == {ann, bob}
    assert take(db, [ann, bob]) == set()  # another sweeper, now: both are being asked
    assert take(db, [ann], NOW + LEASE) == {ann}  # the first sweeper died: after its lease, taken again
    with db.session() as session:
        people.release_zone_lookups(session, {bob})
    assert take(db, [bob]) == {bob}


def test_a_zone_just_stored_is_not_asked_again_unless_its_away_status_ran_out(db: Database) -> None:
    ann, bob, cy = person(db, "U1"), person(db, "U2"), person(db, "U3")
    with db.session() as session:
        people.set_zones(session, {ann: "Europe/Paris", bob: "Asia/Tokyo"}, NOW)
        people.set_zones(session, {cy: "America/Denver"}, WEEK_AGO - timedelta(seconds=1))
        people.set_away(session, {bob: NOW - timedelta(minutes=1)})
    assert take(db, [ann, bob, cy]) == {bob, cy}  # Ann's is fresh; Bob's status is to be read; Cy's is stale
