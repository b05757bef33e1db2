"""Deliver a morning's reminders against a fake Slack that keeps Slack's pace (issue 17, items 2 and 6).

    python bench/delivery.py [--reminders 5000] [--span 8] [--sweepers 1] [--senders S] [--postgres URL | --sqlite]
                             [--latency 0.1] [--per-minute 600] [--limit 1800]

Seeds `--reminders` reminders due at once, all in one zone at 09:00 on a Monday (America/New York, inside
working hours, every zone already known): reporting lines that start today, so the sweep's own enqueue makes
the nudges (a manager's and a report's for each line; `--span` reports per manager, so a manager is owed
several DMs in one pass, which the per-conversation limit spaces out). A fake Slack on 127.0.0.1 answers
every Web API call after `--latency` seconds and answers chat.postMessage with a 429 (and Retry-After) beyond
`--per-minute` messages per workspace or one message a second per conversation (bot/demo/slack_api.py's
RateLimits). `--sweepers` sweeps, each in its own process, run passes back to back on the same database
(a SQLite file, or a PostgreSQL schema of its own with --postgres), with the production WebClient and a clock
that starts at 09:00 and moves on with real time, until every nudge has left or `--limit` seconds.

Printed: the machine, the backend, the reminders and conversations (and the busiest one's count), the limits
and the least time they allow (RateLimits.least_seconds), the time to the last DM Slack accepted and its ratio
to that least time, the 429s by kind, DMs sent twice (the same nudge id in two posted messages' metadata),
nudges not sent at the end, and DMs per second. Figures only; no pass/fail.
"""

from __future__ import annotations

import argparse
import inspect
import logging
import multiprocessing
import os
import queue
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from multiprocessing.synchronize import Event
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import func, select, update

from bench.common import POSTGRES_ENV, machine
from bench.seed import bench_database
from bot.career.lines import RequestedBy
from bot.jobs.sweep import Sweep
from bot.settings import Settings
from bot.slack import ids
from bot.slack.client import build_web_client
from storage import lines as line_store
from storage import people
from storage.db import Database
from storage.models import Nudge, Person
from tests.fakeslack import TEAM_ID, Call, FakeSlack, RateLimits

ZONE = "America/New_York"
MONDAY_9AM_NEW_YORK = datetime(2026, 11, 23, 14, 0, tzinfo=UTC)
TOKEN = "xoxb-bench"
POLL_SECONDS = 0.02  # how often the fake's count of posted DMs is read: the precision of "the last delivery"
SETTLED_EVERY = 1.0  # how often the database is asked whether any nudge is still to send
IDLE_PASS_PAUSE = 0.1  # a sweeper whose pass did nothing (the rest are claimed or waiting) waits this long


def seed_due(db: Database, reminders: int, span: int) -> list[int]:
    """Reporting lines starting today, `span` reports per manager, owing `reminders` DMs between them (two per
    line: the manager's and the report's). Returns how many DMs each conversation is owed."""
    lines = reminders // 2
    with db.session() as session:
        for n in range(lines):
            manager = people.ensure_person(session, TEAM_ID, f"UMGR{n // span:06d}", MONDAY_9AM_NEW_YORK)
            report = people.ensure_person(session, TEAM_ID, f"UREP{n:06d}", MONDAY_9AM_NEW_YORK)
            line_store.add_line(
                session,
                report,
                manager,
                requested_by=RequestedBy.ADMIN,
                cadence_months=3,
                now=MONDAY_9AM_NEW_YORK,
                started_on=MONDAY_9AM_NEW_YORK.date(),
            )
        session.execute(update(Person).values(tz=ZONE, tz_checked_at=MONDAY_9AM_NEW_YORK))
    managers, last = divmod(lines, span)
    return [span] * managers + ([last] if last else []) + [1] * lines


def settings_for(slack_url: str) -> Settings:
    return Settings.from_env({"SLACK_BOT_TOKEN": TOKEN, "SLACK_SIGNING_SECRET": "unused", "SLACK_API_URL": slack_url})


def sweep_options(senders: int | None) -> tuple[dict[str, Any], str]:
    """The Sweep keyword arguments this run asks for that this Sweep has, and a note on the rest."""
    accepted = inspect.signature(Sweep.__init__).parameters
    if senders is None:
        return {}, "default senders" if "senders" in accepted else "one DM at a time (this Sweep has no senders)"
    if "senders" not in accepted:
        return {}, f"--senders {senders} ignored: this Sweep has no `senders`, it sends one DM at a time"
    return {"senders": senders}, f"senders {senders}"


def sweeper(
    database_url: str,
    slack_url: str,
    options: dict[str, Any],
    ready: Any,
    started_at: Any,
    go: Event,
    stop: Event,
    results: Any,
) -> None:
    """One sweeper process: passes back to back from `go` until `stop`, its clock 09:00 plus the time since."""
    logging.basicConfig(level=logging.ERROR)  # the sweep warns of every 429 it gives up on: counted by the fake
    db = Database(database_url)
    settings = settings_for(slack_url)

    def clock() -> datetime:
        return MONDAY_9AM_NEW_YORK + timedelta(seconds=time.time() - started_at.value)

    sweep = Sweep(db, build_web_client(settings), settings, clock, **options)
    sweep.log_report = False

    def stop_when_told() -> None:
        stop.wait()
        sweep.stop()  # the pass under way sends no more

    threading.Thread(target=stop_when_told, daemon=True).start()
    ready.release()
    go.wait()
    totals: Counter[str] = Counter()
    try:
        while not stop.is_set():
            report = sweep.run_once()
            busy = bool(report.sent or report.retried or report.failed)
            totals.update(passes=1, busy=busy, sent=report.sent, retried=report.retried, failed=report.failed)
            if not busy:
                stop.wait(IDLE_PASS_PAUSE)
    finally:
        results.put(dict(totals))
        db.dispose()


def unsent(db: Database) -> Counter[str]:
    """Nudges by status, but for those sent."""
    with db.session() as session:
        rows = session.execute(select(Nudge.status, func.count()).group_by(Nudge.status)).all()
    return Counter({str(status): int(count) for status, count in rows if status != "sent"})


def nudge_id(call: Call) -> int | None:
    """The nudge a posted reminder names in its message metadata (bot/slack/blocks/nudges.py reminder_metadata)."""
    metadata = call.params.get("metadata")
    if not isinstance(metadata, dict) or metadata.get("event_type") != ids.REMINDER_METADATA_EVENT:
        return None
    payload = metadata.get("event_payload")
    found = payload.get("nudge_id") if isinstance(payload, dict) else None
    return int(found) if isinstance(found, (int, str)) and str(found).isdigit() else None


@dataclass
class Sweepers:
    """Sweeper processes, started and waiting for `let_go()`."""

    started_at: Any  # a shared double: time.time() when they were let go, 09:00 on their clocks
    go: Event
    stop: Event
    results: Any  # a queue: each sweeper's totals when it stops
    processes: list[Any]

    def let_go(self) -> float:
        self.started_at.value = started = time.time()
        self.go.set()
        return started

    def alive(self) -> bool:
        return any(process.is_alive() for process in self.processes)

    def totals(self) -> Counter[str]:
        """Stop them and add up what their passes did."""
        self.stop.set()
        totals: Counter[str] = Counter()
        for _ in self.processes:  # each puts its totals once the pass under way stops (after the DM it is sending)
            with suppress(queue.Empty):  # a sweeper that died without a word adds nothing
                totals.update(self.results.get(timeout=120))
        return totals


@contextmanager
def sweepers(count: int, database_url: str, slack_url: str, options: dict[str, Any]) -> Iterator[Sweepers]:
    """`count` sweeper processes (spawned: nothing of this process is inherited), started and ready."""
    spawn = multiprocessing.get_context("spawn")
    ready = spawn.Semaphore(0)
    started = Sweepers(spawn.Value("d", 0.0), spawn.Event(), spawn.Event(), spawn.Queue(), [])
    for _ in range(count):
        arguments = (database_url, slack_url, options, ready, started.started_at, started.go, started.stop)
        process = spawn.Process(target=sweeper, args=(*arguments, started.results), daemon=True)
        process.start()
        started.processes.append(process)
    for _ in range(count):
        ready.acquire()
    try:
        yield started
    finally:
        started.stop.set()
        for process in started.processes:
            process.join(timeout=60)
            if process.is_alive():
                process.kill()


def run(args: argparse.Namespace, backend: str) -> list[str]:
    limits = RateLimits(latency=args.latency, per_minute=args.per_minute)
    options, how = sweep_options(args.senders)
    with tempfile.TemporaryDirectory() as folder, bench_database(backend, folder, args.postgres) as (db, url):
        per_conversation = seed_due(db, args.reminders, args.span)
        reminders = sum(per_conversation)
        least = limits.least_seconds(per_conversation)
        with FakeSlack(limits=limits) as slack, sweepers(args.sweepers, url, slack.url, options) as running:
            started = running.let_go()
            first = last = None
            seen = 0
            settled_checked = started
            left = Counter[str]({"pending": reminders})
            while time.time() - started < args.limit:
                time.sleep(POLL_SECONDS)
                now = time.time()
                if slack.posted != seen:
                    seen = slack.posted
                    first = first if first is not None else now
                    last = now
                if now - settled_checked >= SETTLED_EVERY:
                    settled_checked = now
                    left = unsent(db)
                    if (seen and not (left["pending"] or left["sending"])) or not running.alive():
                        break
            totals = running.totals()
            left = unsent(db)
            throttled = Counter(slack.throttled)
            named = Counter(n for n in (nudge_id(call) for call in slack.messages) if n is not None)
        twice = sum(times - 1 for times in named.values() if times > 1)
    elapsed = (last - started) if last is not None else float("nan")
    spread = (last - first) if last is not None and first is not None else float("nan")
    never_posted = reminders - len(named)
    return [
        f"backend {backend}; {reminders} reminders due at 09:00 Monday in {ZONE}, {len(per_conversation)} "
        f"conversations, the busiest owed {max(per_conversation, default=0)} ({args.span} reports per manager)",
        f"limits: latency {limits.latency:g} s, {limits.per_minute}/min per workspace (burst {limits.burst}), "
        f"1 per {limits.conversation_gap:g} s per conversation; least time they allow {least:.1f} s",
        f"{args.sweepers} sweeper process(es), {how}; {totals['passes']} passes ({totals['busy']} sending), "
        f"sent {totals['sent']}, retried {totals['retried']}, failed {totals['failed']}",
        f"last DM accepted at {elapsed:.1f} s ({elapsed / least if least else float('nan'):.2f}× the least time; "
        f"first to last {spread:.1f} s); {seen / elapsed if elapsed else 0.0:.1f} DMs/s",
        f"429s: workspace {throttled['workspace']}, conversation {throttled['conversation']}; "
        f"duplicates {twice}; lost {never_posted} (never posted); "
        f"not recorded as sent at the end: {dict(left) if left else 'none'}",
    ]


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--reminders", type=int, default=5_000, help="reminders due at once (two per line)")
    parser.add_argument("--span", type=int, default=8, help="reports per manager")
    parser.add_argument("--sweepers", type=int, default=1, help="sweeper processes on the same database")
    parser.add_argument("--senders", type=int, default=None, help="passed to Sweep(senders=…) if it takes it")
    parser.add_argument("--latency", type=float, default=0.1, help="seconds the fake takes to answer a call")
    parser.add_argument("--per-minute", type=int, default=600, help="chat.postMessage per workspace per minute")
    parser.add_argument("--limit", type=float, default=1800.0, help="seconds before giving up")
    parser.add_argument(
        "--postgres",
        default=os.environ.get(POSTGRES_ENV),
        help=f"run on this PostgreSQL instead of SQLite (default: ${POSTGRES_ENV})",
    )
    parser.add_argument("--sqlite", action="store_true", help=f"SQLite even when {POSTGRES_ENV} is set")
    args = parser.parse_args(argv)
    if args.sqlite:
        args.postgres = None
    backend = "postgresql" if args.postgres else "sqlite"
    print(machine())
    for line in run(args, backend):
        print(line, flush=True)


if __name__ == "__main__":
    main()
