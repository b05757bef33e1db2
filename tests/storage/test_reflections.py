"""Reflections are kept as history with their date, exactly as typed, per person; and the use cases on top."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.career.plan import FieldError
from bot.career.reflection import Reflection, ReflectionField, SavedReflection, Why
from bot.usecases.common import Who
from bot.usecases.reflections import Reflections
from storage import people
from storage import reflections as store
from storage.db import Database
from tests.builders import a_reflection
from tests.clock import Clock

NOW = datetime(2026, 11, 21, 10, 0, tzinfo=UTC)
HOSTILE = "<!channel> <@U0BOSS> <http://evil.example|click me> & &amp; 🚀 “quotes” \\ ' \" \n second line"
ALICE = Who("T1", "UALICE")


def test_every_reflection_is_kept_with_its_date_and_latest_is_the_newest(db: Database) -> None:
    with db.session() as session:
        person = people.ensure_person(session, "T1", "U1", NOW)
        store.add_reflection(session, person, a_reflection("First"), NOW)
    with db.session() as session:
        store.add_reflection(session, person, a_reflection("Second"), NOW + timedelta(days=90))
    with db.session() as session:
        latest = store.latest_reflection(session, person)
        history = store.reflections_of(session, person)
    assert latest == SavedReflection(a_reflection("Second"), NOW + timedelta(days=90))
    assert [(s.reflection.energy, s.saved_at) for s in history] == [
        ("First", NOW),
        ("Second", NOW + timedelta(days=90)),
    ]


def test_two_reflections_in_the_same_instant_keep_their_order(db: Database) -> None:
    with db.session() as session:
        person = people.ensure_person(session, "T1", "U1", NOW)
        store.add_reflection(session, person, a_reflection("First"), NOW)
        store.add_reflection(session, person, a_reflection("Second"), NOW)
    with db.session() as session:
        latest = store.latest_reflection(session, person)
        assert [s.reflection.energy for s in store.reflections_of(session, person)] == ["First", "Second"]
    assert latest is not None and latest.reflection.energy == "Second"


def test_answers_round_trip_exactly_including_hostile_text_and_every_option(db: Database) -> None:
    full = Reflection(energy=HOSTILE, year_from_now=HOSTILE * 10, why=tuple(Why), why_words=HOSTILE, direction=None)
    with db.session() as session:
        person = people.ensure_person(session, "T1", "U1", NOW)
        store.add_reflection(session, person, full, NOW)
    with db.session() as session:
        latest = store.latest_reflection(session, person)
    assert latest is not None
    assert latest.reflection == full
    assert latest.saved_at.tzinfo is not None and latest.saved_at == NOW


def test_people_see_only_their_own_reflections(db: Database) -> None:
    with db.session() as session:
        alice = people.ensure_person(session, "T1", "UALICE", NOW)
        bob = people.ensure_person(session, "T1", "UBOB", NOW)
        store.add_reflection(session, alice, a_reflection("Alice's"), NOW)
    with db.session() as session:
        assert store.latest_reflection(session, bob) is None
        assert store.reflections_of(session, bob) == []


# --- Use cases ----------------------------------------------------------------------------------


def test_start_is_none_before_the_first_reflection_and_the_latest_after(db: Database, clock: Clock) -> None:
    reflections = Reflections(db, clock)
    assert reflections.start(ALICE) is None
    reflections.save(ALICE, a_reflection("First"))
    clock.advance(days=1)
    reflections.save(ALICE, a_reflection("Second"))
    assert reflections.start(ALICE) == a_reflection("Second")
    assert reflections.start(Who("T1", "UBOB")) is None
    assert reflections.start(Who("T2", ALICE.user_id)) is None  # the same user id in another workspace


def test_save_stores_tidied_answers_with_the_clocks_time(db: Database, clock: Clock) -> None:
    saved = Reflections(db, clock).save(
        ALICE, a_reflection("  a\x00b  ", why=(Why.PAY, Why.CHALLENGES, Why.PAY), why_words="", direction=None)
    )
    expected = a_reflection("ab", why=(Why.CHALLENGES, Why.PAY), why_words="", direction=None)
    assert saved == SavedReflection(expected, clock.now)
    with db.session() as session:
        person = people.find_person_id(session, ALICE.team_id, ALICE.user_id)
        assert person is not None
        assert store.reflections_of(session, person) == [SavedReflection(expected, clock.now)]


def test_save_refuses_a_blank_reflection_and_stores_nothing(db: Database, clock: Clock) -> None:
    blank = Reflection(energy=" ", year_from_now="", why=(), why_words="\x00", direction=None)
    outcome = Reflections(db, clock).save(ALICE, blank)
    assert isinstance(outcome, list)
    assert [(e.field, type(e)) for e in outcome] == [(ReflectionField.ENERGY, FieldError)]
    with db.session() as session:
        assert people.find_person_id(session, ALICE.team_id, ALICE.user_id) is None
