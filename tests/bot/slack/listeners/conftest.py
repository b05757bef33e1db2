"""A running bot for listener tests: the real app, served over HTTP, talking to a fake Slack."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest

from bot.settings import Settings
from bot.slack import ids
from bot.slack.app import create_app
from storage.db import Database
from tests.botserver import serving
from tests.conftest import Clock
from tests.fakeslack import FakeSlack
from tests.slackhttp import HttpResult, SlackSender, block_action, view_submission
from tests.slackstate import state_from_initial

SECRET = "test-signing-secret"
EMPLOYEE = "U0EMPLOYEE"


@dataclass
class Bot:
    slack: FakeSlack
    send: SlackSender
    db: Database
    clock: Clock
    url: str

    def open_wizard(self, user_id: str = EMPLOYEE) -> Modal:
        before = len(self.slack.calls_to("views.open"))
        result = self.send.slash_command("", user_id=user_id)
        assert result.status == 200, result.text
        call = self.slack.wait_for("views.open", before + 1)[-1]
        return Modal(self, call.params["view"], f"VWIZARD{before + 1}", user_id)


@dataclass
class Modal:
    """The modal as Slack holds it on a person's screen, as they type, submit and click."""

    bot: Bot
    view: dict[str, Any]
    view_id: str
    user_id: str
    hash: str = "1.first"
    shown: list[dict[str, Any]] = field(default_factory=list)  # every view this modal has displayed

    def __post_init__(self) -> None:
        self.shown.append(self.view)

    @property
    def page(self) -> str:
        return str(self.view["callback_id"])

    def submit(self, typed: dict[str, dict[str, Any]] | None = None) -> HttpResult:
        values = state_from_initial(self.view, typed)
        payload = view_submission(
            self.view, values, user_id=self.user_id, view_id=self.view_id, root_view_id=self.view_id, hash=self.hash
        )
        result = self.bot.send.interactive(payload)
        assert result.status == 200, result.text
        answer = result.json() if result.body else {}
        if answer.get("response_action") == "update":
            self.view = answer["view"]
            self.shown.append(self.view)
        return result

    def click(self, action_id: str, typed: dict[str, dict[str, Any]] | None = None) -> None:
        before = len(self.bot.slack.calls_to("views.update"))
        values = state_from_initial(self.view, typed)
        view = {**self.view, "id": self.view_id, "hash": self.hash, "root_view_id": self.view_id}
        payload = block_action({"action_id": action_id}, view=view, values=values, user_id=self.user_id)
        result = self.bot.send.interactive(payload)
        assert result.status == 200, result.text
        call = self.bot.slack.wait_for("views.update", before + 1)[-1]
        assert call.params["view_id"] == self.view_id
        self.view = call.params["view"]
        self.shown.append(self.view)


def text(value: str | None) -> dict[str, Any]:
    return {"value": value}


def walk_wizard(modal: Modal, goal: str = "Lead a platform team") -> None:
    modal.submit(
        {
            ids.BLOCK_GOAL_KIND: {"selected_option": {"text": {"type": "plain_text", "text": "x"}, "value": "own"}},
            ids.BLOCK_GOAL_TEXT: text(goal),
            ids.BLOCK_GOAL_WORDS: text("June 2029"),
        }
    )
    assert modal.page == ids.VIEW_STEPS
    modal.submit(
        {
            "step_title_0": text("Senior engineer"),
            "step_words_0": text("Q3 2027"),
            "step_title_1": text("Staff engineer"),
            "step_date_1": {"selected_date": "2028-12-31"},
        }
    )
    assert modal.page == ids.VIEW_GAPS
    modal.submit({"gap_0": text("Leading design reviews"), "gap_1": text("Mentoring")})


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
        yield Bot(fake_slack, SlackSender(url + "/slack/events", SECRET), db, clock, url)
