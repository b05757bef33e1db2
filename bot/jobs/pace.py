"""Sending at Slack's pace: every sweeper, in every process, books each DM's turn in the database first.

Slack lets an app post about one message a second to a conversation, and several hundred a minute to a
workspace, with short bursts (FACTS.md §4). A sender books its message's turn in its conversation, then in its
workspace (storage.pace, one upsert each), waits for it, and sends. A 429 holds the whole workspace for its
`Retry-After`, for this process's senders at once and for the others through the booked mark, as Slack's docs
ask: one 429 slows every sender.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from typing import Final, Protocol

from storage import pace as store
from storage.db import Database

CONVERSATION_GAP: Final = 1.0  # seconds between two DMs to one person (Slack: about one message a second)
WORKSPACE_BURST: Final = 5  # DMs a workspace may send at once before its pace applies ("short bursts")
# A turn further off than this is not waited for (the DM goes back to the queue): a long Retry-After, or one
# person owed many DMs at once.
LONGEST_WAIT: Final = 30.0
FORGET_AFTER: Final = 60.0  # marks this far behind are dropped at the end of a pass (one row per DM'd person)


class Timer(Protocol):
    """Real time for the pace (shared between processes through the database), and a wait on it."""

    def time(self) -> float: ...

    def sleep(self, seconds: float) -> None: ...


class WallTimer:
    """The machine's clock; a wait ends early when the sweep is told to stop."""

    def __init__(self, stopping: threading.Event) -> None:
        self._stopping = stopping

    def time(self) -> float:
        return time.time()

    def sleep(self, seconds: float) -> None:
        self._stopping.wait(seconds)


@dataclass(frozen=True)
class Later:
    """A DM's turn is too far off to wait for: `seconds` from now, in its workspace (every DM of it would wait as
    long) or only in its conversation."""

    seconds: float
    workspace: bool


class Pace:
    """The turns of one sweeper's senders (threads), in step with every other sweeper's."""

    def __init__(self, db: Database, timer: Timer, per_minute: int) -> None:
        self.db = db
        self.timer = timer
        self.interval = 60.0 / per_minute
        self.tolerance = (WORKSPACE_BURST - 1) * self.interval
        self._lock = threading.Lock()
        self._held: dict[str, float] = {}  # workspace -> until when a 429 seen in this process holds it
        self._booked = False  # a turn was booked since the last tidy

    def take_turn(self, team_id: str, conversation: str) -> Later | None:
        """Wait for a DM's turn in its conversation, then in its workspace: None once it may be sent. A turn further
        off than LONGEST_WAIT is not waited for: when it is."""
        self._booked = True
        now = self.timer.time()
        with self.db.session() as session:
            at = store.book(session, f"{team_id}/{conversation}", now, CONVERSATION_GAP, 0.0)
        if at - now > LONGEST_WAIT:
            return Later(at - now, workspace=False)
        self._wait_until(at)
        while True:
            now = self.timer.time()
            with self.db.session() as session:
                at = store.book(session, team_id, now, self.interval, self.tolerance)
            if at - now > LONGEST_WAIT:
                return Later(at - now, workspace=True)
            self._wait_until(at)
            with self._lock:
                held = self._held.get(team_id, 0.0)
            if held <= self.timer.time():
                return None
            # Another sender of ours met a 429 while this one waited: book again, after the hold.

    def slow_down(self, team_id: str, seconds: float) -> None:
        """Slack answered 429: no DM to the workspace for `seconds`, from any sender."""
        until = self.timer.time() + max(seconds, 0.0)
        with self._lock:
            self._held[team_id] = max(self._held.get(team_id, 0.0), until)
        with self.db.session() as session:
            store.hold_until(session, team_id, until, self.tolerance)

    def tidy(self) -> None:
        """Drop the marks that no longer hold anyone back (called at the end of a pass that sent; an idle pass,
        every few minutes all day, writes nothing)."""
        if not self._booked:
            return
        self._booked = False
        with self.db.session() as session:
            store.forget_before(session, self.timer.time() - FORGET_AFTER)

    def _wait_until(self, moment: float) -> None:
        wait = moment - self.timer.time()
        if wait > 0:
            self.timer.sleep(wait)
