"""A realistic organisation for the benchmarks, written with Core inserts in seconds, streamed (a million lines
fits in memory: the rows are written and committed as they are made).

`seed(db, lines)` builds a company of `lines + 1` people in a tree (spans of control of 8): everyone but
the top has an active reporting line. About 1% of requests are still pending, and 5% of people have an
ended line to a former manager. Time zones cover the world (0.5% never learnt, most learnt over a week ago, so
the sweep asks Slack). Lines began over the last four years; 3% are new hires in their first month; the others hold a
conversation every 3–6 months, some overdue, some having skipped a cycle, with up to two past conversations,
their sent reminders and a few experiments. 70% of people have a plan (1–3 versions, 3 steps, 2 gaps).

Each line's schedule is the one the sweeper would have left after running every day until yesterday, so
the first pass "today" finds exactly the day's due reminders, as in production.
"""

from __future__ import annotations

import os
import random
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import Connection, create_engine, insert, text

from bot.career.cadence import (
    REPORT_INVITED_AT,
    Audience,
    ConversationKind,
    Cycle,
    NudgeStatus,
    due_after,
    first_due,
    first_nudge_on,
    next_stage,
    stages,
)
from storage.db import Database
from storage.models import (
    Conversation,
    Experiment,
    Nudge,
    Person,
    PlanGap,
    PlanStep,
    PlanVersion,
    ReportingLine,
    Workspace,
)
from tests.fakeslack import TEAM_ID

MONDAY_10AM_NEW_YORK = datetime(2026, 11, 23, 15, 0, tzinfo=UTC)
SPAN = 8  # reports per manager
# (zone, weight): where a mid-sized remote-friendly company's people are.
ZONES = (
    ("America/New_York", 25),
    ("America/Los_Angeles", 15),
    ("America/Chicago", 8),
    ("America/Sao_Paulo", 4),
    ("Europe/London", 14),
    ("Europe/Berlin", 10),
    ("Asia/Kolkata", 10),
    ("Asia/Tokyo", 4),
    ("Australia/Sydney", 4),
    ("Pacific/Auckland", 2),
    ("UTC", 4),
)
CADENCES = ((3, 50), (4, 20), (5, 10), (6, 20))
LEAD_DAYS = 3
_ROWS_PER_INSERT = 20_000
_ROWS_PER_FLUSH = 100_000


@dataclass(frozen=True)
class Org:
    people: int
    lines: int  # active reporting lines
    slack_ids: list[str]  # index = person id - 1
    with_plan: frozenset[int]  # person ids

    def slack_id(self, person_id: int) -> str:
        return self.slack_ids[person_id - 1]

    def manager_of(self, person_id: int) -> int:
        return (person_id - 2) // SPAN + 1


def slack_id(person_id: int) -> str:
    return f"U{person_id:09d}"


def seed(db: Database, lines: int, *, now: datetime = MONDAY_10AM_NEW_YORK, rng_seed: int = 1) -> Org:
    """Fill an empty, upgraded database with an organisation of `lines` active reporting lines."""
    rng = random.Random(rng_seed)
    people = lines + 1
    with db.engine.connect() as connection:
        connection.execute(insert(Workspace), [{"team_id": TEAM_ID, "created_at": now}])
        rows = _Rows(connection)
        with_plan = _generate(rows, rng, people, now)
        rows.flush(everything=True)
        _after_explicit_ids(connection)
        connection.commit()
    return Org(people, lines, [slack_id(n) for n in range(1, people + 1)], frozenset(with_plan))


class _Rows:
    """The rows being generated, written out (in an order the foreign keys accept) and committed every
    _ROWS_PER_FLUSH rows: a seed of a million lines never holds more than that many at once."""

    ORDER = (Person, ReportingLine, Conversation, Experiment, Nudge, PlanVersion, PlanStep, PlanGap)

    def __init__(self, connection: Connection) -> None:
        self.connection = connection
        self.tables: dict[Any, list[dict[str, Any]]] = {table: [] for table in self.ORDER}

    def __getitem__(self, table: Any) -> list[dict[str, Any]]:
        return self.tables[table]

    def flush(self, *, everything: bool = False) -> None:
        if not everything and sum(map(len, self.tables.values())) < _ROWS_PER_FLUSH:
            return
        for table in self.ORDER:
            pending = self.tables[table]
            for start in range(0, len(pending), _ROWS_PER_INSERT):
                self.connection.execute(insert(table), pending[start : start + _ROWS_PER_INSERT])
            pending.clear()
        self.connection.commit()


def _generate(rows: _Rows, rng: random.Random, people: int, now: datetime) -> set[int]:
    """The organisation's rows, into `rows` as they are made; returns who has a plan."""
    today = now.date()
    yesterday = today - timedelta(days=1)
    zones, zone_weights = zip(*ZONES, strict=True)
    cadences, cadence_weights = zip(*CADENCES, strict=True)
    for person_id in range(1, people + 1):
        roll = rng.random()
        # The sweep refreshes a zone when it DMs the person and it is a week old: most are older by now.
        checked = None if roll < 0.005 else now - timedelta(days=rng.randint(0, 60))
        rows[Person].append(
            {
                "id": person_id,
                "team_id": TEAM_ID,
                "slack_user_id": slack_id(person_id),
                "tz": None if roll < 0.005 else rng.choices(zones, zone_weights)[0],
                # 0.5% never looked up: the sweep asks Slack before it can tell their day.
                "tz_checked_at": checked,
                "created_at": now - timedelta(days=rng.randint(0, 4 * 365)),
            }
        )
        rows.flush()
    line_id = conversation_id = 0
    for report_id in range(2, people + 1):
        manager_id = (report_id - 2) // SPAN + 1
        if rng.random() < 0.05:  # a former manager: an ended line kept as history
            line_id += 1
            rows[ReportingLine].append(
                _line(line_id, report_id, (manager_id % people) + 1, "ended", now, started_on=today - timedelta(700))
                | {"ended_at": now - timedelta(days=400), "end_reason": "replaced"}
            )
        line_id += 1
        if rng.random() < 0.01:
            rows[ReportingLine].append(_line(line_id, report_id, manager_id, "pending", now, started_on=None))
            continue
        cadence = rng.choices(cadences, cadence_weights)[0]
        if rng.random() < 0.03:  # a new hire, in their first month
            started_on = today - timedelta(days=rng.randint(0, 29))
            cycle = Cycle(first_due(started_on), started_on, True, LEAD_DAYS)
            history: list[tuple[date, str]] = []
        else:
            started_on = today - timedelta(days=rng.randint(200, 4 * 365))
            # The last conversation: most on time, some late (overdue now), one in ten a skipped cycle.
            last = today - timedelta(days=rng.randint(1, cadence * 30 + 30))
            kind = ConversationKind.SKIPPED.value if rng.random() < 0.1 else ConversationKind.HELD.value
            history = [(last, kind), (last - timedelta(days=cadence * 30 + rng.randint(-10, 10)), "held")]
            cycle = Cycle(due_after(last, cadence), started_on, False, LEAD_DAYS)
        # Where the daily sweeps up to yesterday left the line, and the reminders they sent.
        decision = next_stage(cycle, first_nudge_on(cycle), yesterday)
        shared = rng.random() < 0.6
        held = [day for day, kind in history if kind == "held"]
        rows[ReportingLine].append(
            _line(line_id, report_id, manager_id, "active", now, started_on=started_on, cadence=cadence)
            | {
                "shared_at": now - timedelta(days=100) if shared else None,
                "next_due_on": cycle.due_on,
                "next_nudge_on": decision.next_nudge_on,
                "last_held_on": max(held) if held else None,
                "last_skipped_on": history[0][0] if history and history[0][1] == "skipped" else None,
            }
        )
        if decision.stage is not None:
            _sent(rows[Nudge], line_id, decision.stage.kind, cycle.due_on, manager_id, report_id, now)
        for number, (day, kind) in enumerate(reversed(history)):
            conversation_id += 1
            rows[Conversation].append(
                {
                    "id": conversation_id,
                    "line_id": line_id,
                    "kind": kind,
                    "held_on": day,
                    "notes": "Talked about the next step and what to try before next time. " * 3,
                    "notes_shared": rng.random() < 0.5,
                    "skip_reason": "Busy quarter" if kind == "skipped" else "",
                    "next_in_months": cadence,
                    "created_at": datetime.combine(day, now.timetz()),
                }
            )
            past = Cycle(day, started_on, False, LEAD_DAYS)
            _sent(rows[Nudge], line_id, stages(past)[0].kind, day, manager_id, report_id, now)
            if kind == "held" and number == len(history) - 1 and rng.random() < 0.3:
                ends_on = day + timedelta(days=rng.randint(14, 60))
                rows[Experiment].append(
                    {
                        "conversation_id": conversation_id,
                        "line_id": line_id,
                        "kind": "shadowing",
                        "what": "Shadow the on-call lead for a week",
                        "ends_on": ends_on,
                        "asked_at": now - timedelta(days=1) if ends_on < today else None,
                    }
                )
        rows.flush()
    return _plans(rows, rng, people, now)


def _line(
    line_id: int,
    report_id: int,
    manager_id: int,
    status: str,
    now: datetime,
    *,
    started_on: date | None,
    cadence: int = 3,
) -> dict[str, Any]:
    return {
        "id": line_id,
        "report_id": report_id,
        "manager_id": manager_id,
        "status": status,
        "requested_by": "admin",
        "requested_at": now - timedelta(days=1 if started_on is None else (now.date() - started_on).days),
        "started_on": started_on,
        "cadence_months": cadence,
        "shared_at": None,
        "ended_at": None,
        "end_reason": None,
        "next_due_on": None,
        "next_nudge_on": None,
        "last_held_on": None,
        "last_skipped_on": None,
    }


def _sent(
    nudges: list[dict[str, Any]], line_id: int, kind: Any, due_on: date, manager: int, report: int, now: datetime
) -> None:
    audiences = [(Audience.MANAGER, manager)] + ([(Audience.REPORT, report)] if kind in REPORT_INVITED_AT else [])
    for audience, recipient in audiences:
        nudges.append(
            {
                "line_id": line_id,
                "kind": kind.value,
                "due_on": due_on,
                "audience": audience.value,
                "recipient_id": recipient,
                "status": NudgeStatus.SENT.value,
                "not_before": now - timedelta(days=1),
                "lease_until": None,
                "attempts": 1,
                "last_error": None,
                "snoozes": 0,
                "channel": "D0000000001",
                "ts": "1700000000.000100",
                "created_at": now - timedelta(days=1),
                "sent_at": now - timedelta(days=1),
            }
        )


def _plans(rows: _Rows, rng: random.Random, people: int, now: datetime) -> set[int]:
    with_plan: set[int] = set()
    version_id = 0
    for person_id in range(1, people + 1):
        if rng.random() >= 0.7:
            continue
        with_plan.add(person_id)
        for version in range(1, rng.randint(1, 3) + 1):
            version_id += 1
            rows[PlanVersion].append(
                {
                    "id": version_id,
                    "person_id": person_id,
                    "version": version,
                    "created_at": now - timedelta(days=300 - 100 * version),
                    "goal_kind": "own",
                    "goal_text": "Lead the platform team's move to event-driven services",
                    "goal_target": date(2028, 6, 30),
                    "goal_target_text": "",
                    "goal_is_own_want": True,
                    "goal_fits_values": True,
                    "year_from_now": "Running the design reviews, and mentoring two people.",
                }
            )
            for position in range(3):
                rows[PlanStep].append(
                    {
                        "plan_version_id": version_id,
                        "position": position,
                        "title": f"Step {position + 1}: write the proposal and get it reviewed",
                        "target": date(2027, 3 + position, 1),
                        "target_text": "",
                        "done": position == 0,
                    }
                )
            for position in range(2):
                rows[PlanGap].append(
                    {"plan_version_id": version_id, "position": position, "description": "Public speaking"}
                )
        rows.flush()
    return with_plan


def _after_explicit_ids(connection: Connection) -> None:
    """PostgreSQL's sequences do not see explicit ids: move them past the seeded rows."""
    if connection.dialect.name != "postgresql":
        return
    for table in ("people", "reporting_lines", "conversations", "plan_versions"):
        connection.execute(
            text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")
        )


@contextmanager
def bench_database(backend: str, folder: str, postgres_url: str | None) -> Iterator[tuple[Database, str]]:
    """An empty, upgraded database and its URL for `careerplan run`: a SQLite file, or a PostgreSQL schema
    of its own (dropped afterwards)."""
    if backend == "sqlite":
        url = f"sqlite:///{folder}/bench.db"
        db = Database(url)
        db.upgrade()
        try:
            yield db, url
        finally:
            db.dispose()
        return
    assert postgres_url is not None
    schema = f"bench_{random.randrange(16**8):08x}"
    admin = create_engine(Database(postgres_url).url)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    db = Database(postgres_url, connect_args={"options": f"-csearch_path={schema}"})
    try:
        db.upgrade()
        separator = "&" if "?" in postgres_url else "?"
        yield db, f"{postgres_url}{separator}options=-csearch_path%3D{schema}"
    finally:
        db.dispose()
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


SECRET = "bench-secret"  # the signing secret of the bot a benchmark starts


def bot_env(slack_url: str, database_url: str, **settings: str) -> dict[str, str]:
    """The environment `careerplan run` gets in a benchmark: this one without careerplan's or Slack's settings,
    plus the fake Slack, the database, HTTP mode on a free port of 127.0.0.1, and `settings`."""
    kept = {name: value for name, value in os.environ.items() if not name.startswith(("SLACK_", "CAREERPLAN_"))}
    return {
        **kept,
        "SLACK_BOT_TOKEN": "xoxb-bench",
        "SLACK_SIGNING_SECRET": SECRET,
        "SLACK_API_URL": slack_url,
        "DATABASE_URL": database_url,
        "HOST": "127.0.0.1",
        "PORT": "0",
        # The start-up sweep's reminders at the most the setting allows: this fake Slack keeps no pace, and the
        # request benchmarks wait for that sweep to end (bench/delivery.py measures delivery at Slack's pace).
        "CAREERPLAN_SEND_PER_MINUTE": "6000",
        **settings,
    }
