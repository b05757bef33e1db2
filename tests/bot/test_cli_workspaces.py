"""`careerplan purge-workspace TEAM_ID [--yes]` and `careerplan run` reactivating its own workspace, in process
(tests/cli.py's InProcess), on SQLite and PostgreSQL: a dry run shows the counts and erases nothing; --yes
erases everything of that workspace and nothing of another; an unknown team is one line and exit 1."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from bot.career.people import InactiveReason
from storage import workspaces
from storage.db import Database
from storage.workspaces import Contents
from tests import builders
from tests.bot.test_cli import run_until_ctrl_c
from tests.cli import InProcess, clean_env, database_for_cli
from tests.databases import BACKENDS
from tests.fakeslack import TEAM_ID, FakeSlack

GONE, STAYS = "T123ABC456", "T0STAYS"


@pytest.fixture
def cli(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> InProcess:
    return InProcess(monkeypatch, capsys)


@pytest.fixture(params=BACKENDS)
def database(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Database, str]]:
    with database_for_cli(request.param, tmp_path_factory, migrated=True) as (db, url):
        yield db, url


def fill(db: Database, team: str) -> Contents:
    with db.session() as session:
        line = builders.active_line(session, "U0REPORT", "U0BOSS", team=team)
        builders.plan_version(session, "U0REPORT", team=team)
        builders.reflection(session, "U0REPORT", team=team)
        builders.held_conversation(session, line.id, date(2026, 11, 20))
        builders.nudge(session, line)
        held = workspaces.contents(session, team)
    assert held is not None
    return held


def contents(db: Database, team: str) -> Contents | None:
    with db.session() as session:
        return workspaces.contents(session, team)


def test_without_yes_it_shows_what_it_would_erase_and_erases_nothing(
    cli: InProcess, database: tuple[Database, str], tmp_path: Path
) -> None:
    db, url = database
    held = fill(db, GONE)
    with db.session() as session:
        workspaces.mark_inactive(session, GONE, InactiveReason.UNINSTALLED, builders.NOW)
    done = cli(["purge-workspace", GONE], clean_env(DATABASE_URL=url), tmp_path)
    assert done.returncode == 0, done.stderr
    first, second = done.stdout.splitlines()
    assert f"Workspace {GONE}" in first and "is inactive" in first
    assert "2 people, 1 plan version, 1 reflection, 1 reporting line, 1 conversation, 1 reminder" in first
    assert second == f"Nothing was erased. To erase it all: careerplan purge-workspace {GONE} --yes"
    assert contents(db, GONE) == held


def test_with_yes_it_erases_everything_of_that_workspace_and_nothing_of_another(
    cli: InProcess, database: tuple[Database, str], tmp_path: Path
) -> None:
    db, url = database
    fill(db, GONE)
    kept = fill(db, STAYS)
    done = cli(["purge-workspace", GONE, "--yes"], clean_env(DATABASE_URL=url), tmp_path)
    assert done.returncode == 0, done.stderr
    (line,) = done.stdout.splitlines()
    assert line.startswith(f"Erased workspace {GONE} from ")
    assert line.endswith(": 2 people, 1 plan version, 1 reflection, 1 reporting line, 1 conversation, 1 reminder.")
    assert contents(db, GONE) is None
    assert contents(db, STAYS) == kept
    again = cli(["purge-workspace", GONE, "--yes"], clean_env(DATABASE_URL=url), tmp_path)
    assert again.returncode == 1


@pytest.mark.parametrize("yes", [[], ["--yes"]])
def test_an_unknown_team_is_one_line_and_exit_1(
    cli: InProcess, database: tuple[Database, str], tmp_path: Path, yes: list[str]
) -> None:
    db, url = database
    kept = fill(db, STAYS)
    done = cli(["purge-workspace", "T0NOSUCH", *yes], clean_env(DATABASE_URL=url), tmp_path)
    assert done.returncode == 1
    assert done.stdout == ""
    (line,) = done.stderr.splitlines()
    assert line.startswith("careerplan: there is no workspace 'T0NOSUCH' in ") and "nothing was erased" in line
    assert contents(db, STAYS) == kept


def test_it_needs_a_team_id(cli: InProcess, tmp_path: Path) -> None:
    done = cli(["purge-workspace"], clean_env(), tmp_path)
    assert done.returncode == 2
    assert "the following arguments are required: TEAM_ID" in done.stderr


def test_careerplan_run_with_a_working_token_reactivates_its_workspace(cli: InProcess, tmp_path: Path) -> None:
    db = Database(f"sqlite:///{tmp_path / 'careerplan.db'}")
    db.upgrade()
    fill(db, TEAM_ID)  # the fake Slack's workspace: its auth.test names it
    fill(db, GONE)
    with db.session() as session:
        for team in (TEAM_ID, GONE):
            workspaces.mark_inactive(session, team, InactiveReason.UNINSTALLED, builders.NOW)
    with FakeSlack() as slack:
        env = clean_env(SLACK_BOT_TOKEN="xoxb-1", SLACK_SIGNING_SECRET="s", SLACK_API_URL=slack.url)
        done, _ = run_until_ctrl_c(cli, env, tmp_path, lambda url: url)
    assert done.returncode == 0, done.stderr
    assert f"workspace {TEAM_ID} active again" in done.stderr
    with db.session() as session:
        assert workspaces.inactive(session, TEAM_ID) is None
        assert workspaces.inactive(session, GONE) is not None  # another workspace's token was not checked
    db.dispose()
