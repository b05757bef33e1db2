"""The shipped migrations build exactly the schema the models describe, on every backend."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from storage.db import Database, head_revision
from storage.models import Base


def test_upgrade_to_head_matches_the_models(empty_db: Database) -> None:
    assert empty_db.current_revision() is None
    empty_db.upgrade()
    assert empty_db.current_revision() == head_revision()
    with empty_db.engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    assert differences == []


def test_upgrade_twice_changes_nothing(empty_db: Database) -> None:
    empty_db.upgrade()
    tables = set(inspect(empty_db.engine).get_table_names())
    empty_db.upgrade()
    assert set(inspect(empty_db.engine).get_table_names()) == tables
    assert {"people", "plan_versions", "plan_steps", "plan_gaps", "plan_drafts", "workspaces"} <= tables


def test_sqlite_connections_use_wal_foreign_keys_and_a_busy_timeout(tmp_path: object) -> None:
    db = Database(f"sqlite:///{tmp_path}/pragmas.db")
    with db.engine.connect() as connection:
        raw = connection.connection.dbapi_connection
        assert raw is not None
        cursor = raw.cursor()
        assert cursor.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert cursor.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        assert cursor.execute("PRAGMA busy_timeout").fetchone()[0] >= 1000
    db.dispose()
