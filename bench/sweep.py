"""Time the sweep over a realistic organisation, against the fake Slack on 127.0.0.1.

    python bench/sweep.py [--lines 1000 10000 100000] [--postgres URL]

For each size, on SQLite (and on PostgreSQL when --postgres or CAREERPLAN_TEST_POSTGRES_URL names one), it
seeds bench/seed.py's organisation (schedules as the daily sweeps left them yesterday), pins the clock to
Monday 10:00 in New York, and measures:

- *hand-written query*: one indexed SQL statement returning the due rows (active lines whose next reminder
  day has come, with their manager's time zone; and unasked experiments that have ended, of active lines);
- *sweep: find*: the sweep's own reads of the same rows (storage.nudges.lines_to_nudge and
  experiments_to_ask), and its ratio to the hand-written query;
- *set-based floor*: bench/floor.py's pass: the same reads and rules with the writes of the whole pass in
  five set-based statements, on the driver's cursor, rolled back after it is timed (issue 17's "fair floor");
- *sweep: find + enqueue*: a whole pass that decides each line's stage in its manager's time zone, moves
  the line's schedule on by conditional update and inserts the nudge rows (no delivery), its ratio to the
  hand-written query, and (in the detail) to the floor, with whether it left the very rows the floor did.
  This pass asks Slack for no time zone (the floor cannot): each manager's stored zone decides, as in the floor;
- *delivery*: the next pass, sending every nudge inside working hours to the fake Slack (DMs per second), paced
  at CAREERPLAN_SEND_PER_MINUTE=6000 (the most it allows; bench/delivery.py measures Slack's own pace);
- *steady pass*: the pass after that, when nothing new is due: what every 5-minute pass costs all day, with
  the users.info calls it made (the seed's zones are mostly over a week old: up to TZ_LOOKUPS_PER_PASS a pass);
- *idle pass*: the same once every zone is fresh (no Slack call): the sweep's own cost when there is nothing to do.

Figures only; no pass/fail. Query timings are the median of 5 warm runs; passes run once each (they
change the data), the floor 3 times, the median (once above 300k lines). The machine may be shared: compare the ratios
of one run, not figures across runs.

    python bench/sweep.py --lines 1000000 --no-delivery

is the scale run (about 20 minutes; 3 GB of disk): seeding streams; the delivery pass (every due DM sent to the
fake Slack, minutes at this size) is replaced by marking the pending nudges sent in one statement, so the steady
pass after it is the pass of a day whose reminders have gone.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, timedelta
from pathlib import Path

from sqlalchemy import update

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.floor import Rows, set_based_pass
from bench.floor import rows as rows_left
from bench.seed import MONDAY_10AM_NEW_YORK, bench_database, seed
from bot.jobs.sweep import DELIVERY_BATCH, Sweep, SweepReport
from bot.settings import Settings
from bot.slack.client import build_web_client
from storage import nudges as store
from storage.db import Database
from storage.models import Nudge, Person
from tests.fakeslack import FakeSlack

NOW = MONDAY_10AM_NEW_YORK
# Zones ahead of UTC reach a day first: the sweep looks one day ahead, and so does the hand-written query.
THROUGH = NOW.date() + timedelta(days=1)
DUE_LINES_SQL = """
SELECT l.id, l.manager_id, l.report_id, m.slack_user_id, m.tz, m.tz_checked_at,
       l.started_on, l.next_due_on, l.next_nudge_on, l.last_held_on, l.last_skipped_on
FROM reporting_lines l JOIN people m ON m.id = l.manager_id
WHERE l.status = 'active' AND l.next_nudge_on <= %(through)s AND l.next_due_on IS NOT NULL
"""
ENDED_EXPERIMENTS_SQL = """
SELECT e.id, e.line_id, e.ends_on, l.manager_id, l.report_id, m.slack_user_id, m.tz, m.tz_checked_at
FROM experiments e CROSS JOIN reporting_lines l CROSS JOIN people m
WHERE e.asked_at IS NULL AND e.ends_on <= %(through)s AND l.id = e.line_id AND l.status = 'active'
  AND m.id = l.manager_id
"""  # CROSS JOIN: SQLite's way to keep this join order, led by the partial index of unasked experiments


def median_seconds(work: Callable[[], object], runs: int = 5) -> tuple[float, object]:
    times = []
    result: object = None
    for _ in range(runs):
        started = time.perf_counter()
        result = work()
        times.append(time.perf_counter() - started)
    return statistics.median(times), result


def hand_written(db: Database) -> Callable[[], int]:
    """The baseline: the due rows by plain SQL on the driver's cursor, no ORM, no Python rules."""
    sqlite = db.engine.dialect.name == "sqlite"
    through = THROUGH.isoformat() if sqlite else THROUGH

    def run() -> int:
        with db.engine.connect() as connection:
            raw = connection.connection.dbapi_connection
            assert raw is not None
            cursor = raw.cursor()
            found = 0
            for sql in (DUE_LINES_SQL, ENDED_EXPERIMENTS_SQL):
                if sqlite:
                    cursor.execute(sql.replace("%(through)s", ":through"), {"through": through})
                else:
                    cursor.execute(sql, {"through": through})
                found += len(cursor.fetchall())
            cursor.close()
            return found

    return run


def sweep_find(db: Database) -> Callable[[], int]:
    def run() -> int:
        with db.session() as session:
            lines = store.lines_to_nudge(session, THROUGH)
            ended = store.experiments_to_ask(session, THROUGH)
        return len(lines) + sum(len(group.experiment_ids) for group in ended)

    return run


def timed_pass(sweep: Sweep) -> tuple[float, SweepReport]:
    started = time.perf_counter()
    report = sweep.run_once()
    return time.perf_counter() - started, report


def floor_pass(db: Database, folder: Path, lead_days: int) -> tuple[float, int, Rows]:
    """bench/floor.py's pass over these rows, leaving them as they are: on a copy of a SQLite file, committed;
    on PostgreSQL, rolled back."""
    if db.engine.dialect.name != "sqlite":
        return set_based_pass(db, NOW.astimezone(UTC), lead_days, commit=False)
    path = folder / "floor.db"
    db.backup_to(path)
    copy = Database(f"sqlite:///{path}")
    try:
        hand_written(copy)()  # the due rows' pages read once, as they are for the sweep by then
        return set_based_pass(copy, NOW.astimezone(UTC), lead_days, commit=True)
    finally:
        copy.dispose()
        path.unlink()


def zones_checked(db: Database) -> int:
    """Every person's time zone as checked now: what the lookups of many passes leave (the seed's zones are
    mostly older than a week, so the first passes each ask Slack for TZ_LOOKUPS_PER_PASS of them)."""
    with db.session() as session:
        result = session.execute(update(Person).values(tz_checked_at=NOW))
        return int(getattr(result, "rowcount", 0) or 0)


def mark_all_sent(db: Database) -> int:
    """What the delivery pass would leave, without sending: every pending nudge sent now."""
    with db.session() as session:
        result = session.execute(
            update(Nudge).where(Nudge.status == "pending").values(status="sent", attempts=1, sent_at=NOW)
        )
        return int(getattr(result, "rowcount", 0) or 0)


def bench(backend: str, size: int, postgres_url: str | None, *, deliver: bool = True) -> list[str]:
    rows: list[str] = []
    with tempfile.TemporaryDirectory() as folder, bench_database(backend, folder, postgres_url) as (db, _):
        started = time.perf_counter()
        org = seed(db, size)
        db.checkpoint()  # the seed's rows out of SQLite's write-ahead log, not into the first pass's figures
        seeded = time.perf_counter() - started
        with FakeSlack() as slack:
            settings = Settings.from_env(
                {
                    "SLACK_BOT_TOKEN": "xoxb-bench",
                    "SLACK_SIGNING_SECRET": "unused",
                    "SLACK_API_URL": slack.url,
                    # The fastest pace the setting allows: this fake keeps none (bench/delivery.py's does).
                    "CAREERPLAN_SEND_PER_MINUTE": "6000",
                }
            )
            client = build_web_client(settings)

            def sweep(delivery_batch: int = DELIVERY_BATCH) -> Sweep:
                return Sweep(db, client, settings, lambda: NOW, delivery_batch=delivery_batch)

            def row(what: str, seconds: float, detail: str, baseline: float | None = None) -> None:
                ratio = f"{seconds / baseline:>6.1f}×" if baseline else f"{'':>7}"
                rows.append(f"{backend:<10} {size:>7} {what:<22} {seconds * 1000:>9.1f} {ratio}  {detail}")

            query, found = median_seconds(hand_written(db))
            row("hand-written query", query, f"{found} due rows; seeded {org.people} people in {seeded:.0f} s")
            find, found_by_sweep = median_seconds(sweep_find(db))
            row("sweep: find", find, f"{found_by_sweep} due rows", query)
            floors = [floor_pass(db, Path(folder), settings.lead_days) for _ in range(1 if size > 300_000 else 3)]
            floor = statistics.median(seconds for seconds, _, _ in floors)
            how = "on a copy, committed and checkpointed" if backend == "sqlite" else "then rolled back"
            row("set-based floor", floor, f"{floors[0][1]} nudge rows written, {how}", query)
            floor_rows = floors[0][2]
            enqueue = Sweep(db, client, settings, lambda: NOW, delivery_batch=0, tz_lookups_per_pass=0)
            seconds, report = timed_pass(enqueue)
            same = "identical rows" if rows_left(db) == floor_rows else "ROWS DIFFER from the floor's"
            row("sweep: find + enqueue", seconds, f"{seconds / floor:.2f}× the floor, {same}; {report.line()}", query)
            if deliver:
                seconds, report = timed_pass(sweep(delivery_batch=1_000_000))
                rate = report.sent / seconds if seconds else 0.0
                row("delivery", seconds, f"{rate:.0f} DMs/s; {report.line()}")
            else:
                row("(no delivery)", 0.0, f"{mark_all_sent(db)} pending nudges marked sent instead")
            query, found = median_seconds(hand_written(db))
            asked = len(slack.calls_to("users.info"))
            seconds, report = timed_pass(sweep())
            asked = len(slack.calls_to("users.info")) - asked
            detail = f"{report.line()}; {asked} users.info; query {query * 1000:.1f} ms for {found} rows"
            row("steady pass", seconds, detail, query)
            fresh = zones_checked(db)
            seconds, report = timed_pass(sweep())
            detail = f"{report.line()}; every zone taken as checked now ({fresh} people), so no users.info"
            row("idle pass", seconds, detail, query)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--lines", type=int, nargs="+", default=[1_000, 10_000, 100_000])
    parser.add_argument(
        "--postgres",
        default=os.environ.get("CAREERPLAN_TEST_POSTGRES_URL"),
        help="a PostgreSQL URL to run on too (default: $CAREERPLAN_TEST_POSTGRES_URL)",
    )
    parser.add_argument(
        "--no-delivery", action="store_true", help="mark the day's nudges sent instead of sending them (scale runs)"
    )
    args = parser.parse_args()
    backends = ["sqlite"] + (["postgresql"] if args.postgres else [])
    print(f"the sweep, clock pinned to {NOW:%A %Y-%m-%d %H:%M} UTC, fake Slack on 127.0.0.1")
    print(f"{'backend':<10} {'lines':>7} {'what':<22} {'ms':>9} {'ratio':>7}  detail")
    for backend in backends:
        for size in args.lines:
            for line in bench(backend, size, args.postgres, deliver=not args.no_delivery):
                print(line, flush=True)


if __name__ == "__main__":
    main()
