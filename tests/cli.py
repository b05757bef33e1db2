"""Driving the `careerplan` command in tests: as a process (the console script, as an admin runs it), or in
this process (`bot.cli.main(argv)`, much faster), with the same answer either way: exit status, stdout, stderr.

A `Runner` runs one command line with a whole environment in a working directory: `as_process` or an
`InProcess`. tests/bot/test_cli.py runs the commands in process; tests/e2e keeps one process per command.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sqlite3
import subprocess
import sys
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from bot.career.lines import RequestedBy
from bot.cli import main
from storage import lines as line_store
from storage import people
from storage.db import Database
from tests.databases import empty_database_url, migrated_database_url
from tests.fakeslack import FakeSlack

Runner = Callable[[Sequence[str], Mapping[str, str], Path], "subprocess.CompletedProcess[str]"]

MONDAY_10AM_NEW_YORK = datetime(2026, 11, 23, 15, 0, tzinfo=UTC)


def careerplan(*args: str) -> list[str]:
    """The console script's command line (or `python -m bot` where the script is not installed)."""
    script = Path(sys.executable).with_name("careerplan")
    return [str(script), *args] if script.exists() else [sys.executable, "-m", "bot", *args]


def clean_env(**settings: str) -> dict[str, str]:
    """This process's environment without any of careerplan's settings, plus `settings`."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("SLACK_", "CAREERPLAN_", "DATABASE_URL")) and k not in {"HOST", "PORT", "LOG_LEVEL"}
    }
    return {**env, **settings}


def as_process(argv: Sequence[str], env: Mapping[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(careerplan(*argv), env=dict(env), cwd=cwd, capture_output=True, text=True, timeout=60)


class InProcess:
    """`main(argv)` in this process, as the console script calls it: os.environ replaced by `env` and the working
    directory changed for the call only, stdout and stderr captured, SystemExit (argparse's) turned into the
    exit status, and logging configured by the command itself onto the captured stderr, as in a process."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
        self._monkeypatch = monkeypatch
        self._capsys = capsys

    def __call__(self, argv: Sequence[str], env: Mapping[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
        self._capsys.readouterr()  # what was printed before is not this command's
        with self._monkeypatch.context() as patch, _logging_as_in_a_new_process():
            for name in list(os.environ):
                if name not in env:
                    patch.delenv(name)
            for name, value in env.items():
                patch.setenv(name, value)
            patch.chdir(cwd)
            try:
                code = main(list(argv))
            except SystemExit as exc:
                code = 0 if exc.code is None else int(exc.code)
        out, err = self._capsys.readouterr()
        return subprocess.CompletedProcess(["careerplan", *argv], code, out, err)


@contextlib.contextmanager
def _logging_as_in_a_new_process() -> Iterator[None]:
    """No handlers on the root logger (so the command's logging.basicConfig takes effect and writes to the captured
    stderr), and every logger's handlers and level as they were afterwards."""
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    loggers = logging.root.manager.loggerDict
    levels = {name: logger.level for name, logger in loggers.items() if isinstance(logger, logging.Logger)}
    root.handlers = []
    try:
        yield
    finally:
        for handler in root.handlers:
            handler.close()
        root.handlers = handlers
        root.setLevel(level)
        for name, logger in list(loggers.items()):
            if isinstance(logger, logging.Logger):
                logger.setLevel(levels.get(name, logging.NOTSET))


@contextlib.contextmanager
def database_for_cli(
    backend: str, tmp_path_factory: pytest.TempPathFactory, *, migrated: bool = False
) -> Iterator[tuple[Database, str]]:
    """A database with no rows (SQLite file or PostgreSQL schema; migrated to head if asked, the fast way), and
    the DATABASE_URL that reaches it from `careerplan`."""
    databases = migrated_database_url if migrated else empty_database_url
    for url, options in databases(backend, tmp_path_factory):
        db = Database(url, **options)
        # The command reaches the test's PostgreSQL schema through the URL (psycopg reads `options` there).
        connect_args = options.get("connect_args")
        search_path = connect_args.get("options") if isinstance(connect_args, dict) else None
        try:
            yield db, f"{url}?options={search_path.replace('=', '%3D')}" if search_path else url
        finally:
            db.dispose()


# A sweep in a fresh interpreter on a pinned clock: the same `main()` the console script runs.
FROZEN_CLOCK = """\
import sys
from datetime import datetime

import bot.usecases.common

bot.usecases.common.utc_now = lambda: datetime.fromisoformat(sys.argv[1])
from bot.cli import main

sys.exit(main(sys.argv[2:]))
"""


@dataclass
class Admin:
    """An admin of `careerplan sweep`: a database with reporting lines, a fake Slack, a working directory."""

    slack: FakeSlack
    db: Database
    url: str  # DATABASE_URL as the command gets it
    cwd: Path
    settings: dict[str, str] = field(default_factory=dict)  # further settings, e.g. CAREERPLAN_SENDERS

    def env(self) -> dict[str, str]:
        # No SLACK_SIGNING_SECRET: a sweep serves no requests from Slack and must not need one.
        return clean_env(
            SLACK_BOT_TOKEN="xoxb-sweep", SLACK_API_URL=self.slack.url, DATABASE_URL=self.url, **self.settings
        )

    def sweep_at(self, now: datetime) -> subprocess.Popen[str]:
        """`careerplan sweep --once` as a process whose clock reads `now`."""
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


def finished(process: subprocess.Popen[str]) -> tuple[int, str, str]:
    out, err = process.communicate(timeout=120)
    return process.returncode, out, err


@dataclass
class Hr:
    """HR running `careerplan import-managers` against a fake Slack and a SQLite file, through `runner`."""

    slack: FakeSlack
    tmp_path: Path
    database: Path
    runner: Runner

    def env(self, **extra: str) -> dict[str, str]:
        # No SLACK_SIGNING_SECRET: the import serves no requests from Slack and must not need one.
        settings = {"SLACK_BOT_TOKEN": "xoxb-hr", "SLACK_API_URL": self.slack.url}
        return clean_env(**{**settings, "DATABASE_URL": f"sqlite:///{self.database}", **extra})

    def write(self, text: str) -> Path:
        path = self.tmp_path / "people.csv"
        path.write_text(text, encoding="utf-8")
        return path

    def run(self, *args: str, **extra_env: str) -> subprocess.CompletedProcess[str]:
        return self.runner(["import-managers", *args], self.env(**extra_env), self.tmp_path)

    def lines(self) -> list[dict[str, object]]:
        """The reporting_lines table as it is on disk, every column, people also as Slack ids."""
        connection = sqlite3.connect(self.database)
        connection.row_factory = sqlite3.Row
        try:
            rows = connection.execute(
                "SELECT r.slack_user_id AS report, m.slack_user_id AS manager, l.* FROM reporting_lines l "
                "JOIN people r ON r.id = l.report_id JOIN people m ON m.id = l.manager_id ORDER BY l.id"
            ).fetchall()
        finally:
            connection.close()
        return [dict(row) for row in rows]

    def active(self) -> dict[str, str]:
        return {str(row["report"]): str(row["manager"]) for row in self.lines() if row["status"] == "active"}


@contextlib.contextmanager
def hr_with(runner: Runner, tmp_path: Path) -> Iterator[Hr]:
    """HR's fake Slack knows Ana, Bob and Carol by e-mail."""
    with FakeSlack() as slack:
        slack.users["U0ANA"] = {"profile": {"email": "ana@example.com"}}
        slack.users["U0BOB"] = {"profile": {"email": "bob@example.com"}}
        slack.users["U0CAROL"] = {"profile": {"email": "carol@example.com"}}
        yield Hr(slack, tmp_path, tmp_path / "careerplan.db", runner)
