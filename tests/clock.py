"""Time in tests: the injected clock, and instants written as UTC wall time."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta


class Clock:
    """An injected clock: tests move time, nothing sleeps."""

    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **kwargs: float) -> None:
        self.now += timedelta(**kwargs)


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    """An instant given as UTC wall time."""
    return datetime(year, month, day, hour, minute, tzinfo=UTC)
