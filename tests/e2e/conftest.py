"""What the e2e tests of `careerplan sweep` share: an admin with a migrated, empty database (SQLite file or
PostgreSQL schema), a fake Slack, and sweeps run as processes on a pinned clock."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from bot.career.lines import RequestedBy
from storage import lines as line_store
from storage import people
from storage.db import Database
from tests.conftest import BACKENDS, migrated_database_url
from tests.e2e.test_careerplan_run import clean_env
from tests.fakeslack import FakeSlack

MONDAY_10AM_NEW_YORK = datetime(2026, 11, 23, 15, 0, tzinfo=UTC)
FROZEN_CLOCK = """\
import sys
from datetime import datetime

import bot.usecases.common

# Before anything binds it as a default (`clock: Clock = utc_now`).
bot.usecases.common.utc_now = lambda: datetime.fromisoformat(sys.argv[1])
from bot.cli import main

sys.exit(main(sys.argv[2:]))
"""


@dataclass
class Admin:
    slack: FakeSlack
    db: Database
    url: str  # DATABASE_URL as the process gets it
    cwd: Path

    def env(self) -> dict[str, str]:
        # No SLACK_SIGNING_SECRET: a sweep serves no requests from Slack and must not need one.
        return clean_env(SLACK_BOT_TOKEN="xoxb-sweep", SLACK_API_URL=self.slack.url, DATABASE_URL=self.url)

    def sweep_at(self, now: datetime) -> subprocess.Popen[str]:
        command = [sys.executable, "-c", FROZEN_CLOCK, now.isoformat(), "sweep", "--once"]
        return subprocess.Popen(
            command, env=self.env(), cwd=self.cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )

    def lines(self, count: int, started_on: date) -> None:
        with self.db.session() as session:
            for n in range(count):
                report = people.ensure_person(session, "T0FAKE", f"U0R{n:03d}", MONDAY_10AM_NEW_YORK)
                manager = people.ensure_person(session, "T0FAKE", f"U0M{n:03d}", MONDAY_10AM_NEW_YORK)
                line_store.add_line(
                    session,
                    report,
                    manager,
                    requested_by=RequestedBy.ADMIN,
                    cadence_months=3,
                    now=MONDAY_10AM_NEW_YORK,
                    started_on=started_on,
                )


@pytest.fixture(params=BACKENDS)
def admin(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Admin]:
    for url, options in migrated_database_url(request.param, tmp_path_factory):
        db = Database(url, **options)
        # A process reaches the test's PostgreSQL schema through the URL (psycopg reads `options` there).
        connect_args = options.get("connect_args")
        search_path = connect_args.get("options") if isinstance(connect_args, dict) else None
        process_url = f"{url}?options={search_path.replace('=', '%3D')}" if search_path else url
        with FakeSlack() as slack:
            yield Admin(slack, db, process_url, tmp_path_factory.mktemp("cwd"))
        db.dispose()


def finished(process: subprocess.Popen[str]) -> tuple[int, str, str]:
    out, err = process.communicate(timeout=120)
    return process.returncode, out, err
