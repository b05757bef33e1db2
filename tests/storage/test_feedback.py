"""Feedback on plans, on SQLite and PostgreSQL: kept with a version, read back newest first per person or per
version, listed by author, and gone with its version (the employee's erase) or with its author."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import delete, func, select

from storage import feedback as store
from storage.db import Database
from storage.models import Person, PlanFeedback, PlanVersion
from tests import builders
from tests.builders import NOW

HOSTILE = "<!channel> & <@U0X> 🚀\nsecond line"


def test_a_note_is_kept_with_its_version_and_read_back_as_written(db: Database) -> None:
    with db.session() as session:
        builders.plan_version(session, "U0ANA")
        builders.plan_version(session, "U0ANA", now=NOW + timedelta(days=1))
        first = builders.feedback(session, "U0ANA", "U0BOSS", HOSTILE, version=1)
        second = builders.feedback(session, "U0ANA", "U0MENTOR", "On v2", now=NOW + timedelta(hours=2))
    assert (first.report, first.author, first.version, first.text, first.sent_at) == (
        "U0ANA",
        "U0BOSS",
        1,
        HOSTILE,
        NOW,
    )
    assert second.version == 2 and second.sent_at.tzinfo is not None
    with db.session() as session:
        ana = builders.person(session, "U0ANA")
        assert store.received(session, ana) == [second, first]  # newest first
        assert store.received(session, ana, version=1) == [first]
        assert store.received(session, ana, limit=1) == [second]
        assert store.current_version(session, ana) == 2
        assert store.version_id(session, ana, 3) is None
        assert store.written_by(session, builders.person(session, "U0BOSS")) == [first]


def test_where_the_dm_landed_is_kept(db: Database) -> None:
    with db.session() as session:
        builders.plan_version(session, "U0ANA")
        sent = builders.feedback(session, "U0ANA", "U0BOSS")
        store.set_dm(session, sent.id, "D0ANA", "1700000000.000200")
    with db.session() as session:
        row = session.get(PlanFeedback, sent.id)
        assert row is not None and (row.dm_channel, row.dm_ts) == ("D0ANA", "1700000000.000200")


def test_notes_go_with_their_version_or_their_author_and_no_one_elses_go(db: Database) -> None:
    with db.session() as session:
        builders.plan_version(session, "U0ANA")
        builders.plan_version(session, "U0BO")
        builders.feedback(session, "U0ANA", "U0BOSS", "to Ana")
        builders.feedback(session, "U0BO", "U0BOSS", "to Bo from the boss")
        builders.feedback(session, "U0BO", "U0MENTOR", "to Bo from the mentor")
        ana = builders.person(session, "U0ANA")
    with db.session() as session:  # Ana's versions go: so does the feedback on them (ON DELETE CASCADE)
        session.execute(delete(PlanVersion).where(PlanVersion.person_id == ana))
    with db.session() as session:
        assert sorted(session.scalars(select(PlanFeedback.text))) == ["to Bo from the boss", "to Bo from the mentor"]
    with db.session() as session:  # the boss's person row goes (an admin's purge): so do the notes they wrote
        session.execute(delete(Person).where(Person.slack_user_id == "U0BOSS"))
    with db.session() as session:
        assert session.scalars(select(PlanFeedback.text)).all() == ["to Bo from the mentor"]
        assert session.scalar(select(func.count()).select_from(PlanVersion)) == 1
