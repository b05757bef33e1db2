"""Time /careerplan against a running `careerplan run` (HTTP mode) and the fake Slack, on 127.0.0.1.

    python bench/command_latency.py [--requests 300]

Prints p50 / p99 / max from request to HTTP ack, and from request to views.open reaching Slack.
Figures only; no pass/fail. (Issue 5 grows this into the full benchmark with 100k people.)
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.fakeslack import FakeSlack
from tests.slackhttp import SlackSender

SECRET = "bench-secret"


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=300)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp, FakeSlack() as slack:
        env = {
            **{k: v for k, v in os.environ.items() if not k.startswith("SLACK_")},
            "SLACK_BOT_TOKEN": "xoxb-bench",
            "SLACK_SIGNING_SECRET": SECRET,
            "SLACK_API_URL": slack.url,
            "DATABASE_URL": f"sqlite:///{tmp}/bench.db",
            "HOST": "127.0.0.1",
            "PORT": "0",
            "LOG_LEVEL": "WARNING",
        }
        script = Path(sys.executable).with_name("careerplan")
        bot = subprocess.Popen([str(script), "run"], env=env, stdout=subprocess.PIPE, text=True)
        try:
            assert bot.stdout is not None
            url = bot.stdout.readline().split("listening on ", 1)[1].strip()
            send = SlackSender(url, SECRET)
            send.slash_command("")  # warm up
            slack.wait_for("views.open", 1)
            acks: list[float] = []
            opens: list[float] = []
            for i in range(args.requests):
                started = time.perf_counter()
                result = send.slash_command("", user_id=f"U{i:06d}")
                acks.append(time.perf_counter() - started)
                assert result.status == 200
                slack.wait_for("views.open", i + 2, timeout=10)
                opens.append(time.perf_counter() - started)
        finally:
            bot.terminate()
            bot.wait(timeout=10)
    print(f"{args.requests} signed /careerplan requests, one at a time, SQLite, on 127.0.0.1")
    print(f"{'':28}{'p50 ms':>10}{'p99 ms':>10}{'max ms':>10}")
    for label, values in (("request → HTTP ack", acks), ("request → views.open sent", opens)):
        ms = [v * 1000 for v in values]
        print(f"{label:28}{statistics.median(ms):>10.1f}{percentile(ms, 99):>10.1f}{max(ms):>10.1f}")


if __name__ == "__main__":
    main()
