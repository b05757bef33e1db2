"""The sweep's world for its tests and fault drills: a database, a fake Slack, the injected clock and the
bot's settings pointing at that Slack; reporting lines built in it, sweeps run at chosen instants."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from slack_sdk import WebClient
from sqlalchemy import select

from bot.jobs.sweep import Sweep, SweepReport
from bot.settings import Settings
from bot.slack.client import build_web_client
from storage.db import Database
from storage.models import Nudge
from tests import builders
from tests.clock import Clock, PaceTimer
from tests.fakeslack import Call, FakeSlack


@dataclass
class World:
    db: Database
    slack: FakeSlack
    clock: Clock
    settings: Settings
    timer: PaceTimer = field(default_factory=PaceTimer)  # the pace's real time: waits for turns take none

    def client(self, timeout: int | None = None) -> WebClient:
        client = build_web_client(self.settings)
        if timeout is not None:
            client.timeout = timeout
        return client

    def sweep(self, client: WebClient | None = None, *, senders: int = 1) -> Sweep:
        """`senders`: reminders sent at once. One by default, so that Slack's scripted answers meet the reminders
        in queue order; the tests of sending at once ask for more."""
        return Sweep(self.db, client or self.client(), self.settings, self.clock, senders=senders, timer=self.timer)

    def run(self) -> SweepReport:
        return self.sweep().run_once()

    def at(self, moment: datetime) -> SweepReport:
        self.clock.now = moment
        return self.run()

    def line(self, report: str, manager: str, started_on: date, *, tz: dict[str, str] | None = None) -> int:
        """An admin's line from `started_on`; `tz`, the time zones Slack gives people (by user id)."""
        for user, zone_name in (tz or {}).items():
            self.slack.users[user] = {"tz": zone_name}
        with self.db.session() as session:
            line = builders.active_line(session, report, manager, started_on=started_on, now=self.clock())
        return line.id

    def nudges(self) -> list[Nudge]:
        with self.db.session() as session:
            rows = list(session.scalars(select(Nudge).order_by(Nudge.id)))
            session.expunge_all()
        return rows


def step(
    world: World, start: datetime, end: datetime, every: timedelta = timedelta(minutes=15)
) -> list[tuple[datetime, Call]]:
    """Sweep at every step from start to end; which message went out at which instant."""
    sent: list[tuple[datetime, Call]] = []
    moment = start
    while moment <= end:
        before = len(world.slack.messages)
        world.at(moment)
        sent += [(moment, call) for call in world.slack.messages[before:]]
        moment += every
    return sent


def make_world(db: Database, slack: FakeSlack, clock: Clock, **env: str) -> World:
    """`env`: further settings, e.g. CAREERPLAN_HOLIDAYS="US"."""
    settings = Settings.from_env(
        {"SLACK_BOT_TOKEN": "xoxb-test", "SLACK_SIGNING_SECRET": "s", "SLACK_API_URL": slack.url, **env}
    )
    return World(db, slack, clock, settings)
