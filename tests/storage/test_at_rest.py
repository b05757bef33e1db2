"""Data at rest on SQLite: the database files are the bot's user's alone (0600), and an erase leaves none of
the erased words in them (not in the main file's free pages, not in the write-ahead log)."""

from __future__ import annotations

import logging
import os
import stat
from datetime import timedelta
from pathlib import Path

import pytest

from bot.career.plan import PlanForm
from bot.usecases.common import Who
from bot.usecases.own_data import OwnData
from bot.usecases.people import People
from storage import people
from storage import plans as plan_store
from storage.db import Database, sqlite_path
from tests import builders
from tests.builders import NOW, TEAM

MARKER = "ZEBRA-7f3a-ERASE-ME"
SIDE_FILES = ("-wal", "-shm")


def files_of(path: Path) -> list[Path]:
    return [path, *(path.with_name(path.name + suffix) for suffix in SIDE_FILES)]


def mode(path: Path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def write_something(db: Database) -> None:
    with db.session() as session:
        builders.plan_version(session, "U1", builders.a_plan("Lead a platform team"))


def sqlite_db(database: Database) -> Path:
    path = sqlite_path(database.url)
    if path is None:
        pytest.skip("the files of a SQLite database")
    return path


@pytest.mark.parametrize("umask", [0o022, 0o002, 0o000], ids=["022", "002", "000"])
def test_a_new_database_and_its_log_are_readable_by_their_owner_only(tmp_path: Path, umask: int) -> None:
    path = tmp_path / "careerplan.db"
    old = os.umask(umask)
    try:
        db = Database(f"sqlite:///{path}")
        db.upgrade()
        write_something(db)
        for file in files_of(path):
            assert file.exists(), file
            assert mode(file) == 0o600, (file.name, oct(mode(file)))
        db.dispose()
    finally:
        os.umask(old)


def test_opening_a_database_others_could_read_takes_their_access_away_and_says_so(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "careerplan.db"
    db = Database(f"sqlite:///{path}")
    db.upgrade()
    write_something(db)
    for file in files_of(path):
        file.chmod(0o644)

    caplog.set_level(logging.WARNING, logger="careerplan.db")
    again = Database(f"sqlite:///{path}")
    write_something(again)
    write_something(again)
    assert [mode(file) for file in files_of(path)] == [0o600] * 3
    warnings = [record for record in caplog.records if record.levelno == logging.WARNING]
    assert len(warnings) == 1  # once, not per connection
    assert "careerplan.db (0644)" in warnings[0].getMessage()
    again.dispose()
    db.dispose()


def test_a_database_in_memory_still_opens() -> None:
    db = Database("sqlite://")
    with db.engine.connect() as connection:
        assert connection.exec_driver_sql("SELECT 1").scalar() == 1
    db.dispose()


def fill(db: Database, user: str) -> int:
    """A plan (twice, one long enough for overflow pages), a draft and a reflection, all holding MARKER."""
    long_gap = " ".join([MARKER] * 400)
    with db.session() as session:
        person_id = builders.person(session, user)
        plan = builders.a_plan(f"{MARKER} goal")
        builders.plan_version(session, user, plan)
        builders.plan_version(
            session, user, plan.__class__(plan.goal, plan.steps, (long_gap,)), now=NOW + timedelta(hours=1)
        )
        plan_store.put_draft(session, person_id, "V1", PlanForm(goal_text=f"{MARKER} draft"), NOW)
        builders.reflection(session, user, builders.a_reflection(f"{MARKER} energy"))
    return person_id


def marker_in_files(path: Path) -> list[str]:
    return [file.name for file in files_of(path) if file.exists() and MARKER.encode() in file.read_bytes()]


def test_erasing_ones_answers_leaves_no_word_of_them_in_the_database_files(db: Database) -> None:
    path = sqlite_db(db)
    fill(db, "U1")
    fill(db, "U2")  # someone else's answers stay: the erase is not a wipe of the file
    assert marker_in_files(path)  # the words were written where this test looks

    erased = OwnData(db, lambda: NOW).erase(Who(TEAM, "U1"))
    assert erased["plan_versions"] == 2
    OwnData(db, lambda: NOW).erase(Who(TEAM, "U2"))

    assert marker_in_files(path) == []
    wal = path.with_name(path.name + "-wal")
    assert not wal.exists() or wal.stat().st_size == 0


def test_purging_the_departed_leaves_no_word_of_theirs_in_the_database_files(db: Database) -> None:
    path = sqlite_db(db)
    person_id = fill(db, "U1")
    with db.session() as session:
        people.mark_deactivated(session, person_id, NOW - timedelta(days=40))

    purge = People(db, lambda: NOW).purge_departed(30, dry_run=False)
    assert purge.people_with_answers == 1
    assert marker_in_files(path) == []
