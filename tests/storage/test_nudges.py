"""The nudges table's contract (SQLite, and PostgreSQL when configured): each nudge is owed once, claimed by
one sweeper at a time, and moves between states only from the state each step expects."""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from bot.career.cadence import CLAIM_LEASE, Audience, ExperimentKind, NudgeKind, NudgeStatus
from storage import nudges as store
from storage import people
from storage.conversations import NewExperiment
from storage.db import Database
from storage.models import Nudge, ReportingLine
from tests import builders

TEAM = "T1"
NOW = datetime(2026, 11, 23, 15, 0, tzinfo=UTC)
STARTED = date(2026, 11, 2)
DUE = date(2026, 12, 2)


def new_line(db: Database, report: str = "UREPORT", manager: str = "UBOSS") -> tuple[int, int, int]:
    """An active line started on STARTED: (line id, report's person id, manager's person id)."""
    with db.session() as session:
        line = builders.active_line(session, report, manager, started_on=STARTED, team=TEAM, now=NOW)
        report_id, manager_id = (builders.person(session, user, team=TEAM, now=NOW) for user in (report, manager))
    return line.id, report_id, manager_id


def owe(db: Database, line_id: int, manager_id: int, kind: NudgeKind = NudgeKind.DUE_SOON, due: date = DUE) -> int:
    """Enqueue one manager nudge and return its id."""
    with db.session() as session:
        store.enqueue(session, [store.NewNudge(line_id, kind, due, Audience.MANAGER, manager_id)], NOW)
    with db.session() as session:
        found = session.scalar(select(Nudge.id).where(Nudge.line_id == line_id, Nudge.kind == kind.value))
    assert found is not None
    return found


def row(db: Database, nudge_id: int) -> Nudge:
    with db.session() as session:
        found = session.get(Nudge, nudge_id)
        assert found is not None
        session.expunge(found)
        return found


def test_a_nudge_is_owed_once_per_line_kind_due_date_and_audience(db: Database) -> None:
    line, report, manager = new_line(db)
    wanted = [
        store.NewNudge(line, NudgeKind.DUE_SOON, DUE, Audience.MANAGER, manager),
        store.NewNudge(line, NudgeKind.DUE_SOON, DUE, Audience.REPORT, report),
    ]
    with db.session() as session:
        assert store.enqueue(session, wanted, NOW) == 2
    with db.session() as session:
        assert store.enqueue(session, wanted, NOW) == 0  # a second sweeper's insert is ignored
    with pytest.raises(IntegrityError), db.session() as session:
        session.add(
            Nudge(
                line_id=line,
                kind=NudgeKind.DUE_SOON.value,
                due_on=DUE,
                audience=Audience.MANAGER.value,
                recipient_id=manager,
                status=NudgeStatus.PENDING.value,
                not_before=NOW,
                attempts=0,
                snoozes=0,
                created_at=NOW,
            )
        )
    with db.session() as session:
        assert len(session.scalars(select(Nudge)).all()) == 2


def test_a_newer_stage_supersedes_an_older_one_not_sent_yet(db: Database) -> None:
    line, _, manager = new_line(db)
    first = owe(db, line, manager, NudgeKind.FIRST_MONTH)
    later = owe(db, line, manager, NudgeKind.OVERDUE_1)
    assert row(db, first).status == NudgeStatus.CANCELLED
    assert row(db, later).status == NudgeStatus.PENDING


def test_claim_is_exclusive(db: Database) -> None:
    line, _, manager = new_line(db)
    nudge = owe(db, line, manager)
    with db.session() as session:
        assert store.claim(session, nudge, NOW) == 1
    with db.session() as session:
        assert store.claim(session, nudge, NOW) is None
    claimed = row(db, nudge)
    assert claimed.status == NudgeStatus.SENDING and claimed.attempts == 1


def test_of_many_threads_claiming_one_nudge_exactly_one_wins(db: Database) -> None:
    line, _, manager = new_line(db)
    nudge = owe(db, line, manager)
    start = threading.Barrier(6)
    won: list[int | None] = []

    def claim() -> None:
        start.wait()
        with db.session() as session:
            won.append(store.claim(session, nudge, NOW))

    threads = [threading.Thread(target=claim) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(won, key=lambda a: a or 0) == [None] * 5 + [1]


def test_a_claim_says_since_when_an_earlier_attempt_may_have_reached_slack_unrecorded(db: Database) -> None:
    line, _, manager = new_line(db)
    nudge = owe(db, line, manager)
    with db.session() as session:
        first = store.claim_to_send(session, nudge, NOW)
    assert first == store.Claim(1, None)  # a first attempt: nothing to look for
    later = NOW + CLAIM_LEASE + timedelta(seconds=1)
    with db.session() as session:  # its sweeper died: the next claim is told when the first began
        assert store.claim_to_send(session, nudge, later) == store.Claim(2, NOW)
    with db.session() as session:  # Slack did not answer: still unknown, still since then
        assert store.mark_retry(session, nudge, 2, error="timeout", not_before=later, unconfirmed=True)
        assert store.claim_to_send(session, nudge, later) == store.Claim(3, NOW)
    with db.session() as session:  # Slack answered with an error: nothing was posted, a fresh start
        assert store.mark_retry(session, nudge, 3, error="internal_error", not_before=later)
        assert store.claim_to_send(session, nudge, later) == store.Claim(4, None)
        assert store.mark_sent(session, nudge, 4, channel="DUBOSS", ts="1.1", now=later)
    with db.session() as session:  # sent, then snoozed: its resend is a new message, not a lost one
        assert store.snooze(session, nudge, later + timedelta(hours=2), None)
        assert store.claim_to_send(session, nudge, later + timedelta(hours=2)) == store.Claim(5, None)


def test_a_live_lease_is_not_claimable_and_an_expired_one_is(db: Database) -> None:
    line, _, manager = new_line(db)
    nudge = owe(db, line, manager)
    with db.session() as session:
        first = store.claim(session, nudge, NOW)
    assert first == 1
    with db.session() as session:
        assert store.claim(session, nudge, NOW + CLAIM_LEASE - timedelta(seconds=1)) is None
    with db.session() as session:
        second = store.claim(session, nudge, NOW + CLAIM_LEASE + timedelta(seconds=1))
    assert second == 2
    # The first sweeper, back from the dead, cannot record anything: its attempt is no longer the claim.
    with db.session() as session:
        assert not store.mark_sent(session, nudge, first, channel="DUBOSS", ts="1.1", now=NOW)
        assert store.mark_sent(session, nudge, second, channel="DUBOSS", ts="1.2", now=NOW)
    sent = row(db, nudge)
    assert (sent.status, sent.ts, sent.lease_until) == (NudgeStatus.SENT, "1.2", None)


def test_a_pending_nudge_waits_for_its_not_before(db: Database) -> None:
    line, _, manager = new_line(db)
    nudge = owe(db, line, manager)
    with db.session() as session:
        store.defer(session, {nudge: store.Later(NOW + timedelta(hours=3))})
        store.defer(session, {nudge: store.Later(NOW + timedelta(hours=1))})  # never moves a nudge earlier
        assert store.deliverable(session, NOW + timedelta(hours=2), 10) == []
        assert store.claim(session, nudge, NOW + timedelta(hours=2)) is None
        assert [d.id for d in store.deliverable(session, NOW + timedelta(hours=3), 10)] == [nudge]


def test_a_failed_send_waits_with_its_error_then_is_claimable_again(db: Database) -> None:
    line, _, manager = new_line(db)
    nudge = owe(db, line, manager)
    with db.session() as session:
        attempt = store.claim(session, nudge, NOW)
    assert attempt is not None
    with db.session() as session:
        assert store.mark_retry(session, nudge, attempt, error="ratelimited", not_before=NOW + timedelta(minutes=5))
    waiting = row(db, nudge)
    assert (waiting.status, waiting.last_error) == (NudgeStatus.PENDING, "ratelimited")
    with db.session() as session:
        assert store.claim(session, nudge, NOW + timedelta(minutes=4)) is None
        assert store.claim(session, nudge, NOW + timedelta(minutes=5)) == 2


def test_a_failure_for_good_is_final(db: Database) -> None:
    line, _, manager = new_line(db)
    nudge = owe(db, line, manager)
    with db.session() as session:
        attempt = store.claim(session, nudge, NOW)
        assert attempt is not None
        assert store.mark_failed(session, nudge, attempt, error="account_inactive")
    with db.session() as session:
        assert store.claim(session, nudge, NOW + timedelta(days=30)) is None
    assert row(db, nudge).status == NudgeStatus.FAILED


def test_cancelled_nudges_are_never_claimed(db: Database) -> None:
    line, _, manager = new_line(db)
    one = owe(db, line, manager, NudgeKind.DUE_SOON)
    other = owe(db, line, manager, NudgeKind.EXPERIMENT_ENDED, DUE)
    with db.session() as session:
        assert store.cancel(session, [one]) == 1
        assert store.cancel(session, [one]) == 0
        assert store.cancel_open(session, line) == 1
    with db.session() as session:
        assert store.claim(session, one, NOW) is None
        assert store.claim(session, other, NOW) is None
    assert {row(db, one).status, row(db, other).status} == {NudgeStatus.CANCELLED}


def test_a_cancelled_nudge_owed_again_is_revived_and_a_sent_one_is_not_resent(db: Database) -> None:
    """A conversation logged, then corrected back to the same due date: that date's reminder is owed again."""
    line, _, manager = new_line(db)
    cancelled = owe(db, line, manager, NudgeKind.DUE_SOON)
    sent = owe(db, line, manager, NudgeKind.FIRST_MONTH)
    with db.session() as session:
        attempt = store.claim(session, sent, NOW)
        assert attempt is not None
        assert store.mark_sent(session, sent, attempt, channel="DBOSS", ts="1.2", now=NOW)
        store.cancel(session, [cancelled])
    again = [
        store.NewNudge(line, NudgeKind.DUE_SOON, DUE, Audience.MANAGER, manager),
        store.NewNudge(line, NudgeKind.FIRST_MONTH, DUE, Audience.MANAGER, manager),
    ]
    with db.session() as session:
        assert store.enqueue(session, again, NOW + timedelta(days=1)) == 1
    assert row(db, cancelled).status == NudgeStatus.PENDING
    assert row(db, sent).status == NudgeStatus.SENT


def test_snooze_only_from_sent(db: Database) -> None:
    line, _, manager = new_line(db)
    nudge = owe(db, line, manager)
    week = NOW + timedelta(days=7)
    with db.session() as session:
        assert not store.snooze(session, nudge, week, date(2026, 12, 9))  # pending: not sent yet
        attempt = store.claim(session, nudge, NOW)
        assert attempt is not None
        assert not store.snooze(session, nudge, week, date(2026, 12, 9))  # being sent
        store.mark_sent(session, nudge, attempt, channel="DUBOSS", ts="1.1", now=NOW)
    with db.session() as session:
        assert store.snooze(session, nudge, week, date(2026, 12, 9))
    with db.session() as session:
        assert not store.snooze(session, nudge, week, date(2026, 12, 9))  # snoozed already
        assert session.get(ReportingLine, line).next_nudge_on == date(2026, 12, 9)  # type: ignore[union-attr]
        assert store.claim(session, nudge, week - timedelta(seconds=1)) is None
        assert store.claim(session, nudge, week) == 2


def test_the_schedule_moves_on_only_from_where_the_sweeper_saw_it(db: Database) -> None:
    line, _, _ = new_line(db)
    with db.session() as session:
        assert store.advance_line(session, line, due_on=DUE, old=STARTED, new=date(2026, 11, 29))
    with db.session() as session:
        # A second sweeper that read the line before the first moved it.
        assert not store.advance_line(session, line, due_on=DUE, old=STARTED, new=date(2026, 11, 29))
        # A conversation moved the due date: a sweeper holding the old one changes nothing.
        assert not store.advance_line(session, line, due_on=date(2027, 3, 1), old=date(2026, 11, 29), new=None)


def test_candidates_are_active_lines_whose_nudge_day_has_come(db: Database) -> None:
    due_line, _, _ = new_line(db, "UONE", "UBOSS")
    with db.session() as session:
        other = builders.active_line(session, "UTWO", "UBOSS", started_on=STARTED, team=TEAM, now=NOW)
        ended = builders.ended_line(session, other, now=NOW).id
    found = [line.id for line in _lines_to_nudge(db, STARTED)]
    assert found == [due_line]
    assert _lines_to_nudge(db, STARTED - timedelta(days=1)) == []
    (line,) = _lines_to_nudge(db, STARTED)
    assert (line.manager, line.next_due_on, line.next_nudge_on, line.first_cycle) == ("UBOSS", DUE, STARTED, True)
    assert ended != due_line


def test_due_lines_are_read_by_their_ids_in_chunks(db: Database) -> None:
    with db.session() as session:
        made = [
            builders.active_line(session, f"UREPORT{n}", "UBOSS", started_on=STARTED - timedelta(days=n % 3), now=NOW)
            for n in range(7)
        ]
        later = builders.active_line(session, "ULATER", "UBOSS", started_on=STARTED + timedelta(days=1), now=NOW)
        ids = store.due_line_ids(session, STARTED)
    assert ids == sorted(line.id for line in made)  # not the line whose day comes later
    read: list[store.DueLine] = []
    for start in range(0, len(ids), 3):
        with db.session() as session:
            read += store.lines_to_nudge(session, STARTED, ids=ids[start : start + 3])
    assert [line.id for line in read] == ids
    with db.session() as session:  # one that is no longer due by the time its chunk is read is left out
        session.execute(update(ReportingLine).where(ReportingLine.id == ids[0]).values(next_nudge_on=DUE))
        assert [line.id for line in store.lines_to_nudge(session, STARTED, ids=[ids[0], later.id])] == []


def test_lines_due_tomorrow_are_left_out_only_where_a_fresh_zone_says_it_is_not_tomorrow_yet(db: Database) -> None:
    tomorrow = STARTED + timedelta(days=1)
    week_ago = NOW - timedelta(days=7)
    managers = {  # manager: (zone, checked at)
        "UFRESH": ("America/New_York", NOW),  # left out
        "USTALE": ("America/New_York", week_ago - timedelta(minutes=1)),  # its zone is asked of Slack first: read
        "UAHEAD": ("Pacific/Auckland", NOW),  # not in the list: read
        "UNONE": (None, None),  # never learnt: read
    }
    lines = {}
    with db.session() as session:
        for manager, (tz, checked) in managers.items():
            person_id = builders.person(session, manager)
            if checked is not None:
                people.set_tz(session, person_id, tz, checked)
            lines[manager] = builders.active_line(session, f"R{manager}", manager, started_on=tomorrow, now=NOW).id
        today = builders.active_line(session, "RTODAY", "UFRESH", started_on=STARTED, now=NOW).id
        not_yet = store.NotYet(tomorrow, ("America/New_York", "Europe/London"), week_ago)
        found = {line.id for line in store.lines_to_nudge(session, tomorrow, not_yet=not_yet)}
    assert found == {lines["USTALE"], lines["UAHEAD"], lines["UNONE"], today}


def _lines_to_nudge(db: Database, through: date) -> list[store.DueLine]:
    with db.session() as session:
        return store.lines_to_nudge(session, through)


def test_experiments_are_asked_about_once(db: Database) -> None:
    line, _, _ = new_line(db)
    with db.session() as session:
        experiments = [
            NewExperiment(ExperimentKind.SHADOWING, "shadow Kim", date(2026, 11, 20)),
            NewExperiment(ExperimentKind.SHADOWING, "lead the retro", date(2026, 11, 20)),
            NewExperiment(ExperimentKind.STRETCH, "x", DUE),
        ]
        builders.held_conversation(session, line, STARTED, experiments=experiments, now=NOW)
    with db.session() as session:
        (group,) = store.experiments_to_ask(session, date(2026, 11, 23))
        assert (group.line_id, group.ends_on, len(group.experiment_ids)) == (line, date(2026, 11, 20), 2)
        assert store.mark_asked(session, group.experiment_ids, NOW) == set(group.experiment_ids)
    with db.session() as session:
        assert store.mark_asked(session, group.experiment_ids, NOW) == set()
        assert store.experiments_to_ask(session, date(2026, 11, 23)) == []
        shown = store.ended_experiments(session, line, date(2026, 11, 20))
    assert [e.what for e in shown] == ["shadow Kim", "lead the retro"]


def test_delivery_candidates_include_orphaned_claims_only_once_their_lease_ran_out(db: Database) -> None:
    line, _, manager = new_line(db)
    nudge = owe(db, line, manager)
    with db.session() as session:
        store.claim(session, nudge, NOW)
    with db.session() as session:
        assert store.deliverable(session, NOW + CLAIM_LEASE, 10) == []
        (orphan,) = store.deliverable(session, NOW + CLAIM_LEASE + timedelta(seconds=1), 10)
    assert (orphan.recipient, orphan.line_active, orphan.line_due_on) == ("UBOSS", True, DUE)


def test_a_persons_time_zone_is_cached_with_when_it_was_checked(db: Database) -> None:
    _, report, _ = new_line(db)
    with db.session() as session:
        assert people.get_tz(session, report) == people.CachedTz(None, None)
        people.set_tz(session, report, "Pacific/Auckland", NOW)
    with db.session() as session:
        assert people.get_tz(session, report) == people.CachedTz("Pacific/Auckland", NOW)
        assert people.get_tz(session, 10_000) is None


def test_the_nudges_still_to_be_sent_are_counted_up_to_a_cap(db: Database) -> None:
    with db.session() as session:
        assert store.count_unsent(session, 100) == 0
        line = builders.active_line(session, "UREPORT", "UBOSS", started_on=STARTED, team=TEAM, now=NOW)
        other = builders.active_line(session, "UREPORT2", "UBOSS", started_on=STARTED, team=TEAM, now=NOW)
        builders.nudge(session, line, NudgeKind.FIRST_MONTH, NudgeStatus.SENT)
        builders.nudge(session, line, NudgeKind.FIRST_MONTH, NudgeStatus.FAILED, audience=Audience.REPORT)
        builders.nudge(session, line, NudgeKind.DUE_SOON, NudgeStatus.CANCELLED, audience=Audience.REPORT)
        builders.nudge(session, line, NudgeKind.DUE_SOON, NudgeStatus.SENDING)  # claimed, not sent yet
        builders.nudge(session, other, NudgeKind.FIRST_MONTH, NudgeStatus.PENDING)
        builders.nudge(session, other, NudgeKind.FIRST_MONTH, NudgeStatus.PENDING, audience=Audience.REPORT)
    with db.session() as session:
        assert store.count_unsent(session, 100) == 3
        assert store.count_unsent(session, 2) == 2  # however long the queue, a scrape reads at most the cap
