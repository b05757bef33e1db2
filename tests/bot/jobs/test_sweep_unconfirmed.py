"""A reminder that may have reached Slack without being recorded (its sweeper died, the database went, Slack
did not answer in time) is looked for in that one DM, by the nudge id in its message metadata, before it is
sent again: found, it is recorded as sent; Slack not letting us look now, it waits; Slack never letting us
look (an app not reinstalled with im:history), it is sent again as before, and the log says so once.

Here Slack posts a DM but answers after the client's timeout: the sweep hears nothing, as a dead one would.
tests/bot/jobs/test_sweep_faults.py and tests/e2e/test_sweep_crash.py drill the lost database and the kill.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import date, timedelta

import pytest

from bot.career.cadence import Audience, NudgeStatus
from bot.jobs.sweep import HISTORY_PAGE, SweepReport
from storage.db import Database
from tests.clock import Clock, utc
from tests.fakeslack import FakeResponse, FakeSlack, ratelimited
from tests.sweepworld import World, make_world

STARTED = date(2026, 11, 23)
MONDAY_10AM_NEW_YORK = utc(2026, 11, 23, 15, 0)
RETRIED = MONDAY_10AM_NEW_YORK + timedelta(minutes=5)  # the first retry's delay
POSTED_UNHEARD = FakeResponse(delay=3.0, takes_effect=True)  # Slack posts it; the sweep (timeout 1 s) hears nothing
TIMED_OUT = FakeResponse(delay=3.0)  # never posted, and the sweep hears nothing either


@pytest.fixture
def world(db: Database, clock: Clock) -> Iterator[World]:
    with FakeSlack() as slack:
        slack.clock = clock  # Slack's ts read the same clock as the bot, as in life within seconds
        yield make_world(db, slack, clock)


def boss_nudge(world: World) -> int:
    (nudge,) = [n.id for n in world.nudges() if n.audience == Audience.MANAGER.value]
    return nudge


def first_pass_unheard(world: World, *answers: FakeResponse) -> SweepReport:
    """The 10 a.m. pass, whose first DM(s) get `answers` and the sweep's client a 1 s timeout."""
    world.slack.script("chat.postMessage", *answers)
    world.clock.now = MONDAY_10AM_NEW_YORK
    return world.sweep(world.client(timeout=1)).run_once()


def test_a_fresh_reminder_carries_only_its_nudge_id_and_reads_no_history(world: World) -> None:
    world.line("U0REPORT", "U0BOSS", STARTED)
    assert world.at(MONDAY_10AM_NEW_YORK) == SweepReport(enqueued=2, sent=2)
    by_person = {call.params["channel"]: call.params["metadata"] for call in world.slack.messages}
    assert by_person["U0BOSS"] == {
        "event_type": "careerplan_reminder",
        "event_payload": {"nudge_id": boss_nudge(world)},
    }
    assert all(set(metadata["event_payload"]) == {"nudge_id"} for metadata in by_person.values())
    assert world.slack.calls_to("conversations.history") == world.slack.calls_to("conversations.open") == []


def test_a_dm_slack_posted_unheard_is_found_by_its_metadata_and_not_sent_again(world: World) -> None:
    world.line("U0REPORT", "U0BOSS", STARTED)
    assert first_pass_unheard(world, POSTED_UNHEARD) == SweepReport(enqueued=2, sent=1, retried=1)
    (posted,) = world.slack.messages_to("U0BOSS")

    assert world.at(RETRIED) == SweepReport()  # found: recorded, not sent again
    assert world.at(RETRIED + timedelta(hours=1)) == SweepReport()
    assert len(world.slack.messages_to("U0BOSS")) == 1
    (boss,) = [n for n in world.nudges() if n.id == boss_nudge(world)]
    assert (boss.status, boss.channel, boss.last_error) == (NudgeStatus.SENT.value, "DU0BOSS", None)
    assert boss.ts == world.slack.screen("U0BOSS").dm[0]["ts"]  # so its buttons and snooze find that DM
    (history,) = world.slack.calls_to("conversations.history")
    # That one DM, from (a little before) the first try to (a little after) now, metadata included.
    assert history.params["channel"] == "DU0BOSS"
    assert float(history.params["oldest"]) <= MONDAY_10AM_NEW_YORK.timestamp()
    assert float(history.params["latest"]) >= RETRIED.timestamp()
    assert float(history.params["oldest"]) >= (MONDAY_10AM_NEW_YORK - timedelta(minutes=5)).timestamp()
    assert history.params["include_all_metadata"] in (True, "1", "true")
    assert posted.params["metadata"]["event_payload"] == {"nudge_id": boss.id}


def test_another_reminder_in_the_same_dm_is_not_taken_for_the_lost_one(world: World) -> None:
    # Two reports, one manager: the first DM to them times out unposted, the second is posted.
    world.line("U0R1", "U0BOSS", STARTED)
    world.line("U0R2", "U0BOSS", STARTED)
    first_pass_unheard(world, TIMED_OUT)
    assert len(world.slack.messages_to("U0BOSS")) == 1

    assert world.at(RETRIED).sent == 1  # the other reminder's metadata names another nudge: this one goes
    sent = [call.params["metadata"]["event_payload"]["nudge_id"] for call in world.slack.messages_to("U0BOSS")]
    assert len(sent) == len(set(sent)) == 2  # each of the two reminders, once
    assert {n.status for n in world.nudges()} == {NudgeStatus.SENT.value}


def test_the_lost_dm_is_found_past_a_first_page_of_history(world: World) -> None:
    world.line("U0REPORT", "U0BOSS", STARTED)
    first_pass_unheard(world, POSTED_UNHEARD)
    chatty = world.client()
    for n in range(HISTORY_PAGE + 20):  # other messages in that DM since (exports, notes): newer, so first
        chatty.chat_postMessage(channel="U0BOSS", text=f"note {n}")

    assert world.at(RETRIED) == SweepReport()
    assert len(world.slack.calls_to("conversations.history")) == 2  # the cursor led to the second page
    assert len([c for c in world.slack.messages_to("U0BOSS") if "metadata" in c.params]) == 1


def test_history_rate_limited_holds_the_reminder_for_a_retry_rather_than_risk_a_duplicate(world: World) -> None:
    world.line("U0REPORT", "U0BOSS", STARTED)
    first_pass_unheard(world, POSTED_UNHEARD)
    world.slack.script("conversations.history", ratelimited(0))  # the sweep's client leaves 429s to the sweep

    assert world.at(RETRIED) == SweepReport(retried=1)
    (boss,) = [n for n in world.nudges() if n.id == boss_nudge(world)]
    assert (boss.status, boss.last_error) == (NudgeStatus.PENDING.value, "ratelimited")
    assert len(world.slack.messages_to("U0BOSS")) == 1  # not sent again blind
    assert world.at(RETRIED + timedelta(minutes=30)) == SweepReport()  # looked again: found
    assert len(world.slack.messages_to("U0BOSS")) == 1
    assert {n.status for n in world.nudges()} == {NudgeStatus.SENT.value}


def test_slack_unreachable_for_the_history_holds_the_reminder_too(world: World) -> None:
    world.line("U0REPORT", "U0BOSS", STARTED)
    first_pass_unheard(world, POSTED_UNHEARD)
    world.slack.script("conversations.history", FakeResponse(delay=3.0))
    world.clock.now = RETRIED
    assert world.sweep(world.client(timeout=1)).run_once() == SweepReport(retried=1)
    (boss,) = [n for n in world.nudges() if n.id == boss_nudge(world)]
    assert (boss.status, boss.last_error) == (NudgeStatus.PENDING.value, "timeout")
    assert world.at(RETRIED + timedelta(minutes=30)) == SweepReport()
    assert len(world.slack.messages_to("U0BOSS")) == 1


def test_an_app_without_im_history_sends_again_as_before_and_says_so_once(
    world: World, caplog: pytest.LogCaptureFixture
) -> None:
    for n in range(2):
        world.line(f"U0R{n}", f"U0M{n}", STARTED)
    first_pass_unheard(world, POSTED_UNHEARD, POSTED_UNHEARD)
    missing = FakeResponse(body={"ok": False, "error": "missing_scope", "needed": "im:history"})
    world.slack.script("conversations.history", missing, missing)

    with caplog.at_level(logging.INFO, logger="careerplan.nudges"):
        assert world.at(RETRIED).sent == 2
    # The fallback is the behaviour before the check: those two DMs, and only they, went twice.
    twice = {p for p in ("U0M0", "U0M1", "U0R0", "U0R1") if len(world.slack.messages_to(p)) == 2}
    assert len(twice) == 2 and all(
        len(world.slack.messages_to(p)) == 1 for p in {"U0M0", "U0M1", "U0R0", "U0R1"} - twice
    )
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING and "conversations.history" in r.message]
    assert len(warnings) == 1
    assert "missing_scope" in warnings[0].message and "im:history" in warnings[0].message
    assert {n.status for n in world.nudges()} == {NudgeStatus.SENT.value}
