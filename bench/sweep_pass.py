"""Time one sweep pass over many reporting lines, SQLite, against the fake Slack.

    python bench/sweep_pass.py [--lines 10000 100000]

The lines' next conversations are spread evenly over a 3-month cycle, so about 1 in 90 is due for a
"due soon" reminder today (to the manager, and an invitation to the report). Prints, per size, the first
pass (find the due lines, enqueue their nudges, deliver up to one batch) and a second pass right after
(the rest of the deliveries, and nothing new to find). Figures only; no pass/fail.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import insert

from bot.nudges import Sweep, SweepReport
from bot.settings import Settings
from bot.slack_client import build_web_client
from storage.db import Database
from storage.models import Person, ReportingLine, Workspace
from tests.fakeslack import TEAM_ID, FakeSlack

MONDAY_10AM_NEW_YORK = datetime(2026, 11, 23, 15, 0, tzinfo=UTC)


def seed(db: Database, lines: int) -> None:
    now = MONDAY_10AM_NEW_YORK
    rng = random.Random(1)
    with db.engine.begin() as connection:
        connection.execute(insert(Workspace), [{"team_id": TEAM_ID, "created_at": now}])
        connection.execute(
            insert(Person),
            [
                {
                    "id": n + 1,
                    "team_id": TEAM_ID,
                    "slack_user_id": f"U{n:08d}",
                    "tz": "America/New_York",
                    "tz_checked_at": now,
                    "created_at": now,
                }
                for n in range(2 * lines)
            ],
        )
        rows = []
        for n in range(lines):
            due = now.date() + timedelta(days=rng.randint(3, 92))
            rows.append(
                {
                    "report_id": 2 * n + 1,
                    "manager_id": 2 * n + 2,
                    "status": "active",
                    "requested_by": "admin",
                    "requested_at": now,
                    "started_on": date(2025, 1, 1),
                    "cadence_months": 3,
                    "next_due_on": due,
                    "next_nudge_on": due - timedelta(days=3),
                    "last_held_on": due - timedelta(days=90),
                }
            )
        connection.execute(insert(ReportingLine), rows)


def timed(sweep: Sweep) -> tuple[float, SweepReport]:
    started = time.perf_counter()
    report = sweep.run_once()
    return time.perf_counter() - started, report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--lines", type=int, nargs="+", default=[10_000, 100_000])
    args = parser.parse_args()
    print("one sweep pass, SQLite, fake Slack on 127.0.0.1")
    print(f"{'lines':>8} {'pass':>6} {'seconds':>8}  what it did")
    for size in args.lines:
        with tempfile.TemporaryDirectory() as folder, FakeSlack() as slack:
            db = Database(f"sqlite:///{folder}/bench.db")
            db.upgrade()
            seed(db, size)
            settings = Settings.from_env(
                {"SLACK_BOT_TOKEN": "xoxb-bench", "SLACK_SIGNING_SECRET": "unused", "SLACK_API_URL": slack.url}
            )
            sweep = Sweep(db, build_web_client(settings), settings, lambda: MONDAY_10AM_NEW_YORK)
            for number in (1, 2):
                seconds, report = timed(sweep)
                print(f"{size:>8} {number:>6} {seconds:>8.3f}  {report.line()}")
            db.dispose()


if __name__ == "__main__":
    main()
