"""Delivery at Slack's pace: a pass sends every reminder due (not a fixed number), a few at once; a 429 holds
every sender, then the pass goes on; one person's reminders take turns with everyone else's; sweepers running at
once send each reminder once and ask Slack for each zone once. The pace's real time is the world's PaceTimer."""

from __future__ import annotations

import threading
from collections import Counter
from datetime import date, timedelta

import pytest

from bot.career.cadence import NudgeStatus
from bot.jobs.pace import LONGEST_WAIT
from bot.jobs.sweep import RETRY_AFTER_LONGEST, Sweep, SweepReport
from storage import people
from storage.db import as_utc
from tests.builders import TEAM
from tests.clock import utc
from tests.fakeslack import Call, FakeResponse, ratelimited
from tests.sweepworld import World

STARTED = date(2026, 11, 23)
MONDAY_10AM_NEW_YORK = utc(2026, 11, 23, 15, 0)


def nudge_id(call: Call) -> int:
    metadata = call.params["metadata"]
    assert metadata["event_type"] == "careerplan_reminder"
    return int(metadata["event_payload"]["nudge_id"])


def lines(world: World, count: int, *, managers: int | None = None) -> None:
    """`count` new lines; `managers`: that many managers share them (each has several reports)."""
    for n in range(count):
        manager = f"U0M{n % managers}" if managers else f"U0M{n}"
        world.line(f"U0R{n}", manager, STARTED)


def test_a_pass_sends_every_reminder_due_however_many_batches_it_takes(world: World) -> None:
    lines(world, 7)
    world.clock.now = MONDAY_10AM_NEW_YORK
    sweep = Sweep(world.db, world.client(), world.settings, world.clock, delivery_batch=3, senders=4, timer=world.timer)
    assert sweep.run_once() == SweepReport(enqueued=14, sent=14)
    assert Counter(map(nudge_id, world.slack.messages)) == {n.id: 1 for n in world.nudges()}


def test_a_429_holds_every_sender_for_its_retry_after_then_the_pass_goes_on(world: World) -> None:
    lines(world, 5)
    world.clock.now = MONDAY_10AM_NEW_YORK
    world.slack.script("chat.postMessage", ratelimited(3))
    started = world.timer.time()
    assert world.sweep(senders=4).run_once() == SweepReport(enqueued=10, sent=10, slowed=1)
    assert world.timer.time() - started >= 3.0
    assert Counter(map(nudge_id, world.slack.messages)) == {n.id: 1 for n in world.nudges()}


def test_one_persons_reminders_take_turns_with_everyone_elses(world: World) -> None:
    lines(world, 6, managers=2)  # two managers, three reports each
    world.clock.now = MONDAY_10AM_NEW_YORK
    assert world.run().sent == 12
    channels = [call.params["channel"] for call in world.slack.messages]
    firsts = {channel: channels.index(channel) for channel in channels}
    seconds = [at for at, channel in enumerate(channels) if at != firsts[channel]]
    assert max(firsts.values()) < min(seconds)  # everyone's first before anyone's second
    assert Counter(channels) == {"U0M0": 3, "U0M1": 3, **{f"U0R{n}": 1 for n in range(6)}}


def test_sweepers_at_once_send_each_reminder_once_and_ask_slack_no_more_than_one_would(world: World) -> None:
    lines(world, 24, managers=6)
    world.clock.now = MONDAY_10AM_NEW_YORK
    sweeps = [world.sweep(senders=3) for _ in range(3)]
    start = threading.Barrier(len(sweeps))
    reports: list[SweepReport] = []

    def sweep_once(sweep: Sweep) -> None:
        start.wait()
        reports.append(sweep.run_once())

    threads = [threading.Thread(target=sweep_once, args=(sweep,)) for sweep in sweeps]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert sum(report.enqueued for report in reports) == 48
    assert sum(report.sent for report in reports) == 48
    assert Counter(map(nudge_id, world.slack.messages)) == {n.id: 1 for n in world.nudges()}
    zone_lookups = Counter(call.params["user"] for call in world.slack.calls_to("users.info"))
    assert zone_lookups == {**{f"U0M{n}": 1 for n in range(6)}, **{f"U0R{n}": 1 for n in range(24)}}  # as one would


def test_a_zone_another_sweeper_is_asking_for_is_not_asked_again(world: World) -> None:
    world.line("U0REPORT", "U0BOSS", STARTED, tz={"U0BOSS": "America/New_York"})
    world.clock.now = MONDAY_10AM_NEW_YORK
    with world.db.session() as session:
        boss = people.find_person_id(session, TEAM, "U0BOSS")
        assert boss is not None
        # Another sweeper holds the asking: this one neither asks nor decides on a zone it does not know.
        now = world.clock()
        assert people.claim_zone_lookups(session, [boss], now, now + timedelta(minutes=2), stale_before=now) == {boss}
    assert world.run().sent == 1  # the report's invitation; their manager's waits for the zone
    assert [c.params["user"] for c in world.slack.calls_to("users.info")].count("U0BOSS") == 0
    world.clock.now += timedelta(minutes=5)  # the other sweeper's hold is over (it died, say)
    assert world.run().sent == 1
    assert "U0BOSS" in [c.params["user"] for c in world.slack.calls_to("users.info")]


def test_a_turn_too_far_off_gives_the_reminders_back_untouched_and_the_pass_stops_sending(world: World) -> None:
    lines(world, 3)
    world.clock.now = MONDAY_10AM_NEW_YORK
    sweep = world.sweep(senders=2)
    sweep.pace.slow_down(TEAM, LONGEST_WAIT + 60)  # Slack asked another sweeper to wait a minute and a half
    report = sweep.run_once()
    assert (report.enqueued, report.sent) == (6, 0)
    assert world.slack.messages == []
    owed = world.nudges()
    assert {n.status for n in owed} == {NudgeStatus.PENDING.value}
    assert all(n.attempts == 0 and n.unconfirmed_since is None for n in owed)  # as if never claimed
    # Those the senders had taken wait for their turn; the others were never taken: the pass stopped sending.
    later = [n for n in owed if as_utc(n.not_before) > MONDAY_10AM_NEW_YORK + timedelta(seconds=LONGEST_WAIT)]
    assert len(later) in (1, 2)
    world.timer.sleep(LONGEST_WAIT + 60)
    world.clock.now += timedelta(minutes=5)
    assert world.run().sent == 6


@pytest.mark.parametrize("retry_after", ["nan", "inf", "1e20", "-5", "soon"])
def test_a_malformed_retry_after_neither_breaks_the_pass_nor_holds_the_reminders_for_ever(
    world: World, retry_after: str
) -> None:
    lines(world, 2)
    world.clock.now = MONDAY_10AM_NEW_YORK
    world.slack.script(
        "chat.postMessage",
        FakeResponse(status=429, headers={"Retry-After": retry_after}, body={"ok": False, "error": "ratelimited"}),
    )
    assert world.run().slowed == 1
    world.timer.sleep(RETRY_AFTER_LONGEST.total_seconds())
    world.clock.now += RETRY_AFTER_LONGEST + timedelta(minutes=5)
    world.run()
    assert Counter(map(nudge_id, world.slack.messages)) == {n.id: 1 for n in world.nudges()}
