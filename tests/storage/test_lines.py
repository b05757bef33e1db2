"""Reporting lines in the database (SQLite, and PostgreSQL when configured): the rules it enforces itself."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from bot.career.cadence import NudgeKind, NudgeStatus
from bot.career.lines import EndReason, LineStatus, RequestedBy
from storage import lines as store
from storage.db import Database
from storage.models import Nudge
from tests import builders
from tests.builders import NOW

TEAM = "T1"


def people(db: Database, *names: str) -> list[int]:
    with db.session() as session:
        return [builders.person(session, name, team=TEAM) for name in names]


def test_a_report_cannot_have_two_active_managers(db: Database) -> None:
    emp, boss, other = people(db, "UEMP", "UBOSS", "UOTHER")
    with db.session() as session:
        store.add_line(
            session, emp, boss, requested_by=RequestedBy.ADMIN, cadence_months=3, now=NOW, started_on=NOW.date()
        )
    with pytest.raises(IntegrityError), db.session() as session:
        store.add_line(
            session, emp, other, requested_by=RequestedBy.ADMIN, cadence_months=3, now=NOW, started_on=NOW.date()
        )
    with db.session() as session:
        current = store.active_line_of(session, emp)
    assert current is not None and current.manager == "UBOSS"


def test_one_open_request_per_pair(db: Database) -> None:
    emp, boss = people(db, "UEMP", "UBOSS")
    with db.session() as session:
        store.add_line(session, emp, boss, requested_by=RequestedBy.REPORT, cadence_months=3, now=NOW)
    with pytest.raises(IntegrityError), db.session() as session:
        store.add_line(session, emp, boss, requested_by=RequestedBy.MANAGER, cadence_months=3, now=NOW)


def test_a_new_manager_ends_the_old_line_and_history_is_kept(db: Database) -> None:
    (emp,) = people(db, "UEMP")
    with db.session() as session:
        first = builders.active_line(session, "UEMP", "UBOSS", started_on=date(2026, 1, 5), shared=True, team=TEAM)
        pending = builders.pending_line(session, "UEMP", "UOTHER", cadence_months=4, team=TEAM)
    with db.session() as session:
        ended = store.end_active_line(session, emp, EndReason.REPLACED, NOW)
        assert store.activate(session, pending.id, date(2026, 11, 21), NOW)
    assert ended is not None and ended.id == first.id
    with db.session() as session:
        old, new = store.get_line(session, first.id), store.get_line(session, pending.id)
        assert store.manager_user_of(session, "T1", "UEMP") == "UOTHER"
    assert old is not None and old.status is LineStatus.ENDED
    assert new is not None and new.status is LineStatus.ACTIVE
    assert new.started_on == date(2026, 11, 21) and new.cadence_months == 4
    assert not new.shared  # sharing never carries over to a new manager


def test_answering_twice_changes_nothing_the_second_time(db: Database) -> None:
    with db.session() as session:
        pending = builders.pending_line(session, "UEMP", "UBOSS", team=TEAM)
    with db.session() as session:
        assert store.decline(session, pending.id, NOW)
        assert not store.decline(session, pending.id, NOW)
        assert not store.activate(session, pending.id, NOW.date(), NOW)
        assert not store.set_shared(session, pending.id, True, NOW)


def test_an_imported_line_supersedes_an_open_request_for_the_same_pair(db: Database) -> None:
    emp, boss = people(db, "UEMP", "UBOSS")
    with db.session() as session:
        pending = builders.pending_line(session, "UEMP", "UBOSS", team=TEAM)
        store.add_line(
            session, emp, boss, requested_by=RequestedBy.ADMIN, cadence_months=3, now=NOW, started_on=NOW.date()
        )
    with db.session() as session:
        old = store.get_line(session, pending.id)
        assert store.pending_lines_of(session, emp) == []
        assert [line.report for line in store.reports_of(session, boss)] == ["UEMP"]
    assert old is not None and old.status is LineStatus.ENDED


def test_a_line_starts_its_conversation_schedule_when_it_becomes_active(db: Database) -> None:
    emp, boss, other = people(db, "UEMP", "UBOSS", "UOTHER")
    with db.session() as session:
        imported = store.add_line(
            session, emp, boss, requested_by=RequestedBy.ADMIN, cadence_months=3, now=NOW, started_on=date(2027, 1, 31)
        )
        asked = store.add_line(session, other, boss, requested_by=RequestedBy.REPORT, cadence_months=3, now=NOW)
    assert imported.next_due_on == date(2027, 3, 2)  # 30 days, whatever the month lengths
    assert asked.next_due_on is None  # nothing is due on a request nobody has confirmed
    with db.session() as session:
        assert store.activate(session, asked.id, date(2027, 2, 1), NOW)
        confirmed = store.get_line(session, asked.id)
    assert confirmed is not None and confirmed.next_due_on == date(2027, 3, 3)


def test_ending_a_line_cancels_the_nudges_it_still_owed(db: Database) -> None:
    (emp,) = people(db, "UEMP")
    with db.session() as session:
        line = builders.active_line(session, "UEMP", "UBOSS", team=TEAM)
        builders.nudge(session, line, NudgeKind.FIRST_MONTH, NudgeStatus.PENDING, due_on=NOW.date())
    with db.session() as session:
        store.end_active_line(session, emp, EndReason.REPLACED, NOW)
    with db.session() as session:
        statuses = session.scalars(select(Nudge.status).where(Nudge.line_id == line.id)).all()
    assert statuses == [NudgeStatus.CANCELLED.value]
