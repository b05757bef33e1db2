"""Databases for tests: the backends to run on (SQLite always, PostgreSQL when CAREERPLAN_TEST_POSTGRES_URL
is set), an empty database, and a migrated one that costs no migration (the migrations run once per test
process: each test gets a copy of a migrated SQLite file, or the process's migrated PostgreSQL schema with every
row deleted). tests/conftest.py turns them into the `db` and `empty_db` fixtures."""

from __future__ import annotations

import os
import shutil
import sqlite3
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text

from storage.db import Database
from storage.models import Base

POSTGRES_URL = os.environ.get("CAREERPLAN_TEST_POSTGRES_URL")
BACKENDS = ["sqlite"] + (["postgresql"] if POSTGRES_URL else [])
WORKER = os.environ.get("PYTEST_XDIST_WORKER", "main")  # gw0, gw1, … under pytest-xdist


def empty_database_url(
    backend: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[str, dict[str, object]]]:
    """A URL and engine options for an empty database: a new SQLite file, or a new PostgreSQL schema."""
    if backend == "sqlite":
        yield f"sqlite:///{tmp_path_factory.mktemp('db') / 'careerplan.db'}", {}
        return
    assert POSTGRES_URL is not None
    schema = f"test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(Database(POSTGRES_URL).url)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield POSTGRES_URL, {"connect_args": {"options": f"-csearch_path={schema}"}}
    finally:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


class Migrated:
    """What this test process migrated once: a SQLite file to copy, a PostgreSQL schema to empty. Made on
    first use, named by the xdist worker (and a random part: other runs may share the PostgreSQL server)."""

    def __init__(self) -> None:
        self._sqlite: Path | None = None
        self._schema: str | None = None
        self._admin: Engine | None = None

    def sqlite_file(self, tmp_path_factory: pytest.TempPathFactory) -> Path:
        if self._sqlite is None:
            path = tmp_path_factory.mktemp(f"migrated-{WORKER}") / "careerplan.db"
            db = Database(f"sqlite:///{path}")
            db.upgrade()
            db.dispose()
            # Everything in the main file, no write-ahead log beside it: the file alone is the database.
            connection = sqlite3.connect(path)
            connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            connection.close()
            assert not path.with_name(path.name + "-wal").exists()
            self._sqlite = path
        return self._sqlite

    def postgres_schema(self) -> str:
        """The session's migrated schema, with no rows (alembic_version kept)."""
        assert POSTGRES_URL is not None
        if self._admin is None:
            self._admin = create_engine(Database(POSTGRES_URL).url)
        if self._schema is None:
            schema = f"test_{WORKER}_{uuid.uuid4().hex[:12]}"
            with self._admin.begin() as connection:
                connection.execute(text(f'CREATE SCHEMA "{schema}"'))
            self._schema = schema  # dropped at the end of the session, even if the upgrade fails
            db = Database(POSTGRES_URL, connect_args={"options": f"-csearch_path={schema}"})
            db.upgrade()
            db.dispose()
            return schema
        with self._admin.begin() as connection:
            # A test that left a transaction holding rows makes the next one fail here, not hang.
            connection.execute(text("SET LOCAL lock_timeout = '10s'"))
            for table in reversed(Base.metadata.sorted_tables):
                connection.execute(text(f'DELETE FROM "{self._schema}"."{table.name}"'))
            # Ids start at 1 again, as in a new schema: no test sees another's ids, whatever the order.
            connection.execute(
                text(
                    "SELECT setval(c.oid, 1, false) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
                    " WHERE c.relkind = 'S' AND n.nspname = :schema"
                ),
                {"schema": self._schema},
            )
        return self._schema

    def close(self) -> None:
        if self._admin is None:
            return
        if self._schema is not None:
            with self._admin.begin() as connection:
                connection.execute(text(f'DROP SCHEMA "{self._schema}" CASCADE'))
        self._admin.dispose()


MIGRATED = Migrated()


def migrated_database_url(
    backend: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[str, dict[str, object]]]:
    """A URL and engine options for a migrated database with no rows, the test's own: a new SQLite file (a
    copy of the session's migrated one), or the session's migrated PostgreSQL schema, emptied (rows deleted,
    sequences back to 1)."""
    if backend == "sqlite":
        path = tmp_path_factory.mktemp("db") / "careerplan.db"
        shutil.copyfile(MIGRATED.sqlite_file(tmp_path_factory), path)
        path.chmod(0o600)  # as the bot creates its own (storage.db.make_private)
        yield f"sqlite:///{path}", {}
        return
    assert POSTGRES_URL is not None
    yield POSTGRES_URL, {"connect_args": {"options": f"-csearch_path={MIGRATED.postgres_schema()}"}}
