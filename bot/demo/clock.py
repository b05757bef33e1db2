"""The demo's time: the bot's injected clock, which the page moves (never the machine's), and a way to know when
the bot has finished the work it does after answering Slack."""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any, ParamSpec, TypeVar

# Mid-afternoon in UTC is inside working hours from New York (morning) to Berlin (afternoon), where the demo's
# people are: reminders go out on the day the clock reaches.
DEMO_TIME_OF_DAY = time(14, 30, tzinfo=UTC)

_P = ParamSpec("_P")
_T = TypeVar("_T")


def demo_start(today: date) -> datetime:
    """Where a new demo's clock starts: `today` (the next Monday if it is a weekend) at DEMO_TIME_OF_DAY."""
    while today.weekday() >= 5:
        today += timedelta(days=1)
    return datetime.combine(today, DEMO_TIME_OF_DAY)


class DemoClock:
    """A clock the bot reads (call it) and the page moves; kept in `path` (a JSON file), so a demo resumes where it
    was."""

    def __init__(self, path: Path, start: datetime) -> None:
        self._path = path
        self._lock = threading.Lock()
        self._now = _read(path) or start

    def __call__(self) -> datetime:
        with self._lock:
            return self._now

    def advance(self, delta: timedelta) -> datetime:
        with self._lock:
            self._now += delta
            self._save()
            return self._now

    def jump_to(self, day: date) -> datetime:
        """To `day` at the demo's time of day; never backwards (the bot's records only move forwards)."""
        with self._lock:
            target = datetime.combine(day, DEMO_TIME_OF_DAY)
            if target > self._now:
                self._now = target
                self._save()
            return self._now

    def _save(self) -> None:
        fd = os.open(self._path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump({"now": self._now.isoformat()}, f)


def _read(path: Path) -> datetime | None:
    try:
        raw: Any = json.loads(path.read_text(encoding="utf-8"))
        now = datetime.fromisoformat(str(raw["now"]))
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return now if now.tzinfo is not None else now.replace(tzinfo=UTC)


class IdleTracker(ThreadPoolExecutor):
    """The bot's listener pool, counting the work in flight: `wait_idle()` returns once all of it is done, so the
    page shows what a click did (the modal opened, the DM sent) without guessing how long it takes."""

    def __init__(self, max_workers: int = 5) -> None:
        super().__init__(max_workers=max_workers, thread_name_prefix="careerplan-demo-listener")
        self._busy = 0
        self._idle = threading.Condition()

    def submit(self, fn: Callable[_P, _T], /, *args: _P.args, **kwargs: _P.kwargs) -> Future[_T]:
        with self._idle:
            self._busy += 1
        future = super().submit(fn, *args, **kwargs)
        future.add_done_callback(self._done)
        return future

    def _done(self, _future: Future[Any]) -> None:
        with self._idle:
            self._busy -= 1
            self._idle.notify_all()

    def wait_idle(self, timeout: float = 10.0) -> bool:
        with self._idle:
            return self._idle.wait_for(lambda: self._busy == 0, timeout=timeout)
