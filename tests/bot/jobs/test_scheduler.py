"""The scheduler inside `careerplan run`: one sweep job, first right away, never overlapping, surviving failures."""

from __future__ import annotations

import logging
import threading
from datetime import UTC, datetime, timedelta

import pytest
from slack_sdk import WebClient

from bot.jobs.scheduler import JOB_ID, build_scheduler, run_sweep
from bot.jobs.sweep import Sweep, SweepReport
from bot.settings import Settings, SettingsError
from storage.db import Database

ENV = {"SLACK_BOT_TOKEN": "xoxb-test", "SLACK_SIGNING_SECRET": "s", "SLACK_API_URL": "http://127.0.0.1:9/api/"}


class CountingSweep(Sweep):
    """A sweep whose passes are counted (and fail when told to), with no Slack behind it."""

    def __init__(self, db: Database, settings: Settings, *, fail: bool = False) -> None:
        super().__init__(db, WebClient(token="xoxb-test", base_url=settings.slack_api_url), settings)
        self.fail = fail
        self.passes = 0
        self.ran = threading.Event()

    def run_once(self) -> SweepReport:
        self.passes += 1
        self.ran.set()
        if self.fail:
            raise ValueError("the goal 'Become CTO' leaked")  # an answer must never reach the logs
        return SweepReport()


@pytest.fixture
def settings() -> Settings:
    return Settings.from_env({**ENV, "CAREERPLAN_SWEEP_MINUTES": "7"})


@pytest.fixture
def sweep(db: Database, settings: Settings) -> CountingSweep:
    return CountingSweep(db, settings)


def test_one_sweep_job_every_sweep_minutes_never_overlapping(sweep: CountingSweep, settings: Settings) -> None:
    scheduler = build_scheduler(sweep, settings)
    (job,) = scheduler.get_jobs()  # type: ignore[no-untyped-call]
    assert job.id == JOB_ID
    assert job.trigger.interval == timedelta(minutes=7)
    assert job.coalesce is True and job.max_instances == 1
    assert abs(job.next_run_time - datetime.now(UTC)) < timedelta(seconds=5)  # first run right away


def test_the_first_pass_runs_as_soon_as_the_scheduler_starts(sweep: CountingSweep, settings: Settings) -> None:
    scheduler = build_scheduler(sweep, settings)
    scheduler.start()  # type: ignore[no-untyped-call]
    try:
        assert sweep.ran.wait(timeout=10)
    finally:
        scheduler.shutdown(wait=True)  # type: ignore[no-untyped-call]
    assert sweep.passes == 1  # the next one is 7 minutes away


def test_a_failing_pass_is_logged_without_its_message_and_the_job_stays(
    db: Database, settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    failing = CountingSweep(db, settings, fail=True)
    with caplog.at_level(logging.ERROR, logger="careerplan.scheduler"):
        run_sweep(failing)  # does not raise
    assert "sweep failed (ValueError)" in caplog.text
    assert "Become CTO" not in caplog.text
    scheduler = build_scheduler(failing, settings)
    scheduler.start()  # type: ignore[no-untyped-call]
    try:
        assert failing.ran.wait(timeout=10)
        job = scheduler.get_job(JOB_ID)  # type: ignore[no-untyped-call]
        assert job is not None and job.next_run_time > datetime.now(UTC)  # the next pass is still planned
    finally:
        scheduler.shutdown(wait=True)  # type: ignore[no-untyped-call]


def test_sweep_minutes_default_to_5_and_must_be_1_to_60() -> None:
    assert Settings.from_env(ENV).sweep_minutes == 5
    assert Settings.from_env({**ENV, "CAREERPLAN_SWEEP_MINUTES": "60"}).sweep_minutes == 60
    for bad in ("0", "61", "five"):
        with pytest.raises(SettingsError, match="CAREERPLAN_SWEEP_MINUTES must be a whole number from 1 to 60"):
            Settings.from_env({**ENV, "CAREERPLAN_SWEEP_MINUTES": bad})
