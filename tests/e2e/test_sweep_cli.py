"""An admin's path: `careerplan sweep --once` as a process against the fake Slack: the console script, and
several sweeps at once.

Nudges go out only in working hours, so the runs that must send pin the clock: they start the same `main()`
the console script runs, in a fresh interpreter whose `bot.usecases.common.utc_now` reads a fixed instant.
A single pass, its report, its settings and `careerplan run`'s first sweep are tested in process, in
tests/bot/test_cli.py.
"""

from __future__ import annotations

import subprocess
from collections import Counter
from datetime import date
from pathlib import Path

import pytest

from tests.cli import MONDAY_10AM_NEW_YORK, Admin, careerplan, clean_env, finished
from tests.fakeslack import FakeSlack

pytestmark = pytest.mark.e2e


def test_sweepers_in_separate_processes_send_each_nudge_exactly_once(admin: Admin) -> None:
    admin.lines(120, date(2026, 11, 23))
    processes = [admin.sweep_at(MONDAY_10AM_NEW_YORK) for _ in range(3)]
    results = [finished(process) for process in processes]
    assert [code for code, _, _ in results] == [0, 0, 0], [err for _, _, err in results]
    sent = sum(int(out.split("sent ")[1].split(",")[0]) for _, out, _ in results)
    assert sent == 240
    per_person = Counter(call.params["channel"] for call in admin.slack.messages)
    assert len(per_person) == 240 and set(per_person.values()) == {1}


def test_the_console_script_runs_a_pass(tmp_path: Path) -> None:
    with FakeSlack() as slack:
        env = clean_env(
            SLACK_BOT_TOKEN="xoxb-sweep", SLACK_API_URL=slack.url, DATABASE_URL=f"sqlite:///{tmp_path / 'new.db'}"
        )
        once = subprocess.run(
            careerplan("sweep", "--once"), env=env, cwd=tmp_path, capture_output=True, text=True, timeout=60
        )
    assert once.returncode == 0, once.stderr
    assert once.stdout.strip() == "enqueued 0, sent 0, retried 0, failed 0, waiting outside working hours 0"
