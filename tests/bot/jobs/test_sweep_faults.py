"""Fault drills for the sweep: the database locked or gone during a pass, and the Slack errors that
tests/bot/jobs/test_sweep.py does not cover (a revoked token, people Slack does not know, users.info timing out).

Whatever fails, a pass gives up cleanly (the scheduler's job logs it and runs again), and the passes after
it deliver every nudge once: nothing lost, nothing doubled.
"""

from __future__ import annotations

import logging
import threading
from collections import Counter
from collections.abc import Iterator
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from bot.career.cadence import CLAIM_LEASE, NudgeStatus
from bot.jobs.scheduler import run_sweep
from bot.jobs.sweep import Sweep, SweepReport
from storage import people
from storage.models import Nudge
from tests.builders import TEAM
from tests.clock import Clock, utc
from tests.databases import BACKENDS
from tests.fakeslack import Call, FakeResponse, FakeSlack
from tests.outage import Outage, outage_database
from tests.sweepworld import World, make_world

EARLY = utc(2026, 11, 23, 12, 0)  # Monday 07:00 in New York (the fake's zone): due today, before working hours
MONDAY_10AM_NEW_YORK = utc(2026, 11, 23, 15, 0)
STARTED = date(2026, 11, 23)  # the lines' first day: both people are owed a "first month" nudge


@pytest.fixture(params=BACKENDS)
def outage(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Outage]:
    # A pass waits out SQLite's busy timeout before it gives up: 0.2 s here rather than 5, same outcome.
    yield from outage_database(request.param, tmp_path_factory, busy_timeout_ms=200)


def per_person(calls: list[Call]) -> Counter[str]:
    return Counter(str(call.params["channel"]) for call in calls)


def everyone(lines: int) -> dict[str, int]:
    return {**{f"U0M{n}": 1 for n in range(lines)}, **{f"U0R{n}": 1 for n in range(lines)}}


# --- the database --------------------------------------------------------------------------------------------


def test_a_pass_without_its_database_gives_up_cleanly_and_the_next_sends_everything_once(
    outage: Outage, clock: Clock, caplog: pytest.LogCaptureFixture
) -> None:
    with FakeSlack() as slack:
        world = make_world(outage.direct, slack, clock)
        for n in range(3):
            world.line(f"U0R{n}", f"U0M{n}", STARTED)
        sweep = Sweep(outage.db, world.client(), world.settings, clock)  # the bot's, through the outage

        clock.now = EARLY
        nothing = outage.snapshot()
        with outage.down(), caplog.at_level(logging.ERROR, logger="careerplan.scheduler"):
            run_sweep(sweep)  # as the scheduler's job runs it: logged, not raised
        assert "sweep failed (OperationalError)" in caplog.text
        assert outage.snapshot() == nothing  # not one line moved on without its nudges
        assert sweep.run_once() == SweepReport(enqueued=6, waiting=6)

        clock.now = MONDAY_10AM_NEW_YORK
        enqueued = outage.snapshot()
        with outage.down():
            run_sweep(sweep)
        assert slack.messages == []
        assert outage.snapshot() == enqueued  # nothing claimed and left behind
        assert sweep.run_once() == SweepReport(sent=6)
        assert per_person(slack.messages) == everyone(3)
        clock.advance(hours=1)
        assert sweep.run_once() == SweepReport()


def test_the_database_lost_after_slack_took_a_message_does_not_send_it_again(
    outage: Outage, clock: Clock, caplog: pytest.LogCaptureFixture
) -> None:
    with FakeSlack() as slack:
        slack.clock = clock  # Slack's ts and the bot's clock agree, as they do within seconds in life
        world = make_world(outage.direct, slack, clock)
        for n in range(3):
            world.line(f"U0R{n}", f"U0M{n}", STARTED)
        sweep = Sweep(outage.db, world.client(), world.settings, clock, senders=1)  # one DM in flight
        clock.now = MONDAY_10AM_NEW_YORK
        # Slack posts the first DM (answering a second later); the database goes before the sweep records it.
        slack.script("chat.postMessage", FakeResponse(delay=1.0, takes_effect=True))
        sweeping = threading.Thread(target=run_sweep, args=(sweep,))
        sweeping.start()
        (in_flight,) = slack.wait_for("chat.postMessage", 1, timeout=30)
        with outage.down(), caplog.at_level(logging.ERROR, logger="careerplan.scheduler"):
            sweeping.join(timeout=60)
        assert not sweeping.is_alive()
        assert "sweep failed (OperationalError)" in caplog.text
        assert len(slack.messages) == 1  # Slack had posted it; the pass stopped there

        clock.advance(minutes=1)
        assert sweep.run_once().sent == 5  # the others; the one in flight is still claimed
        assert slack.calls_to("conversations.history") == []  # no fresh reminder reads its DM back
        clock.now = MONDAY_10AM_NEW_YORK + CLAIM_LEASE + timedelta(minutes=1)
        assert sweep.run_once() == SweepReport()  # found in its DM by its metadata: recorded, not sent again
        assert sweep.run_once() == SweepReport()

        assert per_person(slack.messages) == everyone(3)  # none lost, none twice
        (history,) = slack.calls_to("conversations.history")
        assert history.params["channel"] == "D" + in_flight.params["channel"]  # that one DM, nothing else
        with outage.direct.session() as session:
            assert set(session.scalars(select(Nudge.status))) == {NudgeStatus.SENT.value}


# --- Slack ---------------------------------------------------------------------------------------------------


def test_a_revoked_token_stops_the_pass_and_once_fixed_every_nudge_goes_out_once(world: World) -> None:
    for n in range(3):
        world.line(f"U0R{n}", f"U0M{n}", STARTED)
    assert world.at(EARLY) == SweepReport(enqueued=6, waiting=6)  # time zones learnt, nudges waiting
    revoked = world.client()
    revoked.token = "xoxp-revoked"  # Slack answers invalid_auth to every call
    world.clock.now = MONDAY_10AM_NEW_YORK
    assert world.sweep(revoked).run_once() == SweepReport(retried=1)
    assert len(world.slack.calls_to("chat.postMessage")) == 1  # one refusal stops the pass: not six
    (refused,) = [n for n in world.nudges() if n.last_error]
    assert (refused.status, refused.last_error) == (NudgeStatus.PENDING.value, "invalid_auth")

    # The admin puts a good token back; the refused nudge's retry comes after its delay (5 minutes).
    assert world.at(MONDAY_10AM_NEW_YORK + timedelta(minutes=1)).sent == 5
    assert world.at(MONDAY_10AM_NEW_YORK + timedelta(minutes=5)).sent == 1
    assert per_person(world.slack.messages) == everyone(3)
    assert world.at(MONDAY_10AM_NEW_YORK + timedelta(hours=1)) == SweepReport()


def test_people_slack_says_are_gone_fail_for_good_their_lines_end_and_the_others_are_sent(world: World) -> None:
    for n in range(3):
        world.line(f"U0R{n}", f"U0M{n}", STARTED)
    world.slack.users["U0M1"] = {"__missing__": True}  # users.info: user_not_found
    world.slack.users["U0M2"] = {"tz": "America/New_York", "__inactive__": True}  # chat.postMessage: account_inactive
    report = world.at(MONDAY_10AM_NEW_YORK)
    assert (report.enqueued, report.sent, report.failed) == (6, 2, 2)
    failed = {n.recipient_id: n.last_error for n in world.nudges() if n.status == NudgeStatus.FAILED.value}
    with world.db.session() as session:
        gone, refused = (people.find_person_id(session, TEAM, user) for user in ("U0M1", "U0M2"))
    assert failed == {gone: "user_deleted", refused: "account_inactive"}
    assert "U0M1" not in per_person(world.slack.calls_to("chat.postMessage"))  # never messaged
    # The pair nobody left gets its two reminders; the reports of the two who left hear it once each.
    assert per_person(world.slack.messages) == {"U0M0": 1, "U0R0": 1, "U0R1": 1, "U0R2": 1}
    assert all("has left Slack" in call.params["text"] for call in world.slack.messages_to("U0R1"))
    assert world.at(MONDAY_10AM_NEW_YORK + timedelta(days=7)) == SweepReport()  # never tried again


def test_users_info_timing_out_holds_back_only_the_people_whose_zone_is_unknown(world: World) -> None:
    for n in range(2):
        world.line(f"U0R{n}", f"U0M{n}", STARTED)
    with world.db.session() as session:  # line 1's people were looked up yesterday
        for user in ("U0M1", "U0R1"):
            person = people.find_person_id(session, TEAM, user)
            assert person is not None
            people.set_tz(session, person, "America/New_York", MONDAY_10AM_NEW_YORK - timedelta(days=1))
    world.slack.script("users.info", FakeResponse(delay=3.0))  # answered after the client's timeout
    world.clock.now = MONDAY_10AM_NEW_YORK
    report = world.sweep(world.client(timeout=1)).run_once()
    assert (report.enqueued, report.sent, report.failed) == (4, 2, 0)
    assert len(world.slack.calls_to("users.info")) == 1  # Slack is slow: not asked again this pass
    assert per_person(world.slack.messages) == {"U0M1": 1, "U0R1": 1}

    assert world.at(MONDAY_10AM_NEW_YORK + timedelta(minutes=5)).sent == 2
    assert per_person(world.slack.messages) == everyone(2)
    assert {n.status for n in world.nudges()} == {NudgeStatus.SENT.value}


def test_a_revoked_token_does_not_make_the_bot_forget_peoples_time_zones(world: World) -> None:
    world.line("U0R0", "U0M0", STARTED, tz={"U0M0": "America/Los_Angeles", "U0R0": "America/Los_Angeles"})
    revoked = world.client()
    revoked.token = "xoxp-revoked"
    world.clock.now = utc(2026, 11, 23, 10, 0)  # 02:00 in Los Angeles, 10:00 UTC
    world.sweep(revoked).run_once()
    # The token is fixed ten minutes later: still night in Los Angeles.
    world.at(utc(2026, 11, 23, 10, 10))
    assert world.slack.messages == []
    assert world.at(utc(2026, 11, 23, 17, 0)).sent == 2  # 09:00 in Los Angeles
