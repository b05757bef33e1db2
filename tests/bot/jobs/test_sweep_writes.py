"""The sweep's set-based writes and chunked reads leave the very rows its one-row-at-a-time predecessor left.

Two copies of one organisation, on the same backend, swept at the same instants over four months: one by the
sweep as it is (due lines' ids read first, then the lines in chunks of three ids, each chunk's moves and nudges
written by one statement each, the lines not due yet east of UTC left unread), one by the sweep with the storage
of before issue 17 put back (every due line read at once in id order, IN lists, one multi-row INSERT, one
experiment claim per group). After every pass, both databases hold the same lines' schedules, the same nudges in
the same states and the same experiments asked.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import literal_column, null, select, tuple_, update

from bot.career.cadence import ExperimentKind, NudgeKind, NudgeStatus
from bot.jobs import sweep as sweep_module
from storage import nudges as store
from storage.conversations import NewExperiment
from storage.db import Database, as_utc, upsert_into
from storage.models import Experiment, Nudge, ReportingLine
from tests import builders
from tests.clock import Clock
from tests.databases import empty_database_url
from tests.fakeslack import FakeSlack
from tests.sweepworld import World, make_world

START = datetime(2026, 11, 2, 15, 0, tzinfo=UTC)
MANAGER_ZONES = ("Pacific/Auckland", "Asia/Kolkata", "America/Los_Angeles", "Europe/Berlin", "America/New_York")


def test_a_sweep_leaves_the_rows_the_row_at_a_time_sweep_left(
    db: Database, tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    backend = db.engine.dialect.name
    with FakeSlack() as slack:
        for url, options in empty_database_url("sqlite" if backend == "sqlite" else "postgresql", tmp_path_factory):
            before = Database(url, **options)
            before.upgrade()
            try:
                now, then = (make_world(database, slack, Clock(START)) for database in (db, before))
                for world in (now, then):
                    _organisation(world)
                assert _rows(now.db) == _rows(then.db)
                moment, passes = START, 0
                while moment < START + timedelta(days=120):
                    with _chunked(monkeypatch, 3):
                        now.at(moment)
                    with _chunked(monkeypatch, 10**6), _storage_before_issue_17(monkeypatch):
                        then.at(moment)
                    assert _rows(now.db) == _rows(then.db), f"the rows differ after the pass at {moment}"
                    passes += 1
                    # Alternate between the afternoon in UTC and the night (the next day already east of it).
                    moment += timedelta(hours=12 if moment.hour == 15 else 36)
            finally:
                before.dispose()
    nudges = _rows(db)[1]
    kinds = {kind for _, kind, *_ in nudges}
    assert passes > 50 and len(nudges) > 100
    assert {NudgeKind.EXPERIMENT_ENDED.value, NudgeKind.DUE_SOON.value, NudgeKind.OVERDUE_1.value} <= kinds
    statuses = {status for *_, status, _, _ in nudges}
    assert {NudgeStatus.SENT.value, NudgeStatus.CANCELLED.value} <= statuses  # sent, and superseded or cancelled


def _organisation(world: World) -> None:
    """Five managers around the world with six reports each: new hires and lines with a conversation behind
    them, experiments ending on the way, and reminders cancelled earlier that are owed again when they come."""
    day = START.date()
    for n in range(30):
        manager, report = f"UBOSS{n % 5}", f"UREPORT{n:02d}"
        world.slack.users[manager] = {"tz": MANAGER_ZONES[n % 5]}
        world.slack.users[report] = {"tz": "Europe/London"}
        with world.db.session() as session:
            line = builders.active_line(session, report, manager, started_on=day - timedelta(days=9 * n), now=START)
            if n % 3 == 0:
                ends = [day + timedelta(days=n), day + timedelta(days=n), day + timedelta(days=40 + n)]
                experiments = [
                    NewExperiment(ExperimentKind.SHADOWING, f"try {n}.{i}", end) for i, end in enumerate(ends)
                ]
                builders.held_conversation(
                    session, line.id, day - timedelta(days=80), experiments=experiments, now=START
                )
            elif n % 7 == 1:
                for kind in (NudgeKind.FIRST_MONTH, NudgeKind.DUE_SOON, NudgeKind.OVERDUE_1):
                    builders.nudge(session, line, kind, NudgeStatus.CANCELLED, now=START)


def _rows(db: Database) -> tuple[list[tuple[Any, ...]], ...]:
    """The lines' schedules, the nudges (by their natural key: the surrogate ids follow the order of insertion,
    which the chunks change; and Slack's ts, which the one fake Slack both sweeps share numbers in turn), and the
    experiments' asked times."""
    with db.session() as session:
        lines = session.execute(
            select(ReportingLine.report_id, ReportingLine.next_due_on, ReportingLine.next_nudge_on).order_by(
                ReportingLine.report_id
            )
        )
        nudges = session.execute(
            select(
                Nudge.line_id,
                Nudge.kind,
                Nudge.due_on,
                Nudge.audience,
                Nudge.recipient_id,
                Nudge.not_before,
                Nudge.lease_until,
                Nudge.attempts,
                Nudge.last_error,
                Nudge.snoozes,
                Nudge.created_at,
                Nudge.held_since,
                Nudge.status,
                Nudge.sent_at,
                Nudge.channel,
            ).order_by(Nudge.line_id, Nudge.kind, Nudge.due_on, Nudge.audience)
        )
        experiments = session.execute(select(Experiment.what, Experiment.asked_at).order_by(Experiment.what))
        return [tuple(row) for row in lines], [tuple(row) for row in nudges], [tuple(row) for row in experiments]


@contextmanager
def _chunked(monkeypatch: pytest.MonkeyPatch, lines: int) -> Iterator[None]:
    with monkeypatch.context() as patch:
        patch.setattr(sweep_module, "ENQUEUE_BATCH", lines)
        yield


@contextmanager
def _storage_before_issue_17(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    with monkeypatch.context() as patch:
        for name in ("lines_to_nudge", "advance_lines", "enqueue", "mark_asked"):
            patch.setattr(store, name, globals()[f"_{name}"])
        yield


# --- storage/nudges.py's sweep writes as they were before issue 17 (kept here as the reference) -------------


def _lines_to_nudge(session: Any, through: date, **_paging: object) -> list[store.DueLine]:
    """Every due line at once, in id order (the paging is ignored: the caller reads one chunk of all)."""
    manager = store._Manager
    rows = session.execute(
        select(
            ReportingLine.id,
            ReportingLine.manager_id,
            ReportingLine.report_id,
            manager.slack_user_id,
            manager.tz,
            manager.tz_checked_at,
            ReportingLine.started_on,
            ReportingLine.next_due_on,
            ReportingLine.next_nudge_on,
            (ReportingLine.last_held_on.is_(None) & ReportingLine.last_skipped_on.is_(None)).label("first_cycle"),
        )
        .join(manager, manager.id == ReportingLine.manager_id)
        .where(
            ReportingLine.status == "active",
            ReportingLine.next_nudge_on <= through,
            ReportingLine.next_due_on.is_not(None),
            store._in_active_workspaces(session, manager),
        )
        .order_by(ReportingLine.id)
    )
    return [
        store.DueLine(line, manager_id, report_id, slack_id, tz, as_utc(checked), started, due, nudge_on, bool(first))
        for line, manager_id, report_id, slack_id, tz, checked, started, due, nudge_on, first in rows
    ]


def _advance_lines(session: Any, moves: Sequence[store.Move]) -> set[int]:
    lines = store._LINES
    moved: set[int] = set()
    by_day: dict[date | None, list[store.Move]] = {}
    for move in moves:
        by_day.setdefault(move.new, []).append(move)
    for new in sorted(by_day, key=lambda day: (day is None, day or date.min)):
        part = by_day[new]
        result = session.execute(
            update(lines)
            .where(
                lines.c.id.in_([move.line_id for move in part]),
                tuple_(lines.c.id, lines.c.next_due_on, lines.c.next_nudge_on).in_(
                    [(move.line_id, move.due_on, move.old) for move in part]
                ),
            )
            .values(next_nudge_on=new)
            .returning(lines.c.id)
        )
        moved.update(result.scalars())
    return moved


def _enqueue(session: Any, nudges: Sequence[store.NewNudge], now: datetime) -> int:
    table = store._NUDGES
    now = as_utc(now)
    if not nudges:
        return 0
    staged = sorted({(n.line_id, n.kind.value, n.due_on) for n in nudges if n.kind.value in store.STAGE_KINDS})
    if staged:
        session.execute(
            update(table)
            .where(
                table.c.line_id.in_([line_id for line_id, _, _ in staged]),
                table.c.kind.in_(store.STAGE_KINDS),
                table.c.status == NudgeStatus.PENDING.value,
                tuple_(table.c.line_id, table.c.kind, table.c.due_on).not_in(staged),
            )
            .values(status=NudgeStatus.CANCELLED.value)
        )
    rows = [
        {
            "line_id": n.line_id,
            "kind": n.kind.value,
            "due_on": n.due_on,
            "audience": n.audience.value,
            "recipient_id": n.recipient_id,
            "status": NudgeStatus.PENDING.value,
            "not_before": now,
            "attempts": 0,
            "snoozes": 0,
            "created_at": now,
        }
        for n in nudges
    ]
    statement = upsert_into(session, table)
    revive = statement.on_conflict_do_update(
        index_elements=[table.c.line_id, table.c.kind, table.c.due_on, table.c.audience],
        set_={
            "status": statement.excluded.status,
            "recipient_id": statement.excluded.recipient_id,
            "not_before": statement.excluded.not_before,
            "lease_until": null(),
            "last_error": null(),
        },
        where=table.c.status == literal_column(f"'{NudgeStatus.CANCELLED.value}'"),
    )
    return len(session.execute(revive.returning(table.c.id), rows).all())


def _mark_asked(session: Any, experiment_ids: Sequence[int], now: datetime) -> set[int]:
    """The old claim, one experiment group at a time (a group is the line's experiments ending on one day)."""
    table = store._EXPERIMENTS
    groups: dict[tuple[int, date], list[int]] = {}
    for experiment_id, line_id, ends_on in session.execute(
        select(table.c.id, table.c.line_id, table.c.ends_on).where(table.c.id.in_(list(experiment_ids)))
    ):
        groups.setdefault((line_id, ends_on), []).append(experiment_id)
    marked: set[int] = set()
    for ids in groups.values():
        unasked = set(session.scalars(select(table.c.id).where(table.c.id.in_(ids), table.c.asked_at.is_(None))))
        result = session.execute(
            update(table).where(table.c.id.in_(ids), table.c.asked_at.is_(None)).values(asked_at=as_utc(now))
        )
        if result.rowcount:
            marked |= unasked
    return marked
