"""A newcomer's path: `careerplan run` started as a process in HTTP mode against the fake Slack, driven by signed
HTTP requests; and `careerplan db` as a process. What the commands answer when something is missing or wrong is
tested in process, in tests/bot/test_cli.py."""

from __future__ import annotations

import contextlib
import json
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.slack import ids
from storage import people
from storage import plans as store
from storage.db import Database, head_revision
from tests.cli import careerplan, clean_env
from tests.clock import Clock
from tests.fakeslack import FakeSlack
from tests.slackbot import SECRET, Bot, walk_wizard
from tests.slackhttp import SlackSender, app_home_opened

pytestmark = pytest.mark.e2e


@contextlib.contextmanager
def bot_process(tmp_path: Path, clock: Clock, **settings: str) -> Iterator[Bot]:
    """`careerplan run` as a process in HTTP mode against a fake Slack; its log (stderr) in tmp_path/bot.log."""
    database = f"sqlite:///{tmp_path / 'careerplan.db'}"
    with FakeSlack() as slack, open(tmp_path / "bot.log", "w") as log:
        env = clean_env(
            SLACK_BOT_TOKEN="xoxb-e2e",
            SLACK_SIGNING_SECRET=SECRET,
            SLACK_API_URL=slack.url,
            DATABASE_URL=database,
            HOST="127.0.0.1",
            PORT="0",
            **settings,
        )
        # The log goes to a file, not a pipe nobody reads: a chatty log must never block the bot.
        process = subprocess.Popen(
            careerplan("run"), env=env, cwd=tmp_path, stdout=subprocess.PIPE, stderr=log, text=True
        )
        try:
            assert process.stdout is not None
            line = process.stdout.readline()  # blocks until the bot says where it listens (or exits)
            assert "listening on" in line, f"no start-up line; log: {(tmp_path / 'bot.log').read_text()}"
            url = line.split("listening on ", 1)[1].strip().removesuffix("/slack/events")
            db = Database(database)
            yield Bot(slack, SlackSender(url + "/slack/events", SECRET), db, clock, url)
            db.dispose()
        finally:
            process.terminate()
            process.wait(timeout=10)


@pytest.fixture
def running(tmp_path: Path, clock: Clock) -> Iterator[Bot]:
    with bot_process(tmp_path, clock) as bot:
        yield bot


def test_a_newcomer_walks_the_wizard_against_a_running_bot(running: Bot) -> None:
    import urllib.request

    with urllib.request.urlopen(running.url + "/healthz", timeout=5) as response:
        assert response.status == 200
    assert running.send.event(app_home_opened()).status == 200
    assert "Write my plan" in str(running.slack.wait_for("views.publish")[-1].params["view"])

    modal = running.open_wizard()
    assert modal.page == ids.VIEW_GOAL
    walk_wizard(modal)
    assert "version 1" in str(modal.view)
    with running.db.session() as session:
        person = people.find_person_id(session, "T0FAKE", "U0EMPLOYEE")
        assert person is not None
        saved = store.latest_plan(session, person)
    assert saved is not None
    assert saved.plan.goal.text == "Lead a platform team"
    assert "Lead a platform team" in str(running.slack.wait_for("views.publish", 2)[-1].params["view"])

    again = running.open_wizard()
    assert "Lead a platform team" in str(again.view)
    assert running.send.slash_command("help").json()["response_type"] == "ephemeral"
    forged = SlackSender(running.url + "/slack/events", "wrong-secret")
    assert forged.slash_command("").status == 401


def test_db_upgrade_and_current_report_the_revision(tmp_path: Path) -> None:
    # The whole sequence (an empty database, upgraded, upgraded again) runs in process: tests/bot/test_cli.py.
    env = clean_env(DATABASE_URL=f"sqlite:///{tmp_path / 'admin.db'}")
    upgraded = subprocess.run(careerplan("db", "upgrade"), env=env, capture_output=True, text=True)
    assert upgraded.returncode == 0
    head = head_revision()
    assert f"upgraded from empty to {head}" in upgraded.stdout
    current = subprocess.run(careerplan("db", "current"), env=env, capture_output=True, text=True)
    assert f"revision {head}, up to date" in current.stdout


def test_at_debug_level_the_log_holds_no_answer_and_no_token(tmp_path: Path, clock: Clock) -> None:
    goal, step, gap = "Become the wizard of Zzyzx", "Senior engineer", "Leading design reviews"
    with bot_process(tmp_path, clock, LOG_LEVEL="DEBUG") as bot:
        walk_wizard(bot.open_wizard(), goal)
        assert bot.send.slash_command("export").status == 200
        bot.slack.wait_for("files.completeUploadExternal")
        assert goal in str([call.params for call in bot.slack.calls])  # the answers did travel to Slack
    log = (tmp_path / "bot.log").read_text()
    assert "plan saved for T0FAKE/U0EMPLOYEE" in log  # the bot did log, by id
    for secret in (goal, step, gap, "xoxb-e2e", SECRET):
        assert secret not in log


def test_log_format_json_writes_one_object_a_line(tmp_path: Path, clock: Clock) -> None:
    with bot_process(tmp_path, clock, LOG_FORMAT="json") as bot:
        walk_wizard(bot.open_wizard(), "Become the wizard of Zzyzx")
    entries = [json.loads(line) for line in (tmp_path / "bot.log").read_text().splitlines()]
    assert entries and all({"time", "level", "logger", "message"} <= set(entry) for entry in entries)
    assert {
        "level": "INFO",
        "logger": "careerplan",
        "message": "plan saved for T0FAKE/U0EMPLOYEE (version 1)",
    }.items() <= next(entry for entry in entries if entry["message"].startswith("plan saved")).items()
    assert "Zzyzx" not in str(entries)
