"""Turns to send: one DM a second per conversation, the workspace's pace shared by every sweeper, a 429 holding
every sender, and a turn too far off given back rather than waited for. The pace's real time is a PaceTimer:
waiting moves it on at once."""

from __future__ import annotations

from itertools import pairwise

from bot.jobs.pace import CONVERSATION_GAP, LONGEST_WAIT, WORKSPACE_BURST, Later, Pace
from storage.db import Database
from tests.clock import PaceTimer

PER_MINUTE = 600  # one DM every 0.1 s


def sends(pace: Pace, timer: PaceTimer, *conversations: str) -> list[float]:
    """When each DM goes, its turn taken as a sender takes it."""
    moments = []
    for conversation in conversations:
        assert pace.take_turn("T1", conversation) is None
        moments.append(timer.time())
    return moments


def test_two_dms_to_one_person_go_a_second_apart_and_others_are_not_held_up(db: Database) -> None:
    timer = PaceTimer()
    start = timer.time()
    moments = sends(Pace(db, timer, PER_MINUTE), timer, "U1", "U2", "U1")
    assert moments[:2] == [start, start]  # two people, within the workspace's burst
    assert moments[2] - moments[0] >= CONVERSATION_GAP


def test_past_its_burst_a_workspace_sends_at_its_pace_whichever_sweeper_sends(db: Database) -> None:
    timer = PaceTimer()
    start = timer.time()
    first, second = Pace(db, timer, PER_MINUTE), Pace(db, timer, PER_MINUTE)  # two sweepers, one database
    moments = [sends(sweeper, timer, f"U{n}")[0] for n, sweeper in enumerate([first, second] * 10)]
    assert moments[:WORKSPACE_BURST] == [start] * WORKSPACE_BURST
    gaps = [later - earlier for earlier, later in pairwise(moments[WORKSPACE_BURST - 1 :])]
    assert all(abs(gap - 0.1) < 1e-6 for gap in gaps)  # 600 a minute, the two together


def test_a_429_holds_every_sender_of_the_workspace_for_its_retry_after(db: Database) -> None:
    timer = PaceTimer()
    first, second = Pace(db, timer, PER_MINUTE), Pace(db, timer, PER_MINUTE)
    start = timer.time()
    first.slow_down("T1", 10)
    assert sends(second, timer, "U1")[0] >= start + 10  # the other sweeper waits too
    assert sends(second, timer, "U2")[0] >= start + 10.1  # and no burst right after the hold
    assert first.take_turn("T2", "U1") is None and timer.time() < start + 10.2 + 1e-6  # other workspaces go on


def test_a_turn_too_far_off_is_not_waited_for(db: Database) -> None:
    timer = PaceTimer()
    pace = Pace(db, timer, PER_MINUTE)
    pace.slow_down("T1", LONGEST_WAIT + 30)
    later = pace.take_turn("T1", "U1")
    assert isinstance(later, Later) and later.workspace and later.seconds > LONGEST_WAIT
    assert timer.waits == []  # not a moment waited
