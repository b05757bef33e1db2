"""Kill `careerplan sweep --once` (SIGKILL) at random moments of its delivery, sweep again, and count the DMs that
went twice and the ones never sent, against the fake Slack on 127.0.0.1 (issue 17 item 3).

    python bench/sweep_kills.py [--kills 30] [--lines 40] [--seed 17] [--latency 0.1] [--postgres URL | --sqlite]
                                [--no-im-history]

A first, whole pass is timed to learn when delivery starts and ends. Then each run: a fresh migrated database
with `--lines` reporting lines (a manager's and a report's reminder each, due now, time zones known), a fake
Slack whose clock agrees with the sweep's frozen one, a first sweep SIGKILLed after a random delay within
delivery, a sweep a minute later (the dead claim still holds) and one after CLAIM_LEASE. Printed per run: the
delay, what the kill left (DMs Slack had posted that the database did not record: the window this is about),
the history reads, and the DMs twice or lost at the end. `--no-im-history`: Slack refuses every history read
(missing_scope, an app not reinstalled), for the behaviour before the check. `--latency`: seconds the fake takes to
answer each call, having posted the DM at once (as Slack does, it posts before its answer is on its way), so
a kill can land between Slack posting and the sweep recording: 0.1 s is Slack's usual; 0 for the fake's
instant answers. Figures only; no pass/fail.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import signal
import sys
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import func, select, update

from bench.seed import bench_database
from bot.career.cadence import CLAIM_LEASE, NudgeStatus
from storage.db import Database
from storage.models import Nudge, Person
from tests.cli import MONDAY_10AM_NEW_YORK, Admin
from tests.fakeslack import FakeResponse, FakeSlack, RateLimits

NOW = MONDAY_10AM_NEW_YORK
POSTGRES_ENV = "CAREERPLAN_TEST_POSTGRES_URL"


@contextmanager
def fresh_database(template: Path | None, postgres: str | None, work: Path) -> Iterator[tuple[Database, str]]:
    """A migrated database with no rows, and the DATABASE_URL the command reaches it by."""
    if postgres is None:
        assert template is not None
        path = work / f"{uuid.uuid4().hex}.db"
        shutil.copyfile(template, path)
        path.chmod(0o600)  # as the bot makes its own
        db = Database(f"sqlite:///{path}")
        try:
            yield db, f"sqlite:///{path}"
        finally:
            db.dispose()
        return
    with bench_database("postgresql", str(work), postgres) as made:  # a schema of its own, dropped afterwards
        yield made


def prepared(admin: Admin, lines: int) -> list[str]:
    admin.lines(lines, NOW.date())
    everyone = [f"U0M{n:03d}" for n in range(lines)] + [f"U0R{n:03d}" for n in range(lines)]
    with admin.db.session() as session:
        session.execute(update(Person).values(tz="America/New_York", tz_checked_at=NOW))
    admin.slack.clock = lambda: NOW  # Slack's ts and the frozen sweep's clock agree
    return everyone


def count(db: Database, status: NudgeStatus) -> int:
    with db.session() as session:
        return session.scalar(select(func.count()).select_from(Nudge).where(Nudge.status == status.value)) or 0


def answering_in(latency: float) -> RateLimits:
    """A fake Slack's answers `latency` seconds late, and no pace of its own (the sweep keeps Slack's)."""
    return RateLimits(latency=latency, per_minute=10**9, burst=10**9, conversation_gap=0.0)


def calibrate(
    template: Path | None, postgres: str | None, work: Path, lines: int, latency: float
) -> tuple[float, float]:
    """Seconds from start to the first DM and to the end of a whole pass."""
    with fresh_database(template, postgres, work) as (db, url), FakeSlack(answering_in(latency)) as slack:
        admin = Admin(slack, db, url, work)
        prepared(admin, lines)
        started = time.monotonic()
        process = admin.sweep_at(NOW)
        slack.wait_for("chat.postMessage", 1, timeout=60)
        first = time.monotonic() - started
        process.communicate(timeout=120)
        return first, time.monotonic() - started


MISSING_SCOPE = FakeResponse(body={"ok": False, "error": "missing_scope", "needed": "im:history"})


def one_run(
    template: Path | None, postgres: str | None, work: Path, lines: int, delay: float, *, history: bool, latency: float
) -> tuple[int, int, int, int]:
    """(DMs posted but unrecorded at the kill, history reads, DMs sent twice, people never reached)."""
    with fresh_database(template, postgres, work) as (db, url), FakeSlack(answering_in(latency)) as slack:
        admin = Admin(slack, db, url, work)
        everyone = prepared(admin, lines)
        if not history:
            slack.script("conversations.history", *[MISSING_SCOPE] * (2 * lines))
        process = admin.sweep_at(NOW)
        time.sleep(delay)  # a random moment of delivery: the point of this drill (a bench, not a test)
        process.send_signal(signal.SIGKILL)
        process.communicate(timeout=30)
        unrecorded = len(slack.messages) - count(db, NudgeStatus.SENT)
        for moment in (NOW + timedelta(minutes=1), NOW + CLAIM_LEASE + timedelta(minutes=1)):
            later = admin.sweep_at(moment)
            _, err = later.communicate(timeout=120)
            if later.returncode != 0:
                raise SystemExit(f"a sweep after the kill failed: {err}")
        delivered = Counter(str(call.params["channel"]) for call in slack.messages)
        twice = sum(times - 1 for times in delivered.values() if times > 1)
        lost = len(set(everyone) - set(delivered))
        return unrecorded, len(slack.calls_to("conversations.history")), twice, lost


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--kills", type=int, default=30)
    parser.add_argument("--lines", type=int, default=40)
    parser.add_argument("--seed", type=int, default=17)
    parser.add_argument("--postgres", default=os.environ.get(POSTGRES_ENV) if "--sqlite" not in sys.argv else None)
    parser.add_argument("--sqlite", action="store_true", help="SQLite even when CAREERPLAN_TEST_POSTGRES_URL is set")
    parser.add_argument("--no-im-history", action="store_true", help="Slack refuses history reads (missing_scope)")
    parser.add_argument("--latency", type=float, default=0.1, help="seconds the fake Slack takes to answer (0.1)")
    options = parser.parse_args()
    postgres = None if options.sqlite else options.postgres
    chance = random.Random(options.seed)
    with tempfile.TemporaryDirectory(prefix="sweep-kills-") as tmp:
        work = Path(tmp)
        template = None
        if postgres is None:
            template = work / "migrated.db"
            migrated = Database(f"sqlite:///{template}")
            migrated.upgrade()
            migrated.dispose()
        first, whole = calibrate(template, postgres, work, options.lines, options.latency)
        backend = "PostgreSQL" if postgres else "SQLite"
        refused = ", history reads refused (missing_scope)" if options.no_im_history else ""
        print(
            f"{backend}, {options.lines} lines ({2 * options.lines} DMs a pass), seed {options.seed}, Slack answering "
            f"in {options.latency:g} s{refused}"
        )
        print(f"a whole pass: first DM at {first:.2f} s, done at {whole:.2f} s; kills land uniformly in between")
        totals = Counter[str]()
        for run in range(1, options.kills + 1):
            delay = chance.uniform(first, whole)
            unrecorded, reads, twice, lost = one_run(
                template,
                postgres,
                work,
                options.lines,
                delay,
                history=not options.no_im_history,
                latency=options.latency,
            )
            totals.update(kills=1, in_window=unrecorded > 0, unrecorded=unrecorded, reads=reads, twice=twice, lost=lost)
            print(
                f"kill {run:2d} at {delay:.3f} s: posted but unrecorded {unrecorded}, history reads {reads}, "
                f"sent twice {twice}, lost {lost}"
            )
        print(
            f"{backend}: {totals['kills']} kills, {totals['in_window']} landed after Slack posted a DM and before "
            f"the sweep recorded it ({totals['unrecorded']} such DMs), {totals['reads']} history reads; "
            f"DMs sent twice: {totals['twice']}, people never reached: {totals['lost']}"
        )


if __name__ == "__main__":
    main()
