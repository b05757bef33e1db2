"""An admin's path: `careerplan sweep --once` as a process against the fake Slack, alone and several at once.

Nudges go out only in working hours, so the runs that must send pin the clock: they start the same `main()`
the console script runs, in a fresh interpreter whose `bot.usecases.common.utc_now` reads a fixed instant.
"""

from __future__ import annotations

import subprocess
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from storage.db import Database
from storage.models import Nudge
from tests.e2e.conftest import MONDAY_10AM_NEW_YORK, Admin, finished
from tests.e2e.test_careerplan_run import careerplan, clean_env
from tests.fakeslack import FakeSlack

pytestmark = pytest.mark.e2e


def test_one_pass_prints_its_report_and_the_manager_gets_the_dm(admin: Admin) -> None:
    admin.lines(1, date(2026, 11, 23))
    code, out, err = finished(admin.sweep_at(MONDAY_10AM_NEW_YORK))
    assert code == 0, err
    assert out.splitlines() == ["enqueued 2, sent 2, retried 0, failed 0, waiting outside working hours 0"]
    assert "Traceback" not in err
    (to_manager,) = admin.slack.messages_to("U0M000")
    assert "<@U0R000> is new to your team" in to_manager.params["text"]
    assert len(admin.slack.messages_to("U0R000")) == 1
    code, out, _ = finished(admin.sweep_at(MONDAY_10AM_NEW_YORK))  # again: nothing more is owed
    assert (code, out.strip()) == (0, "enqueued 0, sent 0, retried 0, failed 0, waiting outside working hours 0")
    assert len(admin.slack.messages) == 2


def test_sweepers_in_separate_processes_send_each_nudge_exactly_once(admin: Admin) -> None:
    admin.lines(120, date(2026, 11, 23))
    processes = [admin.sweep_at(MONDAY_10AM_NEW_YORK) for _ in range(3)]
    results = [finished(process) for process in processes]
    assert [code for code, _, _ in results] == [0, 0, 0], [err for _, _, err in results]
    sent = sum(int(out.split("sent ")[1].split(",")[0]) for _, out, _ in results)
    assert sent == 240
    per_person = Counter(call.params["channel"] for call in admin.slack.messages)
    assert len(per_person) == 240 and set(per_person.values()) == {1}


def test_the_console_script_runs_a_pass_and_explains_itself_without_once(tmp_path: Path) -> None:
    with FakeSlack() as slack:
        env = clean_env(
            SLACK_BOT_TOKEN="xoxb-sweep", SLACK_API_URL=slack.url, DATABASE_URL=f"sqlite:///{tmp_path / 'new.db'}"
        )
        once = subprocess.run(
            careerplan("sweep", "--once"), env=env, cwd=tmp_path, capture_output=True, text=True, timeout=60
        )
        assert once.returncode == 0, once.stderr
        assert once.stdout.strip() == "enqueued 0, sent 0, retried 0, failed 0, waiting outside working hours 0"
        bare = subprocess.run(careerplan("sweep"), env=env, cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert bare.returncode == 2
    assert "runs inside `careerplan run`" in bare.stderr and "--once" in bare.stderr
    assert "Traceback" not in bare.stderr


def test_a_sweep_without_a_bot_token_says_so_in_one_line(tmp_path: Path) -> None:
    env = clean_env(DATABASE_URL=f"sqlite:///{tmp_path / 'new.db'}")
    done = subprocess.run(
        careerplan("sweep", "--once"), env=env, cwd=tmp_path, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 2
    (line,) = done.stderr.strip().splitlines()
    assert line.startswith("careerplan: SLACK_BOT_TOKEN is not set")


def test_careerplan_run_sweeps_as_soon_as_it_starts(tmp_path: Path) -> None:
    database = tmp_path / "careerplan.db"
    db = Database(f"sqlite:///{database}")
    db.upgrade()
    admin = Admin(FakeSlack(), db, f"sqlite:///{database}", tmp_path)
    # A line a week old: its first-month nudge is owed now, whatever the real clock says.
    admin.lines(1, datetime.now(UTC).date() - timedelta(days=7))
    with admin.slack:
        env = {**admin.env(), "SLACK_SIGNING_SECRET": "s", "HOST": "127.0.0.1", "PORT": "0"}
        process = subprocess.Popen(
            careerplan("run"), env=env, cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        try:
            assert process.stdout is not None
            assert "listening on" in process.stdout.readline()
            # The first pass asks the manager's time zone (to enqueue), then the report's (to deliver).
            asked = admin.slack.wait_for("users.info", 2, timeout=30)
        finally:
            process.terminate()
            process.wait(timeout=10)
        assert [call.params["user"] for call in asked] == ["U0M000", "U0R000"]
        # Sent, or waiting for working hours in New York (the fake's zone): either way, owed once each.
        assert sorted(nudges(db)) == [("first_month", "manager"), ("first_month", "report")]
    db.dispose()


def nudges(db: Database) -> list[tuple[str, str]]:
    with db.session() as session:
        return [(str(kind), str(audience)) for kind, audience in session.execute(select(Nudge.kind, Nudge.audience))]
