"""Shared fixtures: a migrated database per test (SQLite always, PostgreSQL when configured),
a controllable clock, and an environment with no Slack settings leaking in from the developer's shell.

The migrations run once per test session and backend (per pytest-xdist worker; see tests/databases.py).
`empty_db` is still a new, unmigrated database per test, for the tests of the migrations themselves.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from storage.db import Database
from tests.clock import Clock
from tests.databases import BACKENDS, MIGRATED, empty_database_url, migrated_database_url


@pytest.fixture
def clock() -> Clock:
    return Clock(datetime(2026, 11, 21, 10, 0, tzinfo=UTC))


@pytest.fixture(autouse=True)
def _no_slack_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in list(os.environ):
        if name.startswith(("SLACK_", "CAREERPLAN_")) and name != "CAREERPLAN_TEST_POSTGRES_URL":
            monkeypatch.delenv(name)
    monkeypatch.delenv("DATABASE_URL", raising=False)


@pytest.fixture(scope="session", autouse=True)
def _drop_migrated() -> Iterator[None]:
    yield
    MIGRATED.close()


@pytest.fixture(params=BACKENDS)
def empty_db(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    for url, options in empty_database_url(request.param, tmp_path_factory):
        db = Database(url, **options)
        yield db
        db.dispose()


@pytest.fixture(params=BACKENDS)
def db(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    for url, options in migrated_database_url(request.param, tmp_path_factory):
        database = Database(url, **options)
        yield database
        database.dispose()
