"""The answer to Slack goes as soon as a listener acks, and the listener's work after its ack still happens.

A small Bolt app (process_before_response=True, as create_app builds it; its Web API client on the fake Slack)
with listeners registered through `after_ack`; each listener waits, after acking, for the test to say it has
the answer, so an answer held back until the listener's end would show as the listener timing out."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import urlencode

import pytest
from slack_bolt import Ack, App, BoltContext, BoltRequest, BoltResponse
from slack_sdk import WebClient

from bot.slack.listeners.handoff import after_ack, after_listener
from tests.fakeslack import FakeSlack

RELEASE_TIMEOUT = 5.0  # seconds a listener waits for the test: only reached when the answer was held back


class Listening:
    """What the listeners did, as the test sees it."""

    def __init__(self) -> None:
        self.answered = threading.Event()  # the test has the HTTP answer
        self.finished = threading.Event()  # the listener's work after its ack is done
        self.answered_first = False  # the answer was there while the listener was still working
        self.errors: list[Exception] = []

    def work_after_ack(self) -> None:
        self.answered_first = self.answered.wait(RELEASE_TIMEOUT)
        self.finished.set()


@pytest.fixture
def listening(fake_slack: FakeSlack) -> Iterator[tuple[App, Listening]]:
    app = App(
        client=WebClient(token="xoxb-test", base_url=fake_slack.url),
        signing_secret="secret",
        token_verification_enabled=False,
        request_verification_enabled=False,
        process_before_response=True,
    )
    seen = Listening()

    @app.error
    def failed(error: Exception) -> None:
        seen.errors.append(error)

    yield app, seen
    seen.answered.set()  # no listener outlives the test
    app.listener_runner.listener_executor.shutdown(wait=True)


def register(app: App, listen: Callable[..., Any], listener: Callable[..., None], *, auto_ack: bool = False) -> None:
    listen(
        after_ack(
            listener,
            lambda: app.listener_runner.listener_executor,
            lambda: app.listener_runner.listener_error_handler,
            auto_ack=auto_ack,
        )
    )


def dispatch(app: App, seen: Listening, body: str) -> BoltResponse:
    response = app.dispatch(BoltRequest(body=body, headers={"content-type": ["application/x-www-form-urlencoded"]}))
    seen.answered.set()
    return response


def command() -> str:
    return urlencode({"command": "/careerplan", "text": "", "user_id": "U1", "team_id": "T1", "trigger_id": "1.2.x"})


def submission() -> str:
    view = {"id": "V1", "type": "modal", "callback_id": "wizard.goal", "state": {"values": {}}}
    payload = {"type": "view_submission", "user": {"id": "U1"}, "team": {"id": "T1"}, "view": view}
    return urlencode({"payload": json.dumps(payload)})


def event() -> str:
    opened = {"type": "app_home_opened", "user": "U1"}
    return json.dumps({"type": "event_callback", "team_id": "T1", "event_id": "Ev1", "event": opened})


def test_the_ack_is_answered_while_the_work_after_it_goes_on(listening: tuple[App, Listening]) -> None:
    app, seen = listening

    def careerplan(ack: Ack, body: dict[str, Any]) -> None:
        ack(text=f"hello {body['user_id']}", response_type="ephemeral")
        seen.work_after_ack()

    register(app, app.command("/careerplan"), careerplan)
    response = dispatch(app, seen, command())

    assert response.status == 200
    assert json.loads(response.body) == {"text": "hello U1", "response_type": "ephemeral"}
    assert seen.finished.wait(RELEASE_TIMEOUT) and seen.answered_first
    assert seen.errors == []


def test_response_action_errors_are_the_answer_itself(listening: tuple[App, Listening]) -> None:
    app, seen = listening

    def submitted(ack: Ack) -> None:
        ack(response_action="errors", errors={"goal": "Say what you want to reach."})
        seen.work_after_ack()

    register(app, app.view_submission("wizard.goal"), submitted)
    response = dispatch(app, seen, submission())

    assert json.loads(response.body) == {"response_action": "errors", "errors": {"goal": "Say what you want to reach."}}
    assert seen.finished.wait(RELEASE_TIMEOUT) and seen.answered_first


def test_a_failure_after_the_ack_reaches_the_error_handler(listening: tuple[App, Listening]) -> None:
    app, seen = listening
    failure = RuntimeError("views.open failed")

    def careerplan(ack: Ack) -> None:
        ack()
        seen.work_after_ack()
        raise failure

    register(app, app.command("/careerplan"), careerplan)
    response = dispatch(app, seen, command())
    assert seen.finished.wait(RELEASE_TIMEOUT)
    app.listener_runner.listener_executor.shutdown(wait=True)

    assert response.status == 200 and seen.answered_first
    assert seen.errors == [failure]


def test_a_failure_before_the_ack_is_a_500_and_reaches_the_error_handler(listening: tuple[App, Listening]) -> None:
    app, seen = listening
    failure = RuntimeError("database unreachable")

    def careerplan(ack: Ack) -> None:
        raise failure

    register(app, app.command("/careerplan"), careerplan)
    response = dispatch(app, seen, command())

    assert response.status == 500
    assert seen.errors == [failure]


def test_an_event_is_answered_before_its_listener_runs_to_the_end(listening: tuple[App, Listening]) -> None:
    app, seen = listening
    opened: list[str] = []

    def home_opened(event: dict[str, Any]) -> None:
        opened.append(event["user"])
        seen.work_after_ack()

    register(app, app.event("app_home_opened"), home_opened, auto_ack=True)
    response = app.dispatch(BoltRequest(body=event(), headers={"content-type": ["application/json"]}))
    seen.answered.set()

    assert response.status == 200 and response.body == ""
    assert seen.finished.wait(RELEASE_TIMEOUT) and seen.answered_first
    assert opened == ["U1"]


def test_a_middlewares_work_for_later_waits_for_the_listeners_own(listening: tuple[App, Listening]) -> None:
    app, seen = listening
    done: list[str] = []

    @app.use
    def later(context: BoltContext, next_: Callable[[], BoltResponse]) -> BoltResponse:
        after_listener(context, lambda: done.append("the middleware's"))
        return next_()

    def careerplan(ack: Ack) -> None:
        ack()
        seen.work_after_ack()
        done.append("the listener's")

    register(app, app.command("/careerplan"), careerplan)
    dispatch(app, seen, command())
    app.listener_runner.listener_executor.shutdown(wait=True)

    assert seen.answered_first
    assert done == ["the listener's", "the middleware's"]
