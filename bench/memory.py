"""Resident memory of a running `careerplan run` (HTTP mode, SQLite) holding a realistic organisation.

    python bench/memory.py [--lines 1000 10000 100000]
    python bench/memory.py --lines 1000000 --seeded FILE   # a copy of a file bench/seed.py filled already

For each size it seeds bench/seed.py's organisation, starts the bot as a subprocess against the fake Slack
on 127.0.0.1 with its clock pinned to Monday 10:00 in New York (so the sweep it runs at start-up finds the
day's reminders and delivers those inside working hours), waits for that sweep to finish, then sends 200
signed /careerplan commands. It prints the resident set (VmRSS) when the bot is listening, after the sweep,
after the commands, and the peak (VmHWM) over the whole run, read from /proc. Figures only; no pass/fail.
"""

from __future__ import annotations

import argparse
import queue
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import IO

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.seed import MONDAY_10AM_NEW_YORK, SECRET, bench_database, bot_env, seed, slack_id
from tests.fakeslack import FakeSlack
from tests.slackhttp import SlackSender

COMMANDS = 200
# `careerplan run`, with the clock pinned before the CLI is imported: bot.usecases.common's first, so that what
# takes it as a default when imported (the sweep's clock) gets the pinned one too.
PINNED_RUN = """\
import sys
from datetime import datetime

import bot.usecases.common

bot.usecases.common.utc_now = lambda: datetime.fromisoformat(sys.argv[1])
import bot.usecases.plans

bot.usecases.plans.utc_now = bot.usecases.common.utc_now
from bot.cli import main

sys.exit(main(["run"]))
"""


def status_kb(pid: int, field: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise LookupError(field)


def watch_log(stderr: IO[str], swept: queue.Queue[str]) -> None:
    """Read the bot's log to the end (a full pipe would stall it); pass on the start-up sweep's report."""
    for line in stderr:
        if "sweep: " in line:
            swept.put(line.split("sweep: ", 1)[1].strip())


def mb(kb: int) -> str:
    return f"{kb / 1024:.0f}"


def measure(size: int, seeded: Path | None = None) -> str:
    with tempfile.TemporaryDirectory() as folder, bench_database("sqlite", folder, None) as (db, url):
        if seeded is None:
            people = seed(db, size).people
        else:  # a copy of a database seed() filled with `size` lines already (seeding a million takes minutes)
            db.dispose()
            shutil.copyfile(seeded, url.removeprefix("sqlite:///"))
            people = size + 1
        db.dispose()
        with FakeSlack() as slack:
            env = bot_env(
                slack.url,
                url,
                LOG_LEVEL="INFO",
            )
            command = [sys.executable, "-c", PINNED_RUN, MONDAY_10AM_NEW_YORK.isoformat()]
            bot = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            try:
                assert bot.stdout is not None and bot.stderr is not None
                url_line = bot.stdout.readline()
                listening = status_kb(bot.pid, "VmRSS")
                started = time.perf_counter()
                swept: queue.Queue[str] = queue.Queue()
                threading.Thread(target=watch_log, args=(bot.stderr, swept), daemon=True).start()
                sweep_report = swept.get(timeout=600)
                sweep_seconds = time.perf_counter() - started
                after_sweep = status_kb(bot.pid, "VmRSS")
                send = SlackSender(url_line.split("listening on ", 1)[1].strip(), SECRET)
                for n in range(COMMANDS):
                    person = 2 + n * (people - 2) // COMMANDS
                    assert send.slash_command("", user_id=slack_id(person)).status == 200
                slack.wait_for("views.open", COMMANDS, timeout=60)
                after_commands = status_kb(bot.pid, "VmRSS")
                peak = status_kb(bot.pid, "VmHWM")
            finally:
                bot.terminate()
                bot.wait(timeout=30)
    return (
        f"{size:>7} {mb(listening):>10} {mb(after_sweep):>12} {mb(after_commands):>15} {mb(peak):>8}"
        f" {sweep_seconds:>8.1f}  {sweep_report}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--lines", type=int, nargs="+", default=[1_000, 10_000, 100_000])
    parser.add_argument(
        "--seeded",
        type=Path,
        help="a SQLite file bench/seed.py filled with the one size given already (copied, not changed)",
    )
    args = parser.parse_args()
    if args.seeded is not None and len(args.lines) != 1:
        parser.error("--seeded goes with one --lines size, the one it was seeded with")
    print(f"careerplan run, SQLite, clock pinned to {MONDAY_10AM_NEW_YORK:%A %Y-%m-%d %H:%M} UTC; resident MB")
    columns = ("lines", 7), ("listening", 10), ("after sweep", 12), ("after commands", 15), ("peak", 8), ("sweep s", 8)
    print(" ".join(f"{name:>{width}}" for name, width in columns) + "  sweep")
    for size in args.lines:
        print(measure(size, args.seeded), flush=True)


if __name__ == "__main__":
    main()
