"""Time a manager's Home with the bench (issue 16): the whole HomeData read (team page, bench, own plan) and the
bench's own reads, for a manager of many reports who mostly share, each with two plan versions and two
reflections, and the Home view built from it; a report's Home (no team, so no bench) beside it for scale; and what
an admin's Home adds (CAREERPLAN_ADMINS): the workspace's counts of the last 12 months, read and built.

    python bench/bench_home.py [--reports 200] [--runs 300] [--postgres]

Prints p50 / p99 / max in ms and the SQL statements per Home (the bench's reads are set-based: the count does not
grow with the team). Figures only; no pass/fail.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import create_engine, event, text

from bench.common import POSTGRES_ENV, machine, percentile
from bot.career.reflection import Direction
from bot.slack.blocks.home import home_view
from bot.usecases.admins import Admins
from bot.usecases.bench import bench_of
from bot.usecases.common import Who
from bot.usecases.plans import Plans
from storage import people
from storage.db import Database
from tests import builders
from tests.builders import NOW, TEAM
from tests.clock import Clock

MANAGER = "U0BOSS"
DIRECTIONS = list(Direction)


@contextmanager
def database(postgres: bool) -> Iterator[Database]:
    if not postgres:
        with tempfile.TemporaryDirectory() as tmp:
            db = Database(f"sqlite:///{tmp}/bench.db")
            db.upgrade()
            yield db
            db.dispose()
        return
    url = os.environ.get(POSTGRES_ENV)
    if not url:
        sys.exit(f"--postgres needs {POSTGRES_ENV}")
    schema = f"bench_{uuid.uuid4().hex[:10]}"
    admin = create_engine(Database(url).url)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        db = Database(url, connect_args={"options": f"-csearch_path={schema}"})
        db.upgrade()
        yield db
        db.dispose()
    finally:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def seed(db: Database, reports: int) -> int:
    """The manager and their reports: 3 in 4 share; each has two plan versions and two reflections."""
    with db.session() as session:
        builders.person(session, MANAGER)
        for n in range(reports):
            report = f"U0R{n:06d}"
            builders.active_line(session, report, MANAGER, shared=n % 4 != 3)
            builders.plan_version(session, report, now=NOW - timedelta(days=60))
            builders.plan_version(session, report, replace(builders.a_plan(), focus_since=NOW.date()))
            builders.reflection(session, report, now=NOW - timedelta(days=30))
            answers = builders.a_reflection(direction=DIRECTIONS[n % len(DIRECTIONS)])
            builders.reflection(session, report, answers)
        manager_id = people.find_person_id(session, TEAM, MANAGER)
    assert manager_id is not None
    return manager_id


def timed(runs: int, work: Callable[[], object]) -> list[float]:
    work()  # warm: statement caches, connections
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        work()
        times.append((time.perf_counter() - started) * 1000)
    return times


def statements(db: Database, work: Callable[[], object]) -> int:
    executed: list[Any] = []

    def count(*_: Any) -> None:
        executed.append(1)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        work()
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    return len(executed)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--reports", type=int, default=200)
    parser.add_argument("--runs", type=int, default=300)
    parser.add_argument("--postgres", action="store_true")
    args = parser.parse_args()
    who, a_report = Who(team_id=TEAM, user_id=MANAGER), Who(team_id=TEAM, user_id="U0R000000")
    with database(args.postgres) as db:
        manager_id = seed(db, args.reports)
        plans = Plans(db, Clock(NOW))
        home = plans.home(who)
        assert home.bench is not None and home.bench.team_size == args.reports

        admins = Admins(db, frozenset({MANAGER}), Clock(NOW))
        admins.installed_in(TEAM)
        assert admins.home_counts(who) is not None

        def bench_alone() -> object:
            with db.session() as session:
                return bench_of(session, manager_id, MANAGER)

        rows = [
            ("HomeData (team page + bench + own)", timed(args.runs, lambda: plans.home(who))),
            ("a report's HomeData (no team)", timed(args.runs, lambda: plans.home(a_report))),
            ("the bench's reads alone", timed(args.runs, bench_alone)),
            ("an admin's Workspace counts", timed(args.runs, lambda: admins.home_counts(who))),
            ("home_view built from HomeData", timed(args.runs, lambda: home_view(home))),
        ]
        counted = statements(db, lambda: plans.home(who))
    backend = "PostgreSQL" if args.postgres else "SQLite"
    bench = home.bench
    print(f"{machine()}; {backend}")
    print(
        f"a manager of {args.reports} reports, {bench.sharing} sharing (2 plan versions, 2 reflections each); "
        f"{args.runs} runs; {counted} SQL statements per Home"
    )
    print(f"{'':38}{'p50 ms':>10}{'p99 ms':>10}{'max ms':>10}")
    for name, times in rows:
        print(f"{name:38}{statistics.median(times):10.2f}{percentile(times, 99):10.2f}{max(times):10.2f}")


if __name__ == "__main__":
    main()
