"""Time in tests: the injected clock."""

from __future__ import annotations

from datetime import datetime, timedelta


class Clock:
    """An injected clock: tests move time, nothing sleeps."""

    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **kwargs: float) -> None:
        self.now += timedelta(**kwargs)
