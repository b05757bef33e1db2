"""Driving the running bot in tests: the real app served over HTTP, talking to a fake Slack, and what
people do to it (type a command, walk a modal, click a button in a DM) through signed requests.

The listener tests' fixtures (tests/bot/slack/listeners/conftest.py) build a `Bot`; the fault drills build
a `Running` app, which also collects every listener failure the app logs.
"""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from slack_bolt import App

from bot.career.lines import Line
from bot.settings import Settings
from bot.slack import ids
from bot.slack.app import create_app
from storage import lines as line_store
from storage.db import Database
from storage.people import find_person_id
from tests.botserver import let_listeners_finish, serving, wait_for_listeners
from tests.clock import Clock
from tests.fakeslack import TEAM_ID, Call, FakeSlack
from tests.slackhttp import HttpResult, SlackSender, block_action, view_submission
from tests.slackstate import state_from_initial

SECRET = "test-signing-secret"
EMPLOYEE = "U0EMPLOYEE"
BOSS = "U0BOSS"
STRANGER = "U0STRANGER"


@dataclass
class Bot:
    slack: FakeSlack
    send: SlackSender
    db: Database
    clock: Clock
    url: str
    app: App | None = None

    def settle(self) -> None:
        """Wait for the listeners still working after their ack, so that what they do shows (a DM, a file)."""
        if self.app is not None:
            let_listeners_finish(self.app)

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


# --- commands, DMs and buttons ------------------------------------------------------------------------


def eventually(check: Callable[[], bool], what: str, timeout: float = 5.0) -> None:
    """Wait for a listener's work after its ack (Bolt runs it on its own thread) to show: `check` true."""
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"{what} did not happen within {timeout} s")
        time.sleep(0.01)


def say(bot: Bot, text: str, user: str = EMPLOYEE) -> str:
    """Type a /careerplan command; the private answer Slack shows."""
    result = bot.send.slash_command(text, user_id=user)
    assert result.status == 200, result.text
    answer = result.json()
    assert answer["response_type"] == "ephemeral"
    return str(answer.get("text", "")) + str(answer.get("blocks", ""))


def calls(bot: Bot, method: str) -> int:
    return len(bot.slack.calls_to(method))


def dms_to(bot: Bot, user: str) -> list[Call]:
    return [c for c in bot.slack.calls_to("chat.postMessage") if c.params.get("channel") == user]


def next_dm(bot: Bot, user: str, seen: int) -> Call:
    """The first DM to `user` after the `seen` they had (the bot sends DMs after acknowledging)."""
    total = len(bot.slack.calls_to("chat.postMessage"))
    while len(dms_to(bot, user)) <= seen:
        bot.slack.wait_for("chat.postMessage", total + 1)  # fails the test after 5 s without one
        total += 1
    return dms_to(bot, user)[seen]


def after(bot: Bot, user: str, action: Callable[[], object]) -> Call:
    """Do `action`, and return the DM it sends to `user`."""
    seen = len(dms_to(bot, user))
    action()
    return next_dm(bot, user, seen)


def click(bot: Bot, message: Call, action_id: str, user: str, value: str | None = None) -> None:
    """`user` clicks a button of a message the bot sent (to them, or forwarded: `value` may be tampered)."""
    blocks = message.params["blocks"]
    action: dict[str, Any] = {"action_id": action_id}
    if value is not None:
        action["value"] = value
    payload = block_action(
        action,
        container="message",
        message={"ts": "1700000000.000100", "blocks": blocks, "text": message.params.get("text", "")},
        user_id=user,
        channel_id="D" + user,
    )
    assert bot.send.interactive(payload).status == 200


# --- reporting lines, as people make them in Slack ------------------------------------------------------


def line_of(bot: Bot, report: str = EMPLOYEE) -> Line | None:
    """The report's active line, as the database holds it."""
    with bot.db.session() as session:
        person = find_person_id(session, TEAM_ID, report)
        return None if person is None else line_store.active_line_of(session, person)


def make_manager(bot: Bot, manager: str = BOSS, report: str = EMPLOYEE) -> Line:
    """The report names the manager; the manager confirms in the DM; the report is asked about sharing."""
    request = after(bot, manager, lambda: say(bot, f"manager <@{manager}|boss>", report))
    published = calls(bot, "views.publish")
    after(bot, report, lambda: click(bot, request, ids.ACTION_LINE_CONFIRM, manager))
    # The confirmation ends by republishing the report's Home: wait for it, so that a test counting publishes
    # next (e.g. after Share) does not take this one for its own.
    bot.slack.wait_for("views.publish", published + 1)
    bot.settle()  # the managers' Homes are published after the report's
    line = line_of(bot, report)
    assert line is not None and line.manager == manager
    return line


# --- the app with its listener failures collected (fault drills) ----------------------------------------


class Failures(logging.Handler):
    """Every listener failure our app's error handler logs."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@dataclass
class Running:
    app: App
    send: SlackSender
    failures: Failures

    def settle(self) -> list[str]:
        """Wait for every listener still working after its ack; the failures they logged."""
        wait_for_listeners(self.app)
        return [record.getMessage() for record in self.failures.records]


@contextmanager
def running_bot(
    db: Database, clock: Clock, slack: FakeSlack | None = None, *, env: dict[str, str] | None = None
) -> Iterator[Running]:
    """The app served over HTTP against a fake Slack (`slack`, or one of its own), with every listener
    failure it logs collected; `env`, more settings (e.g. CAREERPLAN_WELCOME)."""
    failures = Failures()
    logger = logging.getLogger("careerplan")
    logger.addHandler(failures)
    try:
        with contextlib.ExitStack() as stack:
            fake = slack or stack.enter_context(FakeSlack())
            settings = Settings.from_env(
                {
                    "SLACK_BOT_TOKEN": "xoxb-test",
                    "SLACK_SIGNING_SECRET": SECRET,
                    "SLACK_API_URL": fake.url,
                    **(env or {}),
                }
            )
            app = create_app(settings, db, clock=clock)
            with serving(app) as url:
                yield Running(app, SlackSender(url + "/slack/events", SECRET), failures)
    finally:
        logger.removeHandler(failures)
