"""Fault drill: `careerplan sweep --once` killed (SIGKILL, no clean-up) in the middle of a pass, then run again.

The kill lands at a known point: the fake Slack holds one request unanswered and the test kills the process
while it waits, either before that message was posted or after Slack posted it (the answer not yet back). The
run after it (once the dead process's claim has lapsed, see CLAIM_LEASE) finishes the work: every nudge
delivered, and enqueued, exactly once across both processes; a DM Slack had posted is found in its
conversation's history by its metadata and recorded, not sent again. bench/sweep_kills.py kills at random
moments instead, many times over, and prints how many DMs went twice (none) or were lost (none).
"""

from __future__ import annotations

import signal
import subprocess
from collections import Counter
from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select, update

from bot.career.cadence import CLAIM_LEASE, NudgeStatus
from bot.jobs.sweep import ENQUEUE_BATCH
from storage.db import Database
from storage.models import Nudge, Person, ReportingLine
from tests.cli import MONDAY_10AM_NEW_YORK, Admin, finished
from tests.fakeslack import Call, FakeResponse

pytestmark = pytest.mark.e2e

EARLY = MONDAY_10AM_NEW_YORK - timedelta(hours=3)  # 07:00 in New York: due today, before working hours
AFTER_THE_LEASE = CLAIM_LEASE + timedelta(minutes=1)
HELD = FakeResponse(delay=120.0)  # a request the fake does not answer before the test has killed the sweep
POSTED_HELD = FakeResponse(delay=120.0, takes_effect=True)  # Slack acts on it, but the answer comes too late
OK = FakeResponse(body={"ok": True, "channel": "D0FAKE", "ts": "1700000000.000100"})


def zones_known(db: Database, users: list[str], at: datetime) -> None:
    """As if these people's time zones had been asked of Slack at `at` (the fake's zone: New York)."""
    with db.session() as session:
        session.execute(
            update(Person).where(Person.slack_user_id.in_(users)).values(tz="America/New_York", tz_checked_at=at)
        )


def killed(process: subprocess.Popen[str]) -> None:
    process.send_signal(signal.SIGKILL)
    process.communicate(timeout=30)
    assert process.returncode == -signal.SIGKILL


def statuses(db: Database) -> Counter[str]:
    with db.session() as session:
        return Counter(str(status) for status in session.scalars(select(Nudge.status)))


def sent_count(out: str) -> int:
    return int(out.split("sent ")[1].split(",")[0])


def test_a_sweep_killed_while_delivering_sends_every_nudge_once_after_a_restart(admin: Admin) -> None:
    lines, before_kill = 60, 40
    admin.settings["CAREERPLAN_SENDERS"] = "1"  # one DM in flight when the kill lands
    admin.lines(lines, MONDAY_10AM_NEW_YORK.date())
    everyone = [f"U0M{n:03d}" for n in range(lines)] + [f"U0R{n:03d}" for n in range(lines)]
    zones_known(admin.db, everyone, MONDAY_10AM_NEW_YORK)
    # Slack posts the first 40 DMs; the 41st is held until the process is dead, so it is never posted.
    admin.slack.script("chat.postMessage", *[OK] * before_kill, HELD)

    first = admin.sweep_at(MONDAY_10AM_NEW_YORK)
    try:
        calls = admin.slack.wait_for("chat.postMessage", before_kill + 1, timeout=60)
    finally:
        killed(first)
    posted: list[Call] = calls[:before_kill]
    # Where the kill landed: 40 recorded as sent, one claimed and never answered, the rest not tried.
    assert statuses(admin.db) == {
        NudgeStatus.SENT.value: before_kill,
        NudgeStatus.SENDING.value: 1,
        NudgeStatus.PENDING.value: 2 * lines - before_kill - 1,
    }

    # Restarted within the dead process's lease, the claimed nudge is left alone; after it, it is sent.
    code, out, err = finished(admin.sweep_at(MONDAY_10AM_NEW_YORK + timedelta(minutes=1)))
    assert code == 0, err
    assert sent_count(out) == 2 * lines - before_kill - 1
    code, out, err = finished(admin.sweep_at(MONDAY_10AM_NEW_YORK + AFTER_THE_LEASE))
    assert code == 0, err
    assert sent_count(out) == 1

    delivered = Counter(str(call.params["channel"]) for call in posted + admin.slack.messages)
    assert delivered == dict.fromkeys(everyone, 1)  # none lost, none twice
    assert statuses(admin.db) == {NudgeStatus.SENT.value: 2 * lines}


def test_a_sweep_killed_after_slack_posted_a_dm_but_before_recording_it_does_not_send_it_again(admin: Admin) -> None:
    lines, before_kill = 20, 10
    admin.settings["CAREERPLAN_SENDERS"] = "1"  # one DM in flight when the kill lands
    admin.lines(lines, MONDAY_10AM_NEW_YORK.date())
    everyone = [f"U0M{n:03d}" for n in range(lines)] + [f"U0R{n:03d}" for n in range(lines)]
    zones_known(admin.db, everyone, MONDAY_10AM_NEW_YORK)
    admin.slack.clock = lambda: MONDAY_10AM_NEW_YORK  # Slack's ts and the first process's frozen clock agree
    # Slack posts the 11th DM but its answer never reaches the process, killed while it waits.
    admin.slack.script("chat.postMessage", *[FakeResponse(takes_effect=True)] * before_kill, POSTED_HELD)

    first = admin.sweep_at(MONDAY_10AM_NEW_YORK)
    try:
        admin.slack.wait_for("chat.postMessage", before_kill + 1, timeout=60)
    finally:
        killed(first)
    assert len(admin.slack.messages) == before_kill + 1  # Slack has the one in flight...
    assert statuses(admin.db)[NudgeStatus.SENDING.value] == 1  # ...and the database does not know

    code, out, err = finished(admin.sweep_at(MONDAY_10AM_NEW_YORK + timedelta(minutes=1)))
    assert code == 0, err
    assert sent_count(out) == 2 * lines - before_kill - 1
    assert admin.slack.calls_to("conversations.history") == []  # fresh reminders do not read their DM back
    code, out, err = finished(admin.sweep_at(MONDAY_10AM_NEW_YORK + AFTER_THE_LEASE))
    assert code == 0, err
    assert sent_count(out) == 0  # found in its DM: recorded, not sent again

    delivered = Counter(str(call.params["channel"]) for call in admin.slack.messages)
    assert delivered == dict.fromkeys(everyone, 1)  # none lost, none twice
    assert len(admin.slack.calls_to("conversations.history")) == 1
    assert statuses(admin.db) == {NudgeStatus.SENT.value: 2 * lines}


def test_a_sweep_killed_while_enqueueing_enqueues_every_nudge_once_after_a_restart(admin: Admin) -> None:
    lines = ENQUEUE_BATCH + 100  # two of the sweep's enqueue transactions
    admin.lines(lines, MONDAY_10AM_NEW_YORK.date())
    # The first transaction's managers are known; the second's time zones are asked of Slack first, and the
    # first such question is held: the process dies between the two transactions.
    zones_known(admin.db, [f"U0M{n:03d}" for n in range(ENQUEUE_BATCH)], MONDAY_10AM_NEW_YORK)
    admin.slack.script("users.info", HELD)

    first = admin.sweep_at(EARLY)
    try:
        admin.slack.wait_for("users.info", 1, timeout=60)
    finally:
        killed(first)
    with admin.db.session() as session:
        enqueued_before = session.scalar(select(func.count()).select_from(Nudge)) or 0
    assert 0 < enqueued_before < 2 * lines  # the kill landed in the middle of the enqueue phase

    code, out, err = finished(admin.sweep_at(EARLY + AFTER_THE_LEASE))
    assert code == 0, err
    assert out.startswith(f"enqueued {2 * lines - enqueued_before}, sent 0,")  # before working hours
    with admin.db.session() as session:
        per_line = Counter(line for (line,) in session.execute(select(Nudge.line_id)))
        kinds = set(session.scalars(select(Nudge.kind)))
        next_nudges = set(session.scalars(select(ReportingLine.next_nudge_on)))
    assert len(per_line) == lines and set(per_line.values()) == {2}  # the manager's and the report's, once
    assert kinds == {"first_month"}
    assert len(next_nudges) == 1  # every line's schedule moved on once, to the same next stage
    assert admin.slack.messages == []
