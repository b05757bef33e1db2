"""The set-based floor beside the sweep (issue 17): the sweep's reads and rules with nothing else in the way.

`set_based_pass(db, now, lead_days)` reads the due lines and the ended experiments with plain SQL on the driver's
cursor, decides each line's stage in its manager's (stored) time zone with bot.career.cadence, and writes the
whole pass in five set-based statements: the line moves (`UPDATE … FROM`), the older stage nudges superseded,
the experiments marked asked, and the nudge rows (`INSERT … SELECT … ON CONFLICT`), from arrays (`unnest`) on
PostgreSQL and a JSON array (`json_each`) on SQLite. No Slack, no chunks, no ORM, no guard against another
sweeper beyond what the statements say. It runs in one transaction, on a copy of a SQLite database (committed
and checkpointed inside the time, as the sweep's pass is), or on PostgreSQL rolled back after the time is taken
(a commit there is one WAL flush), so the sweep can run on the same rows next. What it left is what the sweep
must leave (`rows(db)` after it).
"""

from __future__ import annotations

import hashlib
import json
import time
from datetime import date, datetime, timedelta
from typing import Any

from bot.career.cadence import REPORT_INVITED_AT, Cycle, NudgeKind, local_day, next_stage
from storage.db import Database

_STAGES = ", ".join(f"'{kind.value}'" for kind in NudgeKind if kind is not NudgeKind.EXPERIMENT_ENDED)
_LINES = """
SELECT l.id, l.manager_id, l.report_id, m.tz, l.started_on, l.next_due_on, l.next_nudge_on,
       l.last_held_on IS NULL AND l.last_skipped_on IS NULL
FROM reporting_lines l JOIN people m ON m.id = l.manager_id
WHERE l.status = 'active' AND l.next_nudge_on <= {through} AND l.next_due_on IS NOT NULL
"""
_ENDED = """
SELECT e.id, e.line_id, e.ends_on, l.manager_id, l.report_id, m.tz
FROM experiments e CROSS JOIN reporting_lines l CROSS JOIN people m
WHERE e.asked_at IS NULL AND e.ends_on <= {through} AND l.id = e.line_id AND l.status = 'active'
  AND m.id = l.manager_id
"""
_SQLITE = {
    "advance": """
        UPDATE reporting_lines SET next_nudge_on = json_extract(m.value, '$[3]') FROM json_each(?) m
        WHERE reporting_lines.id = json_extract(m.value, '$[0]')
          AND reporting_lines.next_due_on = json_extract(m.value, '$[1]')
          AND reporting_lines.next_nudge_on = json_extract(m.value, '$[2]')
        RETURNING reporting_lines.id""",
    "supersede": f"""
        UPDATE nudges SET status = 'cancelled'
        WHERE line_id IN (SELECT json_extract(value, '$[0]') FROM json_each(?1)) AND kind IN ({_STAGES})
          AND status = 'pending' AND NOT EXISTS (
            SELECT 1 FROM json_each(?1) s WHERE json_extract(s.value, '$[0]') = nudges.line_id
              AND json_extract(s.value, '$[1]') = nudges.kind AND json_extract(s.value, '$[2]') = nudges.due_on)""",
    "asked": """
        UPDATE experiments SET asked_at = ?2 WHERE id IN (SELECT value FROM json_each(?1)) AND asked_at IS NULL
        RETURNING id""",
    "insert": """
        INSERT INTO nudges (line_id, kind, due_on, audience, recipient_id, status, not_before, attempts, snoozes,
                            created_at)
        SELECT json_extract(value, '$[0]'), json_extract(value, '$[1]'), json_extract(value, '$[2]'),
               json_extract(value, '$[3]'), json_extract(value, '$[4]'), 'pending', ?2, 0, 0, ?2
        FROM json_each(?1) WHERE true ORDER BY key
        ON CONFLICT (line_id, kind, due_on, audience) DO UPDATE SET status = excluded.status,
            recipient_id = excluded.recipient_id, not_before = excluded.not_before, lease_until = NULL,
            last_error = NULL
        WHERE nudges.status = 'cancelled'
        RETURNING id""",
}
_POSTGRES = {
    "advance": """
        UPDATE reporting_lines l SET next_nudge_on = m.new
        FROM unnest(%s::int[], %s::date[], %s::date[], %s::date[]) AS m(id, due, old, new)
        WHERE l.id = m.id AND l.next_due_on = m.due AND l.next_nudge_on = m.old
        RETURNING l.id""",
    "supersede": f"""
        UPDATE nudges SET status = 'cancelled'
        WHERE line_id = ANY(%(lines)s::int[]) AND kind IN ({_STAGES}) AND status = 'pending' AND NOT EXISTS (
            SELECT 1 FROM unnest(%(lines)s::int[], %(kinds)s::text[], %(dues)s::date[]) s(line_id, kind, due_on)
            WHERE s.line_id = nudges.line_id AND s.kind = nudges.kind AND s.due_on = nudges.due_on)""",
    "asked": """
        UPDATE experiments SET asked_at = %s WHERE id = ANY(%s::int[]) AND asked_at IS NULL RETURNING id""",
    "insert": """
        INSERT INTO nudges (line_id, kind, due_on, audience, recipient_id, status, not_before, attempts, snoozes,
                            created_at)
        SELECT n.line_id, n.kind, n.due_on, n.audience, n.recipient_id, 'pending', %(now)s, 0, 0, %(now)s
        FROM unnest(%(lines)s::int[], %(kinds)s::text[], %(dues)s::date[], %(audiences)s::text[],
                    %(recipients)s::int[]) WITH ORDINALITY AS n(line_id, kind, due_on, audience, recipient_id, at)
        WHERE true ORDER BY n.at
        ON CONFLICT (line_id, kind, due_on, audience) DO UPDATE SET status = excluded.status,
            recipient_id = excluded.recipient_id, not_before = excluded.not_before, lease_until = NULL,
            last_error = NULL
        WHERE nudges.status = 'cancelled'
        RETURNING id""",
}


def set_based_pass(db: Database, now: datetime, lead_days: int, *, commit: bool) -> tuple[float, int, Rows]:
    """One enqueue pass: (seconds it took, nudge rows it wrote, what the tables held after it). `commit`: commit
    it, and on SQLite checkpoint the log as the sweep does at the end of its pass, inside the time (for a copy
    of the database); else roll it back after the time is taken."""
    sqlite = db.engine.dialect.name == "sqlite"
    through = now.date() + timedelta(days=1)
    with db.engine.connect() as connection:
        raw = connection.connection.dbapi_connection
        assert raw is not None
        cursor = raw.cursor()
        started = time.perf_counter()
        if sqlite:
            cursor.execute("BEGIN IMMEDIATE")
        cursor.execute(_LINES.format(through="?" if sqlite else "%s"), (_param(through, sqlite),))
        new: list[tuple[int, str, date, str, int]] = []
        moves = []
        decided = {}
        for line, manager, report, tz, started_on, due, nudge_on, first in cursor.fetchall():
            due, nudge_on, started_on = _day(due), _day(nudge_on), _day(started_on)
            today = local_day(now, tz)
            if nudge_on > today:
                continue
            decision = next_stage(Cycle(due, started_on, bool(first), lead_days), nudge_on, today)
            if decision.stage is not None or decision.next_nudge_on != nudge_on:
                moves.append((line, due, nudge_on, decision.next_nudge_on))
                decided[line] = (decision.stage, due, manager, report)
        moves.sort()
        moved = set(_returned(cursor, sqlite, "advance", _moves_params(moves, sqlite)))
        for line in sorted(moved):
            stage, due, manager, report = decided[line]
            if stage is not None:
                new.append((line, stage.kind.value, due, "manager", manager))
                if stage.kind in REPORT_INVITED_AT:
                    new.append((line, stage.kind.value, due, "report", report))
        cursor.execute(_ENDED.format(through="?" if sqlite else "%s"), (_param(through, sqlite),))
        groups: dict[tuple[int, date], list[Any]] = {}
        for experiment, line, ends_on, manager, report, tz in sorted(cursor.fetchall(), key=lambda r: (r[1], r[2])):
            ends_on = _day(ends_on)
            if ends_on <= local_day(now, tz):
                groups.setdefault((line, ends_on), [manager, report]).append(experiment)
        asked_ids = [e for group in groups.values() for e in group[2:]]
        if asked_ids:
            asked = set(
                _returned(
                    cursor,
                    sqlite,
                    "asked",
                    (json.dumps(asked_ids), _param(now, sqlite)) if sqlite else (now, asked_ids),
                )
            )
            for (line, ends_on), (manager, report, *ids) in groups.items():
                if asked.intersection(ids):
                    new.append((line, NudgeKind.EXPERIMENT_ENDED.value, ends_on, "manager", manager))
                    new.append((line, NudgeKind.EXPERIMENT_ENDED.value, ends_on, "report", report))
        staged = sorted({(line, kind, due) for line, kind, due, _, _ in new if kind != "experiment_ended"})
        if sqlite:
            cursor.execute(_SQLITE["supersede"], (json.dumps([[n[0], n[1], n[2].isoformat()] for n in staged]),))
            rows = [[n[0], n[1], n[2].isoformat(), n[3], n[4]] for n in new]
            written = len(_returned(cursor, sqlite, "insert", (json.dumps(rows), _param(now, sqlite))))
        else:
            cursor.execute(
                _POSTGRES["supersede"],
                {"lines": [n[0] for n in staged], "kinds": [n[1] for n in staged], "dues": [n[2] for n in staged]},
            )
            columns = ("lines", "kinds", "dues", "audiences", "recipients")
            params = {name: [n[i] for n in new] for i, name in enumerate(columns)} | {"now": now}
            written = len(_returned(cursor, sqlite, "insert", params))
        if commit:
            if sqlite:
                cursor.execute("COMMIT")
                cursor.execute("PRAGMA wal_checkpoint(PASSIVE)")
            else:
                raw.commit()
        seconds = time.perf_counter() - started
        left = _read_rows(cursor)
        if not commit:
            if sqlite:
                cursor.execute("ROLLBACK")
            else:
                raw.rollback()
        cursor.close()
    return seconds, written, left


Rows = tuple[tuple[int, str], ...]  # per table: how many rows, and a digest of them all
# What an enqueue pass leaves: each line's schedule, each nudge (by its natural key, without the surrogate id,
# which PostgreSQL's sequences do not give back on a rollback), each experiment's asked time.
_ROWS = (
    "SELECT id, next_due_on, next_nudge_on FROM reporting_lines ORDER BY id",
    "SELECT line_id, kind, due_on, audience, recipient_id, status, not_before, lease_until, attempts, last_error,"
    " snoozes, created_at, sent_at FROM nudges ORDER BY line_id, kind, due_on, audience",
    "SELECT id, asked_at FROM experiments ORDER BY id",
)


def rows(db: Database) -> Rows:
    """What the tables hold now, as `set_based_pass` reads them after its pass."""
    with db.engine.connect() as connection:
        raw = connection.connection.dbapi_connection
        assert raw is not None
        cursor = raw.cursor()
        try:
            return _read_rows(cursor)
        finally:
            cursor.close()


def _read_rows(cursor: Any) -> Rows:
    """Digests, read a block at a time: a million lines have four million nudges, too many to hold as tuples."""
    found = []
    for sql in _ROWS:
        cursor.execute(sql)
        digest, count = hashlib.sha256(), 0
        while block := cursor.fetchmany(10_000):
            count += len(block)
            digest.update(repr(block).encode())
        found.append((count, digest.hexdigest()))
    return tuple(found)


def _returned(cursor: Any, sqlite: bool, statement: str, params: Any) -> list[Any]:
    cursor.execute((_SQLITE if sqlite else _POSTGRES)[statement], params)
    return [row[0] for row in cursor.fetchall()]


def _moves_params(moves: list[tuple[int, date, date, date | None]], sqlite: bool) -> Any:
    if sqlite:
        return (json.dumps([[m[0], m[1].isoformat(), m[2].isoformat(), m[3] and m[3].isoformat()] for m in moves]),)
    return tuple([m[i] for m in moves] for i in range(4))


def _param(value: date | datetime, sqlite: bool) -> Any:
    """A value as SQLAlchemy writes it: SQLite keeps ISO text (UTC wall time for an instant)."""
    if not sqlite:
        return value
    if isinstance(value, datetime):
        return value.replace(tzinfo=None).strftime("%Y-%m-%d %H:%M:%S.%f")
    return value.isoformat()


def _day(value: Any) -> Any:
    return date.fromisoformat(value) if isinstance(value, str) else value
