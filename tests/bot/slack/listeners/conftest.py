"""A running bot for listener tests: the real app, served over HTTP, talking to a fake Slack."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from bot.settings import Settings
from bot.slack.app import create_app
from storage.db import Database
from tests.botserver import serving
from tests.clock import Clock
from tests.fakeslack import FakeSlack
from tests.slackbot import SECRET, Bot
from tests.slackhttp import SlackSender


@pytest.fixture
def fake_slack() -> Iterator[FakeSlack]:
    with FakeSlack() as slack:
        yield slack


@pytest.fixture
def bot(db: Database, clock: Clock, fake_slack: FakeSlack) -> Iterator[Bot]:
    settings = Settings.from_env(
        {"SLACK_BOT_TOKEN": "xoxb-test", "SLACK_SIGNING_SECRET": SECRET, "SLACK_API_URL": fake_slack.url}
    )
    app = create_app(settings, db, clock=clock)
    with serving(app) as url:
        yield Bot(fake_slack, SlackSender(url + "/slack/events", SECRET), db, clock, url, app)
