"""The scheduler inside `careerplan run`: one APScheduler job that sweeps for due nudges every few minutes.

It keeps no state of its own (the sweep reads the tables), so restarting the bot or running several copies
loses and doubles nothing. The job runs at start, then every `settings.sweep_minutes`; a slow pass delays
the next one rather than overlapping it, and a pass that fails is logged and the next one runs as usual.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from typing import Final

from apscheduler.schedulers.background import BackgroundScheduler

from bot.jobs.sweep import Sweep
from bot.settings import Settings

log = logging.getLogger("careerplan.scheduler")

JOB_ID: Final = "careerplan.sweep"


def build_scheduler(sweep: Sweep, settings: Settings) -> BackgroundScheduler:
    """A scheduler (not started) with the one sweep job: first run right away, then every sweep_minutes."""
    scheduler = BackgroundScheduler(timezone=UTC)  # type: ignore[no-untyped-call]
    scheduler.add_job(  # type: ignore[no-untyped-call]
        run_sweep,
        "interval",
        args=[sweep],
        minutes=settings.sweep_minutes,
        id=JOB_ID,
        name="sweep for due nudges",
        replace_existing=True,
        coalesce=True,  # runs missed while the machine slept collapse into one
        max_instances=1,  # a slow pass is never overlapped by the next
        misfire_grace_time=int(timedelta(minutes=settings.sweep_minutes).total_seconds()),
        next_run_time=datetime.now(UTC),
    )
    return scheduler


def run_sweep(sweep: Sweep) -> None:
    """One pass; any failure is logged and swallowed, so the scheduler goes on to the next pass.

    Only the exception's type is logged: a database error's message can quote the rows it was given."""
    try:
        sweep.run_once()
    except Exception as exc:
        log.error("sweep failed (%s); the next pass runs as scheduled", type(exc).__name__)
