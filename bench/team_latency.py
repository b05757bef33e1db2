"""Time `/careerplan team` for a manager with many reports: the answer is read from the database before the ack.

    python bench/team_latency.py [--requests 300] [--reports 40]

Prints p50 / p99 / max from request to HTTP ack (the ack carries the team list). Figures only; no pass/fail.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import percentile
from bot.settings import Settings
from bot.slack.app import create_app
from storage.db import Database
from tests import builders
from tests.botserver import serving
from tests.fakeslack import FakeSlack
from tests.slackhttp import SlackSender

SECRET = "bench-secret"
MANAGER = "U0BOSS"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--reports", type=int, default=40)
    args = parser.parse_args()
    now = datetime.now(UTC)
    with tempfile.TemporaryDirectory() as tmp, FakeSlack() as slack:
        db = Database(f"sqlite:///{tmp}/bench.db")
        db.upgrade()
        with db.session() as session:
            builders.person(session, MANAGER, now=now)
            for n in range(args.reports):
                builders.active_line(session, f"U0R{n:06d}", MANAGER, now=now)
        settings = Settings.from_env(
            {"SLACK_BOT_TOKEN": "xoxb-bench", "SLACK_SIGNING_SECRET": SECRET, "SLACK_API_URL": slack.url}
        )
        with serving(create_app(settings, db)) as url:
            send = SlackSender(url + "/slack/events", SECRET)
            times = []
            for _ in range(args.requests):
                started = time.perf_counter()
                answer = send.slash_command("team", user_id=MANAGER)
                times.append((time.perf_counter() - started) * 1000)
                if answer.status != 200 or "U0R000000" not in answer.text:
                    sys.exit(f"unexpected answer: {answer.status} {answer.text[:200]}")
        db.dispose()
    print(f"{args.requests} signed `/careerplan team` requests, {args.reports} reports, SQLite, on 127.0.0.1")
    print(f"{'':30}{'p50 ms':>10}{'p99 ms':>10}{'max ms':>10}")
    p50, p99 = statistics.median(times), percentile(times, 99)
    print(f"{'request → HTTP ack (with list)':30}{p50:10.1f}{p99:10.1f}{max(times):10.1f}")


if __name__ == "__main__":
    main()
