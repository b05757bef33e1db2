"""Time in tests: the injected clock, and instants written as UTC wall time."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta


class Clock:
    """An injected clock: tests move time, nothing sleeps."""

    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **kwargs: float) -> None:
        self.now += timedelta(**kwargs)


class PaceTimer:
    """Real time as the sweep's pace reads it (bot.jobs.pace.Timer), moved only by its waits: senders that wait
    for their turn move it on at once, so a test never sleeps. `waits` keeps how long each wait was."""

    def __init__(self, start: float = 1_800_000_000.0) -> None:
        self._now = start
        self._lock = threading.Lock()
        self.waits: list[float] = []

    def time(self) -> float:
        with self._lock:
            return self._now

    def sleep(self, seconds: float) -> None:
        with self._lock:
            self._now += seconds
            self.waits.append(seconds)


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    """An instant given as UTC wall time."""
    return datetime(year, month, day, hour, minute, tzinfo=UTC)
