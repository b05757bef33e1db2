"""What the e2e tests of `careerplan sweep` share: an admin with a migrated, empty database (SQLite file or PostgreSQL
schema), a fake Slack, and sweeps run as processes on a pinned clock (tests/cli.py's Admin)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.cli import Admin, database_for_cli
from tests.databases import BACKENDS
from tests.fakeslack import FakeSlack


@pytest.fixture(params=BACKENDS)
def admin(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Admin]:
    with database_for_cli(request.param, tmp_path_factory, migrated=True) as (db, url), FakeSlack() as slack:
        yield Admin(slack, db, url, tmp_path_factory.mktemp("cwd"))
